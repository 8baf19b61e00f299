// The one-pass GEGLU kernel against a double-precision evaluation of hidden * x/2 (1 + erf(x/sqrt 2)),
// for widths that hit every tail of the 8-lane loop, both loop variants, and the values that break
// approximations: zeros, the far tails, infinities and NaN.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "pipeline/geglu_kernel.h"

using namespace chiaro::core;

namespace {

double geluExact(double x) { return 0.5 * x * std::erfc(-x / std::sqrt(2.0)); }

// Rows of [hidden | gate], each half `width` long, gate values spread over [-spread, spread].
std::vector<float> randomRows(std::int64_t rows, std::int64_t width, float spread, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> gate(-spread, spread);
    std::normal_distribution<float> hidden(0.0f, 1.0f);
    std::vector<float> in(static_cast<std::size_t>(rows * 2 * width));
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t j = 0; j < width; ++j) {
            in[r * 2 * width + j] = hidden(rng);
            in[r * 2 * width + width + j] = gate(rng);
        }
    return in;
}

// Largest error relative to the size of the inputs: |got - want| / (|hidden| * max(1, |x|)).
double worstError(const std::vector<float>& in, const std::vector<float>& out, std::int64_t rows, std::int64_t width) {
    double worst = 0.0;
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t j = 0; j < width; ++j) {
            const double h = in[r * 2 * width + j], x = in[r * 2 * width + width + j];
            const double want = h * geluExact(x);
            const double scale = std::max(1e-30, std::abs(h) * std::max(1.0, std::abs(x)));
            worst = std::max(worst, std::abs(out[r * width + j] - want) / scale);
        }
    return worst;
}

struct ForceScalar {
    explicit ForceScalar(bool on) { setGegluKernelForceScalar(on); }
    ~ForceScalar() { setGegluKernelForceScalar(false); }
};

}  // namespace

TEST_CASE("GEGLU kernel matches the exact formula for every tail width", "[pipeline][geglu]") {
    const bool scalar = GENERATE(false, true);
    ForceScalar force(scalar);
    INFO("variant " << gegluKernelVariant());
    if (scalar) CHECK(std::string(gegluKernelVariant()) == "scalar");
    for (std::int64_t width : {1, 3, 7, 8, 9, 15, 16, 17, 40, 1283}) {
        const std::int64_t rows = 5;
        const auto in = randomRows(rows, width, 6.0f, static_cast<unsigned>(width));
        std::vector<float> out(static_cast<std::size_t>(rows * width), -7.0f);
        gegluRows(in.data(), out.data(), rows, width);
        INFO("width " << width);
        CHECK(worstError(in, out, rows, width) < 4e-7);
    }
}

TEST_CASE("GEGLU kernel keeps the relative accuracy of the negative tail", "[pipeline][geglu]") {
    // gelu(x) for x in [-9, -2] is small (down to ~1e-18): written as 1 + erf(x / sqrt 2) it would round
    // to exactly 0 below x ~ -5.9; both variants evaluate erfc instead.
    const std::int64_t width = 64;
    std::vector<float> in(2 * width);
    for (std::int64_t j = 0; j < width; ++j) {
        in[j] = 1.0f;
        in[width + j] = -2.0f - 7.0f * static_cast<float>(j) / (width - 1);
    }
    std::vector<float> vectorised(width), scalar(width);
    gegluRows(in.data(), vectorised.data(), 1, width);
    {
        ForceScalar force(true);
        gegluRows(in.data(), scalar.data(), 1, width);
    }
    for (std::int64_t j = 0; j < width; ++j) {
        const double want = geluExact(in[width + j]);
        INFO("x = " << in[width + j] << ", gelu = " << want);
        CHECK(vectorised[j] < 0.0f);
        // Rounding x / sqrt 2 to float alone moves erfc by ~x^2 * 6e-8 relative: that is the limit.
        const double tolerance = 4e-7 * (1.0 + in[width + j] * in[width + j]) * std::abs(want);
        CHECK(std::abs(vectorised[j] - want) <= tolerance);
        CHECK(std::abs(scalar[j] - want) <= tolerance);
    }
}

TEST_CASE("GEGLU kernel handles zeros, infinities and NaN like the formula", "[pipeline][geglu]") {
    const bool scalar = GENERATE(false, true);
    ForceScalar force(scalar);
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    // hidden | gate, 9 of each so the AVX2 variant runs one full register and one tail.
    const std::vector<float> hidden = {2.0f, 2.0f, -3.0f, 1.0f, nan, 1.0f, 0.0f, 4.0f, 1.0f};
    const std::vector<float> gate = {0.0f, -0.0f, 100.0f, -100.0f, 1.0f, nan, 5.0f, inf, 30.0f};
    std::vector<float> in(hidden);
    in.insert(in.end(), gate.begin(), gate.end());
    std::vector<float> out(9, -7.0f);
    gegluRows(in.data(), out.data(), 1, 9);
    CHECK(out[0] == 0.0f);
    CHECK(out[1] == 0.0f);
    CHECK(out[2] == -300.0f);
    CHECK(std::abs(out[3]) < 1e-30f);
    CHECK(std::isnan(out[4]));
    CHECK(std::isnan(out[5]));
    CHECK(out[6] == 0.0f);
    CHECK(out[7] == inf);
    CHECK(out[8] == 30.0f);
}
