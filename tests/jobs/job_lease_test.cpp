// Leases: claims, renewals, changes refused to anyone but the holder, recovery of expired and
// provably dead leases, poison jobs, and concurrent claims by threads and by processes.
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "chiaro/jobs/job_store.h"
#include "jobs_test_helpers.h"
#include "test_support.h"

using namespace chiaro;
using jobs::JobState;
using jobs::JobStore;
using jobs::LeaseState;
using jobs::RunnerIdentity;
using test::jobSpec;

namespace {

constexpr int kLease = 60;

// A runner on another machine: its pids mean nothing here, so it may always be alive.
RunnerIdentity remoteRunner(const std::string& host) {
    RunnerIdentity r;
    r.host = host;
    r.pid = 4242;
    r.processStart = 777;
    r.local = "00000000-other-boot:pid:[1]";
    return r;
}

// Makes every running lease lapse, as if its runner had stopped renewing an hour ago.
void expireLeases(const std::string& path) {
    test::rawSql(
        path, "UPDATE jobs SET lease_expires_at = " + std::to_string(jobs::unixMs() - 3600 * 1000) +
                  " WHERE state = 'running'");
}

// Claims until the queue is empty, marking every claim done; returns the ids claimed.
std::vector<int64_t> claimAll(JobStore& store, const RunnerIdentity& me) {
    std::vector<int64_t> ids;
    while (auto job = store.claimNext(me, kLease)) {
        ids.push_back(job->id);
        if (!store.markDone(job->id, me, 0.01))
            ids.push_back(-job->id);  // lost a lease it just took: reported as a negative id
    }
    return ids;
}

}  // namespace

TEST_CASE("a claim writes the lease with owner and expiry and attempts and start",
          "[jobs][lease]") {
    const RunnerIdentity me = RunnerIdentity::current();
    auto store = JobStore::open(":memory:");
    const int64_t id = store->enqueue(jobSpec("a"));
    const int64_t before = jobs::unixMs();
    auto job = store->claimNext(me, 90);
    const int64_t after = jobs::unixMs();
    REQUIRE(job);
    CHECK(job->id == id);
    CHECK(job->state == JobState::Running);
    CHECK(job->owner == me.text());
    CHECK(job->leaseExpiresAt >= before + 90 * 1000);
    CHECK(job->leaseExpiresAt <= after + 90 * 1000);
    CHECK(job->startedAt >= before);
    CHECK(job->startedAt <= after);
    CHECK(job->attempts == 1);
    CHECK(job->progress == 0);
    CHECK_FALSE(job->cancelRequested);
    CHECK(job->note.empty());
    CHECK(store->job(id)->leaseExpiresAt == job->leaseExpiresAt);
    CHECK(store->setProgress(id, me, 0.25, "loading the bundle"));
    CHECK(store->setProgress(id, me, 0.5));  // an empty note keeps the last one
    CHECK(store->job(id)->note == "loading the bundle");
    CHECK_FALSE(store->claimNext(me, kLease));
}

TEST_CASE("renewLease reports Held or CancelRequested or Lost", "[jobs][lease]") {
    const RunnerIdentity me = RunnerIdentity::current();
    auto store = JobStore::open(":memory:");
    const int64_t id = store->enqueue(jobSpec("a"));
    const int64_t queued = store->enqueue(jobSpec("b"));
    auto job = store->claimNext(me, 1);
    REQUIRE(job);
    CHECK(store->renewLease(id, me, 120) == LeaseState::Held);
    CHECK(store->job(id)->leaseExpiresAt >= jobs::unixMs() + 119 * 1000);
    CHECK(store->renewLease(id, remoteRunner("elsewhere"), 120) == LeaseState::Lost);
    CHECK_FALSE(store->requestCancel(queued));  // only running jobs have a runner to ask
    CHECK_FALSE(store->requestCancel(9999));
    CHECK(store->requestCancel(id));
    CHECK(store->job(id)->cancelRequested);
    CHECK(store->renewLease(id, me, 120) == LeaseState::CancelRequested);
    CHECK(store->markCancelled(id, me));
    CHECK(store->renewLease(id, me, 120) == LeaseState::Lost);
    auto cancelled = store->job(id);
    CHECK(cancelled->state == JobState::Cancelled);
    CHECK(cancelled->owner.empty());
    CHECK(cancelled->leaseExpiresAt == 0);
    CHECK_FALSE(cancelled->cancelRequested);
    CHECK(store->renewLease(9999, me, 120) == LeaseState::Lost);
}

