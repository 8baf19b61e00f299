#pragma once
// Private parts of JobStore shared by its source files: job_store.cpp (opening, schema, journal),
// job_store_leases.cpp (claims and every change of a running job) and job_store_rows.cpp (queue
// editing, reads, settings).
#include <string>
#include <vector>

#include "chiaro/jobs/job_store.h"
#include "jobs/sqlite_db.h"

namespace chiaro::jobs {

constexpr int kSchemaVersion = 2;

// The columns every row read selects, in the order rowToJob() expects.
extern const char* const kJobColumns;

struct JobStore::Impl {
    std::string path;
    StoreOptions options;
    SqliteDb db;
    std::string journalMode;        // what `PRAGMA journal_mode` answered
    std::string fileSystemWarning;  // non-empty on a network file system
    // Jobs this connection failed as poison jobs (a claim recovered them once too often).
    mutable std::vector<int64_t> poisoned;
};

StoredJob rowToJob(const SqliteStatement& row);
// SELECT kJobColumns FROM jobs `where` ORDER BY position, id; `where` uses ?1, ?2 ... for `values`.
template <typename... Values>
std::vector<StoredJob> readJobs(const JobStore::Impl& impl,
                                const std::string& where,
                                const Values&... values) {
    SqliteStatement q = impl.db.prepare(
        std::string("SELECT ") + kJobColumns + " FROM jobs " + where + " ORDER BY position, id",
        "reading jobs");
    q.bindAll(values...);
    std::vector<StoredJob> out;
    while (q.step())
        out.push_back(rowToJob(q));
    return out;
}

// Expired leases -> queued / failed (poison) inside the caller's write transaction.
int recoverExpiredLeasesLocked(const JobStore::Impl& impl, int64_t now);

}  // namespace chiaro::jobs
