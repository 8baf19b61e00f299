#pragma once
// `chiaro-cli bench`: each area contributes rows; the command prints them as one table (or JSON).
#include <string>
#include <vector>

namespace chiaro::cli {

struct BenchRow {
    std::string section;  // "light", "engine", ...
    std::string name;     // what was measured
    double milliseconds = 0.0;  // median of the repetitions
    std::string note;     // target, size, fraction of the floor, ...
};

struct BenchSize {
    int width = 512;
    int height = 512;
};

struct BenchOptions {
    std::string modelsDir;  // empty: skip the engine rows that need a bundle
    int width = 512;        // text encoder / VAE rows and the full job
    int height = 512;
    std::vector<BenchSize> unetSizes = {{512, 512}, {768, 768}};  // UNet step rows (CFG batch 2)
    int steps = 0;          // the default full job's steps; 0 = the job's default (25)
    double highresScale = 1.5;  // both full jobs' high-resolution pass (IC-Light's 1.5)
    int threads = 0;        // 0: all cores
    int repeats = 5;
    std::string precision = "auto";  // as relight --precision
    bool eager = false;     // also time PyTorch eager (bench/eager_unet.py) in the same run
    bool fullJob = false;   // also run a full fc job (slow at full size)
    bool optimizeCpu = false;  // --optimize-cpu: freeze + optimize_for_inference at load (A/B comparisons)
    std::string python = "/usr/bin/python3";
    std::string eagerScript;  // default: the source tree's bench/eager_unet.py
};

}  // namespace chiaro::cli

namespace chiaro::core {
struct DenseRate;
}

namespace chiaro::cli {

std::vector<BenchRow> benchLightModel(const BenchOptions& options);   // bench_light.cpp
std::vector<BenchRow> benchLightRig(const BenchOptions& options);     // bench_rig.cpp
std::vector<BenchRow> benchSubjectSelection(const BenchOptions& options);  // bench_mask.cpp
std::vector<BenchRow> benchDisplay(const BenchOptions& options);      // bench_display.cpp
std::vector<BenchRow> benchEngine(const BenchOptions& options);       // bench_engine.cpp
std::vector<BenchRow> benchFullResolution(const BenchOptions& options);  // bench_fullres.cpp
}  // namespace chiaro::cli
namespace chiaro::core {
class Engine;
}
namespace chiaro::cli {
// --full-job: the default fc job and the Fast preset on the loaded engine (bench_full_job.cpp).
std::vector<BenchRow> benchFullJobs(core::Engine& engine, const BenchOptions& options);
// "floor" rows: FLOPs of each UNet size from the manifest and the time they take at `rate`.
std::vector<BenchRow> benchFloorRows(const BenchOptions& options, const core::DenseRate& rate);
// Median milliseconds of PyTorch eager per options.unetSizes entry (bench_eager.cpp); throws on failure.
std::vector<double> runEagerUnet(const BenchOptions& options);

std::string formatBenchTable(const std::vector<BenchRow>& rows);
std::string formatBenchJson(const std::vector<BenchRow>& rows);

// Median wall time of `repeats` calls of fn, in milliseconds.
template <typename Fn>
double medianMilliseconds(int repeats, Fn&& fn);

}  // namespace chiaro::cli

#include "bench_timing.h"
