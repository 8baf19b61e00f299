// The lcm / tcd timetables (diffusers' LCMScheduler / TCDScheduler set_timesteps) against values
// derived by hand, the sampler names, and the job fields and presets that go with them.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include <opencv2/core.hpp>

#include "chiaro/core/error.h"
#include "chiaro/pipeline/presets.h"
#include "chiaro/pipeline/relight_job.h"
#include "chiaro/sampling/noise_schedule.h"

using namespace chiaro::core;

namespace {

ScheduleConfig scaledLinear() {
    ScheduleConfig config;
    config.betaSchedule = BetaSchedule::ScaledLinear;
    return config;
}

std::vector<double> timestepsOf(int steps, double strength) {
    return fewStepTimetable(scaledLinear(), steps, strength).timesteps;
}

ErrorCode codeOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.code();
    }
    return ErrorCode::Ok;
}

RelightJob validJob() {
    RelightJob job;
    job.image = cv::Mat(640, 512, CV_8UC3, cv::Scalar::all(100));
    job.width = 512;
    job.height = 640;
    job.light.direction = LightDirection::normalized(90, 0);
    return job;
}

}  // namespace

// By hand: T = 1000, original_inference_steps 50, so k = 1000 // 50 = 20 and the distillation
// schedule is 20*i - 1 for i = 1..50 = 19, 39, ..., 999. Reversed, entry j is 999 - 20j. The
// inference entries are j = floor(linspace(0, 50, n, endpoint=False)):
//   n = 4: 0, 12.5, 25, 37.5          -> j 0, 12, 25, 37         -> 999, 759, 499, 259
//   n = 6: 0, 8.33, 16.67, 25, 33.3, 41.7 -> j 0, 8, 16, 25, 33, 41 -> 999, 839, 679, 499, 339, 179
//   n = 1: 999
TEST_CASE("lcm and tcd timetables follow LCMScheduler.set_timesteps", "[sampling][few-step]") {
    CHECK(timestepsOf(4, 1.0) == std::vector<double>{999, 759, 499, 259});
    CHECK(timestepsOf(6, 1.0) == std::vector<double>{999, 839, 679, 499, 339, 179});
    CHECK(timestepsOf(1, 1.0) == std::vector<double>{999});
    CHECK(timestepsOf(50, 1.0).back() == 19);
    // makeTimetable gives the same full-strength table for both kinds.
    CHECK(makeTimetable(SamplerKind::Lcm, scaledLinear(), 4).timesteps == timestepsOf(4, 1.0));
    CHECK(makeTimetable(SamplerKind::Tcd, scaledLinear(), 6).timesteps == timestepsOf(6, 1.0));
}

// Strength truncates the distillation schedule: int(50 * strength) entries 19, 39, ...
//   0.5, n = 4: 25 entries, largest 499; j = floor(linspace(0, 25, 4, endpoint=False)) = 0, 6, 12,
//     18 (6.25, 12.5, 18.75 floored) -> 499, 379, 259, 139
//   0.9, n = 6: int(45.00000000000001) = 45 entries, largest 899; j = 0, 7, 15, 22, 30, 37 (steps
//     of 7.5) -> 899, 759, 599, 459, 299, 159
TEST_CASE("lcm img2img truncates the distillation schedule by the strength",
          "[sampling][few-step]") {
    CHECK(timestepsOf(4, 0.5) == std::vector<double>{499, 379, 259, 139});
    CHECK(timestepsOf(6, 0.9) == std::vector<double>{899, 759, 599, 459, 299, 159});
    // 25 entries at 0.5 hold at most 25 steps (skipping_step 25 // 25 = 1); 26 is refused.
    CHECK(timestepsOf(25, 0.5).size() == 25);
    CHECK(codeOf([] { timestepsOf(26, 0.5); }) == ErrorCode::Usage);
    // strength 0.1: int(5.000000000000001) = 5 entries, 5 // 6 = 0 -> the reference's ValueError.
    CHECK(codeOf([] { timestepsOf(6, 0.1); }) == ErrorCode::Usage);
    CHECK(codeOf([] { timestepsOf(51, 1.0); }) == ErrorCode::Usage);
    CHECK(codeOf([] { timestepsOf(0, 1.0); }) == ErrorCode::Usage);
    CHECK(codeOf([] { timestepsOf(4, 0.0); }) == ErrorCode::Usage);
    CHECK(codeOf([] { timestepsOf(4, 1.5); }) == ErrorCode::Usage);
}

TEST_CASE("lcm timetable sigmas are the training sigmas at its timesteps, then 0",
          "[sampling][few-step]") {
    const Timetable table = fewStepTimetable(scaledLinear(), 4, 0.5);
    const std::vector<float> sigmas = trainingSigmas(scaledLinear());
    REQUIRE(table.sigmas.size() == 5);
    for (size_t i = 0; i < 4; ++i)
        CHECK(table.sigmas[i] == sigmas[static_cast<size_t>(table.timesteps[i])]);
    CHECK(table.sigmas.back() == 0.0f);
}

