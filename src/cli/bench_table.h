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

struct BenchOptions {
    std::string modelsDir;  // empty: skip the engine rows that need a bundle
    int width = 512;
    int height = 512;
    int steps = 4;
    int threads = 0;        // 0: all cores
    int repeats = 5;
};

std::vector<BenchRow> benchLightModel(const BenchOptions& options);   // bench_light.cpp
std::vector<BenchRow> benchEngine(const BenchOptions& options);       // bench_engine.cpp

std::string formatBenchTable(const std::vector<BenchRow>& rows);
std::string formatBenchJson(const std::vector<BenchRow>& rows);

// Median wall time of `repeats` calls of fn, in milliseconds.
template <typename Fn>
double medianMilliseconds(int repeats, Fn&& fn);

}  // namespace chiaro::cli

#include "bench_timing.h"
