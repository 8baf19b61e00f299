#pragma once
// A small RAII layer over SQLite's C API for the job queue: a connection, prepared statements and
// an IMMEDIATE write transaction. Every failure becomes a core::Error naming the queue file and
// what was being done, with a category the CLI can map to an exit code (sqliteError()).
// Not thread-safe: a connection and its statements belong to one thread.
#include <cstdint>
#include <string>

#include "chiaro/core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace chiaro::jobs {

// The category for disk failures (SQLITE_FULL, SQLITE_IOERR). core::ErrorCode has no Io value
// yet, so they are Failure with a message that says "disk"; change it here once one exists.
constexpr core::ErrorCode kDiskErrorCode = core::ErrorCode::Failure;

// The error for SQLite result code `rc` while doing `what` on the queue file `path`; `detail` is
// sqlite3_errmsg() of the connection (or empty).
core::Error sqliteError(const std::string& path,
                        int rc,
                        const std::string& what,
                        const std::string& detail);

class SqliteStatement;

class SqliteDb {
  public:
    SqliteDb() = default;
    // sqlite3_open_v2(path, flags) with extended result codes and a 10 s busy timeout, so several
    // processes can share the file (a writer waits for another's transaction instead of failing).
    SqliteDb(const std::string& path, int flags);
    ~SqliteDb();
    SqliteDb(SqliteDb&& other) noexcept;
    SqliteDb& operator=(SqliteDb&& other) noexcept;
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }
    bool readOnly() const;  // opened read-only (the file is write-protected)

    // Runs statements that return no rows we need.
    void exec(const std::string& sql, const char* what) const;
    SqliteStatement prepare(const std::string& sql, const char* what) const;
    int changes() const;  // rows changed by the last INSERT / UPDATE / DELETE
    int64_t lastInsertId() const;
    [[noreturn]] void raise(int rc, const std::string& what) const;

  private:
    sqlite3* m_db = nullptr;
    std::string m_path;
};

class SqliteStatement {
  public:
    SqliteStatement(const SqliteDb& db, sqlite3_stmt* stmt, const char* what);
    ~SqliteStatement();
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&&) = delete;
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    // Parameters are 1-based, like SQLite's.
    SqliteStatement& bind(int index, int value);
    SqliteStatement& bind(int index, int64_t value);
    SqliteStatement& bind(int index, double value);
    SqliteStatement& bind(int index, const std::string& value);
    template <typename... Values>
    SqliteStatement& bindAll(const Values&... values) {
        int index = 0;
        (bind(++index, values), ...);
        (void)index;  // unused when there is nothing to bind
        return *this;
    }

    bool step();   // true: a row is ready; false: done
    void run();    // steps to the end (statements without rows)
    void reset();  // ready to run again with new bindings

    bool isNull(int column) const;
    int64_t int64(int column) const;
    double real(int column) const;
    std::string text(int column) const;

  private:
    const SqliteDb& m_db;
    sqlite3_stmt* m_stmt = nullptr;
    const char* m_what;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed without commit(). IMMEDIATE takes the
// write lock up front (waiting up to the busy timeout), so two runners claiming from one file
// serialise and never pick the same job, and no transaction fails later on a lock upgrade.
class SqliteTransaction {
  public:
    explicit SqliteTransaction(const SqliteDb& db);
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;
    void commit();

  private:
    const SqliteDb& m_db;
    bool m_open = false;
};

}  // namespace chiaro::jobs
