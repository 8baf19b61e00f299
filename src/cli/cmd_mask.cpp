// chiaro-cli mask (stub until its feature lands).
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {

int runMask(const Args& args) {
    ArgParser parser("mask", "not yet available");
    if (!parser.parse(args)) return printHelp(parser);
    return notYetAvailable("mask");
}

}  // namespace chiaro::cli
