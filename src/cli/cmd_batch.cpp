// chiaro-cli batch (stub until its feature lands).
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {

int runBatch(const Args& args) {
    ArgParser parser("batch", "not yet available");
    if (!parser.parse(args)) return printHelp(parser);
    return notYetAvailable("batch");
}

}  // namespace chiaro::cli
