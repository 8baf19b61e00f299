#include "cli_common.h"

#include <cstdio>

#include "chiaro/core/logging.h"

namespace chiaro::cli {

void applyCommonOptions(const ArgParser& parser) {
    core::LogOptions options;
    options.programName = "cli";
    options.verbose = parser.isSet("verbose");
    core::setupLogging(options);
}

int printHelp(const ArgParser& parser) {
    printLine(parser.helpText());
    return 0;
}

int notYetAvailable(const std::string& command) {
    std::fprintf(stderr, "chiaro-cli %s: not yet available in this version\n", command.c_str());
    return 1;
}

void printLine(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

}  // namespace chiaro::cli
