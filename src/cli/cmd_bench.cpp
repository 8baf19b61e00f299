// chiaro-cli bench: timing table of the light model and, with a bundle, the diffusion engine.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bench_table.h"
#include "chiaro/core/error.h"
#include "chiaro/core/paths.h"
#include "cli_common.h"
#include "commands.h"
#include "unet_flops.h"

namespace chiaro::cli {
namespace {

BenchSize parseSize(const std::string& text) {
    BenchSize s;
    if (std::sscanf(text.c_str(), "%dx%d", &s.width, &s.height) != 2 || s.width < 64 || s.height < 64 ||
        s.width % 8 != 0 || s.height % 8 != 0) {
        throw core::Error(core::ErrorCode::Usage, "bench: sizes are WxH, multiples of 8 from 64, got '" + text + "'");
    }
    return s;
}

std::vector<BenchSize> parseSizes(const std::string& list) {
    std::vector<BenchSize> sizes;
    std::istringstream in(list);
    for (std::string item; std::getline(in, item, ',');) sizes.push_back(parseSize(item));
    if (sizes.empty()) throw core::Error(core::ErrorCode::Usage, "bench: --unet-sizes is empty");
    return sizes;
}

// --flops-only: the analytic UNet FLOP count per size (CFG batch 2, one prompt chunk) as JSON.
int printFlops(const BenchOptions& options) {
    std::ifstream in(options.modelsDir + "/manifest.json");
    auto manifest = nlohmann::json::parse(in, nullptr, false);
    if (manifest.is_discarded()) {
        throw core::Error(core::ErrorCode::ModelBundle, options.modelsDir + "/manifest.json: missing or malformed");
    }
    nlohmann::json out = nlohmann::json::array();
    for (const BenchSize& s : options.unetSizes) {
        UNetCallShape shape;
        shape.latentWidth = s.width / 8;
        shape.latentHeight = s.height / 8;
        const UNetFlops flops = unetFlops(manifest.value("architecture", nlohmann::json::object()).value(
                                              "unet", nlohmann::json::object()),
                                          shape);
        out.push_back({{"size", std::to_string(s.width) + "x" + std::to_string(s.height)},
                       {"batch", shape.batch},
                       {"flops", flops.total()},
                       {"conv_flops", flops.conv},
                       {"matmul_flops", flops.matmul}});
    }
    printLine(out.dump(1));
    return 0;
}

}  // namespace

int runBench(const Args& args) {
    ArgParser parser("bench", "Print a timing table (median of repeats) of the light model and the engine.");
    parser.addOption("models", "DIR", "model bundle for the engine rows (default: $CHIARO_MODELS)");
    parser.addOption("size", "WxH", "image size for the text/VAE rows and the full job", "512x512");
    parser.addOption("unet-sizes", "WxH,...", "image sizes of the UNet step rows (CFG batch 2)", "512x512,768x768");
    parser.addOption("steps", "N", "steps of the default full job (0 = the job default, 25)", "0");
    parser.addOption("highres-scale", "X", "high-resolution pass of both full jobs", "1.5");
    parser.addOption("threads", "N", "CPU threads (0 = all cores)", "0");
    parser.addOption("repeats", "N", "repetitions per measurement", "5");
    parser.addOption("precision", "P", "auto | fp32 | fp16 | bf16 (as relight --precision)", "auto");
    parser.addFlag("eager", "also time PyTorch eager (bench/eager_unet.py via /usr/bin/python3) in the same run");
    parser.addOption("python", "PATH", "Python with torch for --eager", "/usr/bin/python3");
    parser.addFlag("full-job",
                   "also run the default fc job and the Fast preset end to end at --size (slow at full size)");
    parser.addFlag("flops-only", "print the UNet FLOP count per --unet-sizes entry as JSON and exit");
    parser.addFlag("light-only", "skip the engine rows");
    parser.addFlag("optimize-cpu", "freeze + optimize_for_inference the modules at load (CPU; experimental)");
    if (!parser.parse(args)) return printHelp(parser);
    applyCommonOptions(parser);

    BenchOptions options;
    options.modelsDir = parser.valueOr("models", "");
    if (options.modelsDir.empty()) {
        const char* env = std::getenv("CHIARO_MODELS");
        if (env) options.modelsDir = env;
    }
    const BenchSize size = parseSize(parser.value("size"));
    options.width = size.width;
    options.height = size.height;
    options.unetSizes = parseSizes(parser.value("unet-sizes"));
    options.steps = parser.intValue("steps", 0);
    options.highresScale = parser.doubleValue("highres-scale", 1.5);
    options.threads = parser.intValue("threads", 0);
    options.repeats = parser.intValue("repeats", 5);
    options.precision = parser.value("precision");
    options.eager = parser.isSet("eager");
    options.python = parser.value("python");
    options.eagerScript = CHIARO_EAGER_SCRIPT;
    options.fullJob = parser.isSet("full-job");
    options.optimizeCpu = parser.isSet("optimize-cpu");
    if (parser.isSet("flops-only")) return printFlops(options);

    // Full-resolution rows first: their peak-memory figures need a process not yet grown by the engine.
    std::vector<BenchRow> rows = benchFullResolution(options);
    const auto light = benchLightModel(options);
    rows.insert(rows.end(), light.begin(), light.end());
    const auto rig = benchLightRig(options);
    rows.insert(rows.end(), rig.begin(), rig.end());
    const auto selection = benchSubjectSelection(options);
    rows.insert(rows.end(), selection.begin(), selection.end());
    const auto display = benchDisplay(options);
    rows.insert(rows.end(), display.begin(), display.end());
    if (!parser.isSet("light-only")) {
        auto engine = benchEngine(options);
        rows.insert(rows.end(), engine.begin(), engine.end());
    }
    printLine(parser.isSet("json") ? formatBenchJson(rows) : formatBenchTable(rows));
    return 0;
}

}  // namespace chiaro::cli
