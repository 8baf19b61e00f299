#pragma once
// CPU thread settings of the diffusion engine.
//
// LibTorch runs its own kernels and oneDNN on an OpenMP pool, but its matrix products go to OpenBLAS,
// which keeps a second pool of pthreads. After each call OpenBLAS's workers spin for ~2^28 cycles
// (about 0.1 s) before they sleep, and OpenMP's workers spin after each parallel region; on a machine
// with few cores the two pools then take the cores from each other at every switch between a GEMM and
// the ops around it. On the 2-core development machine a 512x512 UNet step ran ~10% slower for it.

namespace chiaro::core {

// Once per process: makes OpenBLAS's idle workers sleep after ~2^4 cycles of spinning instead of
// ~2^28, unless the user set OPENBLAS_THREAD_TIMEOUT. Only acts when the OpenBLAS in the process is
// the pthreads build that exposes its thread-server symbols (Debian's libopenblas0-pthread); other
// BLAS libraries are left alone. Calls setenv, so call it early, before other threads start (the CLI
// and the app do so at the top of main); later calls are no-ops. Returns whether the limit applies.
bool limitBlasThreadSpinning();

// Sets LibTorch's intra-op thread count (threads <= 0: the machine's hardware threads) and applies
// limitBlasThreadSpinning().
void setComputeThreads(int threads);

}  // namespace chiaro::core
