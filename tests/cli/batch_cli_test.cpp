// chiaro-cli batch with the tiny fc bundle: a folder of 6 small photos, a SIGKILL in the middle
// and --resume, shards, skip-existing, failures and usage errors.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/image/png_metadata.h"
#include "chiaro/jobs/job_store.h"
#include "batch_test_util.h"
#include "test_support.h"

using chiaro::test::runCli;
using chiaro::test::TempDir;
namespace fs = std::filesystem;

using namespace chiaro::test::batch;

TEST_CASE("batch relights a folder once, then skips what exists", "[cli][batch]") {
    TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out");
    writePhotos(in);
    auto r = runCli(batchArgs(in, out, {"--json", "--contact-sheet"}));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto summary = nlohmann::json::parse(r.out);
    CHECK(summary["done"] == 6);
    CHECK(summary["failed"].empty());
    CHECK(summary["skipped"] == 0);
    CHECK(r.err.find("[6/6] ") != std::string::npos);
    checkOutputs(out, 6);
    CHECK(finalPngs(out).front() == "photo1_az270_el0_12345.png");
    CHECK_FALSE(cv::imread(out + "/contact_sheet.png").empty());
    CHECK(temporaries(out).empty());

    r = runCli(batchArgs(in, out, {"--json"}));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(nlohmann::json::parse(r.out)["skipped"] == 6);
    CHECK(nlohmann::json::parse(r.out)["done"] == 0);
}

