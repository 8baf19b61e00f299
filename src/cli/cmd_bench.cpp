// chiaro-cli bench (stub until its feature lands).
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {

int runBench(const Args& args) {
    ArgParser parser("bench", "not yet available");
    if (!parser.parse(args)) return printHelp(parser);
    return notYetAvailable("bench");
}

}  // namespace chiaro::cli
