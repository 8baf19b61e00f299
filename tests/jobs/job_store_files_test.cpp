// The queue file itself: refusals that leave a file byte-identical without new side files, folders
// that are missing or read-only, the v1 -> v2 migration, journal modes and network file systems.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "chiaro/core/error.h"
#include "chiaro/jobs/job_store.h"
#include "chiaro/jobs/queue_location.h"
#include "jobs_test_helpers.h"
#include "test_support.h"

using namespace chiaro;
using jobs::JobState;
using jobs::JobStore;
using jobs::JournalPolicy;
using jobs::RunnerIdentity;
using test::jobSpec;
namespace fs = std::filesystem;

namespace {

jobs::StoreOptions withJournal(JournalPolicy journal) {
    jobs::StoreOptions options;
    options.journal = journal;
    return options;
}

// Opening `path` must fail with BadInput naming it and saying `part`, and leave the file and its
// folder exactly as they were: same bytes, same mtime, no new -wal/-shm/-journal files.
void expectRefusedUntouched(const std::string& path, const std::string& part) {
    INFO(path);
    const auto old = fs::file_time_type::clock::now() - std::chrono::hours(48);
    fs::last_write_time(path, old);  // any write would move it to now
    const std::string bytes = test::fileBytes(path);
    const auto entries = test::folderEntries(fs::path(path).parent_path().string());
    test::expectOpenRefused(path, part);
    CHECK(test::fileBytes(path) == bytes);
    CHECK(fs::last_write_time(path) == old);
    CHECK(test::folderEntries(fs::path(path).parent_path().string()) == entries);
}

// A real queue file (closed again), in the given journal mode.
void makeQueue(const std::string& path, JournalPolicy journal) {
    auto store = JobStore::open(path, withJournal(journal));
    store->enqueue(jobSpec("a"));
    store->setSetting("paused", "no");
}

// Opens `path` in a child process as a user that file modes apply to; "skip: ..." when the tests
// run as root and cannot drop to nobody, "opened", or "error CODE MESSAGE".
std::string openUnprivileged(const std::string& path, jobs::StoreOptions options = {}) {
    return test::inChild(
        [&](std::string& out) {
            try {
                JobStore::open(path, options);
                out = "opened";
            } catch (const core::Error& e) {
                out = "error " + std::to_string(static_cast<int>(e.code())) + " " + e.what();
            }
        },
        true);
}

bool skippedAsRoot(const std::string& out) {
    if (out.rfind("skip:", 0) != 0)
        return false;
    WARN("running as root, which file modes do not stop, and " << out
                                                               << ": read-only checks skipped");
    return true;
}

// The journal mode stored in the file header: 1 rollback journal, 2 WAL (bytes 18 and 19).
int headerJournal(const std::string& path) {
    const std::string bytes = test::fileBytes(path);
    REQUIRE(bytes.size() >= 100);
    CHECK(bytes[18] == bytes[19]);
    return bytes[18];
}

}  // namespace

TEST_CASE("files that are not Chiaro queues are refused and left untouched", "[jobs][files]") {
    test::TempDir dir;
    const std::string text = dir.file("notes.sqlite");
    std::ofstream(text) << "this is not a database, just some text that is long enough\n";
    expectRefusedUntouched(text, "not a Chiaro queue file (not an SQLite database)");

    const std::string garbage = dir.file("garbage.sqlite");
    std::ofstream(garbage, std::ios::binary)
        << std::string("SQLite format 3\0", 16) << std::string(8192, '\x5a');
    expectRefusedUntouched(garbage, "not a Chiaro queue file");

    const std::string other = dir.file("photos.db");
    test::rawSql(other, "CREATE TABLE photos (path TEXT); INSERT INTO photos VALUES ('a.jpg')");
    expectRefusedUntouched(other, "not a Chiaro queue file (an SQLite database with other tables)");

    const std::string otherWal = dir.file("photos-wal.db");
    test::rawSql(otherWal, "PRAGMA journal_mode=WAL; CREATE TABLE photos (path TEXT)");
    REQUIRE(headerJournal(otherWal) == 2);
    expectRefusedUntouched(otherWal, "an SQLite database with other tables");

    const std::string noJobs = dir.file("v1-nojobs.sqlite");
    test::rawSql(noJobs, "CREATE TABLE settings (key TEXT, value TEXT); PRAGMA user_version = 1");
    expectRefusedUntouched(noJobs, "not a Chiaro queue file (no jobs table)");

    const std::string fewColumns = dir.file("v2-columns.sqlite");
    test::rawSql(fewColumns, "CREATE TABLE jobs (id INTEGER PRIMARY KEY); PRAGMA user_version = 2");
    expectRefusedUntouched(fewColumns, "has no column 'position'");
}

