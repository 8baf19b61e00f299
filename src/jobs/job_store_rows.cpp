// JobStore: rows. Adding jobs, queue editing (cancel, reorder, retry, clear), reads and settings;
// job_store.cpp opens the file, job_store_leases.cpp changes running jobs.
#include "chiaro/core/error.h"
#include "jobs/job_store_impl.h"

namespace chiaro::jobs {
using core::Error;
using core::ErrorCode;

const char* const kJobColumns =
    "id, position, state, params, input_path, mask_path, background_path, output_path, bundle_dir, "
    "batch_id, label, progress, error, note, attempts, owner, lease_expires_at, cancel_requested, "
    "created_at, started_at, finished_at, seconds";

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
    Note,
    Attempts,
    Owner,
    LeaseExpires,
    CancelRequested,
    Created,
    Started,
    Finished,
    Seconds
};

// Positions closer than this are renumbered 1..n (repeated halving would run out of precision).
constexpr double kMinPositionGap = 1e-6;

double endPosition(const SqliteDb& db) {
    SqliteStatement q =
        db.prepare("SELECT COALESCE(MAX(position), 0) FROM jobs", "reading positions");
    return (q.step() ? q.real(0) : 0.0) + 1.0;
}

// Positions 1..n in the current order (inside the caller's transaction).
void renumber(const SqliteDb& db) {
    std::vector<int64_t> order;
    {
        SqliteStatement q = db.prepare("SELECT id FROM jobs ORDER BY position, id", "reordering");
        while (q.step())
            order.push_back(q.int64(0));
    }
    SqliteStatement update =
        db.prepare("UPDATE jobs SET position = ?1 WHERE id = ?2", "reordering");
    for (size_t i = 0; i < order.size(); ++i) {
        update.bindAll(static_cast<double>(i + 1), order[i]).run();
        update.reset();
    }
}