TEST_CASE("batch killed with SIGKILL resumes with every output exactly once", "[cli][batch]") {
    TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out");
    writePhotos(in);
    const pid_t pid = spawnCli(batchArgs(in, out), dir.file("run1.log"));
    REQUIRE(pid > 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    while (finalPngs(out).size() < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    INFO(readText(dir.file("run1.log")));
    REQUIRE(WIFSIGNALED(status));
    const auto before = finalPngs(out);
    REQUIRE(before.size() >= 2);
    std::map<std::string, std::pair<ino_t, long long>> identity;  // rewritten files get a new inode
    for (const auto& name : before) {
        struct stat st {};
        REQUIRE(::stat((out + "/" + name).c_str(), &st) == 0);
        identity[name] = {st.st_ino, static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
    }

    if (before.size() < 6) {
        auto refused = runCli(batchArgs(in, out));
        CHECK(refused.exitCode == 2);
        CHECK(refused.err.find("--resume") != std::string::npos);
    }
    auto r = runCli(batchArgs(in, out, {"--resume", "--json"}));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    checkOutputs(out, 6);
    CHECK(temporaries(out).empty());
    for (const auto& [name, id] : identity) {
        struct stat st {};
        REQUIRE(::stat((out + "/" + name).c_str(), &st) == 0);
        CHECK(st.st_ino == id.first);
        CHECK(static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec == id.second);
    }

    auto store = chiaro::jobs::JobStore::open(out + "/.chiaro-queue.sqlite");
    const auto jobs = store->jobs();
    CHECK(jobs.size() == 6);
    CHECK(store->count(chiaro::jobs::JobState::Done) == 6);
    std::set<std::string> outputs;
    int attempts = 0;
    for (const auto& job : jobs) {
        outputs.insert(job.spec.outputPath);
        attempts += job.attempts;
    }
    CHECK(outputs.size() == 6);
    CHECK(attempts <= 7);  // at most the one job running at the kill was started twice
}

TEST_CASE("two shards together cover every photo exactly once", "[cli][batch]") {
    TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out");
    writePhotos(in);
    std::multiset<std::string> all;
    for (const char* shard : {"1/2", "2/2"}) {
        auto r = runCli(batchArgs(in, out, {"--shard", shard, "--json"}));
        INFO(r.err);
        REQUIRE(r.exitCode == 0);
        const auto summary = nlohmann::json::parse(r.out);
        for (const auto& o : summary["outputs"]) all.insert(o.get<std::string>());
    }
    CHECK(all.size() == 6);
    CHECK(std::set<std::string>(all.begin(), all.end()).size() == 6);
    CHECK(fs::exists(out + "/.chiaro-queue-1of2.sqlite"));
    CHECK(fs::exists(out + "/.chiaro-queue-2of2.sqlite"));
    checkOutputs(out, 6);
}

TEST_CASE("a broken photo fails alone, a light sweep makes one output per light", "[cli][batch]") {
    TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out");
    writePhotos(in, 1);
    std::ofstream(in + "/broken.jpg") << "not a jpeg at all";
    auto r = runCli(batchArgs(in, out, {"--sweep", "270,0;90,20", "--mask-source", "grabcut", "--json"}));
    INFO(r.err);
    CHECK(r.exitCode == 1);
    const auto summary = nlohmann::json::parse(r.out);
    CHECK(summary["done"] == 2);
    REQUIRE(summary["failed"].size() == 2);
    CHECK(summary["failed"][0]["error"].get<std::string>().find("broken.jpg") != std::string::npos);
    CHECK(finalPngs(out) == std::vector<std::string>{"photo1_az270_el0_12345.png", "photo1_az90_el20_12345.png"});
    const auto job = nlohmann::json::parse(chiaro::core::readPngTextChunksFromFile(out + "/" + finalPngs(out)[0]).utf8.at("chiaro"));
    CHECK(job["mask_source"] == "grabcut");
}

TEST_CASE("batch argument and input errors map to exit codes", "[cli][batch]") {
    TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out");
    writePhotos(in, 1);
    CHECK(runCli(batchArgs(in, out, {"--shard", "3/2"})).exitCode == 2);
    CHECK(runCli(batchArgs(in, out, {"--name", "{bogus}.png"})).exitCode == 2);
    CHECK(runCli(batchArgs(in, in)).exitCode == 2);
    CHECK(runCli(batchArgs(dir.file("missing"), out)).exitCode == 3);
    CHECK(runCli(batchArgs(in, out, {"--mask-source", "segmenter"})).exitCode == 4);
    auto r = runCli(batchArgs(in, out, {"--queue", in + "/photo1.png"}));
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("not a Chiaro queue file") != std::string::npos);
}

TEST_CASE("a job killed between rename and markDone is not run again on resume", "[cli][batch]") {
    TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out");
    writePhotos(in, 1);
    REQUIRE(runCli(batchArgs(in, out)).exitCode == 0);
    const std::string output = out + "/" + finalPngs(out).at(0);
    struct stat before {};
    REQUIRE(::stat(output.c_str(), &before) == 0);
    {
        // What a SIGKILL right after the rename leaves: the output is complete, the row says
        // running, held by a runner whose lease has run out.
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open((out + "/.chiaro-queue.sqlite").c_str(), &db) == SQLITE_OK);
        CHECK(sqlite3_exec(db,
                           "UPDATE jobs SET state = 'running', owner = 'elsewhere/pid 1/start 1',"
                           " lease_expires_at = 1",
                           nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    auto r = runCli(batchArgs(in, out, {"--resume", "--json"}));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.err.find("already written") != std::string::npos);
    CHECK(nlohmann::json::parse(r.out)["done"] == 1);
    struct stat after {};
    REQUIRE(::stat(output.c_str(), &after) == 0);
    CHECK(after.st_ino == before.st_ino);
    CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
    auto store = chiaro::jobs::JobStore::open(out + "/.chiaro-queue.sqlite");
    CHECK(store->count(chiaro::jobs::JobState::Done) == 1);
}

// Issue #17 in batch: each photo of a folder comes back at its own size (and aspect, never cropped),
// or at the diffusion's size with --output-size working, as recorded in its metadata.
TEST_CASE("batch returns every photo at its own size, or the working size when asked", "[cli][batch][fullres]") {
    TempDir dir;
    const std::string in = dir.file("in");
    fs::create_directories(in);
    const cv::Mat photo = cv::imread(chiaro::test::sharedDir() + "/data/photos/coffee.png", cv::IMREAD_COLOR);
    cv::Mat landscape, portrait;
    cv::resize(photo, landscape, {900, 600});
    cv::rotate(landscape, portrait, cv::ROTATE_90_CLOCKWISE);
    REQUIRE(cv::imwrite(in + "/wide.png", landscape));
    REQUIRE(cv::imwrite(in + "/tall.jpg", portrait));
    const std::vector<std::string> small = {"batch", in, "--models", chiaro::test::bundleDir("tiny_fc"),
                                            "--width", "256", "--steps", "2", "--highres-scale", "1",
                                            "--light", "270,0", "--threads", "2", "--name", "{stem}.png", "-o"};
    auto args = small;
    args.push_back(dir.file("photo"));
    auto r = runCli(args);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(cv::imread(dir.file("photo/wide.png")).size() == cv::Size(900, 600));
    CHECK(cv::imread(dir.file("photo/tall.png")).size() == cv::Size(600, 900));
    const auto job = nlohmann::json::parse(
        chiaro::core::readPngTextChunksFromFile(dir.file("photo/tall.png")).utf8.at("chiaro"));
    CHECK(job.at("output_size") == "photo");
    CHECK(job.at("working_size") == nlohmann::json::array({256, 384}));  // the portrait's aspect

    args = small;
    args.insert(args.end(), {dir.file("working"), "--output-size", "working"});
    r = runCli(args);
    REQUIRE(r.exitCode == 0);
    CHECK(cv::imread(dir.file("working/wide.png")).size() == cv::Size(256, 256));  // 256 / 1.5 -> the 256 minimum
    CHECK(cv::imread(dir.file("working/tall.png")).size() == cv::Size(256, 384));
}
