// Beta schedules, alphas_cumprod, names and the img2img skip, checked against values computed
// independently (double-precision formulas, published constants), not against this code's output.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>

#include "chiaro/core/error.h"
#include "chiaro/sampling/noise_schedule.h"

using namespace chiaro::core;

namespace {

ErrorCode codeOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    return ErrorCode::Ok;
}

// prod(1 - beta_i) in double with the betas' textbook formula, for an independent comparison.
double referenceCumprod(const ScheduleConfig& c, int upTo) {
    double product = 1.0;
    for (int i = 0; i <= upTo; ++i) {
        const double f = static_cast<double>(i) / (c.trainTimesteps - 1);
        double beta = c.betaStart + f * (c.betaEnd - c.betaStart);
        if (c.betaSchedule == BetaSchedule::ScaledLinear) {
            const double root =
                std::sqrt(c.betaStart) + f * (std::sqrt(c.betaEnd) - std::sqrt(c.betaStart));
            beta = root * root;
        }
        product *= 1.0 - beta;
    }
    return product;
}

}  // namespace

TEST_CASE("sampler names round-trip and unknown names are usage errors", "[sampling]") {
    for (SamplerKind kind : {SamplerKind::DpmPp2mSdeKarras, SamplerKind::DpmPp2mKarras,
                             SamplerKind::EulerAncestral, SamplerKind::Ddim}) {
        CHECK(parseSamplerKind(samplerName(kind)) == kind);
    }
    CHECK(parseSamplerKind("dpmpp-2m-sde-karras") == SamplerKind::DpmPp2mSdeKarras);
    CHECK(parseSamplerKind("euler-a") == SamplerKind::EulerAncestral);
    CHECK(parseSamplerKind("ddim") == SamplerKind::Ddim);
    CHECK(codeOf([] { parseSamplerKind("euler"); }) == ErrorCode::Usage);
    CHECK(codeOf([] { parseSamplerKind(""); }) == ErrorCode::Usage);
}

TEST_CASE("IC-Light gives DDIM the scaled-linear betas and the others linear ones", "[sampling]") {
    CHECK(defaultBetaSchedule(SamplerKind::Ddim) == BetaSchedule::ScaledLinear);
    CHECK(defaultBetaSchedule(SamplerKind::DpmPp2mSdeKarras) == BetaSchedule::Linear);
    CHECK(defaultBetaSchedule(SamplerKind::DpmPp2mKarras) == BetaSchedule::Linear);
    CHECK(defaultBetaSchedule(SamplerKind::EulerAncestral) == BetaSchedule::Linear);
}

TEST_CASE("alphas_cumprod follows the closed-form product for both beta schedules", "[sampling]") {
    for (BetaSchedule schedule : {BetaSchedule::Linear, BetaSchedule::ScaledLinear}) {
        ScheduleConfig config;
        config.betaSchedule = schedule;
        const std::vector<float> ac = alphasCumprod(config);
        REQUIRE(ac.size() == 1000);
        CHECK(ac[0] == 1.0f - 0.00085f);  // the first beta is beta_start in both schedules
        for (size_t i = 1; i < ac.size(); ++i)
            REQUIRE(ac[i] < ac[i - 1]);
        for (int i : {1, 10, 250, 499, 500, 750, 999}) {
            const double expected = referenceCumprod(config, i);
            CHECK(std::abs(ac[static_cast<size_t>(i)] - expected) <= 2e-5 * expected);
        }
    }
}

TEST_CASE("the largest training sigma is 25.146 for linear betas and 14.615 for scaled linear",
          "[sampling]") {
    // The values ICLIGHT_PIPELINE.md and k-diffusion quote for SD1.5's two beta schedules.
    ScheduleConfig linear;
    CHECK(trainingSigmas(linear).back() == Approx(25.1461).epsilon(1e-5));
    ScheduleConfig scaled;
    scaled.betaSchedule = BetaSchedule::ScaledLinear;
    CHECK(trainingSigmas(scaled).back() == Approx(14.6146).epsilon(1e-5));
    CHECK(trainingSigmas(scaled).front() == Approx(0.0291675).epsilon(1e-5));
}

TEST_CASE("img2img skips steps - int(steps * strength) leading entries", "[sampling]") {
    CHECK(img2imgSkip(7, 0.9) == 1);   // fc_left pass 1: round(6 / 0.9) = 7 steps
    CHECK(img2imgSkip(12, 0.5) == 6);  // fc_left pass 2
    CHECK(img2imgSkip(10, 0.5) == 5);  // fbc_right pass 2
    CHECK(img2imgSkip(25, 1.0) == 0);
    CHECK(img2imgSkip(5, 0.0) == 5);
    CHECK(img2imgSkip(10, 0.7) == 3);  // 10 * 0.7 = 7.000000000000001 truncates to 7
    CHECK(img2imgSkip(10, 0.3) == 7);  // 10 * 0.3 = 3.0000000000000004 truncates to 3
    CHECK(img2imgSkip(3, 0.5) == 2);
    CHECK(codeOf([] { img2imgSkip(10, 1.5); }) == ErrorCode::Usage);
    CHECK(codeOf([] { img2imgSkip(10, -0.1); }) == ErrorCode::Usage);
    CHECK(codeOf([] { img2imgSkip(10, std::numeric_limits<double>::quiet_NaN()); }) ==
          ErrorCode::Usage);
}

TEST_CASE("bad schedule settings are usage errors", "[sampling]") {
    ScheduleConfig config;
    CHECK(codeOf([&] { makeTimetable(SamplerKind::Ddim, config, 0); }) == ErrorCode::Usage);
    CHECK(codeOf([&] { makeTimetable(SamplerKind::EulerAncestral, config, 1001); }) ==
          ErrorCode::Usage);
    ScheduleConfig zeroBeta;
    zeroBeta.betaStart = 0.0;
    CHECK(codeOf([&] { alphasCumprod(zeroBeta); }) == ErrorCode::Usage);
    ScheduleConfig reversed;
    reversed.betaStart = 0.02;
    reversed.betaEnd = 0.01;
    CHECK(codeOf([&] { makeTimetable(SamplerKind::DpmPp2mSdeKarras, reversed, 10); }) ==
          ErrorCode::Usage);
    ScheduleConfig tiny;
    tiny.trainTimesteps = 1;
    CHECK(codeOf([&] { alphasCumprod(tiny); }) == ErrorCode::Usage);
    ScheduleConfig nanBeta;
    nanBeta.betaEnd = std::numeric_limits<double>::quiet_NaN();
    CHECK(codeOf([&] { alphasCumprod(nanBeta); }) == ErrorCode::Usage);
}