// The position halfway between `before` and the job ahead of it (ignoring `moving`); nullopt when
// that gap is too small to halve.
std::optional<double> positionBefore(const SqliteDb& db, const StoredJob& before, int64_t moving) {
    SqliteStatement prev =
        db.prepare("SELECT MAX(position) FROM jobs WHERE position < ?1 AND id != ?2", "reordering");
    prev.bindAll(before.position, moving);
    const bool hasPrev = prev.step() && !prev.isNull(0);
    const double low = hasPrev ? prev.real(0) : before.position - 2.0;
    if (before.position - low < kMinPositionGap)
        return std::nullopt;
    return (low + before.position) / 2.0;
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

StoredJob rowToJob(const SqliteStatement& q) {
    StoredJob job;
    job.id = q.int64(Id);
    job.position = q.real(Position);
    job.state = parseJobState(q.text(State));
    // Tolerant: a damaged params text gives an empty object, not an unreadable queue.
    job.spec.params = nlohmann::json::parse(q.text(Params), nullptr, false);
    if (job.spec.params.is_discarded())
        job.spec.params = nlohmann::json::object();
    job.spec.inputPath = q.text(Input);
    job.spec.maskPath = q.text(Mask);
    job.spec.backgroundPath = q.text(Background);
    job.spec.outputPath = q.text(Output);
    job.spec.bundleDir = q.text(Bundle);
    job.spec.batchId = q.text(Batch);
    job.spec.label = q.text(Label);
    job.progress = q.real(Progress);
    job.error = q.text(ErrorText);
    job.note = q.text(Note);
    job.attempts = static_cast<int>(q.int64(Attempts));
    job.owner = q.text(Owner);
    job.leaseExpiresAt = q.int64(LeaseExpires);
    job.cancelRequested = q.int64(CancelRequested) != 0;
    job.createdAt = q.int64(Created);
    job.startedAt = q.int64(Started);
    job.finishedAt = q.int64(Finished);
    job.seconds = q.real(Seconds);
    return job;
}

int64_t JobStore::enqueue(const JobSpec& spec) {
    return enqueueAll({spec}).front();
}

std::vector<int64_t> JobStore::enqueueAll(const std::vector<JobSpec>& specs) {
    return insertJobs(specs, false);
}

std::vector<int64_t> JobStore::enqueueNew(const std::vector<JobSpec>& specs) {
    return insertJobs(specs, true);
}

std::vector<int64_t> JobStore::insertJobs(const std::vector<JobSpec>& specs, bool skipQueuedOutputs) {
    const SqliteDb& db = m_impl->db;
    SqliteTransaction tx(db);
    double position = endPosition(db);
    // Inside the write transaction: a second runner planning the same batch at the same moment
    // waits for this one, then finds every output already queued.
    SqliteStatement known = db.prepare(
        "SELECT 1 FROM jobs WHERE output_path = ?1 AND state IN ('queued', 'running', 'done') LIMIT 1",
        "checking queued outputs");
    SqliteStatement q = db.prepare(
        "INSERT INTO jobs (position, state, params, input_path, mask_path, background_path,"
        " output_path, bundle_dir, batch_id, label, created_at)"
        " VALUES (?1, 'queued', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        "adding a job");
    const int64_t now = unixMs();
    std::vector<int64_t> ids;
    for (const JobSpec& s : specs) {
        if (skipQueuedOutputs) {
            known.bindAll(s.outputPath);
            const bool queued = known.step();
            known.reset();
            if (queued)
                continue;
        }
        q.bindAll(position, s.params.dump(), s.inputPath, s.maskPath, s.backgroundPath,
                  s.outputPath, s.bundleDir, s.batchId, s.label, now)
            .run();
        q.reset();
        ids.push_back(db.lastInsertId());
        position += 1.0;
    }
    tx.commit();
    return ids;
}

bool JobStore::requeue(int64_t id) {
    m_impl->db
        .prepare(
            "UPDATE jobs SET state = 'queued', attempts = 0, progress = 0, error = '',"
            " finished_at = 0 WHERE id = ?1 AND state IN ('failed', 'cancelled')",
            "queueing a job again")
        .bindAll(id)
        .run();
    return m_impl->db.changes() > 0;
}

int JobStore::retryFailed() {
    m_impl->db.exec(
        "UPDATE jobs SET state = 'queued', attempts = 0, progress = 0, error = '', finished_at = 0"
        " WHERE state = 'failed'",
        "queueing failed jobs again");
    return m_impl->db.changes();
}

int JobStore::cancelQueued(const std::vector<int64_t>& ids) {
    const SqliteDb& db = m_impl->db;
    SqliteTransaction tx(db);
    SqliteStatement q = db.prepare(
        "UPDATE jobs SET state = 'cancelled', finished_at = ?1 WHERE id = ?2 AND state = 'queued'",
        "cancelling a job");
    int changed = 0;
    for (int64_t id : ids) {
        q.bindAll(unixMs(), id).run();
        q.reset();
        changed += db.changes();
    }
    tx.commit();
    return changed;
}

int JobStore::cancelAllQueued() {
    m_impl->db
        .prepare("UPDATE jobs SET state = 'cancelled', finished_at = ?1 WHERE state = 'queued'",
                 "cancelling the queue")
        .bindAll(unixMs())
        .run();
    return m_impl->db.changes();
}

void JobStore::moveBefore(int64_t id, int64_t beforeId) {
    if (id == beforeId)
        return;
    const SqliteDb& db = m_impl->db;
    SqliteTransaction tx(db);
    auto moved = job(id);
    if (!moved || moved->state != JobState::Queued)
        return;
    double position = endPosition(db);
    if (beforeId != 0) {
        auto before = job(beforeId);
        if (!before)
            return;
        std::optional<double> between = positionBefore(db, *before, id);
        if (!between) {
            renumber(db);
            before = job(beforeId);
            between = positionBefore(db, *before, id);
        }
        position = between.value_or(before->position);
    }
    db.prepare("UPDATE jobs SET position = ?1 WHERE id = ?2", "reordering")
        .bindAll(position, id)
        .run();
    tx.commit();
}

int JobStore::clearFinished() {
    m_impl->db.exec("DELETE FROM jobs WHERE state IN ('done', 'cancelled')",
                    "clearing finished jobs");
    return m_impl->db.changes();
}

std::optional<StoredJob> JobStore::job(int64_t id) const {
    auto rows = readJobs(*m_impl, "WHERE id = ?1", id);
    if (rows.empty())
        return std::nullopt;
    return rows.front();
}

std::vector<StoredJob> JobStore::jobs() const {
    return readJobs(*m_impl, "");
}

std::vector<StoredJob> JobStore::jobsInState(JobState state) const {
    return readJobs(*m_impl, "WHERE state = ?1", std::string(jobStateName(state)));
}

std::optional<StoredJob> JobStore::jobWithOutput(const std::string& outputPath) const {
    auto rows = readJobs(*m_impl, "WHERE output_path = ?1", outputPath);
    if (rows.empty())
        return std::nullopt;
    return rows.front();
}

int JobStore::count(JobState state) const {
    SqliteStatement q =
        m_impl->db.prepare("SELECT COUNT(*) FROM jobs WHERE state = ?1", "counting jobs");
    q.bindAll(std::string(jobStateName(state)));
    return q.step() ? static_cast<int>(q.int64(0)) : 0;
}

std::string JobStore::setting(const std::string& key, const std::string& fallback) const {
    SqliteStatement q =
        m_impl->db.prepare("SELECT value FROM settings WHERE key = ?1", "reading a setting");
    q.bindAll(key);
    return q.step() ? q.text(0) : fallback;
}

void JobStore::setSetting(const std::string& key, const std::string& value) {
    m_impl->db
        .prepare("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                 "writing a setting")
        .bindAll(key, value)
        .run();
}

}  // namespace chiaro::jobs
