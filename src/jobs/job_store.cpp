// JobStore: opening a queue file. Everything that could refuse the file (a foreign file, a newer
// schema, a missing or read-only folder) is decided by reads alone, before anything is written,
// so a refused file is left byte-identical and without new -wal/-shm/-journal files. Then the
// journal mode is set and the schema created or migrated in one transaction.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <mutex>
#include <set>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/jobs/queue_location.h"
#include "jobs/job_store_impl.h"

namespace chiaro::jobs {
using core::Error;
using core::ErrorCode;
namespace fs = std::filesystem;

namespace {

// Version 2: leases (owner, owner_local, lease_expires_at), cancel requests and runner notes.
// Columns keep the order a migrated version-1 file has, so both look the same.
const char* const kSchema[] = {
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
    " seconds REAL NOT NULL DEFAULT 0,"
    " owner TEXT NOT NULL DEFAULT '',"
    " owner_local TEXT NOT NULL DEFAULT '',"
    " lease_expires_at INTEGER NOT NULL DEFAULT 0,"
    " cancel_requested INTEGER NOT NULL DEFAULT 0,"
    " note TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX jobs_state_position ON jobs (state, position)",
    "CREATE INDEX jobs_output ON jobs (output_path)",
    "CREATE INDEX jobs_state_lease ON jobs (state, lease_expires_at)",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
};

// Version 1 (the Qt SQL store) -> 2. A v1 `running` job gets lease 0, which has expired: its
// runner had no lease, so the first claim recovers it.
const char* const kMigrateV1[] = {
    "ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE jobs ADD COLUMN owner_local TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE jobs ADD COLUMN lease_expires_at INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE jobs ADD COLUMN note TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX IF NOT EXISTS jobs_state_lease ON jobs (state, lease_expires_at)",
    "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
};

const char* const kV1Columns[] = {"id",          "position",  "state",           "params",
                                  "input_path",  "mask_path", "background_path", "output_path",
                                  "bundle_dir",  "batch_id",  "label",           "progress",
                                  "error",       "attempts",  "created_at",      "started_at",
                                  "finished_at", "seconds"};
const char* const kV2Columns[] = {"owner", "owner_local", "lease_expires_at", "cancel_requested",
                                  "note"};

fs::path folderOf(const std::string& path) {
    fs::path folder = fs::path(path).parent_path();
    return folder.empty() ? fs::path(".") : folder;
}

// The folder must exist and be writable (SQLite writes its journal beside the file).
void checkFolder(const std::string& path) {
    const fs::path folder = folderOf(path);
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw Error(ErrorCode::BadInput, path + ": the queue file's folder does not exist");
    // AT_EACCESS: the effective user's rights (those SQLite will write with), not the real one's.
    if (faccessat(AT_FDCWD, folder.c_str(), W_OK, AT_EACCESS) != 0 &&
        (errno == EACCES || errno == EROFS)) {
        throw Error(ErrorCode::BadInput,
                    path + ": the queue's folder " + folder.string() +
                        " is read-only; the queue writes its journal beside the file, so put it "
                        "in a writable folder");
    }
}

// A folder is not a queue. Whether a file is an SQLite database at all is left to SQLite's first
// read (SQLITE_NOTADB): opening the file here with an fd of our own and closing it would drop every
// POSIX lock this process holds on it — those of the other connections of this process (a lease
// keeper, the app's save thread) included — and let other runners write while they think they
// hold the lock: the classic way to corrupt an SQLite file.
void checkNotFolder(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw Error(ErrorCode::BadInput, path + ": is a folder, not a queue file");
}

struct SchemaInfo {
    int version = 0;
    int objects = 0;  // tables, indexes, ... of any kind
    bool hasSettings = false;
    std::set<std::string> jobColumns;  // empty: no jobs table
};

int64_t scalar(const SqliteDb& db, const std::string& sql, const char* what) {
    SqliteStatement q = db.prepare(sql, what);
    return q.step() ? q.int64(0) : 0;
}

SchemaInfo readSchema(const SqliteDb& db) {
    SchemaInfo info;
    info.version =
        static_cast<int>(scalar(db, "PRAGMA user_version", "reading the schema version"));
    info.objects =
        static_cast<int>(scalar(db, "SELECT COUNT(*) FROM sqlite_master", "reading the schema"));
    info.hasSettings = scalar(db,
                              "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                              "name = 'settings'",
                              "reading the schema") > 0;
    SqliteStatement columns =
        db.prepare("SELECT name FROM pragma_table_info('jobs')", "reading the schema");
    while (columns.step())
        info.jobColumns.insert(columns.text(0));
    return info;
}

void requireColumns(const std::string& path,
                    const SchemaInfo& info,
                    const char* const* begin,
                    const char* const* end) {
    for (const char* const* column = begin; column != end; ++column) {
        if (!info.jobColumns.count(*column)) {
            throw Error(ErrorCode::BadInput, path +
                                                 ": not a Chiaro queue file (its jobs table has no "
                                                 "column '" +
                                                 *column + "')");
        }
    }
}

void checkSchema(const std::string& path, const SchemaInfo& info) {
    if (info.version > kSchemaVersion) {
        throw Error(ErrorCode::BadInput, path + ": queue schema version " +
                                             std::to_string(info.version) +
                                             " is newer than this Chiaro reads (" +
                                             std::to_string(kSchemaVersion) + "); update Chiaro");
    }
    if (info.version == 0) {
        if (info.objects > 0) {
            throw Error(ErrorCode::BadInput,
                        path + ": not a Chiaro queue file (an SQLite database with other tables)");
        }
        return;
    }
    if (info.version < 0 || info.jobColumns.empty())
        throw Error(ErrorCode::BadInput, path + ": not a Chiaro queue file (no jobs table)");
    requireColumns(path, info, std::begin(kV1Columns), std::end(kV1Columns));
    if (info.version == 2)
        requireColumns(path, info, std::begin(kV2Columns), std::end(kV2Columns));
}

std::string networkWarning(const std::string& path, const std::string& fileSystem, bool wal) {
    const std::string head = path + " is on a network file system (" + fileSystem + "): ";
    if (wal) {
        return head +
               "WAL was forced, but it needs shared memory that NFS/SMB do not provide between "
               "machines, so runners on different machines can damage the queue; keep every "
               "runner on one machine, or put the queue on a local disk (docs/BATCH.md)";
    }
    return head +
           "WAL needs shared memory that NFS/SMB do not provide, so the queue uses a rollback "
           "journal; keep one runner per queue file there, or put the queue on a local disk "
           "(docs/BATCH.md)";
}

// Logged once per process and file: a GUI opens one store per thread on the same queue.
void logWarningOnce(const std::string& path, const std::string& warning) {
    static std::mutex mutex;
    static std::set<std::string> warned;
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (!warned.insert(path).second)
            return;
    }
    core::namedLogger("jobs")->warn("{}", warning);
}

void setJournal(JobStore::Impl& impl) {
    const std::string fileSystem = networkFileSystemOf(impl.path);
    const JournalPolicy policy = impl.options.journal;
    const bool wal =
        policy == JournalPolicy::Wal || (policy == JournalPolicy::Automatic && fileSystem.empty());
    SqliteStatement q = impl.db.prepare(
        wal ? "PRAGMA journal_mode=WAL" : "PRAGMA journal_mode=DELETE", "setting the journal mode");
    impl.journalMode = q.step() ? q.text(0) : std::string();
    std::transform(impl.journalMode.begin(), impl.journalMode.end(), impl.journalMode.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // WAL with NORMAL is durable at checkpoints and never corrupts; a rollback journal needs FULL.
    impl.db.exec(
        impl.journalMode == "wal" ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL",
        "setting the synchronous mode");
    if (!fileSystem.empty()) {
        impl.fileSystemWarning = networkWarning(impl.path, fileSystem, wal);
        logWarningOnce(impl.path, impl.fileSystemWarning);
    }
}

// Creates or migrates the schema. The version is read again inside the write transaction:
// another process may have done it since the checks.
void prepareSchema(const JobStore::Impl& impl, const SchemaInfo& checked) {
    if (checked.version == kSchemaVersion && checked.hasSettings)
        return;
    SqliteTransaction tx(impl.db);
    const SchemaInfo info = readSchema(impl.db);
    checkSchema(impl.path, info);
    if (info.version == 0) {
        for (const char* sql : kSchema)
            impl.db.exec(sql, "creating the queue schema");
    } else if (info.version == 1) {
        for (const char* sql : kMigrateV1)
            impl.db.exec(sql, "upgrading the queue to schema version 2");
        core::namedLogger("jobs")->info("{}: queue upgraded to schema version 2", impl.path);
    } else if (!info.hasSettings) {
        impl.db.exec(kSchema[std::size(kSchema) - 1], "creating the settings table");
    }
    impl.db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion),
                 "writing the schema version");
    tx.commit();
}

