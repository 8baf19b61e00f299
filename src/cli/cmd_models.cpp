// chiaro-cli models (stub until its feature lands).
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {

int runModels(const Args& args) {
    ArgParser parser("models", "not yet available");
    if (!parser.parse(args)) return printHelp(parser);
    return notYetAvailable("models");
}

}  // namespace chiaro::cli
