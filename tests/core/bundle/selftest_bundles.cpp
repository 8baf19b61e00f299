#include "selftest_bundles.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>

#include "chiaro/bundle/sha256.h"
#include "test_support.h"

namespace chiaro::test {
namespace fs = std::filesystem;
namespace {

const char* kCompleteStamp = ".complete";

// Concurrent test processes may race to make the bundles: each writes its own temporary folder and
// renames it into place; the loser's rename fails and it uses the winner's folder.
std::string makeRoot() {
    const std::string script = sourceDir() + "/tests/core/bundle/make_test_bundle.py";
    const std::string root =
        bundleDir("selftest-" + core::sha256File(script).substr(0, 12));
    if (fs::exists(root + "/" + kCompleteStamp)) return root;
    fs::create_directories(fs::path(root).parent_path());
    const std::string tmp = root + ".tmp-" + std::to_string(::getpid());
    fs::remove_all(tmp);
    ProcessResult made = runProcess({"/usr/bin/python3", script, tmp});
    if (made.exitCode != 0) {
        fs::remove_all(tmp);
        throw std::runtime_error("make_test_bundle.py failed: " + made.err);
    }
    std::ofstream(tmp + "/" + kCompleteStamp) << "made by make_test_bundle.py\n";
    std::error_code ec;
    fs::rename(tmp, root, ec);
    if (ec) fs::remove_all(tmp);
    if (!fs::exists(root + "/" + kCompleteStamp)) {
        throw std::runtime_error("could not create the self-test bundles in " + root);
    }
    return root;
}

}  // namespace

std::string selftestBundleRoot() {
    static std::once_flag once;
    static std::string root;
    std::call_once(once, [] { root = makeRoot(); });
    return root;
}

std::string selftestBundle(const std::string& name) { return selftestBundleRoot() + "/" + name; }

std::string copySelftestBundle(const std::string& name, const std::string& parent) {
    const std::string target = parent + "/" + name;
    fs::copy(selftestBundle(name), target, fs::copy_options::recursive);
    return target;
}

}  // namespace chiaro::test
