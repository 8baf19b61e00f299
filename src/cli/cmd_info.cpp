// chiaro-cli info (stub until its feature lands).
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {

int runInfo(const Args& args) {
    ArgParser parser("info", "not yet available");
    if (!parser.parse(args)) return printHelp(parser);
    return notYetAvailable("info");
}

}  // namespace chiaro::cli
