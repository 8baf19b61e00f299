// chiaro-cli relight (stub until its feature lands).
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {

int runRelight(const Args& args) {
    ArgParser parser("relight", "not yet available");
    if (!parser.parse(args)) return printHelp(parser);
    return notYetAvailable("relight");
}

}  // namespace chiaro::cli
