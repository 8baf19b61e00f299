// The fused attention kernel against a double-precision evaluation of softmax(scale q k^T) v, on the
// projections' interleaved-heads layout, for shapes that hit every tail (rows not a multiple of the
// register block, keys not a multiple of 16, value widths 8/16/24-column strips) and both loop variants.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "pipeline/attention_kernel.h"

using namespace chiaro::core;

namespace {

struct Case {
    int batch, heads, queries, keys, width, valueWidth;
};

struct Buffers {
    std::vector<float> q, k, v, out;
};

Buffers randomBuffers(const Case& c, unsigned seed, float spread) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, spread);
    Buffers b;
    b.q.resize(static_cast<std::size_t>(c.batch) * c.queries * c.heads * c.width);
    b.k.resize(static_cast<std::size_t>(c.batch) * c.keys * c.heads * c.width);
    b.v.resize(static_cast<std::size_t>(c.batch) * c.keys * c.heads * c.valueWidth);
    b.out.assign(static_cast<std::size_t>(c.batch) * c.queries * c.heads * c.valueWidth, -7.0f);
    for (auto* buffer : {&b.q, &b.k, &b.v})
        for (auto& x : *buffer) x = normal(rng);
    return b;
}

AttentionProblem problemFor(const Case& c, Buffers& b, float scale) {
    AttentionProblem p;
    p.q = b.q.data();
    p.k = b.k.data();
    p.v = b.v.data();
    p.out = b.out.data();
    p.batch = c.batch;
    p.heads = c.heads;
    p.queryTokens = c.queries;
    p.keyTokens = c.keys;
    p.headWidth = c.width;
    p.valueHeadWidth = c.valueWidth;
    p.qRowStride = p.kRowStride = c.heads * c.width;
    p.vRowStride = p.outRowStride = c.heads * c.valueWidth;
    p.qBatchStride = static_cast<std::ptrdiff_t>(c.queries) * p.qRowStride;
    p.kBatchStride = static_cast<std::ptrdiff_t>(c.keys) * p.kRowStride;
    p.vBatchStride = static_cast<std::ptrdiff_t>(c.keys) * p.vRowStride;
    p.outBatchStride = static_cast<std::ptrdiff_t>(c.queries) * p.outRowStride;
    p.scale = scale;
    return p;
}

// Largest |kernel - exact| over every output element.
double maxError(const Case& c, const Buffers& b, float scale) {
    double worst = 0.0;
    std::vector<double> weights(c.keys);
    for (int n = 0; n < c.batch; ++n)
        for (int h = 0; h < c.heads; ++h)
            for (int i = 0; i < c.queries; ++i) {
                const float* q = &b.q[(static_cast<std::size_t>(n) * c.queries + i) * c.heads * c.width + h * c.width];
                double m = -1e300;
                for (int j = 0; j < c.keys; ++j) {
                    const float* k = &b.k[(static_cast<std::size_t>(n) * c.keys + j) * c.heads * c.width + h * c.width];
                    double dot = 0.0;
                    for (int d = 0; d < c.width; ++d) dot += static_cast<double>(q[d]) * k[d];
                    weights[j] = dot * scale;
                    m = std::max(m, weights[j]);
                }
                double sum = 0.0;
                for (auto& w : weights) sum += (w = std::exp(w - m));
                for (int d = 0; d < c.valueWidth; ++d) {
                    double acc = 0.0;
                    for (int j = 0; j < c.keys; ++j)
                        acc += weights[j] * b.v[(static_cast<std::size_t>(n) * c.keys + j) * c.heads * c.valueWidth +
                                                h * c.valueWidth + d];
                    const float got = b.out[(static_cast<std::size_t>(n) * c.queries + i) * c.heads * c.valueWidth +
                                            h * c.valueWidth + d];
                    worst = std::max(worst, std::abs(acc / sum - got));
                }
            }
    return worst;
}

// Splits [0, count) in three uneven parts, like a thread pool would.
void threeWayParallel(std::int64_t count, const std::function<void(std::int64_t, std::int64_t)>& body) {
    const std::int64_t a = count / 3, b = count - count / 4;
    if (a > 0) body(0, a);
    if (b > a) body(a, b);
    if (count > b) body(b, count);
}

}  // namespace

TEST_CASE("fused attention equals softmax(scale q k^T) v for every tail shape", "[pipeline][attention]") {
    const bool forceScalar = GENERATE(false, true);
    setAttentionKernelForceScalar(forceScalar);
    const Case c = GENERATE(Case{2, 8, 70, 70, 40, 40},   // self-attention, rows % 6 and keys % 16 tails
                            Case{2, 8, 37, 77, 40, 40},   // cross-attention with CLIP's 77 tokens
                            Case{1, 2, 5, 300, 80, 80},   // value width 80 = 24 x 3 + 8
                            Case{1, 1, 9, 33, 160, 160},  // width 160 (SD1.5's deepest level)
                            Case{3, 3, 1, 1, 3, 5},       // one token, odd widths
                            Case{1, 4, 260, 20, 16, 16}); // more rows than one work item holds
    CAPTURE(forceScalar, c.batch, c.heads, c.queries, c.keys, c.width, c.valueWidth);
    Buffers b = randomBuffers(c, 1234u + static_cast<unsigned>(c.keys), 1.0f);
    const float scale = 1.0f / std::sqrt(static_cast<float>(c.width));
    fusedAttention(problemFor(c, b, scale), threeWayParallel);
    CHECK(maxError(c, b, scale) < 2e-5);
    setAttentionKernelForceScalar(false);
}

TEST_CASE("fused attention stays finite and exact with large logits", "[pipeline][attention]") {
    // Scores up to a few hundred: a naive exp would overflow; subtracting the row maximum must not.
    const Case c{1, 2, 12, 50, 24, 24};
    Buffers b = randomBuffers(c, 99u, 6.0f);
    fusedAttention(problemFor(c, b, 1.0f), threeWayParallel);
    for (float x : b.out) REQUIRE(std::isfinite(x));
    CHECK(maxError(c, b, 1.0f) < 1e-4);
}

TEST_CASE("fused attention rejects inconsistent problems", "[pipeline][attention]") {
    const Case c{1, 2, 4, 4, 8, 8};
    Buffers b = randomBuffers(c, 5u, 1.0f);
    AttentionProblem p = problemFor(c, b, 1.0f);
    p.keyTokens = 0;
    CHECK_THROWS_AS(fusedAttention(p, threeWayParallel), std::invalid_argument);
    p = problemFor(c, b, 1.0f);
    p.qRowStride = 8;  // two heads of 8 need 16
    CHECK_THROWS_AS(fusedAttention(p, threeWayParallel), std::invalid_argument);
    p = problemFor(c, b, 1.0f);
    p.v = nullptr;
    CHECK_THROWS_AS(fusedAttention(p, threeWayParallel), std::invalid_argument);
}

TEST_CASE("attention work items keep the score block bounded", "[pipeline][attention]") {
    CHECK(attentionRowBlock(4096) * 4096 <= 256 * 1024);
    CHECK(attentionRowBlock(9216) >= 4);
    CHECK(attentionRowBlock(77) == 256);
    CHECK(attentionRowBlock(4096) % 4 == 0);
}
