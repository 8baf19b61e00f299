// Several `chiaro-cli batch` processes on one queue file (issue #19), as real child processes on
// the tiny fc bundle: four runners with one SIGKILLed mid-job, a runner frozen past its lease while
// another takes its job over, and a job that keeps killing its runner. In every case each output
// exists once, no job is completed twice and nothing stray is left.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "batch_test_util.h"
#include "chiaro/image/png_metadata.h"
#include "chiaro/jobs/job_store.h"
#include "test_support.h"

using chiaro::jobs::JobState;
using chiaro::jobs::JobStore;
using chiaro::test::runCli;
using chiaro::test::TempDir;
using namespace chiaro::test::batch;
namespace fs = std::filesystem;

namespace {

// Polls `condition` every 5 ms for at most `seconds`.
bool waitFor(const std::function<bool()>& condition, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return condition();
}

std::vector<chiaro::jobs::StoredJob> queueJobs(const std::string& queue) {
    std::error_code ec;
    if (!fs::exists(queue, ec)) return {};
    try {
        return JobStore::open(queue)->jobs();
    } catch (const std::exception&) {
        return {};  // being created by a runner right now
    }
}

// The job `pid` is running right now (its lease names the process), or 0.
int64_t jobRunBy(const std::string& queue, pid_t pid) {
    const std::string mark = "/pid " + std::to_string(pid) + "/";
    for (const auto& job : queueJobs(queue)) {
        if (job.state == JobState::Running && job.owner.find(mark) != std::string::npos) return job.id;
    }
    return 0;
}

int exitCodeOf(pid_t pid) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct FileIdentity {
    ino_t inode = 0;
    long long mtime = 0;
    bool operator==(const FileIdentity& o) const { return inode == o.inode && mtime == o.mtime; }
};

FileIdentity identityOf(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return {st.st_ino, static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

// Lines like "[3/8] photo2.png ... 1.2 s" (a job this runner completed) in a runner's log.
int completedLines(const std::string& log) {
    static const std::regex done(R"(\] \S+ \.\.\. (\d+\.\d s|already written))");
    return static_cast<int>(std::distance(std::sregex_iterator(log.begin(), log.end(), done), std::sregex_iterator()));
}

// The queue has every job done once, one per output, and every output carries its own job's key.
void checkQueueDone(const std::string& queue, const std::string& out, size_t jobs) {
    const auto stored = queueJobs(queue);
    REQUIRE(stored.size() == jobs);
    std::set<std::string> outputs;
    for (const auto& job : stored) {
        INFO("job " << job.id << ": " << job.error);
        CHECK(job.state == JobState::Done);
        CHECK(job.owner.empty());
        outputs.insert(job.spec.outputPath);
        const auto chunks = chiaro::core::readPngTextChunksFromFile(job.spec.outputPath);
        const auto meta = nlohmann::json::parse(chunks.utf8.at("chiaro"));
        CHECK(meta["batch"]["queue_job_id"].get<int64_t>() == job.id);
    }
    CHECK(outputs.size() == jobs);
    checkOutputs(out, jobs);
    CHECK(temporaries(out).empty());
}

}  // namespace

TEST_CASE("four runners share one queue, one is SIGKILLed mid-job, every output exists once", "[cli][batch][concurrency]") {
    TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out"), queue = out + "/.chiaro-queue.sqlite";
    writePhotos(in, 8);
    // All four start at once with the same command: the plan is queued once (enqueueNew, checked by
    // the 8 rows below), whoever gets there first, and each runner then claims jobs of its own.
    // The lease is long: the killed runner's job must come back because its process is provably
    // gone, not because a lease ran out (the frozen-runner case below waits for one).
    const std::vector<std::string> extra = {"--resume", "--lease-seconds", "30", "--steps", "8"};
    std::vector<pid_t> runners;
    for (int i = 0; i < 4; ++i) runners.push_back(spawnCli(batchArgs(in, out, extra), dir.file("run" + std::to_string(i) + ".log")));
    // The victim: the first runner seen holding a job after some work is done (who gets which job
    // is up to the scheduler).
    size_t victim = runners.size();
    int64_t victimJob = 0;
    REQUIRE(waitFor([&] {
        if (finalPngs(out).empty()) return false;
        for (size_t i = 0; i < runners.size(); ++i) {
            if ((victimJob = jobRunBy(queue, runners[i])) != 0) {
                victim = i;
                return true;
            }
        }
        return false;
    }, 240));
    ::kill(runners[victim], SIGKILL);
    CHECK(exitCodeOf(runners[victim]) == 128 + SIGKILL);
    std::string logs;
    for (size_t i = 0; i < runners.size(); ++i) {
        if (i == victim) continue;
        const int code = exitCodeOf(runners[i]);
        const std::string log = readText(dir.file("run" + std::to_string(i) + ".log"));
        INFO(log);
        CHECK(code == 0);
        logs += log;
    }
    INFO(logs);
    // The killed runner's process is gone from this machine: its job was taken over at once, with
    // no lease to wait for, so a resume finds nothing left.
    auto again = runCli(batchArgs(in, out, {"--resume", "--json"}));
    INFO(again.err);
    REQUIRE(again.exitCode == 0);
    CHECK(nlohmann::json::parse(again.out)["done"] == 0);
    checkQueueDone(queue, out, 8);
    // Each job was completed by exactly one runner (the killed one's lines included); only the
    // killed runner's job ran twice (unless it had just finished when the signal landed).
    logs += readText(dir.file("run" + std::to_string(victim) + ".log"));
    CHECK(completedLines(logs) == 8);
    for (const auto& job : queueJobs(queue)) {
        INFO("job " << job.id);
        CHECK(job.attempts == (job.id == victimJob ? 2 : 1));
    }
}

TEST_CASE("a runner frozen past its lease loses its job to another runner and never writes it", "[cli][batch][concurrency]") {
    TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out"), queue = out + "/.chiaro-queue.sqlite";
    writePhotos(in, 3);
    const std::vector<std::string> lease = {"--lease-seconds", "3", "--steps", "10"};
    auto withLease = [&](std::vector<std::string> more) {
        more.insert(more.end(), lease.begin(), lease.end());
        return batchArgs(in, out, more);
    };
    const pid_t frozen = spawnCli(withLease({}), dir.file("frozen.log"));
    int64_t job = 0;
    REQUIRE(waitFor([&] { return (job = jobRunBy(queue, frozen)) != 0; }, 240));
    ::kill(frozen, SIGSTOP);  // alive, but neither working nor renewing: a hung machine, a suspended laptop
    // A second runner leaves the live lease alone, says so, and runs the other jobs.
    auto second = runCli(withLease({"--resume", "--json"}));
    INFO(second.err);
    CHECK(second.exitCode == 0);
    const auto frozenJob = JobStore::open(queue)->job(job);
    REQUIRE(frozenJob);
    if (frozenJob->state == JobState::Running) {
        CHECK(second.err.find("is being run by") != std::string::npos);
        // Once the lease has run out, a resume takes the job over and finishes it.
        REQUIRE(waitFor([&] { return JobStore::open(queue)->job(job)->leaseExpiresAt < chiaro::jobs::unixMs(); }, 20));
        auto third = runCli(withLease({"--resume", "--json"}));
        INFO(third.err);
        CHECK(third.exitCode == 0);
        CHECK(nlohmann::json::parse(third.out)["done"] == 1);
    }
    // (When the second runner was slow enough to see the lease expire itself, it took the job over.)
    const auto taken = JobStore::open(queue)->job(job);
    REQUIRE(taken->state == JobState::Done);
    CHECK(taken->attempts == 2);
    const FileIdentity written = identityOf(taken->spec.outputPath);
    // The frozen runner wakes up: its next renewal (or its save) finds the job is no longer its own.
    ::kill(frozen, SIGCONT);
    const int code = exitCodeOf(frozen);
    const std::string log = readText(dir.file("frozen.log"));
    INFO(log);
    CHECK(code == 0);
    CHECK(log.find("lease lost") != std::string::npos);
    CHECK(identityOf(taken->spec.outputPath) == written);
    checkQueueDone(queue, out, 3);
}

TEST_CASE("a job that keeps killing its runner is failed after --max-attempts, --retry-failed runs it", "[cli][batch][concurrency]") {
    TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out"), queue = out + "/.chiaro-queue.sqlite";
    writePhotos(in, 1);
    const std::vector<std::string> poison = {"--max-attempts", "2", "--steps", "16"};
    auto args = [&](std::vector<std::string> more) {
        more.insert(more.end(), poison.begin(), poison.end());
        return batchArgs(in, out, more);
    };
    for (int attempt = 1; attempt <= 2; ++attempt) {
        const pid_t runner = spawnCli(args(attempt == 1 ? std::vector<std::string>{} : std::vector<std::string>{"--resume"}),
                                      dir.file("run" + std::to_string(attempt) + ".log"));
        REQUIRE(waitFor([&] { return jobRunBy(queue, runner) != 0; }, 240));
        // Let it get into the sampler, so the note says where it died.
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        ::kill(runner, SIGKILL);
        CHECK(exitCodeOf(runner) == 128 + SIGKILL);
    }
    auto r = runCli(args({"--resume", "--json"}));
    INFO(r.err);
    CHECK(r.exitCode == 1);
    const auto summary = nlohmann::json::parse(r.out);
    CHECK(summary["done"] == 0);
    REQUIRE(summary["failed"].size() == 1);
    const std::string error = summary["failed"][0]["error"];
    CHECK(error.find("poison") != std::string::npos);
    CHECK(error.find("stage ") != std::string::npos);  // the last note its runner left
    CHECK(finalPngs(out).empty());

    r = runCli(args({"--retry-failed", "--json"}));
    INFO(r.err);
    CHECK(r.exitCode == 0);
    CHECK(nlohmann::json::parse(r.out)["done"] == 1);
    checkQueueDone(queue, out, 1);
}
