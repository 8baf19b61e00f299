#pragma once
// One logging setup for every Chiaro program. Loggers "core", "gui" and "cli" share the same sinks:
// stderr (level from the program's options) and, for the app, a rotating file in the user's data
// folder. Call setupLogging() once from main() before any other Chiaro code logs.
#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace chiaro::core {

struct LogOptions {
    std::string programName = "chiaro";
    bool verbose = false;          // debug level on the console instead of warnings only
    bool quiet = false;            // errors only on the console
    std::string logFilePath;       // empty: no file sink
};

void setupLogging(const LogOptions& options);

// The named loggers; they exist (console only, warnings) even when setupLogging() was not called,
// so tests and library users never get a null logger.
spdlog::logger& coreLog();
std::shared_ptr<spdlog::logger> namedLogger(const std::string& name);

}  // namespace chiaro::core
