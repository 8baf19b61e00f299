// JobStore: opening / creating the queue file (schema, WAL, recovery of interrupted jobs) and every
// state change. Reads and settings live in job_store_rows.cpp.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>

#include <QtSql/QSqlError>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "jobstore/job_store_impl.h"

namespace chiaro::jobstore {
using core::Error;
using core::ErrorCode;
namespace fs = std::filesystem;

namespace {

// Positions closer than this are renumbered 1..n (repeated halving would run out of precision).
constexpr double kMinPositionGap = 1e-6;

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
    " seconds REAL NOT NULL DEFAULT 0)",
    "CREATE INDEX jobs_state_position ON jobs (state, position)",
    "CREATE INDEX jobs_output ON jobs (output_path)",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
};

// A non-empty file that does not start with SQLite's magic is refused before Qt touches it (SQLite
// would only fail at the first query, with a vaguer message).
void checkSqliteHeader(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec) || fs::file_size(path, ec) == 0)
        return;
    std::ifstream in(path, std::ios::binary);
    char magic[16] = {};
    in.read(magic, sizeof(magic));
    if (!in || std::string(magic, 16) != std::string("SQLite format 3\0", 16)) {
        throw Error(ErrorCode::BadInput,
                    path + ": not a Chiaro queue file (not an SQLite database)");
    }
}

QString uniqueConnectionName() {
    static std::atomic<int> counter{0};
    return QString("chiaro-jobstore-%1").arg(++counter);
}

QVariant id64(int64_t id) {
    return QVariant::fromValue<qlonglong>(id);
}

}  // namespace

JobStore::JobStore() : m_impl(std::make_unique<Impl>()) {}

JobStore::~JobStore() {
    {
        QSqlDatabase db = m_impl->db();
        if (db.isValid())
            db.close();
    }  // every QSqlDatabase handle must be gone before removeDatabase
    QSqlDatabase::removeDatabase(m_impl->connection);
}

std::unique_ptr<JobStore> JobStore::open(const std::string& path) {
    const bool memory = path == ":memory:";
    if (!memory) {
        auto parent = fs::path(path).parent_path();
        std::error_code ec;
        if (!parent.empty() && !fs::is_directory(parent, ec)) {
            throw Error(ErrorCode::BadInput, path + ": the queue file's folder does not exist");
        }
        checkSqliteHeader(path);
    }
    std::unique_ptr<JobStore> store(new JobStore());
    Impl& impl = *store->m_impl;
    impl.path = path;
    impl.connection = uniqueConnectionName();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", impl.connection);
        if (!db.isValid())
            throw Error(ErrorCode::Failure,
                        path + ": Qt's SQLite driver (QSQLITE) is not available");
        db.setDatabaseName(QString::fromStdString(path));
        db.setConnectOptions("QSQLITE_BUSY_TIMEOUT=10000");
        if (!db.open()) {
            throw Error(ErrorCode::BadInput,
                        path + ": cannot open the queue: " + db.lastError().text().toStdString());
        }
    }
    store->initialise();
    return store;
}

