#include "test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "chiaro/pipeline/engine.h"

namespace chiaro::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
    std::random_device rd;
    fs::path base = fs::temp_directory_path();
    for (int attempt = 0; attempt < 100; ++attempt) {
        fs::path candidate = base / ("chiaro-test-" + std::to_string(rd()));
        std::error_code ec;
        if (fs::create_directory(candidate, ec)) {
            m_path = candidate.string();
            return;
        }
    }
    throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

std::string sharedDir() {
    const char* env = std::getenv("CHIARO_SHARED_DIR");
    const std::string dir = env && *env ? env : CHIARO_SHARED_DIR_DEFAULT;
    std::error_code ec;
    auto canonical = fs::weakly_canonical(dir, ec);  // "main/../shared" -> "shared"
    return ec ? dir : canonical.string();
}

std::string bundleDir(const std::string& name) { return std::string(CHIARO_TEST_BUNDLES_DIR) + "/" + name; }

std::string sourceDir() { return CHIARO_SOURCE_DIR; }

static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

ProcessResult runProcess(const std::vector<std::string>& argv) {
    TempDir tmp;
    const std::string outPath = tmp.file("stdout"), errPath = tmp.file("stderr");
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (!freopen(outPath.c_str(), "w", stdout) || !freopen(errPath.c_str(), "w", stderr)) _exit(127);
        std::vector<char*> cargs;
        for (const auto& a : argv) cargs.push_back(const_cast<char*>(a.c_str()));
        cargs.push_back(nullptr);
        execv(cargs[0], cargs.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ProcessResult result;
    if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    result.out = slurp(outPath);
    result.err = slurp(errPath);
    return result;
}

ProcessResult runCli(const std::vector<std::string>& args) {
    std::vector<std::string> argv{CHIARO_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(argv);
}

core::Engine& loadedEngine(const std::string& bundleName) {
    static std::map<std::string, std::unique_ptr<core::Engine>> engines;
    auto& slot = engines[bundleName];
    if (!slot) {
        slot = std::make_unique<core::Engine>();
        core::EngineOptions options;
        options.threads = 2;
        slot->load(bundleDir(bundleName), options);
    }
    return *slot;
}

}  // namespace chiaro::test
