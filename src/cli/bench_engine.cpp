// Diffusion-engine benchmark rows: per-stage times and a full job, for the bundle given with --models.
#include <sys/resource.h>

#include <filesystem>

#include "bench_table.h"
#include "chiaro/core/logging.h"
#include "chiaro/pipeline/engine.h"

namespace chiaro::cli {
namespace {

double peakRssMiB() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0;  // Linux reports KiB
}

}  // namespace

std::vector<BenchRow> benchEngine(const BenchOptions& options) {
    std::vector<BenchRow> rows;
    if (options.modelsDir.empty() || !std::filesystem::exists(options.modelsDir + "/manifest.json")) {
        core::namedLogger("cli")->warn("bench: no model bundle at '{}': engine rows skipped (use --models DIR)",
                                       options.modelsDir);
        return rows;
    }
    core::EngineOptions engineOptions;
    engineOptions.threads = options.threads;
    core::Engine engine;
    const double loadMs = medianMilliseconds(1, [&] { engine.load(options.modelsDir, engineOptions); });
    rows.push_back({"engine", "bundle load (" + engine.variant() + ", " + engine.deviceName() + ")", loadMs, ""});

    const std::string size = std::to_string(options.width) + "x" + std::to_string(options.height);
    auto stages = engine.timeStages(options.width, options.height, options.repeats);
    rows.push_back({"engine", "text encoder (1 chunk)", stages.textEncode * 1e3, ""});
    rows.push_back({"engine", "VAE encode " + size, stages.vaeEncode * 1e3, ""});
    rows.push_back({"engine", "UNet step " + size + " (CFG batch 2)", stages.unetStep * 1e3, ""});
    rows.push_back({"engine", "VAE decode " + size, stages.vaeDecode * 1e3, ""});

    core::RelightJob job;
    job.image = cv::Mat(options.height, options.width, CV_8UC3, cv::Scalar(120, 110, 100));
    job.width = options.width;
    job.height = options.height;
    job.steps = options.steps;
    job.highresScale = 1.0;
    job.light.direction = core::LightDirection::normalized(270, 0);
    job.prompt = "a cup of coffee, soft studio lighting";
    core::RelightResult result;
    const double jobMs = medianMilliseconds(1, [&] { result = engine.run(job, {}, core::CancelToken()); });
    rows.push_back({"engine", "full fc job " + size + ", " + std::to_string(options.steps) + " steps, no highres",
                    jobMs, result.status.ok() ? std::to_string(result.unetCalls) + " UNet calls" : result.status.message});
    rows.push_back({"engine", "peak RSS (MiB, not ms)", peakRssMiB(), ""});
    return rows;
}

}  // namespace chiaro::cli
