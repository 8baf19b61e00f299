// chiaro-cli: thin command-line layer over chiaro_core. Dispatches to one subcommand and maps
// core::Error to the exit codes of CONTRACTS.md §4 with a single stderr line.
#include <cstdio>
#include <exception>
#include <string>

#include "chiaro/core/error.h"
#include "chiaro/pipeline/compute_threads.h"
#include "cli_common.h"
#include "commands.h"

using namespace chiaro;

static void printUsage() {
    std::string text = "usage: chiaro-cli COMMAND [options]   (chiaro-cli COMMAND --help for details)\n\ncommands:\n";
    for (const auto& c : cli::allCommands()) {
        text += "  " + std::string(c.name) + std::string(16 - std::string(c.name).size(), ' ') + c.summary + "\n";
    }
    text += "\nexit codes: 0 ok, 1 failure, 2 usage, 3 bad input file, 4 model bundle problem, 5 cancelled";
    cli::printLine(text);
}

int main(int argc, char** argv) {
    chiaro::core::limitBlasThreadSpinning();  // sets an environment variable: before any thread starts
    cli::Args args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        printUsage();
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        cli::printLine(std::string("chiaro-cli ") + CHIARO_VERSION);
        return 0;
    }
    for (const auto& command : cli::allCommands()) {
        if (args[0] != command.name) continue;
        try {
            return command.run(cli::Args(args.begin() + 1, args.end()));
        } catch (const core::Error& e) {
            std::fprintf(stderr, "chiaro-cli %s: %s\n", command.name, e.what());
            return static_cast<int>(e.code());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "chiaro-cli %s: %s\n", command.name, e.what());
            return 1;
        }
    }
    std::fprintf(stderr, "chiaro-cli: unknown command '%s' (see chiaro-cli --help)\n", args[0].c_str());
    return 2;
}
