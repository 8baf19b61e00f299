// SQLite connection, statement and transaction wrappers; SQLite result codes -> core::Error.
#include "jobs/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

namespace chiaro::jobs {
using core::Error;
using core::ErrorCode;

namespace {

constexpr int kBusyTimeoutMs = 10000;

std::string withDetail(const std::string& what, const std::string& detail, int rc) {
    const std::string reason = detail.empty() ? sqlite3_errstr(rc) : detail;
    return what + ": " + reason;
}

}  // namespace

core::Error sqliteError(const std::string& path,
                        int rc,
                        const std::string& what,
                        const std::string& detail) {
    const std::string context = withDetail(what, detail, rc);
    switch (rc & 0xff) {
        case SQLITE_FULL:
            return Error(kDiskErrorCode, path + ": the disk is full (" + context + ")");
        case SQLITE_IOERR:
            return Error(kDiskErrorCode, path + ": disk error (" + context + ")");
        case SQLITE_NOTADB:
            return Error(ErrorCode::BadInput, path + ": not a Chiaro queue file (" + context + ")");
        case SQLITE_CORRUPT:
            return Error(ErrorCode::BadInput,
                         path + ": the queue file is damaged (" + context +
                             "); restore it from a backup or start a new queue file");
        case SQLITE_READONLY:
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
            return Error(ErrorCode::BadInput,
                         path + ": " + context +
                             ": the queue's folder is read-only (or the file is); a queue writes "
                             "its journal beside the file, so put it in a writable folder");
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return Error(ErrorCode::Failure,
                         path + ": " + context +
                             ": another process kept the queue locked for more than 10 s");
        default:
            return Error(ErrorCode::Failure, path + ": " + context);
    }
}

SqliteDb::SqliteDb(const std::string& path, int flags) : m_path(path) {
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string detail = m_db ? sqlite3_errmsg(m_db) : "";
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw sqliteError(path, rc, "opening the queue", detail);
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, kBusyTimeoutMs);
}

SqliteDb::~SqliteDb() {
    sqlite3_close_v2(m_db);  // statements are finalised by their owners first
}

SqliteDb::SqliteDb(SqliteDb&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)) {}

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
    if (this != &other) {
        sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

bool SqliteDb::readOnly() const {
    return sqlite3_db_readonly(m_db, "main") == 1;
}

void SqliteDb::exec(const std::string& sql, const char* what) const {
    const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        raise(rc, what);
}

SqliteStatement SqliteDb::prepare(const std::string& sql, const char* what) const {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v2(m_db, sql.c_str(), static_cast<int>(sql.size() + 1), &stmt, nullptr);
    if (rc != SQLITE_OK)
        raise(rc, what);
    return SqliteStatement(*this, stmt, what);
}

int SqliteDb::changes() const {
    return sqlite3_changes(m_db);
}

int64_t SqliteDb::lastInsertId() const {
    return sqlite3_last_insert_rowid(m_db);
}

void SqliteDb::raise(int rc, const std::string& what) const {
    throw sqliteError(m_path, rc, what, m_db ? sqlite3_errmsg(m_db) : "");
}

SqliteStatement::SqliteStatement(const SqliteDb& db, sqlite3_stmt* stmt, const char* what)
    : m_db(db), m_stmt(stmt), m_what(what) {}

SqliteStatement::~SqliteStatement() {
    sqlite3_finalize(m_stmt);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : m_db(other.m_db), m_stmt(std::exchange(other.m_stmt, nullptr)), m_what(other.m_what) {}

SqliteStatement& SqliteStatement::bind(int index, int value) {
    return bind(index, static_cast<int64_t>(value));
}

SqliteStatement& SqliteStatement::bind(int index, int64_t value) {
    const int rc = sqlite3_bind_int64(m_stmt, index, value);
    if (rc != SQLITE_OK)
        m_db.raise(rc, m_what);
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, double value) {
    const int rc = sqlite3_bind_double(m_stmt, index, value);
    if (rc != SQLITE_OK)
        m_db.raise(rc, m_what);
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, const std::string& value) {
    const int rc = sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                       SQLITE_UTF8);
    if (rc != SQLITE_OK)
        m_db.raise(rc, m_what);
    return *this;
}

bool SqliteStatement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    sqlite3_reset(m_stmt);  // releases the statement's locks before the error propagates
    m_db.raise(rc, m_what);
}

void SqliteStatement::run() {
    while (step()) {
    }
}

void SqliteStatement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool SqliteStatement::isNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

int64_t SqliteStatement::int64(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}

double SqliteStatement::real(int column) const {
    return sqlite3_column_double(m_stmt, column);
}

std::string SqliteStatement::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? std::string(data, static_cast<size_t>(size)) : std::string();
}

SqliteTransaction::SqliteTransaction(const SqliteDb& db) : m_db(db) {
    m_db.exec("BEGIN IMMEDIATE", "starting a write transaction");
    m_open = true;
}

SqliteTransaction::~SqliteTransaction() {
    // SQLite rolls some failed transactions back itself (SQLITE_FULL, SQLITE_IOERR): only roll
    // back one that is still open. Best effort: a destructor must not throw.
    if (m_open && sqlite3_get_autocommit(m_db.handle()) == 0)
        sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteTransaction::commit() {
    m_db.exec("COMMIT", "committing");
    m_open = false;
}

}  // namespace chiaro::jobs