void JobStore::initialise() {
    Impl& impl = *m_impl;
    int version = 0;
    try {
        QSqlQuery q = impl.run("PRAGMA user_version", {}, "reading the schema version");
        version = q.next() ? q.value(0).toInt() : 0;
    } catch (const Error& e) {
        throw Error(ErrorCode::BadInput,
                    impl.path + ": not a Chiaro queue file (" + e.what() + ")");
    }
    if (version > kSchemaVersion) {
        throw Error(ErrorCode::BadInput, impl.path + ": queue schema version " +
                                             std::to_string(version) +
                                             " is newer than this Chiaro reads (" +
                                             std::to_string(kSchemaVersion) + "); update Chiaro");
    }
    QSqlQuery tables =
        impl.run("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'jobs'", {},
                 "reading the schema");
    const bool hasJobs = tables.next();
    if (version == kSchemaVersion && !hasJobs) {
        throw Error(ErrorCode::BadInput, impl.path + ": not a Chiaro queue file (no jobs table)");
    }
    if (version == 0) {
        QSqlQuery any = impl.run("SELECT COUNT(*) FROM sqlite_master", {}, "reading the schema");
        if (any.next() && any.value(0).toInt() > 0) {
            throw Error(ErrorCode::BadInput, impl.path +
                                                 ": not a Chiaro queue file (an SQLite database "
                                                 "with other tables)");
        }
    }
    // WAL: readers (the GUI) never block the writer (the engine loop); NORMAL sync is durable at
    // checkpoints and never corrupts. Both are per connection / per file, so set them every time.
    impl.run("PRAGMA journal_mode=WAL", {}, "enabling WAL");
    impl.run("PRAGMA synchronous=NORMAL", {}, "setting synchronous mode");
    if (version == 0) {
        Transaction tx(impl);
        for (const char* sql : kSchema)
            impl.run(sql, {}, "creating the queue schema");
        impl.run(QString("PRAGMA user_version = %1").arg(kSchemaVersion), {},
                 "writing the schema version");
        tx.commit();
    }
    // A job left `running` was interrupted (crash, kill, power loss): it becomes re-runnable.
    QSqlQuery requeued =
        impl.run("UPDATE jobs SET state = 'queued', progress = 0 WHERE state = 'running'", {},
                 "recovering interrupted jobs");
    impl.recovered = requeued.numRowsAffected();
    if (impl.recovered > 0) {
        core::coreLog().info("{}: {} interrupted job(s) queued again", impl.path, impl.recovered);
    }
}

const std::string& JobStore::path() const {
    return m_impl->path;
}
int JobStore::recoveredOnOpen() const {
    return m_impl->recovered;
}

double JobStore::endPosition() const {
    QSqlQuery q =
        m_impl->run("SELECT COALESCE(MAX(position), 0) FROM jobs", {}, "reading positions");
    return (q.next() ? q.value(0).toDouble() : 0.0) + 1.0;
}

int64_t JobStore::enqueue(const JobSpec& spec) {
    return enqueueAll({spec}).front();
}

std::vector<int64_t> JobStore::enqueueAll(const std::vector<JobSpec>& specs) {
    Transaction tx(*m_impl);
    double position = endPosition();
    std::vector<int64_t> ids;
    QSqlQuery q = m_impl->prepare(
        "INSERT INTO jobs (position, state, params, input_path, mask_path, background_path, "
        "output_path,"
        " bundle_dir, batch_id, label, created_at) VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, "
        "?)");
    const int64_t now = nowMs();
    for (const JobSpec& s : specs) {
        const QVariantList values = {position,
                                     QString::fromStdString(s.params.dump()),
                                     QString::fromStdString(s.inputPath),
                                     QString::fromStdString(s.maskPath),
                                     QString::fromStdString(s.backgroundPath),
                                     QString::fromStdString(s.outputPath),
                                     QString::fromStdString(s.bundleDir),
                                     QString::fromStdString(s.batchId),
                                     QString::fromStdString(s.label),
                                     id64(now)};
        for (int i = 0; i < values.size(); ++i)
            q.bindValue(i, values[i]);
        m_impl->exec(q, "adding a job");
        ids.push_back(q.lastInsertId().toLongLong());
        position += 1.0;
    }
    tx.commit();
    return ids;
}

std::optional<StoredJob> JobStore::claimNext() {
    Transaction tx(*m_impl);
    QSqlQuery q =
        m_impl->run("SELECT id FROM jobs WHERE state = 'queued' ORDER BY position, id LIMIT 1", {},
                    "picking the next job");
    if (!q.next())
        return std::nullopt;
    const int64_t id = q.value(0).toLongLong();
    q.finish();
    m_impl->run(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?, progress = 0,"
        " error = '' WHERE id = ?",
        {id64(nowMs()), id64(id)}, "claiming a job");
    tx.commit();
    return job(id);
}