TEST_CASE("a queue from a newer Chiaro is refused and left untouched", "[jobs][files]") {
    test::TempDir dir;
    for (JournalPolicy journal : {JournalPolicy::Wal, JournalPolicy::Rollback}) {
        const std::string path =
            dir.file(journal == JournalPolicy::Wal ? "newer-wal.sqlite" : "newer.sqlite");
        makeQueue(path, journal);
        test::rawSql(path, "PRAGMA user_version = 3");
        expectRefusedUntouched(
            path, "queue schema version 3 is newer than this Chiaro reads (2); update Chiaro");
    }
}

TEST_CASE("a damaged queue file is refused as damaged", "[jobs][files]") {
    test::TempDir dir;
    const std::string path = dir.file("q.sqlite");
    makeQueue(path, JournalPolicy::Rollback);
    {
        // Scribble over the schema table on page 1, after the 100-byte file header.
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(100);
        const std::string junk(1000, '\xA5');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    expectRefusedUntouched(path, "damaged");
}

TEST_CASE("a missing folder is refused without creating it", "[jobs][files]") {
    test::TempDir dir;
    const std::string path = dir.file("missing/q.sqlite");
    try {
        JobStore::open(path);
        FAIL("opened " << path);
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::BadInput);
        CHECK_THAT(e.what(), Catch::Contains(path) &&
                                 Catch::Contains("the queue file's folder does not exist"));
    }
    CHECK_FALSE(fs::exists(dir.file("missing")));
}

TEST_CASE("a read-only folder or file is refused and named", "[jobs][files]") {
    test::TempDir dir;
    const std::string folder = dir.file("readonly");
    fs::create_directory(folder);
    const std::string existing = folder + "/old.sqlite";
    makeQueue(existing, JournalPolicy::Rollback);
    REQUIRE(chmod(folder.c_str(), 0555) == 0);

    const std::string fresh = folder + "/new.sqlite";
    const std::string out = openUnprivileged(fresh);
    if (!skippedAsRoot(out)) {
        INFO(out);
        CHECK(out.rfind("error 3 ", 0) == 0);
        CHECK_THAT(out, Catch::Contains("the queue's folder " + folder + " is read-only"));
        CHECK_FALSE(fs::exists(fresh));

        const std::string before = test::fileBytes(existing);
        const std::string old = openUnprivileged(existing);
        INFO(old);
        CHECK(old.rfind("error 3 ", 0) == 0);
        CHECK_THAT(old, Catch::Contains(folder + " is read-only"));
        CHECK(test::fileBytes(existing) == before);
        CHECK(test::folderEntries(folder) == std::vector<std::string>{"old.sqlite"});
    }
    REQUIRE(chmod(folder.c_str(), 0755) == 0);

    // A write-protected queue file in a folder anyone may write: SQLite would open it read-only.
    const std::string shared = dir.file("shared");
    fs::create_directory(shared);
    REQUIRE(chmod(shared.c_str(), 0777) == 0);
    const std::string locked = shared + "/locked.sqlite";
    makeQueue(locked, JournalPolicy::Rollback);
    REQUIRE(chmod(locked.c_str(), 0444) == 0);
    const std::string bytes = test::fileBytes(locked);
    const std::string result = openUnprivileged(locked, withJournal(JournalPolicy::Rollback));
    if (!skippedAsRoot(result)) {
        INFO(result);
        CHECK(result.rfind("error 3 ", 0) == 0);
        CHECK_THAT(result, Catch::Contains(locked + ": the queue file is read-only"));
        CHECK(test::fileBytes(locked) == bytes);
        CHECK(test::folderEntries(shared) == std::vector<std::string>{"locked.sqlite"});
    }
}

