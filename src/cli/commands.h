#pragma once
// The chiaro-cli subcommands (CONTRACTS.md §4). Each lives in its own cmd_<name>.cpp, parses its own
// arguments with ArgParser, and returns the process exit code. Errors are thrown as core::Error and
// turned into one stderr line plus the matching exit code by the dispatcher in main.cpp.
#include <string>
#include <vector>

namespace chiaro::cli {

using Args = std::vector<std::string>;
using CommandFn = int (*)(const Args& args);

struct CommandInfo {
    const char* name;
    const char* summary;
    CommandFn run;
};

const std::vector<CommandInfo>& allCommands();

int runRelight(const Args& args);
int runPreview(const Args& args);
int runEstimateLight(const Args& args);
int runMask(const Args& args);
int runBatch(const Args& args);
int runLightmap(const Args& args);
int runTokenize(const Args& args);
int runInfo(const Args& args);
int runModels(const Args& args);
int runModelsImport(const Args& args);  // `models import`, dispatched by runModels
int runBench(const Args& args);

}  // namespace chiaro::cli