TEST_CASE("lcm and tcd names round-trip and take SD's scaled_linear betas",
          "[sampling][few-step]") {
    for (SamplerKind kind : allSamplerKinds())
        CHECK(parseSamplerKind(samplerName(kind)) == kind);
    CHECK(allSamplerKinds().size() == 6);
    CHECK(samplerName(SamplerKind::Lcm) == "lcm");
    CHECK(samplerName(SamplerKind::Tcd) == "tcd");
    CHECK(parseSamplerKind("tcd") == SamplerKind::Tcd);
    CHECK(defaultBetaSchedule(SamplerKind::Lcm) == BetaSchedule::ScaledLinear);
    CHECK(defaultBetaSchedule(SamplerKind::Tcd) == BetaSchedule::ScaledLinear);
    CHECK(defaultBetaSchedule(SamplerKind::DpmPp2mSdeKarras) == BetaSchedule::Linear);
    CHECK(isFewStepSampler(SamplerKind::Lcm));
    CHECK(isFewStepSampler(SamplerKind::Tcd));
    CHECK_FALSE(isFewStepSampler(SamplerKind::Ddim));
    CHECK(codeOf([] { parseSamplerKind("lcm-karras"); }) == ErrorCode::Usage);
}

TEST_CASE("tcd gamma and highres steps round-trip through the job JSON", "[sampling][few-step]") {
    RelightJob job;
    job.sampler = SamplerKind::Tcd;
    job.tcdGamma = 0.55;
    job.highresSteps = 7;
    const nlohmann::json json = jobToJson(job);
    CHECK(json.at("tcd_gamma") == 0.55);
    CHECK(json.at("highres_steps") == 7);
    CHECK(json.at("sampler") == "tcd");
    RelightJob back;
    jobFromJson(json, back);
    CHECK(back.sampler == SamplerKind::Tcd);
    CHECK(back.tcdGamma == 0.55);
    CHECK(back.highresSteps == 7);
    // Jobs written before these fields keep the defaults.
    RelightJob old;
    jobFromJson(nlohmann::json{{"steps", 20}}, old);
    CHECK(old.tcdGamma == kDefaultTcdGamma);
    CHECK(old.highresSteps == 0);
    CHECK(codeOf([] {
              RelightJob j;
              jobFromJson(nlohmann::json{{"tcd_gamma", "high"}}, j);
          }) == ErrorCode::BadInput);
}

TEST_CASE("validateJob checks the tcd gamma, the highres steps and the few-step limit",
          "[sampling][few-step]") {
    RelightJob job = validJob();
    CHECK_NOTHROW(validateJob(job, "fc"));
    for (double gamma : {-0.01, 1.01, std::nan("")}) {
        RelightJob bad = job;
        bad.tcdGamma = gamma;
        CHECK(codeOf([&] { validateJob(bad, "fc"); }) == ErrorCode::Usage);
    }
    for (double gamma : {0.0, 1.0}) {
        RelightJob edge = job;
        edge.tcdGamma = gamma;
        CHECK_NOTHROW(validateJob(edge, "fc"));
    }
    RelightJob highres = job;
    highres.highresSteps = -1;
    CHECK(codeOf([&] { validateJob(highres, "fc"); }) == ErrorCode::Usage);
    highres.highresSteps = 501;
    CHECK(codeOf([&] { validateJob(highres, "fc"); }) == ErrorCode::Usage);
    RelightJob lcm = job;
    lcm.sampler = SamplerKind::Lcm;
    lcm.steps = 50;
    CHECK_NOTHROW(validateJob(lcm, "fc"));
    lcm.steps = 51;
    CHECK(codeOf([&] { validateJob(lcm, "fc"); }) == ErrorCode::Usage);
    lcm.steps = 6;
    lcm.highresSteps = 60;
    CHECK(codeOf([&] { validateJob(lcm, "fc"); }) == ErrorCode::Usage);
}

TEST_CASE("the Fast preset sets the sampler settings and keeps the rest", "[sampling][few-step]") {
    RelightJob job = validJob();
    job.prompt = "a vase";
    job.seed = 99;
    job.highresScale = 1.25;
    job.betaSchedule = BetaSchedule::Linear;
    const RelightJob fast = applyFastPreset(job);
    CHECK(fast.sampler == SamplerKind::Lcm);
    CHECK(fast.steps == 6);
    CHECK(fast.cfg == 1.2);
    CHECK(fast.highresSteps == 4);
    CHECK_FALSE(fast.betaSchedule.has_value());
    CHECK(fast.prompt == "a vase");
    CHECK(fast.seed == 99);
    CHECK(fast.highresScale == 1.25);
    CHECK(fast.width == 512);
    CHECK(isFastPreset(fast));
    CHECK_FALSE(isFastPreset(job));
    CHECK(isFastPreset(applyNamedPreset("fast", job)));
    CHECK(applyNamedPreset("default", job).steps == job.steps);
    CHECK(codeOf([&] { applyNamedPreset("turbo", job); }) == ErrorCode::Usage);
    CHECK_NOTHROW(validateJob(fast, "fc"));
    // The infotext records the second pass's own steps.
    CHECK(jobInfotext(fast, 512, 640, "0123456789ab").find("Hires steps: 4") != std::string::npos);
}
