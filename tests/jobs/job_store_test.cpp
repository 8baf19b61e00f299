// The SQLite job queue: order, editing, recovery after a runner stopped, two stores on one file,
// settings, refusing foreign files (ported from the Qt store's tests to the lease API).
#include <unistd.h>

#include <fstream>

#include <catch2/catch.hpp>

#include "chiaro/core/error.h"
#include "chiaro/jobs/job_store.h"
#include "jobs_test_helpers.h"
#include "test_support.h"

using namespace chiaro;
using jobs::JobState;
using jobs::JobStore;
using jobs::RunnerIdentity;
using test::jobSpec;

namespace {

std::vector<std::string> queuedLabels(const JobStore& store) {
    std::vector<std::string> out;
    for (const auto& j : store.jobsInState(JobState::Queued))
        out.push_back(j.spec.label);
    return out;
}

constexpr int kLease = 60;

}  // namespace

TEST_CASE("jobs are claimed in queue order with their full spec", "[jobs]") {
    test::TempDir dir;
    const RunnerIdentity me = RunnerIdentity::current();
    auto store = JobStore::open(dir.file("q.sqlite"));
    auto ids = store->enqueueAll({jobSpec("a"), jobSpec("b"), jobSpec("c")});
    REQUIRE(ids.size() == 3);
    const int64_t d = store->enqueue(jobSpec("d"));
    CHECK(d > ids.back());
    CHECK(store->count(JobState::Queued) == 4);
    CHECK(store->enqueueAll({}).empty());

    auto first = store->claimNext(me, kLease);
    REQUIRE(first);
    CHECK(first->id == ids[0]);
    CHECK(first->state == JobState::Running);
    CHECK(first->attempts == 1);
    CHECK(first->startedAt > 0);
    CHECK(first->createdAt > 0);
    CHECK(first->spec.params["prompt"] == "a");
    CHECK(first->spec.params["seed"] == 7);
    CHECK(first->spec.inputPath == "/photos/a.jpg");
    CHECK(first->spec.outputPath == "/out/a.png");
    CHECK(first->spec.batchId == "b1");
    CHECK(store->setProgress(first->id, me, 0.5));
    CHECK(store->job(first->id)->progress == Approx(0.5));
    CHECK(store->setProgress(first->id, me, 7.0));  // clamped
    CHECK(store->job(first->id)->progress == Approx(1.0));
    CHECK(store->markDone(first->id, me, 3.25));
    auto done = store->job(first->id);
    CHECK(done->state == JobState::Done);
    CHECK(done->seconds == Approx(3.25));
    CHECK(done->finishedAt >= done->startedAt);
    CHECK(done->owner.empty());
    CHECK(store->claimNext(me, kLease)->spec.label == "b");
    CHECK(store->jobWithOutput("/out/c.png")->spec.label == "c");
    CHECK_FALSE(store->jobWithOutput("/out/zzz.png"));
    CHECK_FALSE(store->job(9999));
}

TEST_CASE("moveBefore reorders queued jobs repeatedly", "[jobs]") {
    const RunnerIdentity me = RunnerIdentity::current();
    auto store = JobStore::open(":memory:");
    CHECK(store->journalMode() == "memory");
    auto ids = store->enqueueAll({jobSpec("a"), jobSpec("b"), jobSpec("c"), jobSpec("d")});
    store->moveBefore(ids[3], ids[0]);  // d to the front
    CHECK(queuedLabels(*store) == std::vector<std::string>{"d", "a", "b", "c"});
    store->moveBefore(ids[3], 0);  // back to the end
    CHECK(queuedLabels(*store) == std::vector<std::string>{"a", "b", "c", "d"});
    store->moveBefore(ids[0], ids[2]);  // a between b and c
    CHECK(queuedLabels(*store) == std::vector<std::string>{"b", "a", "c", "d"});
    // Many moves into the same gap exhaust the float gap and force a renumbering.
    for (int i = 0; i < 80; ++i)
        store->moveBefore(i % 2 ? ids[0] : ids[3], ids[2]);
    CHECK(queuedLabels(*store) == std::vector<std::string>{"b", "d", "a", "c"});
    store->moveBefore(ids[2], 424242);  // an unknown target: nothing moves
    CHECK(queuedLabels(*store) == std::vector<std::string>{"b", "d", "a", "c"});
    CHECK(store->claimNext(me, kLease)->spec.label == "b");
    // A running job is not moved.
    store->moveBefore(ids[1], 0);
    CHECK(store->job(ids[1])->state == JobState::Running);
    CHECK(store->claimNext(me, kLease)->spec.label == "d");
}

TEST_CASE("cancel queued jobs then retry and clear finished ones", "[jobs]") {
    const RunnerIdentity me = RunnerIdentity::current();
    auto store = JobStore::open(":memory:");
    auto ids =
        store->enqueueAll({jobSpec("a"), jobSpec("b"), jobSpec("c"), jobSpec("d"), jobSpec("e")});
    auto running = store->claimNext(me, kLease);
    CHECK(store->cancelQueued({ids[0], ids[1], ids[2]}) == 2);  // ids[0] is running: untouched
    CHECK(store->job(ids[0])->state == JobState::Running);
    CHECK(store->job(ids[1])->state == JobState::Cancelled);
    CHECK(store->markFailed(running->id, me, "photo.jpg: not an image"));
    CHECK(store->job(ids[0])->error == "photo.jpg: not an image");
    CHECK(store->jobsInState(JobState::Failed).size() == 1);

    CHECK_FALSE(store->requeue(ids[3]));  // queued already
    CHECK(store->requeue(ids[0]));        // retry the failed one
    auto retried = store->job(ids[0]);
    CHECK(retried->state == JobState::Queued);
    CHECK(retried->error.empty());
    CHECK(retried->finishedAt == 0);
    CHECK(retried->attempts == 0);  // a retry starts counting again
    auto again = store->claimNext(me, kLease);
    CHECK(again->id == ids[0]);  // it kept its place at the front
    CHECK(again->attempts == 1);
    CHECK(store->markDone(again->id, me, 1.0));

    CHECK(store->cancelAllQueued() == 2);  // d, e
    CHECK(store->count(JobState::Queued) == 0);
    CHECK_FALSE(store->claimNext(me, kLease));
    CHECK(store->clearFinished() == 5);  // 1 done + 4 cancelled
    CHECK(store->jobs().empty());
}

