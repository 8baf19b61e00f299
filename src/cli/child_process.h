#pragma once
// Runs a helper program (the Python model exporter) as a child process without a shell, streaming
// its stdout line by line and keeping its stderr. Ctrl+C (SIGINT) or SIGTERM sent to chiaro-cli
// while the child runs cancels it: the child's process group gets SIGTERM, then SIGKILL after 3 s,
// and the call returns once it has exited, with `cancelled` set. The child runs in its own process
// group, so a terminal's Ctrl+C reaches only chiaro-cli, which decides how the child ends.
#include <functional>
#include <string>
#include <vector>

namespace chiaro::cli {

struct ChildResult {
    int exitCode = -1;       // -1 when it ended by a signal
    int signal = 0;
    bool cancelled = false;  // chiaro-cli got SIGINT/SIGTERM and stopped the child
    std::string err;         // everything the child wrote to stderr
};

// argv[0] is an absolute path. Throws core::Error(Failure) when the child cannot be started.
ChildResult runChild(const std::vector<std::string>& argv,
                     const std::function<void(const std::string& line)>& onStdoutLine);

}  // namespace chiaro::cli
