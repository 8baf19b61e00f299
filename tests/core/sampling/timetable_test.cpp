// Timetables against the parity traces (diffusers' own tables, recorded by the reference run) and
// against hand-derived values for the samplers the traces do not cover.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>

#include "chiaro/bundle/safetensors_file.h"
#include "chiaro/core/error.h"
#include "chiaro/sampling/noise_schedule.h"
#include "test_support.h"

using namespace chiaro::core;

namespace {

std::vector<float> floatsOf(const SafetensorsFile& file, const std::string& name) {
    const TensorView view = file.get(name);
    REQUIRE(view.dtype == TensorDType::F32);
    std::vector<float> values(static_cast<size_t>(view.numel()));
    std::memcpy(values.data(), view.data, view.bytes);
    return values;
}

// Distance in units in the last place between two finite floats of the same sign.
int64_t ulpDistance(float a, float b) {
    int32_t ia = 0;
    int32_t ib = 0;
    std::memcpy(&ia, &a, sizeof a);
    std::memcpy(&ib, &b, sizeof b);
    return std::llabs(static_cast<int64_t>(ia) - static_cast<int64_t>(ib));
}

struct TracePass {
    const char* job;
    const char* pass;
    int steps;
};

}  // namespace

TEST_CASE("DPM-Solver++ Karras timetables match the reference's tables in both parity traces",
          "[sampling]") {
    // fc_left: steps 6 at lowres_denoise 0.9 -> 7, highres_denoise 0.5 -> 12; fbc_right: 5 and 10.
    const TracePass passes[] = {{"fc_left", "pass1", 7},
                                {"fc_left", "pass2", 12},
                                {"fbc_right", "pass1", 5},
                                {"fbc_right", "pass2", 10}};
    for (const auto& p : passes) {
        INFO(p.job << " " << p.pass);
        const auto trace = SafetensorsFile::open(chiaro::test::sharedDir() + "/parity/" + p.job +
                                                 "/trace.safetensors");
        const std::vector<float> timesteps =
            floatsOf(trace, std::string(p.pass) + ".all_timesteps");
        const std::vector<float> sigmas = floatsOf(trace, std::string(p.pass) + ".all_sigmas");
        for (SamplerKind kind : {SamplerKind::DpmPp2mSdeKarras, SamplerKind::DpmPp2mKarras}) {
            const Timetable table = makeTimetable(kind, ScheduleConfig{}, p.steps);
            REQUIRE(table.timesteps.size() == timesteps.size());
            REQUIRE(table.sigmas.size() == sigmas.size());
            for (size_t i = 0; i < timesteps.size(); ++i)
                CHECK(table.timesteps[i] == timesteps[i]);
            for (size_t i = 0; i < sigmas.size(); ++i) {
                INFO("sigma " << i << ": " << table.sigmas[i] << " vs " << sigmas[i]);
                CHECK(ulpDistance(table.sigmas[i], sigmas[i]) <= 1);
            }
        }
    }
}

TEST_CASE("a 25-step Karras table runs from sigma_max to sigma_min on the rho-7 ramp",
          "[sampling]") {
    const std::vector<float> training = trainingSigmas(ScheduleConfig{});
    const Timetable table = makeTimetable(SamplerKind::DpmPp2mSdeKarras, ScheduleConfig{}, 25);
    REQUIRE(table.timesteps.size() == 25);
    REQUIRE(table.sigmas.size() == 26);
    CHECK(table.timesteps.front() == 999);
    CHECK(table.timesteps.back() == 0);
    CHECK(ulpDistance(table.sigmas.front(), training.back()) <= 1);  // (x^(1/7))^7 in double
    CHECK(ulpDistance(table.sigmas[24], training.front()) <= 1);
    CHECK(table.sigmas.back() == 0.0f);
    // sigma_i^(1/7) is evenly spaced between the two ends.
    const double top = std::pow(static_cast<double>(training.back()), 1.0 / 7.0);
    const double bottom = std::pow(static_cast<double>(training.front()), 1.0 / 7.0);
    for (int i = 0; i < 25; ++i) {
        const double expected = std::pow(top + (bottom - top) * i / 24.0, 7.0);
        CHECK(table.sigmas[static_cast<size_t>(i)] == Approx(expected).epsilon(1e-6));
        if (i > 0)
            CHECK(table.timesteps[static_cast<size_t>(i)] <=
                  table.timesteps[static_cast<size_t>(i) - 1]);
        // Each timestep is the training step whose sigma is nearest in log space (up to rounding).
        const auto t = static_cast<size_t>(table.timesteps[static_cast<size_t>(i)]);
        const double logSigma = std::log(expected);
        if (t > 0)
            CHECK(std::log(training[t - 1]) <= logSigma + 1e-6);
        if (t < 999)
            CHECK(std::log(training[t + 1]) >= logSigma - 1e-6);
    }
    CHECK(initNoiseSigma(SamplerKind::DpmPp2mSdeKarras, table) == 1.0);
}