void JobStore::setProgress(int64_t id, double progress) {
    m_impl->run("UPDATE jobs SET progress = ? WHERE id = ?",
                {std::clamp(progress, 0.0, 1.0), id64(id)}, "saving progress");
}

void JobStore::markDone(int64_t id, double seconds) {
    m_impl->run(
        "UPDATE jobs SET state = 'done', progress = 1, finished_at = ?, seconds = ?, error = ''"
        " WHERE id = ?",
        {id64(nowMs()), seconds, id64(id)}, "marking a job done");
}

void JobStore::markFailed(int64_t id, const std::string& error) {
    m_impl->run("UPDATE jobs SET state = 'failed', finished_at = ?, error = ? WHERE id = ?",
                {id64(nowMs()), QString::fromStdString(error), id64(id)}, "marking a job failed");
}

void JobStore::markCancelled(int64_t id) {
    m_impl->run("UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE id = ?",
                {id64(nowMs()), id64(id)}, "marking a job cancelled");
}

void JobStore::requeue(int64_t id) {
    m_impl->run(
        "UPDATE jobs SET state = 'queued', progress = 0, error = '', finished_at = 0"
        " WHERE id = ? AND state IN ('running', 'failed', 'cancelled')",
        {id64(id)}, "queueing a job again");
}

int JobStore::cancelQueued(const std::vector<int64_t>& ids) {
    Transaction tx(*m_impl);
    QSqlQuery q = m_impl->prepare(
        "UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE id = ? AND state = 'queued'");
    int changed = 0;
    for (int64_t id : ids) {
        q.bindValue(0, id64(nowMs()));
        q.bindValue(1, id64(id));
        m_impl->exec(q, "cancelling a job");
        changed += q.numRowsAffected();
    }
    tx.commit();
    return changed;
}

int JobStore::cancelAllQueued() {
    QSqlQuery q =
        m_impl->run("UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE state = 'queued'",
                    {id64(nowMs())}, "cancelling the queue");
    return q.numRowsAffected();
}

void JobStore::moveBefore(int64_t id, int64_t beforeId) {
    if (id == beforeId)
        return;
    Transaction tx(*m_impl);
    auto moved = job(id);
    if (!moved || moved->state != JobState::Queued)
        return;
    double position = endPosition();
    if (beforeId != 0) {
        auto before = job(beforeId);
        if (!before)
            return;
        QSqlQuery prev =
            m_impl->run("SELECT MAX(position) FROM jobs WHERE position < ? AND id != ?",
                        {before->position, id64(id)}, "reordering");
        const bool hasPrev = prev.next() && !prev.value(0).isNull();
        const double low = hasPrev ? prev.value(0).toDouble() : before->position - 2.0;
        prev.finish();
        position = (low + before->position) / 2.0;
        if (before->position - low < kMinPositionGap) {
            renumber();
            tx.commit();
            moveBefore(id, beforeId);
            return;
        }
    }
    m_impl->run("UPDATE jobs SET position = ? WHERE id = ?", {position, id64(id)}, "reordering");
    tx.commit();
}

void JobStore::renumber() {
    std::vector<int64_t> order;
    QSqlQuery q = m_impl->run("SELECT id FROM jobs ORDER BY position, id", {}, "reordering");
    while (q.next())
        order.push_back(q.value(0).toLongLong());
    q.finish();
    QSqlQuery update = m_impl->prepare("UPDATE jobs SET position = ? WHERE id = ?");
    for (size_t i = 0; i < order.size(); ++i) {
        update.bindValue(0, static_cast<double>(i + 1));
        update.bindValue(1, id64(order[i]));
        m_impl->exec(update, "reordering");
    }
}

int JobStore::clearFinished() {
    QSqlQuery q = m_impl->run("DELETE FROM jobs WHERE state IN ('done', 'cancelled')", {},
                              "clearing finished jobs");
    return q.numRowsAffected();
}

}  // namespace chiaro::jobstore