TEST_CASE("changes of a running job are refused to anyone but its lease holder", "[jobs][lease]") {
    test::TempDir dir;
    const std::string path = dir.file("q.sqlite");
    const RunnerIdentity first = remoteRunner("first-host");
    const RunnerIdentity second = remoteRunner("second-host");
    auto store = JobStore::open(path);
    const int64_t id = store->enqueue(jobSpec("a"));
    REQUIRE(store->claimNext(first, kLease));

    // A stranger cannot touch it.
    CHECK_FALSE(store->setProgress(id, second, 0.5, "mine now"));
    CHECK_FALSE(store->markDone(id, second, 1.0));
    CHECK_FALSE(store->markFailed(id, second, "no"));
    CHECK_FALSE(store->markCancelled(id, second));
    CHECK_FALSE(store->release(id, second));
    CHECK(store->renewLease(id, second, kLease) == LeaseState::Lost);
    CHECK(store->job(id)->owner == first.text());
    CHECK(store->job(id)->progress == 0);

    // The first runner stalls past its lease; the second takes the job over.
    expireLeases(path);
    auto taken = store->claimNext(second, kLease);
    REQUIRE(taken);
    CHECK(taken->id == id);
    CHECK(taken->attempts == 2);
    CHECK(taken->owner == second.text());

    // The first runner wakes up: every change it tries is refused, the second's work stands.
    CHECK(store->renewLease(id, first, kLease) == LeaseState::Lost);
    CHECK_FALSE(store->setProgress(id, first, 0.9));
    CHECK_FALSE(store->markDone(id, first, 1.0));
    CHECK_FALSE(store->markFailed(id, first, "late"));
    CHECK_FALSE(store->markCancelled(id, first));
    CHECK_FALSE(store->release(id, first));
    CHECK(store->setProgress(id, second, 0.3, "step 6/20"));
    CHECK(store->markDone(id, second, 2.5));
    auto done = store->job(id);
    CHECK(done->state == JobState::Done);
    CHECK(done->seconds == Approx(2.5));
    CHECK(done->owner.empty());
    CHECK_FALSE(store->markFailed(id, second, "twice"));  // no longer running
    CHECK(store->job(id)->state == JobState::Done);
}