TEST_CASE("a v1 queue of the Qt store is migrated to version 2", "[jobs][files]") {
    test::TempDir dir;
    const std::string path = dir.file("v1.sqlite");
    // The Qt store's exact schema (src/jobstore/job_store.cpp, kSchema, before issue #19) and a WAL file, as it
    // left them: one job running (its runner had no lease), one queued, one done.
    test::rawSql(path,
                 "PRAGMA journal_mode=WAL;"
                 "CREATE TABLE jobs ("
                 " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                 " position REAL NOT NULL,"
                 " state TEXT NOT NULL,"
                 " params TEXT NOT NULL,"
                 " input_path TEXT NOT NULL DEFAULT '',"
                 " mask_path TEXT NOT NULL DEFAULT '',"
                 " background_path TEXT NOT NULL DEFAULT '',"
                 " output_path TEXT NOT NULL DEFAULT '',"
                 " bundle_dir TEXT NOT NULL DEFAULT '',"
                 " batch_id TEXT NOT NULL DEFAULT '',"
                 " label TEXT NOT NULL DEFAULT '',"
                 " progress REAL NOT NULL DEFAULT 0,"
                 " error TEXT NOT NULL DEFAULT '',"
                 " attempts INTEGER NOT NULL DEFAULT 0,"
                 " created_at INTEGER NOT NULL DEFAULT 0,"
                 " started_at INTEGER NOT NULL DEFAULT 0,"
                 " finished_at INTEGER NOT NULL DEFAULT 0,"
                 " seconds REAL NOT NULL DEFAULT 0);"
                 "CREATE INDEX jobs_state_position ON jobs (state, position);"
                 "CREATE INDEX jobs_output ON jobs (output_path);"
                 "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                 "INSERT INTO jobs (position, state, params, input_path, output_path, label,"
                 " progress, attempts, created_at, started_at) VALUES"
                 " (1, 'running', '{\"prompt\":\"r\"}', '/in/r.jpg', '/out/r.png', 'r', 0.4, 1,"
                 " 100, 200);"
                 "INSERT INTO jobs (position, state, params, output_path, label, created_at)"
                 " VALUES (2, 'queued', '{\"prompt\":\"q\"}', '/out/q.png', 'q', 300);"
                 "INSERT INTO jobs (position, state, params, output_path, label, progress,"
                 " attempts, created_at, started_at, finished_at, seconds) VALUES"
                 " (3, 'done', '{\"prompt\":\"d\"}', '/out/d.png', 'd', 1, 1, 400, 500, 600, 2.5);"
                 "INSERT INTO settings VALUES ('paused', 'yes');"
                 "PRAGMA user_version = 1;");
    const RunnerIdentity me = RunnerIdentity::current();
    {
        auto store = JobStore::open(path);
        CHECK(test::rawScalar(path, "PRAGMA user_version") == 2);
        CHECK(test::rawScalar(path,
                              "SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name IN"
                              " ('owner', 'owner_local', 'lease_expires_at', 'cancel_requested',"
                              " 'note')") == 5);
        CHECK(test::rawScalar(path,
                              "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"
                              " AND name = 'jobs_state_lease'") == 1);
        auto rows = store->jobs();
        REQUIRE(rows.size() == 3);
        CHECK(rows[0].spec.label == "r");
        CHECK(rows[0].state == JobState::Running);
        CHECK(rows[0].spec.inputPath == "/in/r.jpg");
        CHECK(rows[0].progress == Approx(0.4));
        CHECK(rows[0].owner.empty());
        CHECK(rows[0].leaseExpiresAt == 0);
        CHECK(rows[0].createdAt == 100);
        CHECK(rows[1].spec.params["prompt"] == "q");
        CHECK(rows[1].state == JobState::Queued);
        CHECK(rows[2].state == JobState::Done);
        CHECK(rows[2].seconds == Approx(2.5));
        CHECK(rows[2].finishedAt == 600);
        CHECK(store->setting("paused") == "yes");

        auto first = store->claimNext(me, 60);  // the v1 running job had no lease: recovered
        REQUIRE(first);
        CHECK(first->spec.label == "r");
        CHECK(first->attempts == 2);
        CHECK(first->owner == me.text());
        CHECK(store->claimNext(me, 60)->spec.label == "q");
    }
    auto again = JobStore::open(path);  // version 2 now: opened as it is
    CHECK(test::rawScalar(path, "PRAGMA user_version") == 2);
    CHECK(again->count(JobState::Running) == 2);
    CHECK(again->count(JobState::Done) == 1);
}

TEST_CASE("a new queue file gets the version 2 schema", "[jobs][files]") {
    test::TempDir dir;
    const std::string path = dir.file("new.sqlite");
    JobStore::open(path)->enqueue(jobSpec("a"));
    CHECK(test::rawScalar(path, "PRAGMA user_version") == 2);
    CHECK(test::rawScalar(path,
                          "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"
                          " AND name = 'jobs_state_lease'") == 1);
    auto store = JobStore::open(path);
    CHECK(store->jobs().size() == 1);
    CHECK(store->path() == path);
}

TEST_CASE("the journal mode follows the policy", "[jobs][files]") {
    test::TempDir dir;
    const std::string path = dir.file("q.sqlite");
    {
        auto store = JobStore::open(path, withJournal(JournalPolicy::Wal));
        CHECK(store->journalMode() == "wal");
        store->enqueue(jobSpec("a"));
        CHECK(fs::exists(path + "-wal"));
        CHECK(headerJournal(path) == 2);
    }
    {
        auto store = JobStore::open(path, withJournal(JournalPolicy::Rollback));
        CHECK(store->journalMode() == "delete");
        store->enqueue(jobSpec("b"));
        CHECK_FALSE(fs::exists(path + "-wal"));
        CHECK(headerJournal(path) == 1);
        CHECK(store->jobs().size() == 2);
    }
    const std::string network = jobs::networkFileSystemOf(path);
    auto store = JobStore::open(path);  // Automatic
    if (network.empty()) {
        CHECK(store->journalMode() == "wal");
        CHECK(store->fileSystemWarning().empty());
    } else {
        WARN("the temp folder is on a network file system (" << network << ")");
        CHECK(store->journalMode() == "delete");
        CHECK_THAT(store->fileSystemWarning(), Catch::Contains(network));
    }
    CHECK(store->jobs().size() == 2);
}

TEST_CASE("network file systems are recognised by their statfs magic", "[jobs][files]") {
    using jobs::networkFileSystemName;
    CHECK(networkFileSystemName(0x6969) == "nfs");
    CHECK(networkFileSystemName(0xFF534D42) == "cifs");
    CHECK(networkFileSystemName(0x517B) == "smb");
    CHECK(networkFileSystemName(0xFE534D42) == "smb2");
    CHECK(networkFileSystemName(0x00C36400) == "ceph");
    CHECK(networkFileSystemName(0x0BD00BD0) == "lustre");
    CHECK(networkFileSystemName(0x47504653) == "gpfs");
    CHECK(networkFileSystemName(0x01021997) == "9p");
    CHECK(networkFileSystemName(0x5346414F) == "afs");
    CHECK(networkFileSystemName(0x65735546) == "fuse");
    // f_type sign-extended from a 32-bit long still names CIFS.
    CHECK(networkFileSystemName(static_cast<uint64_t>(int64_t{static_cast<int32_t>(0xFF534D42)})) ==
          "cifs");
    for (uint64_t local : {0xEF53ull /* ext4 */, 0x01021994ull /* tmpfs */, 0x58465342ull /* xfs */,
                           0x9123683Eull /* btrfs */, 0x794C7630ull /* overlayfs */, 0ull}) {
        INFO(local);
        CHECK(networkFileSystemName(local).empty());
    }
    CHECK(jobs::networkFileSystemOf("/no/such/folder/q.sqlite").empty());
    CHECK(jobs::networkFileSystemOf("/proc/q.sqlite").empty());  // procfs: local
}