TEST_CASE("Euler ancestral uses linspace timesteps and interpolated training sigmas",
          "[sampling]") {
    const std::vector<float> training = trainingSigmas(ScheduleConfig{});
    const Timetable four = makeTimetable(SamplerKind::EulerAncestral, ScheduleConfig{}, 4);
    REQUIRE(four.timesteps == std::vector<double>{999, 666, 333, 0});
    REQUIRE(four.sigmas.size() == 5);
    for (size_t i = 0; i < 4; ++i)
        CHECK(four.sigmas[i] == training[static_cast<size_t>(four.timesteps[i])]);
    CHECK(four.sigmas[4] == 0.0f);
    // init_noise_sigma is sigma_max itself with "linspace" spacing (about 25.146 for linear betas).
    CHECK(initNoiseSigma(SamplerKind::EulerAncestral, four) == Approx(25.1461).epsilon(1e-5));

    const Timetable three = makeTimetable(SamplerKind::EulerAncestral, ScheduleConfig{}, 3);
    REQUIRE(three.timesteps == std::vector<double>{999, 499.5, 0});
    const double midpoint = (static_cast<double>(training[499]) + training[500]) / 2.0;
    CHECK(three.sigmas[1] == Approx(midpoint).epsilon(1e-7));
}

TEST_CASE("DDIM uses leading spacing with steps_offset 1 and ends at alphas_cumprod[0]",
          "[sampling]") {
    ScheduleConfig config;
    config.betaSchedule = BetaSchedule::ScaledLinear;
    const Timetable fifty = makeTimetable(SamplerKind::Ddim, config, 50);
    REQUIRE(fifty.timesteps.size() == 50);
    for (int i = 0; i < 50; ++i)
        CHECK(fifty.timesteps[static_cast<size_t>(i)] == 981 - 20 * i);  // 981 ... 1
    const Timetable twenty = makeTimetable(SamplerKind::Ddim, config, 20);
    CHECK(twenty.timesteps.front() == 951);
    CHECK(twenty.timesteps.back() == 1);
    const std::vector<float> training = trainingSigmas(config);
    CHECK(twenty.sigmas[0] == training[951]);
    CHECK(twenty.sigmas.back() == training[0]);
    CHECK(initNoiseSigma(SamplerKind::Ddim, twenty) == 1.0);
    // 1000 steps with offset 1 would ask for timestep 1000, which the reference cannot index.
    try {
        makeTimetable(SamplerKind::Ddim, config, 1000);
        FAIL("expected a usage error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::Usage);
    }
}

TEST_CASE("a one-step timetable is valid for every sampler", "[sampling]") {
    for (SamplerKind kind : {SamplerKind::DpmPp2mSdeKarras, SamplerKind::DpmPp2mKarras,
                             SamplerKind::EulerAncestral, SamplerKind::Ddim}) {
        const Timetable table = makeTimetable(kind, ScheduleConfig{}, 1);
        CHECK(table.timesteps.size() == 1);
        CHECK(table.sigmas.size() == 2);
        for (float s : table.sigmas)
            CHECK(std::isfinite(s));
    }
}