// A new file's name lives in its folder: fsync the folder so it survives a power loss.
void syncFolder(const std::string& path) {
    const int fd = ::open(folderOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (fsync(fd) != 0)
        core::namedLogger("jobs")->debug("{}: fsync of the folder failed", path);
    ::close(fd);
}

}  // namespace

JobStore::JobStore() : m_impl(std::make_unique<Impl>()) {}
JobStore::~JobStore() = default;

std::unique_ptr<JobStore> JobStore::open(const std::string& path, StoreOptions options) {
    const bool memory = path == ":memory:";
    bool created = false;
    if (!memory) {
        checkFolder(path);
        std::error_code ec;
        created = !fs::exists(path, ec);
        if (!created)
            checkNotFolder(path);
    }
    std::unique_ptr<JobStore> store(new JobStore());
    Impl& impl = *store->m_impl;
    impl.path = path;
    impl.options = options;
    // An existing file is opened without SQLITE_OPEN_CREATE, and only read until it is known to
    // be a queue of a version this build reads.
    const int flags = SQLITE_OPEN_READWRITE | (created || memory ? SQLITE_OPEN_CREATE : 0);
    impl.db = SqliteDb(path, flags);
    // The first read: SQLite checks the header here (not an SQLite file: SQLITE_NOTADB).
    if (sqlite3_exec(impl.db.handle(), "SELECT 1 FROM sqlite_master LIMIT 1", nullptr, nullptr,
                     nullptr) == SQLITE_NOTADB) {
        throw Error(ErrorCode::BadInput,
                    path + ": not a Chiaro queue file (not an SQLite database)");
    }
    const SchemaInfo info = readSchema(impl.db);
    checkSchema(path, info);
    if (impl.db.readOnly()) {
        throw Error(ErrorCode::BadInput,
                    path +
                        ": the queue file is read-only; make it writable (chmod u+w) or use a "
                        "copy");
    }
    if (memory)
        impl.journalMode = "memory";
    else
        setJournal(impl);
    prepareSchema(impl, info);
    if (created)
        syncFolder(path);
    return store;
}

const std::string& JobStore::path() const {
    return m_impl->path;
}

std::string JobStore::journalMode() const {
    return m_impl->journalMode;
}

std::string JobStore::fileSystemWarning() const {
    return m_impl->fileSystemWarning;
}

int64_t unixMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace chiaro::jobs
