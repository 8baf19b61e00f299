// The queue store's thread at quit: what was posted before the app closed still reaches the file
// (a finished job's state, a job given back), and a call stuck behind another runner's lock does not
// hold the quit for longer than the drain time plus that one call.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include <sqlite3.h>

#include "queue/store_worker.h"
#include "test_support.h"

using chiaro::gui::StoreWorker;
using chiaro::jobs::JobStore;

namespace {

chiaro::jobs::JobSpec photoSpec(const std::string& dir, int i) {
    chiaro::jobs::JobSpec spec;
    spec.inputPath = dir + "/shot" + std::to_string(i) + ".png";
    spec.outputPath = dir + "/out/shot" + std::to_string(i) + ".png";
    spec.label = "shot" + std::to_string(i);
    return spec;
}

}  // namespace

TEST_CASE("calls posted before the store worker is destroyed are run, not dropped", "[gui][queue][store]") {
    chiaro::test::TempDir dir;
    const std::string path = dir.file("queue.sqlite");
    {
        StoreWorker worker(JobStore::open(path));
        // Posted without waiting, as the runner's last writes are when the window closes.
        for (int i = 0; i < 20; ++i) {
            worker.fireAndForget("enqueue", [&dir, i](JobStore& store) { store.enqueue(photoSpec(dir.path(), i)); });
        }
    }
    CHECK(JobStore::open(path)->jobs().size() == 20);
}

TEST_CASE("a store call stuck behind another runner's lock holds the quit one busy timeout at most",
          "[gui][queue][store]") {
    chiaro::test::TempDir dir;
    const std::string path = dir.file("queue.sqlite");
    JobStore::open(path);  // creates the file
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    std::thread release([other] {  // the other runner commits after 1.5 s
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
    });
    const auto start = std::chrono::steady_clock::now();
    {
        StoreWorker worker(JobStore::open(path));
        worker.fireAndForget("first", [&dir](JobStore& store) { store.enqueue(photoSpec(dir.path(), 1)); });
        worker.fireAndForget("second", [&dir](JobStore& store) { store.enqueue(photoSpec(dir.path(), 2)); });
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    release.join();
    sqlite3_close(other);
    // The first call waits for the lock (1.5 s, past the 1 s drain); the second is dropped then.
    CHECK(seconds < 5.0);
    CHECK(JobStore::open(path)->jobs().size() == 1);
}
