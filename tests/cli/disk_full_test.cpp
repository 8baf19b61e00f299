// Disk full while saving (issue #9): chiaro-cli runs under a file-size limit (RLIMIT_FSIZE via the
// shell's `ulimit -f`, SIGXFSZ ignored), so write() fails part-way through the output exactly as it
// does on a full disk. The command must fail with one clear line, keep the previous output intact
// and leave no temporary file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/jobs/job_store.h"
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

// Issue #19: the disk fills up in the middle of a batch. Each output that does not fit fails its
// job with the reason (the batch goes on), the queue stays consistent, nothing partial is left, and
// once there is room again --retry-failed finishes the jobs.
TEST_CASE("a full disk mid-batch fails the jobs whose output does not fit, the queue stays consistent", "[cli][fault][batch]") {
    TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out");
    fs::create_directories(in);
    const std::string photos = chiaro::test::sharedDir() + "/data/photos/";
    fs::copy_file(photos + "coffee.png", in + "/coffee.png");
    fs::copy_file(photos + "coffee.png", in + "/coffee_again.png");
    // 16-bit results at the photos' own size (~1.4 MB each) do not fit under a 1 MiB file limit;
    // the queue file and its journal (tens of KiB) do.
    const std::vector<std::string> batch = {"batch", in, "-o", out, "--models", chiaro::test::bundleDir("tiny_fc"),
                                            "--width", "256", "--height", "256", "--steps", "2", "--highres-scale", "1",
                                            "--light", "270,0", "--threads", "2", "--bit-depth", "16", "--json"};
    const auto full = runCliWithFileLimit(1024, batch);
    INFO(full.err);
    CHECK(full.signal == 0);
    CHECK(full.exitCode == 1);
    const auto summary = nlohmann::json::parse(full.out);
    CHECK(summary["done"] == 0);
    REQUIRE(summary["failed"].size() == 2);
    for (const auto& failure : summary["failed"]) CHECK(failure["error"].get<std::string>().find("File too large") != std::string::npos);
    CHECK(entriesIn(out) == 1);  // the queue file: no output, no temporary
    {
        auto store = chiaro::jobs::JobStore::open(out + "/.chiaro-queue.sqlite");
        CHECK(store->count(chiaro::jobs::JobState::Failed) == 2);
        CHECK(store->count(chiaro::jobs::JobState::Running) == 0);
    }

    auto args = batch;
    args.push_back("--retry-failed");
    const auto room = runProcess([&] {
        std::vector<std::string> argv = {CHIARO_CLI_PATH};
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }());
    INFO(room.err);
    CHECK(room.exitCode == 0);
    CHECK(nlohmann::json::parse(room.out)["done"] == 2);
    CHECK(entriesIn(out) == 3);
}