TEST_CASE("a job left running by a killed runner is queued again by the next claim", "[jobs]") {
    test::TempDir dir;
    const std::string path = dir.file("queue.sqlite");
    // The killed runner: this process's pid and namespace with another start time, as a runner
    // whose pid was recycled; provably gone although its lease runs for an hour.
    RunnerIdentity killed = RunnerIdentity::current();
    killed.processStart += 1;
    REQUIRE_FALSE(killed.mayBeAlive());
    int64_t interrupted = 0, finished = 0;
    {
        auto store = JobStore::open(path);
        store->enqueueAll({jobSpec("a"), jobSpec("b"), jobSpec("c")});
        finished = store->claimNext(killed, 3600)->id;
        CHECK(store->markDone(finished, killed, 2.0));
        interrupted = store->claimNext(killed, 3600)->id;
        CHECK(store->setProgress(interrupted, killed, 0.4, "sampling step 8/20"));
        // destroyed without markDone: what a crash leaves behind
    }
    auto store = JobStore::open(path);
    CHECK(store->job(interrupted)->state == JobState::Running);  // opening changes nothing
    const RunnerIdentity me = RunnerIdentity::current();
    auto next = store->claimNext(me, kLease);
    REQUIRE(next);
    CHECK(next->id == interrupted);  // resumes where it stopped, before c
    CHECK(next->attempts == 2);
    CHECK(next->progress == 0);
    CHECK(next->owner == me.text());
    CHECK(store->job(finished)->state == JobState::Done);
}

TEST_CASE("two stores on one file see each other's jobs (WAL)", "[jobs]") {
    test::TempDir dir;
    const RunnerIdentity me = RunnerIdentity::current();
    auto writer = JobStore::open(dir.file("q.sqlite"), {3, jobs::JournalPolicy::Wal});
    auto reader = JobStore::open(dir.file("q.sqlite"), {3, jobs::JournalPolicy::Wal});
    CHECK(writer->journalMode() == "wal");
    CHECK(reader->journalMode() == "wal");
    writer->enqueue(jobSpec("a"));
    CHECK(reader->count(JobState::Queued) == 1);
    auto claimed = reader->claimNext(me, kLease);
    REQUIRE(claimed);
    CHECK_FALSE(writer->claimNext(me, kLease));  // never handed out twice
    CHECK(writer->job(claimed->id)->state == JobState::Running);
}

TEST_CASE("settings persist with the queue", "[jobs]") {
    test::TempDir dir;
    {
        auto store = JobStore::open(dir.file("q.sqlite"));
        CHECK(store->setting("paused", "no") == "no");
        store->setSetting("paused", "yes");
        store->setSetting("eta", R"({"262144":0.5})");
        store->setSetting("paused", "later");
    }
    auto store = JobStore::open(dir.file("q.sqlite"));
    CHECK(store->setting("paused") == "later");
    CHECK(store->setting("eta") == R"({"262144":0.5})");
    CHECK(store->setting("missing").empty());
}

TEST_CASE("damaged params read as an empty object", "[jobs]") {
    test::TempDir dir;
    const std::string path = dir.file("q.sqlite");
    int64_t id = 0;
    {
        auto store = JobStore::open(path);
        id = store->enqueue(jobSpec("a"));
    }
    test::rawSql(path, "UPDATE jobs SET params = '{not json' WHERE id = " + std::to_string(id));
    auto store = JobStore::open(path);
    auto job = store->job(id);
    REQUIRE(job);
    CHECK(job->spec.params.is_object());
    CHECK(job->spec.params.empty());
    CHECK(job->spec.label == "a");
}

TEST_CASE("job state names round trip", "[jobs]") {
    for (JobState s : {JobState::Queued, JobState::Running, JobState::Done, JobState::Failed,
                       JobState::Cancelled}) {
        CHECK(jobs::parseJobState(jobs::jobStateName(s)) == s);
    }
    CHECK_THROWS_AS(jobs::parseJobState("paused"), core::Error);
}

TEST_CASE("files that are not a Chiaro queue are refused with BadInput", "[jobs]") {
    test::TempDir dir;
    const std::string text = dir.file("notes.sqlite");
    std::ofstream(text) << "this is not a database, just some text that is long enough\n";
    test::expectOpenRefused(text, "not a Chiaro queue file");
    test::expectOpenRefused(dir.file("missing/q.sqlite"), "folder does not exist");
    test::expectOpenRefused(dir.path(), "is a folder");

    const std::string newer = dir.file("newer.sqlite");
    {
        auto store = JobStore::open(newer);
        store->setSetting("x", "1");
    }
    // A later Chiaro bumped the schema: this build must not touch the file.
    test::rawSql(newer, "PRAGMA user_version = 99");
    test::expectOpenRefused(newer, "queue schema version 99 is newer than this Chiaro reads (2)");
}
