// The SQLite job queue: order, editing, recovery after a kill, settings, refusing foreign files.
#include <fstream>

#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <catch2/catch.hpp>

#include "chiaro/core/error.h"
#include "jobstore/job_store.h"
#include "test_support.h"

using namespace chiaro;
using jobstore::JobSpec;
using jobstore::JobState;
using jobstore::JobStore;

namespace {

JobSpec spec(const std::string& name) {
    JobSpec s;
    s.params = {{"prompt", name}, {"seed", 7}};
    s.inputPath = "/photos/" + name + ".jpg";
    s.outputPath = "/out/" + name + ".png";
    s.label = name;
    s.batchId = "b1";
    return s;
}

std::vector<std::string> queuedLabels(const JobStore& store) {
    std::vector<std::string> out;
    for (const auto& j : store.jobsInState(JobState::Queued)) out.push_back(j.spec.label);
    return out;
}

}  // namespace

TEST_CASE("jobs are claimed in queue order with their full spec", "[jobstore]") {
    test::TempDir dir;
    auto store = JobStore::open(dir.file("q.sqlite"));
    auto ids = store->enqueueAll({spec("a"), spec("b"), spec("c")});
    REQUIRE(ids.size() == 3);
    const int64_t d = store->enqueue(spec("d"));
    CHECK(d > ids.back());
    CHECK(store->count(JobState::Queued) == 4);

    auto first = store->claimNext();
    REQUIRE(first);
    CHECK(first->id == ids[0]);
    CHECK(first->state == JobState::Running);
    CHECK(first->attempts == 1);
    CHECK(first->startedAt > 0);
    CHECK(first->spec.params["prompt"] == "a");
    CHECK(first->spec.inputPath == "/photos/a.jpg");
    CHECK(first->spec.outputPath == "/out/a.png");
    CHECK(first->spec.batchId == "b1");
    store->setProgress(first->id, 0.5);
    CHECK(store->job(first->id)->progress == Approx(0.5));
    store->markDone(first->id, 3.25);
    auto done = store->job(first->id);
    CHECK(done->state == JobState::Done);
    CHECK(done->seconds == Approx(3.25));
    CHECK(done->finishedAt >= done->startedAt);
    CHECK(store->claimNext()->spec.label == "b");
    CHECK(store->jobWithOutput("/out/c.png")->spec.label == "c");
    CHECK_FALSE(store->jobWithOutput("/out/zzz.png"));
}

TEST_CASE("moveBefore reorders queued jobs, repeatedly", "[jobstore]") {
    auto store = JobStore::open(":memory:");
    auto ids = store->enqueueAll({spec("a"), spec("b"), spec("c"), spec("d")});
    store->moveBefore(ids[3], ids[0]);  // d to the front
    CHECK(queuedLabels(*store) == std::vector<std::string>{"d", "a", "b", "c"});
    store->moveBefore(ids[3], 0);  // back to the end
    CHECK(queuedLabels(*store) == std::vector<std::string>{"a", "b", "c", "d"});
    store->moveBefore(ids[0], ids[2]);  // a between b and c
    CHECK(queuedLabels(*store) == std::vector<std::string>{"b", "a", "c", "d"});
    // Many moves into the same gap exhaust the float gap and force a renumbering.
    for (int i = 0; i < 80; ++i) store->moveBefore(i % 2 ? ids[0] : ids[3], ids[2]);
    CHECK(queuedLabels(*store) == std::vector<std::string>{"b", "d", "a", "c"});
    CHECK(store->claimNext()->spec.label == "b");
    // A running job is not moved.
    store->moveBefore(ids[1], 0);
    CHECK(store->job(ids[1])->state == JobState::Running);
    CHECK(store->claimNext()->spec.label == "d");
}

