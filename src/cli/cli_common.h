#pragma once
// Helpers shared by the chiaro-cli subcommands.
#include <string>

#include "arg_parser.h"

namespace chiaro::cli {

// Applies --verbose (and the quiet default) to the logging setup; call right after parse().
void applyCommonOptions(const ArgParser& parser);

// Prints the parser's help to stdout and returns 0; for `if (!parser.parse(args)) return printHelp(parser);`.
int printHelp(const ArgParser& parser);

// Answer of a subcommand whose feature has not landed yet.
int notYetAvailable(const std::string& command);

// Writes `text` plus a newline to stdout (results, JSON); logs go to stderr.
void printLine(const std::string& text);

}  // namespace chiaro::cli
