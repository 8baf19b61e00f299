// Diffusion-engine benchmark rows for the bundle given with --models: per-stage times, UNet steps at
// several sizes against the compute floor (model FLOPs / measured dense rate), optionally PyTorch
// eager in the same run, a full job, and peak RSS. See bench/README.md for how to read the table.
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "bench_table.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/core/paths.h"
#include "chiaro/pipeline/dense_rate.h"
#include "chiaro/pipeline/engine.h"
#include "unet_flops.h"

namespace chiaro::cli {
namespace {

double peakRssMiB() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0;  // Linux reports KiB
}

std::string sizeName(int width, int height) { return std::to_string(width) + "x" + std::to_string(height); }

std::string fmt(const char* format, double value) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), format, value);
    return buf;
}

nlohmann::json readArchitecture(const std::string& dir) {
    std::ifstream in(dir + "/manifest.json");
    nlohmann::json manifest = nlohmann::json::parse(in, nullptr, false);
    if (manifest.is_discarded() || !manifest.contains("architecture") || !manifest["architecture"].contains("unet")) {
        throw core::Error(core::ErrorCode::ModelBundle, dir + "/manifest.json: no architecture.unet section");
    }
    return manifest["architecture"]["unet"];
}

UNetFlops flopsAt(const nlohmann::json& arch, const BenchSize& size) {
    UNetCallShape shape;
    shape.latentHeight = size.height / 8;
    shape.latentWidth = size.width / 8;
    return unetFlops(arch, shape);
}

// Seconds the UNet call would take if every conv ran at the measured conv rate and every matmul at
// the measured GEMM rate.
double floorSeconds(const UNetFlops& flops, const core::DenseRate& rate) {
    return flops.conv / (rate.convGflops * 1e9) + flops.matmul / (rate.gemmGflops * 1e9);
}

void addStageRows(core::Engine& engine, const BenchOptions& options, std::vector<BenchRow>& rows) {
    const std::string size = sizeName(options.width, options.height);
    auto stages = engine.timeStages(options.width, options.height, options.repeats);
    rows.push_back({"engine", "text encoder (1 chunk)", stages.textEncode * 1e3, ""});
    rows.push_back({"engine", "VAE encode " + size, stages.vaeEncode * 1e3, ""});
    rows.push_back({"engine", "VAE decode " + size, stages.vaeDecode * 1e3, ""});
}

}  // namespace

std::vector<BenchRow> benchFloorRows(const BenchOptions& options, const core::DenseRate& rate) {
    std::vector<BenchRow> rows;
    const nlohmann::json arch = readArchitecture(options.modelsDir);
    for (const BenchSize& size : options.unetSizes) {
        const UNetFlops flops = flopsAt(arch, size);
        const std::string name = "UNet step " + sizeName(size.width, size.height) + " (CFG batch 2)";
        rows.push_back({"floor", name, floorSeconds(flops, rate) * 1e3,
                        fmt("%.1f GFLOP", flops.total() / 1e9) + fmt(" (conv %.1f", flops.conv / 1e9) +
                            fmt(", matmul %.1f)", flops.matmul / 1e9)});
    }
    return rows;
}

std::vector<BenchRow> benchEngine(const BenchOptions& options) {
    std::vector<BenchRow> rows;
    if (options.modelsDir.empty() || !std::filesystem::exists(options.modelsDir + "/manifest.json")) {
        core::namedLogger("cli")->warn("bench: no model bundle at '{}': engine rows skipped (use --models DIR)",
                                       options.modelsDir);
        return rows;
    }
    const core::DenseRate rate = core::measureDenseRate(options.threads, std::max(3, options.repeats));
    rows.push_back({"machine", "dense conv 3x3 320->320 64x64 b2 fp32", 0, fmt("%.1f GFLOP/s", rate.convGflops)});
    rows.push_back({"machine", "dense GEMM 2048^3 fp32", 0, fmt("%.1f GFLOP/s", rate.gemmGflops)});
    std::vector<BenchRow> floors = benchFloorRows(options, rate);

    core::EngineOptions engineOptions;
    engineOptions.threads = options.threads;
    engineOptions.precision = options.precision;
    engineOptions.optimizeCpu = options.optimizeCpu;
    core::Engine engine;
    const double loadMs = medianMilliseconds(1, [&] { engine.load(options.modelsDir, engineOptions); });
    rows.push_back({"engine", "bundle load (" + engine.variant() + ", " + engine.deviceName() + ")", loadMs, ""});
    addStageRows(engine, options, rows);

    std::vector<double> ours;
    for (size_t i = 0; i < options.unetSizes.size(); ++i) {
        const BenchSize& size = options.unetSizes[i];
        ours.push_back(engine.timeUnetStep(size.width, size.height, options.repeats) * 1e3);
        rows.push_back({"engine", "UNet step " + sizeName(size.width, size.height) + " (CFG batch 2, " +
                                      options.precision + ")",
                        ours.back(), fmt("%.0f%% of the floor", 100.0 * floors[i].milliseconds / ours.back())});
    }
    rows.insert(rows.end(), floors.begin(), floors.end());
    if (options.eager) {
        const std::vector<double> eager = runEagerUnet(options);
        for (size_t i = 0; i < eager.size() && i < ours.size(); ++i) {
            const BenchSize& size = options.unetSizes[i];
            rows.push_back({"eager", "PyTorch UNet step " + sizeName(size.width, size.height) + " (CFG batch 2)",
                            eager[i], fmt("ours is %.2fx faster", eager[i] / ours[i])});
        }
    }
    if (options.fullJob) {
        auto jobs = benchFullJobs(engine, options);
        rows.insert(rows.end(), jobs.begin(), jobs.end());
    }
    rows.push_back({"engine", "peak RSS (MiB, not ms)", peakRssMiB(), ""});
    return rows;
}

}  // namespace chiaro::cli
