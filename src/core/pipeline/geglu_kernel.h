#pragma once
// GEGLU, the gate of the UNet transformers' feed-forward layers, on float32 buffers. Torch-free.
//
// Why: written as PyTorch ops (chunk, gelu, multiply) it reads the projection's output three times and
// writes two temporaries as large as the result, ~0.5 s of a 512x512 UNet step on 2 cores; one pass
// that reads each input once and writes the result once takes a fraction of that.
#include <cstdint>

namespace chiaro::core {

// For r < rows, j < width: out[r * width + j] = in[r * 2 * width + j] * gelu(in[r * 2 * width + width + j]),
// gelu(x) = x / 2 * (1 + erf(x / sqrt 2)), the exact GELU (PyTorch's default, approximate='none').
// The AVX2 loops evaluate erfc with a Chebyshev fit (relative error < 1.2e-7), the scalar loops
// std::erfc; both use erfc for negative x, so the small negative tail keeps its relative accuracy
// where 1 + erf would cancel. NaN propagates.
void gegluRows(const float* in, float* out, std::int64_t rows, std::int64_t width);

// Which loops gegluRows runs: "avx2" (x86-64 with AVX2 and FMA) or "scalar".
const char* gegluKernelVariant();

// Forces the scalar loops (tests compare both variants on the same machine).
void setGegluKernelForceScalar(bool forceScalar);

}  // namespace chiaro::core
