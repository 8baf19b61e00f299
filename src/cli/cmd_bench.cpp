// chiaro-cli bench: timing table of the light model and, with a bundle, the diffusion engine.
#include <cstdio>

#include "bench_table.h"
#include "chiaro/core/error.h"
#include "chiaro/core/paths.h"
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {

int runBench(const Args& args) {
    ArgParser parser("bench", "Print a timing table (median of repeats) of the light model and the engine.");
    parser.addOption("models", "DIR", "model bundle for the engine rows (default: $CHIARO_MODELS)");
    parser.addOption("size", "WxH", "image size for the engine rows", "512x512");
    parser.addOption("steps", "N", "sampler steps for the full-job row", "4");
    parser.addOption("threads", "N", "CPU threads (0 = all cores)", "0");
    parser.addOption("repeats", "N", "repetitions per measurement", "5");
    parser.addFlag("light-only", "skip the engine rows");
    if (!parser.parse(args)) return printHelp(parser);
    applyCommonOptions(parser);

    BenchOptions options;
    options.modelsDir = parser.valueOr("models", "");
    const std::string size = parser.value("size");
    if (std::sscanf(size.c_str(), "%dx%d", &options.width, &options.height) != 2 || options.width <= 0 ||
        options.height <= 0) {
        throw core::Error(core::ErrorCode::Usage, "bench: --size expects WxH, got '" + size + "'");
    }
    options.steps = parser.intValue("steps", 4);
    options.threads = parser.intValue("threads", 0);
    options.repeats = parser.intValue("repeats", 5);

    std::vector<BenchRow> rows = benchLightModel(options);
    if (!parser.isSet("light-only")) {
        auto engine = benchEngine(options);
        rows.insert(rows.end(), engine.begin(), engine.end());
    }
    printLine(parser.isSet("json") ? formatBenchJson(rows) : formatBenchTable(rows));
    return 0;
}

}  // namespace chiaro::cli
