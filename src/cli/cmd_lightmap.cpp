// chiaro-cli lightmap (stub until its feature lands).
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {

int runLightmap(const Args& args) {
    ArgParser parser("lightmap", "not yet available");
    if (!parser.parse(args)) return printHelp(parser);
    return notYetAvailable("lightmap");
}

}  // namespace chiaro::cli
