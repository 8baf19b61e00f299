// JobStore: query helpers, row mapping, reads and settings (job_store.cpp opens the file and
// changes job states).
#include <QDateTime>
#include <QtSql/QSqlError>

#include "chiaro/core/error.h"
#include "jobstore/job_store_impl.h"

namespace chiaro::jobstore {
using core::Error;
using core::ErrorCode;

const char* const kJobColumns =
    "id, position, state, params, input_path, mask_path, background_path, output_path, bundle_dir, "
    "batch_id, label, progress, error, attempts, created_at, started_at, finished_at, seconds";

namespace {
enum Column {
    Id,
    Position,
    State,
    Params,
    Input,
    Mask,
    Background,
    Output,
    Bundle,
    Batch,
    Label,
    Progress,
    ErrorText,
    Attempts,
    Created,
    Started,
    Finished,
    Seconds
};

std::string str(const QSqlQuery& q, int column) {
    return q.value(column).toString().toStdString();
}
}  // namespace

const char* jobStateName(JobState state) {
    switch (state) {
        case JobState::Queued:
            return "queued";
        case JobState::Running:
            return "running";
        case JobState::Done:
            return "done";
        case JobState::Failed:
            return "failed";
        case JobState::Cancelled:
            return "cancelled";
    }
    return "queued";
}

JobState parseJobState(const std::string& name) {
    for (JobState s : {JobState::Queued, JobState::Running, JobState::Done, JobState::Failed,
                       JobState::Cancelled}) {
        if (name == jobStateName(s))
            return s;
    }
    throw Error(ErrorCode::BadInput, "unknown job state '" + name + "'");
}

int64_t nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

QSqlQuery JobStore::Impl::prepare(const QString& sql) const {
    QSqlQuery query(db());
    if (!query.prepare(sql)) {
        throw Error(ErrorCode::Failure,
                    path + ": queue database error: " + query.lastError().text().toStdString());
    }
    return query;
}

void JobStore::Impl::exec(QSqlQuery& query, const char* what) const {
    if (!query.exec()) {
        throw Error(ErrorCode::Failure,
                    path + ": " + what + ": " + query.lastError().text().toStdString());
    }
}

QSqlQuery JobStore::Impl::run(const QString& sql,
                              const QVariantList& values,
                              const char* what) const {
    QSqlQuery query = prepare(sql);
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values[i]);
    exec(query, what);
    return query;
}

Transaction::Transaction(const JobStore::Impl& impl) : m_impl(impl) {
    m_impl.run("BEGIN IMMEDIATE", {}, "starting a transaction");
    m_open = true;
}

Transaction::~Transaction() {
    if (!m_open)
        return;
    QSqlQuery query(m_impl.db());
    query.exec("ROLLBACK");  // best effort: a destructor must not throw
}

void Transaction::commit() {
    m_impl.run("COMMIT", {}, "committing");
    m_open = false;
}

StoredJob rowToJob(const QSqlQuery& q) {
    StoredJob job;
    job.id = q.value(Id).toLongLong();
    job.position = q.value(Position).toDouble();
    job.state = parseJobState(str(q, State));
    job.spec.params = nlohmann::json::parse(str(q, Params), nullptr, false);
    if (job.spec.params.is_discarded())
        job.spec.params = nlohmann::json::object();
    job.spec.inputPath = str(q, Input);
    job.spec.maskPath = str(q, Mask);
    job.spec.backgroundPath = str(q, Background);
    job.spec.outputPath = str(q, Output);
    job.spec.bundleDir = str(q, Bundle);
    job.spec.batchId = str(q, Batch);
    job.spec.label = str(q, Label);
    job.progress = q.value(Progress).toDouble();
    job.error = str(q, ErrorText);
    job.attempts = q.value(Attempts).toInt();
    job.createdAt = q.value(Created).toLongLong();
    job.startedAt = q.value(Started).toLongLong();
    job.finishedAt = q.value(Finished).toLongLong();
    job.seconds = q.value(Seconds).toDouble();
    return job;
}

namespace {
std::vector<StoredJob> readJobs(const JobStore::Impl& impl,
                                const QString& where,
                                const QVariantList& values) {
    QSqlQuery q =
        impl.run(QString("SELECT %1 FROM jobs %2 ORDER BY position, id").arg(kJobColumns, where),
                 values, "reading jobs");
    std::vector<StoredJob> out;
    while (q.next())
        out.push_back(rowToJob(q));
    return out;
}
}  // namespace

std::optional<StoredJob> JobStore::job(int64_t id) const {
    auto rows = readJobs(*m_impl, "WHERE id = ?", {QVariant::fromValue<qlonglong>(id)});
    if (rows.empty())
        return std::nullopt;
    return rows.front();
}

std::vector<StoredJob> JobStore::jobs() const {
    return readJobs(*m_impl, "", {});
}

std::vector<StoredJob> JobStore::jobsInState(JobState state) const {
    return readJobs(*m_impl, "WHERE state = ?", {QString(jobStateName(state))});
}

std::optional<StoredJob> JobStore::jobWithOutput(const std::string& outputPath) const {
    auto rows = readJobs(*m_impl, "WHERE output_path = ?", {QString::fromStdString(outputPath)});
    if (rows.empty())
        return std::nullopt;
    return rows.front();
}

int JobStore::count(JobState state) const {
    QSqlQuery q = m_impl->run("SELECT COUNT(*) FROM jobs WHERE state = ?",
                              {QString(jobStateName(state))}, "counting jobs");
    return q.next() ? q.value(0).toInt() : 0;
}

std::string JobStore::setting(const std::string& key, const std::string& fallback) const {
    QSqlQuery q = m_impl->run("SELECT value FROM settings WHERE key = ?",
                              {QString::fromStdString(key)}, "reading a setting");
    return q.next() ? q.value(0).toString().toStdString() : fallback;
}

void JobStore::setSetting(const std::string& key, const std::string& value) {
    m_impl->run("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                {QString::fromStdString(key), QString::fromStdString(value)}, "writing a setting");
}

}  // namespace chiaro::jobstore