TEST_CASE("cancel queued, retry and clear finished", "[jobstore]") {
    auto store = JobStore::open(":memory:");
    auto ids = store->enqueueAll({spec("a"), spec("b"), spec("c"), spec("d"), spec("e")});
    auto running = store->claimNext();
    CHECK(store->cancelQueued({ids[0], ids[1], ids[2]}) == 2);  // ids[0] is running: untouched
    CHECK(store->job(ids[0])->state == JobState::Running);
    CHECK(store->job(ids[1])->state == JobState::Cancelled);
    store->markFailed(running->id, "photo.jpg: not an image");
    CHECK(store->job(ids[0])->error == "photo.jpg: not an image");
    CHECK(store->jobsInState(JobState::Failed).size() == 1);

    store->requeue(ids[0]);  // retry the failed one
    auto retried = store->job(ids[0]);
    CHECK(retried->state == JobState::Queued);
    CHECK(retried->error.empty());
    auto again = store->claimNext();
    CHECK(again->id == ids[0]);  // it kept its place at the front
    CHECK(again->attempts == 2);
    store->markDone(again->id, 1.0);

    CHECK(store->cancelAllQueued() == 2);  // d, e
    CHECK(store->count(JobState::Queued) == 0);
    CHECK_FALSE(store->claimNext());
    CHECK(store->clearFinished() == 5);  // 1 done + 4 cancelled
    CHECK(store->jobs().empty());
}

TEST_CASE("a job left running by a killed process is queued again on reopen", "[jobstore]") {
    test::TempDir dir;
    const std::string path = dir.file("queue.sqlite");
    int64_t interrupted = 0, finished = 0;
    {
        auto store = JobStore::open(path);
        CHECK(store->recoveredOnOpen() == 0);
        auto ids = store->enqueueAll({spec("a"), spec("b"), spec("c")});
        finished = store->claimNext()->id;
        store->markDone(finished, 2.0);
        interrupted = store->claimNext()->id;
        store->setProgress(interrupted, 0.4);
        // destroyed without markDone: what a crash leaves behind
    }
    auto store = JobStore::open(path);
    CHECK(store->recoveredOnOpen() == 1);
    auto job = store->job(interrupted);
    CHECK(job->state == JobState::Queued);
    CHECK(job->progress == 0);
    CHECK(job->attempts == 1);
    CHECK(store->job(finished)->state == JobState::Done);
    auto next = store->claimNext();
    CHECK(next->id == interrupted);  // resumes where it stopped, before c
    CHECK(next->attempts == 2);
}

TEST_CASE("two stores on one file see each other's jobs (WAL)", "[jobstore]") {
    test::TempDir dir;
    auto writer = JobStore::open(dir.file("q.sqlite"));
    auto reader = JobStore::open(dir.file("q.sqlite"));
    writer->enqueue(spec("a"));
    CHECK(reader->count(JobState::Queued) == 1);
    auto claimed = reader->claimNext();
    REQUIRE(claimed);
    CHECK_FALSE(writer->claimNext());  // never handed out twice
}

TEST_CASE("settings persist with the queue", "[jobstore]") {
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
}

TEST_CASE("files that are not a Chiaro queue are refused with BadInput", "[jobstore]") {
    test::TempDir dir;
    auto expectBadInput = [](const std::string& path, const std::string& part) {
        try {
            JobStore::open(path);
            FAIL("opened " << path);
        } catch (const core::Error& e) {
            CHECK(e.code() == core::ErrorCode::BadInput);
            CHECK_THAT(e.what(), Catch::Contains(path) && Catch::Contains(part));
        }
    };
    const std::string text = dir.file("notes.sqlite");
    std::ofstream(text) << "this is not a database, just some text that is long enough\n";
    expectBadInput(text, "not a Chiaro queue file");
    expectBadInput(dir.file("missing/q.sqlite"), "folder does not exist");

    const std::string newer = dir.file("newer.sqlite");
    {
        auto store = JobStore::open(newer);
        store->setSetting("x", "1");
    }
    {
        // A later Chiaro bumped the schema: this build must not touch the file.
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "bump");
        db.setDatabaseName(QString::fromStdString(newer));
        REQUIRE(db.open());
        QSqlQuery(db).exec("PRAGMA user_version = 99");
        db.close();
    }
    QSqlDatabase::removeDatabase("bump");
    expectBadInput(newer, "newer");
}