TEST_CASE("an expired lease is recovered by another runner's claim", "[jobs][lease]") {
    test::TempDir dir;
    const std::string path = dir.file("q.sqlite");
    const RunnerIdentity stalled = remoteRunner("stalled-host");
    const RunnerIdentity me = RunnerIdentity::current();
    auto store = JobStore::open(path);
    const int64_t id = store->enqueue(jobSpec("a"));
    const int64_t later = store->enqueue(jobSpec("b"));
    REQUIRE(store->claimNext(stalled, 1));
    CHECK(store->setProgress(id, stalled, 0.6, "decoding"));
    CHECK(store->recoverExpiredLeases() == 0);  // still valid
    expireLeases(path);
    CHECK(store->leasedByOthers(me).empty());  // lapsed: no longer held
    auto job = store->claimNext(me, kLease);
    REQUIRE(job);
    CHECK(job->id == id);  // back at its place, ahead of b
    CHECK(job->attempts == 2);
    CHECK(job->owner == me.text());
    CHECK(job->progress == 0);
    CHECK(job->note.empty());
    CHECK(store->job(later)->state == JobState::Queued);

    // recoverExpiredLeases() on its own, with a real lapse of a one-second lease.
    REQUIRE(store->claimNext(stalled, 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(store->recoverExpiredLeases() == 1);
    CHECK(store->job(later)->state == JobState::Queued);
    CHECK(store->job(later)->owner.empty());
    CHECK(store->job(later)->attempts == 1);
    CHECK(store->job(id)->state == JobState::Running);  // mine, and valid: untouched
}

TEST_CASE("a live lease of another runner is left alone", "[jobs][lease]") {
    const RunnerIdentity me = RunnerIdentity::current();
    // The parent process of this test: same machine and namespace, alive, its real start time.
    RunnerIdentity parent = me;
    parent.pid = getppid();
    parent.processStart = test::procStartTime(parent.pid);
    REQUIRE(parent.mayBeAlive());
    const RunnerIdentity remote = remoteRunner("far-host");
    auto store = JobStore::open(":memory:");
    auto ids = store->enqueueAll({jobSpec("a"), jobSpec("b"), jobSpec("c")});
    REQUIRE(store->claimNext(parent, 3600)->id == ids[0]);
    REQUIRE(store->claimNext(remote, 3600)->id == ids[1]);
    CHECK(store->recoverExpiredLeases() == 0);
    auto mine = store->claimNext(me, kLease);
    REQUIRE(mine);
    CHECK(mine->id == ids[2]);
    CHECK_FALSE(store->claimNext(me, kLease));
    CHECK(store->job(ids[0])->owner == parent.text());
    CHECK(store->job(ids[1])->owner == remote.text());
    CHECK(store->job(ids[0])->attempts == 1);

    auto others = store->leasedByOthers(me);
    REQUIRE(others.size() == 2);
    CHECK(others[0].id == ids[0]);
    CHECK(others[1].id == ids[1]);
    CHECK(store->leasedByOthers(remote).size() == 2);  // parent's and mine
}

TEST_CASE("a runner whose process is gone loses its leases at once", "[jobs][lease]") {
    const RunnerIdentity me = RunnerIdentity::current();
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
        _exit(0);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);  // reaped: the pid is free
    RunnerIdentity gone = me;
    gone.pid = child;
    gone.processStart = 12345;
    CHECK_FALSE(gone.mayBeAlive());
    // The same pid on another machine proves nothing.
    RunnerIdentity elsewhere = gone;
    elsewhere.local = "another-boot:pid:[4026531836]";
    CHECK(elsewhere.mayBeAlive());
    RunnerIdentity unknown = gone;
    unknown.local.clear();
    CHECK(unknown.mayBeAlive());

    auto store = JobStore::open(":memory:");
    auto ids = store->enqueueAll({jobSpec("a"), jobSpec("b")});
    REQUIRE(store->claimNext(elsewhere, 3600)->id == ids[0]);
    REQUIRE(store->claimNext(gone, 3600)->id == ids[1]);
    CHECK(store->setProgress(ids[1], gone, 0.5, "sampling"));
    auto job = store->claimNext(me, kLease);  // lease valid for an hour, but its runner is gone
    REQUIRE(job);
    CHECK(job->id == ids[1]);
    CHECK(job->attempts == 2);
    CHECK(job->owner == me.text());
    CHECK(store->job(ids[0])->owner == elsewhere.text());  // may be alive: left alone
    CHECK_FALSE(store->setProgress(ids[1], gone, 0.9));
}

TEST_CASE("a job whose runner keeps stopping fails as a poison job", "[jobs][lease]") {
    test::TempDir dir;
    const std::string path = dir.file("q.sqlite");
    const RunnerIdentity me = RunnerIdentity::current();
    jobs::StoreOptions options;
    options.maxAttempts = 3;
    auto store = JobStore::open(path, options);
    const int64_t id = store->enqueue(jobSpec("poison"));
    const char* notes[] = {"loading the bundle", "sampling step 3/20", "decoding 8192x8192"};
    for (int attempt = 1; attempt <= 3; ++attempt) {
        auto job = store->claimNext(me, kLease);
        REQUIRE(job);
        CHECK(job->id == id);
        CHECK(job->attempts == attempt);
        CHECK(store->setProgress(id, me, 0.1 * attempt, notes[attempt - 1]));
        expireLeases(path);  // the runner died with the job
    }
    CHECK_FALSE(store->claimNext(me, kLease));  // recovery fails it: nothing left to claim
    auto failed = store->job(id);
    REQUIRE(failed);
    CHECK(failed->state == JobState::Failed);
    CHECK(failed->attempts == 3);
    CHECK(failed->finishedAt > 0);
    CHECK(failed->owner.empty());
    CHECK_THAT(failed->error, Catch::Contains("3 times") && Catch::Contains("poison") &&
                                  Catch::Contains("decoding 8192x8192") &&
                                  Catch::Contains("--retry-failed"));

    CHECK(store->retryFailed() == 1);
    auto retried = store->job(id);
    CHECK(retried->state == JobState::Queued);
    CHECK(retried->attempts == 0);
    CHECK(retried->error.empty());
    CHECK(retried->finishedAt == 0);
    CHECK(store->claimNext(me, kLease)->attempts == 1);
    CHECK(store->retryFailed() == 0);
}

TEST_CASE("release gives a job back without counting an attempt", "[jobs][lease]") {
    const RunnerIdentity me = RunnerIdentity::current();
    auto store = JobStore::open(":memory:");
    auto ids = store->enqueueAll({jobSpec("a"), jobSpec("b")});
    auto job = store->claimNext(me, kLease);
    REQUIRE(job);
    CHECK(job->attempts == 1);
    CHECK(store->setProgress(job->id, me, 0.7));
    CHECK_FALSE(store->release(job->id, remoteRunner("x")));
    CHECK(store->release(job->id, me));
    auto released = store->job(job->id);
    CHECK(released->state == JobState::Queued);
    CHECK(released->attempts == 0);
    CHECK(released->owner.empty());
    CHECK(released->leaseExpiresAt == 0);
    CHECK(released->progress == 0);
    CHECK_FALSE(store->release(job->id, me));  // not running any more
    auto again = store->claimNext(me, kLease);
    CHECK(again->id == ids[0]);
    CHECK(again->attempts == 1);
}

TEST_CASE("requeue never takes a running job from its runner", "[jobs][lease]") {
    const RunnerIdentity me = RunnerIdentity::current();
    auto store = JobStore::open(":memory:");
    const int64_t id = store->enqueue(jobSpec("a"));
    REQUIRE(store->claimNext(me, kLease));
    CHECK_FALSE(store->requeue(id));
    CHECK(store->job(id)->state == JobState::Running);
    CHECK(store->job(id)->owner == me.text());
    CHECK(store->markCancelled(id, me));
    CHECK(store->requeue(id));
    auto queued = store->job(id);
    CHECK(queued->state == JobState::Queued);
    CHECK(queued->attempts == 0);
    CHECK(queued->finishedAt == 0);
    CHECK_FALSE(store->requeue(9999));
}

TEST_CASE("RunnerIdentity names this process and parses back", "[jobs][lease]") {
    const RunnerIdentity me = RunnerIdentity::current();
    CHECK_FALSE(me.host.empty());
    CHECK(me.pid == getpid());
    CHECK(me.processStart == test::procStartTime(getpid()));
    CHECK(me.processStart > 0);
    CHECK_THAT(me.local, Catch::Contains(":pid:["));
    CHECK(me.mayBeAlive());
    CHECK(me.text() ==
          me.host + "/pid " + std::to_string(me.pid) + "/start " + std::to_string(me.processStart));

    auto parsed = RunnerIdentity::parse(me.text(), me.local);
    REQUIRE(parsed);
    CHECK(parsed->host == me.host);
    CHECK(parsed->pid == me.pid);
    CHECK(parsed->processStart == me.processStart);
    CHECK(parsed->local == me.local);
    CHECK(parsed->mayBeAlive());

    auto slashed = RunnerIdentity::parse("odd/host/pid 12/start 34", "");
    REQUIRE(slashed);
    CHECK(slashed->host == "odd/host");
    CHECK(slashed->pid == 12);
    for (const char* bad : {"", "host", "host/pid x/start 1", "host/pid 1/start", "/pid 1/start 2",
                            "host/pid -1/start 2", "host/start 2"}) {
        INFO(bad);
        CHECK_FALSE(RunnerIdentity::parse(bad, me.local));
    }
}

TEST_CASE("the start time is read after the last ')' of /proc/PID/stat", "[jobs][lease]") {
    // A process may name itself anything, parentheses and spaces included (field 2, "(comm)").
    const std::string out = test::inChild([](std::string& result) {
        const int64_t before = RunnerIdentity::current().processStart;
        prctl(PR_SET_NAME, "a) b (c) 1 2", 0, 0, 0);
        const int64_t after = RunnerIdentity::current().processStart;
        result = std::to_string(before) + " " + std::to_string(after);
    });
    INFO(out);
    std::istringstream in(out);
    int64_t before = 0, after = 0;
    in >> before >> after;
    CHECK(before > 0);
    CHECK(after == before);
}

TEST_CASE("two stores in two threads never claim the same job", "[jobs][lease][concurrency]") {
    test::TempDir dir;
    const std::string path = dir.file("q.sqlite");
    std::vector<int64_t> all;
    {
        auto store = JobStore::open(path);
        std::vector<jobs::JobSpec> specs;
        for (int i = 0; i < 200; ++i)
            specs.push_back(jobSpec("job" + std::to_string(i)));
        all = store->enqueueAll(specs);
    }
    std::vector<int64_t> claimed[2];
    std::string errors[2];
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            try {
                auto store = JobStore::open(path);
                RunnerIdentity me = RunnerIdentity::current();
                me.host += "-thread" + std::to_string(t);  // one runner per thread
                claimed[t] = claimAll(*store, me);
            } catch (const std::exception& e) {
                errors[t] = e.what();
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    CHECK(errors[0].empty());
    CHECK(errors[1].empty());
    std::vector<int64_t> together = claimed[0];
    together.insert(together.end(), claimed[1].begin(), claimed[1].end());
    std::sort(together.begin(), together.end());
    CHECK(together == all);  // every job exactly once, and no lost lease
    INFO(claimed[0].size() << " + " << claimed[1].size());
    CHECK(JobStore::open(path)->count(JobState::Done) == 200);
}

TEST_CASE("three processes never claim the same job", "[jobs][lease][concurrency]") {
    test::TempDir dir;
    const std::string path = dir.file("q.sqlite");
    std::vector<int64_t> all;
    {
        auto store = JobStore::open(path);  // closed before the fork: no connection is shared
        std::vector<jobs::JobSpec> specs;
        for (int i = 0; i < 200; ++i)
            specs.push_back(jobSpec("job" + std::to_string(i)));
        all = store->enqueueAll(specs);
    }
    std::vector<pid_t> children;
    for (int c = 0; c < 3; ++c) {
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            int code = 0;
            try {
                auto store = JobStore::open(path);
                std::ofstream out(dir.file("claimed" + std::to_string(c)));
                for (int64_t id : claimAll(*store, RunnerIdentity::current()))
                    out << id << "\n";
                code = out ? 0 : 2;
            } catch (...) {
                code = 1;
            }
            _exit(code);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
    std::vector<int64_t> together;
    for (int c = 0; c < 3; ++c) {
        std::ifstream in(dir.file("claimed" + std::to_string(c)));
        for (int64_t id; in >> id;)
            together.push_back(id);
    }
    std::sort(together.begin(), together.end());
    CHECK(together == all);
    auto store = JobStore::open(path);
    CHECK(store->count(JobState::Done) == 200);
    for (const auto& job : store->jobs())
        CHECK(job.attempts == 1);
}
