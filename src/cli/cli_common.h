#pragma once
// Helpers shared by the chiaro-cli subcommands.
#include <string>
#include <vector>

#include "arg_parser.h"

namespace chiaro::cli {

// Applies --verbose (and the quiet default) to the logging setup; call right after parse().
void applyCommonOptions(const ArgParser& parser);

// Prints the parser's help to stdout and returns 0; for `if (!parser.parse(args)) return printHelp(parser);`.
int printHelp(const ArgParser& parser);

// Answer of a subcommand whose feature has not landed yet.
int notYetAvailable(const std::string& command);

// Refuses (Usage error) an output path that names one of the inputs (outputs replace existing files
// atomically, so writing over an input would lose the user's photo) or lies in a missing folder.
// Empty input paths (optional inputs not given) are ignored.
void checkOutputPath(const std::vector<std::string>& inputs, const std::string& output);

// Writes `text` plus a newline to stdout (results, JSON); logs go to stderr.
void printLine(const std::string& text);

}  // namespace chiaro::cli
