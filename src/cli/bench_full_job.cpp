// `bench --full-job`: the default fc job (IC-Light's settings: 25 steps, CFG 2, the 1.5x
// high-resolution pass) and the same job with the Fast preset (lcm, 6 steps, CFG 1.2, 4
// high-resolution steps), end to end on one loaded bundle, one run each, with their ratio. With
// random weights the pictures mean nothing; the times are what a real bundle of that size takes.
#include <cstdio>

#include "bench_table.h"
#include "chiaro/pipeline/engine.h"
#include "chiaro/pipeline/presets.h"

namespace chiaro::cli {
namespace {

std::string describe(const core::RelightJob& job) {
    const int highres = job.highresSteps > 0 ? job.highresSteps : job.steps;
    char text[160];
    std::snprintf(text, sizeof(text), "%s, %d+%d steps, CFG %.3g, high-res %.3gx",
                  core::samplerName(job.sampler).c_str(), job.steps, highres, job.cfg,
                  job.highresScale);
    return text;
}

// One run; the note says how it went (UNet calls, or the failure).
double runOnce(core::Engine& engine, const core::RelightJob& job, std::string& note) {
    core::RelightResult result;
    const double ms =
        medianMilliseconds(1, [&] { result = engine.run(job, {}, core::CancelToken()); });
    note = result.status.ok() ? std::to_string(result.unetCalls) + " UNet calls"
                              : result.status.message;
    return ms;
}

}  // namespace

std::vector<BenchRow> benchFullJobs(core::Engine& engine, const BenchOptions& options) {
    core::RelightJob job;  // IC-Light's fc defaults
    job.image = cv::Mat(options.height, options.width, CV_8UC3, cv::Scalar(120, 110, 100));
    job.width = options.width;
    job.height = options.height;
    if (options.steps > 0)
        job.steps = options.steps;
    job.highresScale = options.highresScale;
    job.light.direction = core::LightDirection::normalized(270, 0);
    job.prompt = "a cup of coffee, soft studio lighting";
    const core::RelightJob fast = core::applyFastPreset(job);

    const std::string size = std::to_string(options.width) + "x" + std::to_string(options.height);
    std::vector<BenchRow> rows;
    std::string note;
    const double defaultMs = runOnce(engine, job, note);
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), ", %.1f s", defaultMs / 1e3);
    rows.push_back({"engine", "full fc job " + size + ", default (" + describe(job) + ")",
                    defaultMs, note + seconds});
    const double fastMs = runOnce(engine, fast, note);
    char ratio[64];
    std::snprintf(ratio, sizeof(ratio), ", %.1f s, %.2fx faster than default", fastMs / 1e3,
                  defaultMs / fastMs);
    rows.push_back({"engine", "full fc job " + size + ", Fast preset (" + describe(fast) + ")",
                    fastMs, note + ratio});
    return rows;
}

}  // namespace chiaro::cli
