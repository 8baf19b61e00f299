// chiaro-cli estimate-light (stub until its feature lands).
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {

int runEstimateLight(const Args& args) {
    ArgParser parser("estimate-light", "not yet available");
    if (!parser.parse(args)) return printHelp(parser);
    return notYetAvailable("estimate-light");
}

}  // namespace chiaro::cli
