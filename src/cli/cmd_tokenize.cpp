// chiaro-cli tokenize (stub until its feature lands).
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {

int runTokenize(const Args& args) {
    ArgParser parser("tokenize", "not yet available");
    if (!parser.parse(args)) return printHelp(parser);
    return notYetAvailable("tokenize");
}

}  // namespace chiaro::cli
