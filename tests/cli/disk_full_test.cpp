// Disk full while saving (issue #9): chiaro-cli runs under a file-size limit (RLIMIT_FSIZE via the
// shell's `ulimit -f`, SIGXFSZ ignored), so write() fails part-way through the output exactly as it
// does on a full disk. The command must fail with one clear line, keep the previous output intact
// and leave no temporary file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "chiaro/core/atomic_file.h"
#include "test_support.h"

using chiaro::test::runProcess;
using chiaro::test::TempDir;
namespace fs = std::filesystem;

namespace {

// Runs chiaro-cli ARGS with writes limited to `kilobytes` (each argument single-quoted for sh).
chiaro::test::ProcessResult runCliWithFileLimit(int kilobytes, const std::vector<std::string>& args) {
    std::string command = "trap '' XFSZ; ulimit -f " + std::to_string(kilobytes) + "; exec '" CHIARO_CLI_PATH "'";
    for (const auto& arg : args) command += " '" + arg + "'";
    return runProcess({"/bin/sh", "-c", command});
}

size_t entriesIn(const std::string& dir) {
    size_t n = 0;
    for (const auto& entry : fs::directory_iterator(dir)) n += entry.is_regular_file() ? 1 : 0;
    return n;
}

}  // namespace

TEST_CASE("a full disk while saving fails clearly and keeps the previous output", "[cli][fault]") {
    TempDir dir;
    const std::string input = dir.file("in"), out = dir.file("out");
    fs::create_directories(input);
    fs::create_directories(out);
    const std::string photo = chiaro::test::sharedDir() + "/data/photos/coffee.png";
    fs::copy_file(photo, input + "/coffee.png");
    const std::string result = out + "/relit.png";
    chiaro::core::writeFileAtomic(result, "the previous result");

    // The preview of the 600x400 photo is far larger than 8 KiB: the write fails part-way.
    const auto r = runCliWithFileLimit(8, {"preview", input + "/coffee.png", "-o", result, "--light", "90,0"});
    INFO(r.err);
    CHECK(r.signal == 0);
    CHECK(r.exitCode == 1);
    CHECK(r.err.find("cannot write " + result) != std::string::npos);
    CHECK(r.err.find("File too large") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(chiaro::core::readFileBytes(result) == "the previous result");
    CHECK(entriesIn(out) == 1);

    // The same command without the limit works: the failure above was the disk, not the job.
    const auto ok = runCliWithFileLimit(1 << 20, {"preview", input + "/coffee.png", "-o", result, "--light", "90,0"});
    CHECK(ok.exitCode == 0);
    CHECK(chiaro::core::readFileBytes(result).substr(1, 3) == "PNG");
    CHECK(entriesIn(out) == 1);
}

TEST_CASE("a full disk while writing a mask or a light map leaves nothing behind", "[cli][fault]") {
    TempDir dir;
    const auto map = runCliWithFileLimit(1, {"lightmap", "--light", "270,0", "--width", "512", "--height", "512",
                                             "-o", dir.file("map.png")});
    CHECK(map.signal == 0);
    CHECK(map.exitCode == 1);
    CHECK(map.err.find("cannot write " + dir.file("map.png")) != std::string::npos);
    const std::string photo = chiaro::test::sharedDir() + "/data/photos/coffee.png";
    const auto mask = runCliWithFileLimit(1, {"mask", photo, "-o", dir.file("mask.png")});
    CHECK(mask.signal == 0);
    CHECK(mask.exitCode == 1);
    CHECK(mask.err.find("cannot write " + dir.file("mask.png")) != std::string::npos);
    CHECK(entriesIn(dir.path()) == 0);
}
