#pragma once
// Shared test helpers: temporary folders, where the shared parity kit and the generated bundles live,
// and running chiaro-cli as a child process.
#include <string>
#include <vector>

namespace chiaro::core {
class Engine;
}

namespace chiaro::test {

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

// ../shared beside the checkout, or $CHIARO_SHARED_DIR.
std::string sharedDir();
// Where the ctest fixtures put exported bundles (tiny_fc, tiny_fbc, parity_fc, parity_fbc).
std::string bundleDir(const std::string& name);
std::string sourceDir();
// One engine per bundle name for the whole test process, loaded on first use (2 CPU threads).
core::Engine& loadedEngine(const std::string& bundleName);

struct ProcessResult {
    int exitCode = -1;  // -1 when killed by a signal
    int signal = 0;
    std::string out;
    std::string err;
};

// Runs chiaro-cli with the given arguments (no shell), capturing stdout and stderr.
ProcessResult runCli(const std::vector<std::string>& args);
ProcessResult runProcess(const std::vector<std::string>& argv);

}  // namespace chiaro::test
