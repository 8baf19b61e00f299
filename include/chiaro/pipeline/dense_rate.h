#pragma once
// The machine's dense compute rate through LibTorch, the denominator of the benchmark's floor
// (model FLOPs / rate). Torch-free interface; runs on the calling thread.
namespace chiaro::core {

struct DenseRate {
    double convGflops = 0.0;  // 3x3 conv 320->320, 64x64, batch 2 (the UNet's widest level), fp32
    double gemmGflops = 0.0;  // 2048x2048 by 2048x2048 matrix product, fp32
};

// Median of `repeats` timed calls each, after one warm-up. threads <= 0: all cores.
DenseRate measureDenseRate(int threads, int repeats);

}  // namespace chiaro::core
