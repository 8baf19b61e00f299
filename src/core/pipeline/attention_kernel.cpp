#include "attention_kernel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "simd_math.h"

namespace chiaro::core {
namespace {

// Keys are packed in strips of this many keys: the AVX2 score loop produces 16 scores (two registers)
// per row and step. Value rows are padded to a multiple of 8 floats (one register).
constexpr int kColumns = 16;
// Score block per work item, in floats (1 MB: 64 rows at 4096 keys; larger blocks re-read K^T less often, measured 4% faster than 512 KB).
constexpr int kScoreBlockFloats = 256 * 1024;

std::atomic<bool> g_forceScalar{false};

int roundUp(int x, int multiple) { return (x + multiple - 1) / multiple * multiple; }

std::size_t stripOffset(int strip, int width) { return static_cast<std::size_t>(strip) * width * kColumns; }

// One head's keys and values, repacked: kt = K^T in strips of 16 keys, [keysPadded / 16][width][16]
// (each strip contiguous: a row-major K^T would put the width rows 16 KB apart at 4096 keys, all in
// one L1 set), and v = V [keys][valueWidthPadded]; zero in the padding, so no loop needs a tail.
struct PackedHead {
    const float* kt;
    const float* v;
};

struct Layout {
    int keysPadded;
    int valueWidthPadded;
    std::size_t ktFloats;
    std::size_t headFloats;
};

Layout layoutFor(const AttentionProblem& p) {
    Layout l{};
    l.keysPadded = roundUp(p.keyTokens, kColumns);
    l.valueWidthPadded = roundUp(p.valueHeadWidth, 8);
    l.ktFloats = static_cast<std::size_t>(p.headWidth) * l.keysPadded;
    l.headFloats = l.ktFloats + static_cast<std::size_t>(p.keyTokens) * l.valueWidthPadded;
    return l;
}

void packHead(const AttentionProblem& p, const Layout& l, int b, int h, float* dst) {
    const float* k = p.k + b * p.kBatchStride + static_cast<std::ptrdiff_t>(h) * p.headWidth;
    const float* v = p.v + b * p.vBatchStride + static_cast<std::ptrdiff_t>(h) * p.valueHeadWidth;
    float* kt = dst;
    std::fill(kt, kt + l.ktFloats, 0.0f);
    for (int j = 0; j < p.keyTokens; ++j) {
        const float* row = k + j * p.kRowStride;
        float* strip = kt + stripOffset(j / kColumns, p.headWidth) + j % kColumns;
        for (int d = 0; d < p.headWidth; ++d) strip[d * kColumns] = row[d];
    }
    float* vp = dst + l.ktFloats;
    for (int j = 0; j < p.keyTokens; ++j) {
        const float* row = v + j * p.vRowStride;
        float* out = vp + static_cast<std::size_t>(j) * l.valueWidthPadded;
        std::copy(row, row + p.valueHeadWidth, out);
        std::fill(out + p.valueHeadWidth, out + l.valueWidthPadded, 0.0f);
    }
}

// ---- portable loops (any CPU; also the reference the AVX2 loops are tested against) ----

void scoresScalar(const float* q, std::ptrdiff_t qStride, int rows, const float* kt, int width,
                  int keysPadded, float scale, float* scores) {
    for (int r = 0; r < rows; ++r) {
        for (int j = 0; j < keysPadded; j += kColumns) {
            float acc[kColumns] = {};
            const float* strip = kt + stripOffset(j / kColumns, width);
            for (int d = 0; d < width; ++d) {
                const float a = q[r * qStride + d];
                for (int c = 0; c < kColumns; ++c) acc[c] += a * strip[d * kColumns + c];
            }
            float* out = scores + static_cast<std::size_t>(r) * keysPadded + j;
            for (int c = 0; c < kColumns; ++c) out[c] = acc[c] * scale;
        }
    }
}

// exp(x - max) in place over the first `keys` columns; returns 1 / sum.
float softmaxRowScalar(float* row, int keys) {
    float m = -std::numeric_limits<float>::infinity();
    for (int j = 0; j < keys; ++j) m = std::max(m, row[j]);
    float sum = 0.0f;
    for (int j = 0; j < keys; ++j) {
        row[j] = std::exp(row[j] - m);
        sum += row[j];
    }
    return 1.0f / sum;
}

void weightedSumScalar(const float* probs, int rows, int keys, int keysPadded, const float* v,
                       int valueWidth, int valueWidthPadded, const float* invSum, float* out,
                       std::ptrdiff_t outStride) {
    std::vector<float> acc(valueWidth);
    for (int r = 0; r < rows; ++r) {
        std::fill(acc.begin(), acc.end(), 0.0f);
        const float* p = probs + static_cast<std::size_t>(r) * keysPadded;
        for (int j = 0; j < keys; ++j) {
            const float pj = p[j];
            const float* vj = v + static_cast<std::size_t>(j) * valueWidthPadded;
            for (int c = 0; c < valueWidth; ++c) acc[c] += pj * vj[c];
        }
        for (int c = 0; c < valueWidth; ++c) out[r * outStride + c] = acc[c] * invSum[r];
    }
}

#if CHIARO_SIMD_AVX2
// ---- AVX2 + FMA loops: 4 query rows x 16 columns of accumulators per step ----

// R query rows x 16 keys of scores: 2R accumulators (R = 6 keeps 12 of the 16 registers busy,
// enough independent FMAs to hide their latency), one 16-key strip of K^T streamed from L1.
template <int R>
CHIARO_AVX2 inline void scoresBlock(const float* q, std::ptrdiff_t qStride, const float* strip, int width,
                                    __m256 scale, float* out, int outStride) {
    __m256 acc[R][2];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    for (int d = 0; d < width; ++d) {
        const __m256 k0 = _mm256_loadu_ps(strip + d * kColumns);
        const __m256 k1 = _mm256_loadu_ps(strip + d * kColumns + 8);
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
            const __m256 b = _mm256_broadcast_ss(q + r * qStride + d);
            acc[r][0] = _mm256_fmadd_ps(b, k0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(b, k1, acc[r][1]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
        _mm256_storeu_ps(out + r * outStride, _mm256_mul_ps(acc[r][0], scale));
        _mm256_storeu_ps(out + r * outStride + 8, _mm256_mul_ps(acc[r][1], scale));
    }
}

CHIARO_AVX2 void scoresAvx2(const float* q, std::ptrdiff_t qStride, int rows, const float* kt, int width,
                            int keysPadded, float scale, float* scores) {
    const __m256 s = _mm256_set1_ps(scale);
    for (int j = 0; j < keysPadded; j += kColumns) {
        const float* strip = kt + stripOffset(j / kColumns, width);
        int r = 0;
        for (; r + 6 <= rows; r += 6)
            scoresBlock<6>(q + r * qStride, qStride, strip, width, s, scores + static_cast<std::size_t>(r) * keysPadded + j, keysPadded);
        for (; r < rows; ++r)
            scoresBlock<1>(q + r * qStride, qStride, strip, width, s, scores + static_cast<std::size_t>(r) * keysPadded + j, keysPadded);
    }
}

CHIARO_AVX2 float horizontalMax(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}

CHIARO_AVX2 float horizontalSum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

CHIARO_AVX2 float softmaxRowAvx2(float* row, int keys) {
    const int full = keys / 8 * 8;
    float m = -std::numeric_limits<float>::infinity();
    if (full > 0) {
        __m256 mv = _mm256_loadu_ps(row);
        for (int j = 8; j < full; j += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(row + j));
        m = horizontalMax(mv);
    }
    for (int j = full; j < keys; ++j) m = std::max(m, row[j]);
    const __m256 mv = _mm256_set1_ps(m);
    __m256 sv = _mm256_setzero_ps();
    for (int j = 0; j < full; j += 8) {
        const __m256 e = simd::exp256(_mm256_sub_ps(_mm256_loadu_ps(row + j), mv));
        _mm256_storeu_ps(row + j, e);
        sv = _mm256_add_ps(sv, e);
    }
    float sum = horizontalSum(sv);
    for (int j = full; j < keys; ++j) {
        row[j] = std::exp(row[j] - m);
        sum += row[j];
    }
    return 1.0f / sum;
}

// R rows x 8V output columns of probs . V: R*V accumulators (4 x 3 = 12), one broadcast per row and
// key, V loads of the value row. `columns` < 8V writes only the head's real columns.
template <int R, int V>
CHIARO_AVX2 inline void weightedSumBlock(const float* probs, int keysPadded, int keys, const float* v,
                                         int vStride, const float* invSum, float* out,
                                         std::ptrdiff_t outStride, int columns) {
    __m256 acc[R][V];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
        for (int c = 0; c < V; ++c) acc[r][c] = _mm256_setzero_ps();
    for (int j = 0; j < keys; ++j) {
        __m256 vj[V];
        const float* vrow = v + static_cast<std::size_t>(j) * vStride;
#pragma GCC unroll 4
        for (int c = 0; c < V; ++c) vj[c] = _mm256_loadu_ps(vrow + 8 * c);
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
            const __m256 b = _mm256_broadcast_ss(probs + static_cast<std::size_t>(r) * keysPadded + j);
#pragma GCC unroll 4
            for (int c = 0; c < V; ++c) acc[r][c] = _mm256_fmadd_ps(b, vj[c], acc[r][c]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
        const __m256 s = _mm256_set1_ps(invSum[r]);
        alignas(32) float tmp[8 * V];
#pragma GCC unroll 4
        for (int c = 0; c < V; ++c) _mm256_store_ps(tmp + 8 * c, _mm256_mul_ps(acc[r][c], s));
        std::copy(tmp, tmp + std::min(columns, 8 * V), out + r * outStride);
    }
}

template <int V>
CHIARO_AVX2 void weightedSumColumns(const float* probs, int rows, int keys, int keysPadded, const float* v,
                                    int vStride, const float* invSum, float* out, std::ptrdiff_t outStride,
                                    int columns) {
    int r = 0;
    for (; r + 4 <= rows; r += 4)
        weightedSumBlock<4, V>(probs + static_cast<std::size_t>(r) * keysPadded, keysPadded, keys, v, vStride,
                               invSum + r, out + r * outStride, outStride, columns);
    for (; r < rows; ++r)
        weightedSumBlock<1, V>(probs + static_cast<std::size_t>(r) * keysPadded, keysPadded, keys, v, vStride,
                               invSum + r, out + r * outStride, outStride, columns);
}

CHIARO_AVX2 void weightedSumAvx2(const float* probs, int rows, int keys, int keysPadded, const float* v,
                                 int valueWidth, int valueWidthPadded, const float* invSum, float* out,
                                 std::ptrdiff_t outStride) {
    // Strips of 24 columns, then one of 8 or 16 (value widths are padded to a multiple of 8).
    int c = 0;
    for (; c + 24 <= valueWidthPadded; c += 24)
        weightedSumColumns<3>(probs, rows, keys, keysPadded, v + c, valueWidthPadded, invSum, out + c,
                              outStride, valueWidth - c);
    if (valueWidthPadded - c == 16)
        weightedSumColumns<2>(probs, rows, keys, keysPadded, v + c, valueWidthPadded, invSum, out + c,
                              outStride, valueWidth - c);
    else if (valueWidthPadded - c == 8)
        weightedSumColumns<1>(probs, rows, keys, keysPadded, v + c, valueWidthPadded, invSum, out + c,
                              outStride, valueWidth - c);
}

#endif

bool useAvx2() { return simd::avx2Enabled(g_forceScalar); }

void attendRows(const AttentionProblem& p, const Layout& l, const PackedHead& head, const float* q,
                int rows, float* out, float* scores, float* invSum, bool avx2) {
#if CHIARO_SIMD_AVX2
    if (avx2) {
        scoresAvx2(q, p.qRowStride, rows, head.kt, p.headWidth, l.keysPadded, p.scale, scores);
        for (int r = 0; r < rows; ++r)
            invSum[r] = softmaxRowAvx2(scores + static_cast<std::size_t>(r) * l.keysPadded, p.keyTokens);
        weightedSumAvx2(scores, rows, p.keyTokens, l.keysPadded, head.v, p.valueHeadWidth,
                        l.valueWidthPadded, invSum, out, p.outRowStride);
        return;
    }
#else
    (void)avx2;
#endif
    scoresScalar(q, p.qRowStride, rows, head.kt, p.headWidth, l.keysPadded, p.scale, scores);
    for (int r = 0; r < rows; ++r)
        invSum[r] = softmaxRowScalar(scores + static_cast<std::size_t>(r) * l.keysPadded, p.keyTokens);
    weightedSumScalar(scores, rows, p.keyTokens, l.keysPadded, head.v, p.valueHeadWidth,
                      l.valueWidthPadded, invSum, out, p.outRowStride);
}

void validate(const AttentionProblem& p) {
    if (!p.q || !p.k || !p.v || !p.out)
        throw std::invalid_argument("attention: null buffer");
    if (p.batch <= 0 || p.heads <= 0 || p.queryTokens <= 0 || p.keyTokens <= 0 || p.headWidth <= 0 ||
        p.valueHeadWidth <= 0)
        throw std::invalid_argument("attention: empty problem (batch " + std::to_string(p.batch) +
                                    ", heads " + std::to_string(p.heads) + ", tokens " +
                                    std::to_string(p.queryTokens) + "x" + std::to_string(p.keyTokens) + ")");
    if (p.qRowStride < static_cast<std::ptrdiff_t>(p.heads) * p.headWidth ||
        p.kRowStride < static_cast<std::ptrdiff_t>(p.heads) * p.headWidth ||
        p.vRowStride < static_cast<std::ptrdiff_t>(p.heads) * p.valueHeadWidth ||
        p.outRowStride < static_cast<std::ptrdiff_t>(p.heads) * p.valueHeadWidth)
        throw std::invalid_argument("attention: row stride smaller than heads x width");
}

}  // namespace

int attentionRowBlock(int keyTokens) {
    const int rows = kScoreBlockFloats / roundUp(std::max(1, keyTokens), kColumns);
    return std::clamp(rows / 4 * 4, 4, 256);
}

const char* attentionKernelVariant() { return useAvx2() ? "avx2" : "scalar"; }

void setAttentionKernelForceScalar(bool forceScalar) { g_forceScalar.store(forceScalar); }

void fusedAttention(const AttentionProblem& p, const ParallelFor& parallelFor) {
    validate(p);
    const Layout l = layoutFor(p);
    const int heads = p.batch * p.heads;
    std::vector<float> packed(l.headFloats * heads);
    parallelFor(heads, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i)
            packHead(p, l, static_cast<int>(i / p.heads), static_cast<int>(i % p.heads),
                     packed.data() + l.headFloats * i);
    });

    const int rowBlock = attentionRowBlock(p.keyTokens);
    const int blocks = (p.queryTokens + rowBlock - 1) / rowBlock;
    const bool avx2 = useAvx2();
    parallelFor(static_cast<std::int64_t>(heads) * blocks, [&](std::int64_t begin, std::int64_t end) {
        std::vector<float> scores(static_cast<std::size_t>(rowBlock) * l.keysPadded);
        std::vector<float> invSum(rowBlock);
        for (std::int64_t task = begin; task < end; ++task) {
            const int head = static_cast<int>(task / blocks);
            const int row0 = static_cast<int>(task % blocks) * rowBlock;
            const int rows = std::min(rowBlock, p.queryTokens - row0);
            const int b = head / p.heads, h = head % p.heads;
            const float* base = packed.data() + l.headFloats * head;
            const PackedHead packedHead{base, base + l.ktFloats};
            const float* q = p.q + b * p.qBatchStride + row0 * p.qRowStride +
                             static_cast<std::ptrdiff_t>(h) * p.headWidth;
            float* out = p.out + b * p.outBatchStride + row0 * p.outRowStride +
                         static_cast<std::ptrdiff_t>(h) * p.valueHeadWidth;
            attendRows(p, l, packedHead, q, rows, out, scores.data(), invSum.data(), avx2);
        }
    });
}

}  // namespace chiaro::core
