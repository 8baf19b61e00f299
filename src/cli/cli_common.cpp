#include "cli_common.h"

#include <cstdio>
#include <filesystem>

#include "chiaro/core/error.h"
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

void checkOutputPath(const std::vector<std::string>& inputs, const std::string& output) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const auto& input : inputs) {
        if (!input.empty() && fs::exists(output, ec) && fs::equivalent(input, output, ec)) {
            throw core::Error(core::ErrorCode::Usage, output + ": refusing to overwrite an input file");
        }
    }
    const fs::path parent = fs::path(output).parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
        throw core::Error(core::ErrorCode::Usage, output + ": the folder does not exist");
    }
}

void printLine(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

}  // namespace chiaro::cli
