#pragma once
// Fused multi-head softmax attention on float32 buffers, Torch-free.
//
// Why: on CPU the UNet's self-attention at 64x64 latents (4096 tokens, 8 heads of 40) spent most of
// its time moving 4096x4096 score matrices through memory (bmm -> scale -> softmax -> bmm: ~4 GB of
// traffic per layer). This kernel computes a block of query rows at a time, so the scores of a block
// stay in the L2 cache, and reads/writes the projections in their token-major layout
// ([batch, tokens, heads * width]), which removes the head split/merge copies as well.
#include <cstddef>
#include <cstdint>
#include <functional>

namespace chiaro::core {

// One attention call: out = softmax(scale * q k^T) v per batch item and head.
// Row r of head h of batch item b starts at base + b * batchStride + r * rowStride + h * width.
struct AttentionProblem {
    const float* q = nullptr;
    const float* k = nullptr;
    const float* v = nullptr;
    float* out = nullptr;
    int batch = 0;
    int heads = 0;
    int queryTokens = 0;
    int keyTokens = 0;
    int headWidth = 0;       // q/k width per head
    int valueHeadWidth = 0;  // v/out width per head
    std::ptrdiff_t qRowStride = 0, kRowStride = 0, vRowStride = 0, outRowStride = 0;
    std::ptrdiff_t qBatchStride = 0, kBatchStride = 0, vBatchStride = 0, outBatchStride = 0;
    float scale = 1.0f;
};

// Runs body(begin, end) over [0, count) on the caller's thread pool (at::parallel_for in the engine;
// a plain loop in Torch-free tests).
using ParallelFor = std::function<void(std::int64_t count,
                                       const std::function<void(std::int64_t, std::int64_t)>& body)>;

// Computes problem.out. Throws std::invalid_argument on inconsistent sizes.
void fusedAttention(const AttentionProblem& problem, const ParallelFor& parallelFor);

// Query rows per work item for a given number of key tokens (keeps the score block ~256 KB).
int attentionRowBlock(int keyTokens);

// Which inner loops run: "avx2" (x86-64 with AVX2 and FMA) or "scalar".
const char* attentionKernelVariant();

// Forces the scalar inner loops (tests compare both variants on the same machine).
void setAttentionKernelForceScalar(bool forceScalar);

}  // namespace chiaro::core
