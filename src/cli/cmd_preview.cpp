// chiaro-cli preview (stub until its feature lands).
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {

int runPreview(const Args& args) {
    ArgParser parser("preview", "not yet available");
    if (!parser.parse(args)) return printHelp(parser);
    return notYetAvailable("preview");
}

}  // namespace chiaro::cli
