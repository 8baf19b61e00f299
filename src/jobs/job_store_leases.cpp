// JobStore: leases. Claiming a job, recovering leases whose runner stopped, and every change of a
// running job, each conditional on the caller still holding its lease (`state = 'running' AND
// owner = ?`), so a runner that lost its lease can never overwrite the new holder's work.
#include <algorithm>

#include "chiaro/core/logging.h"
#include "jobs/job_store_impl.h"

namespace chiaro::jobs {
namespace {

// Every change that ends a claim hands the lease back.
const std::string kClearLease =
    "owner = '', owner_local = '', lease_expires_at = 0, cancel_requested = 0";

int64_t leaseEnd(int64_t now, int leaseSeconds) {
    return now + static_cast<int64_t>(std::max(leaseSeconds, 0)) * 1000;
}

struct RunningJob {
    int64_t id = 0;
    std::string owner, ownerLocal, note, label;
    int64_t leaseExpiresAt = 0;
    int attempts = 0;
};

// Why a running job's lease counts as expired; "" while it is held.
std::string expiryReason(const RunningJob& job, int64_t now) {
    if (job.leaseExpiresAt < now)
        return "its lease expired";
    auto owner = RunnerIdentity::parse(job.owner, job.ownerLocal);
    if (owner && !owner->mayBeAlive())
        return "its runner's process is gone";
    return {};
}

std::string poisonError(int attempts, const std::string& note) {
    return "its runner stopped " + std::to_string(attempts) +
           " times while running it (killed, crashed or stalled past its lease), so the job "
           "itself apparently brings the runner down (poison job); last note: " +
           (note.empty() ? std::string("none") : note) +
           "; after fixing the cause, --retry-failed queues it again";
}

std::vector<RunningJob> runningJobs(const SqliteDb& db) {
    SqliteStatement q = db.prepare(
        "SELECT id, owner, owner_local, note, label, lease_expires_at, attempts FROM jobs"
        " WHERE state = 'running'",
        "reading running jobs");
    std::vector<RunningJob> out;
    while (q.step()) {
        out.push_back({q.int64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.int64(5),
                       static_cast<int>(q.int64(6))});
    }
    return out;
}

// UPDATE jobs SET `set` for job ?1 while ?2 holds its lease; `set` uses ?3, ?4 ... for `values`.
template <typename... Values>
bool changeHeld(const JobStore::Impl& impl,
                const std::string& set,
                const char* what,
                int64_t id,
                const RunnerIdentity& owner,
                const Values&... values) {
    SqliteStatement q = impl.db.prepare(
        "UPDATE jobs SET " + set + " WHERE id = ?1 AND state = 'running' AND owner = ?2", what);
    q.bindAll(id, owner.text(), values...).run();
    return impl.db.changes() > 0;
}

}  // namespace

int recoverExpiredLeasesLocked(const JobStore::Impl& impl, int64_t now) {
    const int maxAttempts = std::max(impl.options.maxAttempts, 1);
    auto log = core::namedLogger("jobs");
    int recovered = 0;
    for (const RunningJob& job : runningJobs(impl.db)) {
        const std::string reason = expiryReason(job, now);
        if (reason.empty())
            continue;
        const bool poison = job.attempts >= maxAttempts;
        SqliteStatement q = impl.db.prepare(
            poison ? "UPDATE jobs SET state = 'failed', finished_at = ?3, error = ?4, " +
                         kClearLease + " WHERE id = ?1 AND owner = ?2 AND state = 'running'"
                   : "UPDATE jobs SET state = 'queued', progress = 0, " + kClearLease +
                         " WHERE id = ?1 AND owner = ?2 AND state = 'running'",
            "recovering a job whose runner stopped");
        q.bindAll(job.id, job.owner);
        if (poison)
            q.bind(3, now).bind(4, poisonError(job.attempts, job.note));
        q.run();
        const int changed = impl.db.changes();
        recovered += changed;
        if (poison && changed > 0)
            impl.poisoned.push_back(job.id);
        const std::string owner = job.owner.empty() ? "a runner without a lease" : job.owner;
        log->info("{}: job {} ({}) taken back from {} ({}) after {} attempt(s): {}", impl.path,
                  job.id, job.label, owner, reason, job.attempts,
                  poison ? "failed as a poison job" : "queued again");
    }
    return recovered;
}

int JobStore::recoverExpiredLeases() {
    SqliteTransaction tx(m_impl->db);
    const int recovered = recoverExpiredLeasesLocked(*m_impl, unixMs());
    tx.commit();
    return recovered;
}

std::optional<StoredJob> JobStore::claimNext(const RunnerIdentity& owner, int leaseSeconds) {
    const SqliteDb& db = m_impl->db;
    SqliteTransaction tx(db);
    const int64_t now = unixMs();
    recoverExpiredLeasesLocked(*m_impl, now);
    int64_t id = 0;
    {
        SqliteStatement pick =
            db.prepare("SELECT id FROM jobs WHERE state = 'queued' ORDER BY position, id LIMIT 1",
                       "picking the next job");
        if (!pick.step()) {
            tx.commit();  // keeps the recoveries
            return std::nullopt;
        }
        id = pick.int64(0);
    }
    db.prepare(
          "UPDATE jobs SET state = 'running', owner = ?2, owner_local = ?3, lease_expires_at = ?4,"
          " attempts = attempts + 1, started_at = ?5, progress = 0, error = '', note = '',"
          " cancel_requested = 0 WHERE id = ?1",
          "claiming a job")
        .bindAll(id, owner.text(), owner.local, leaseEnd(now, leaseSeconds), now)
        .run();
    std::optional<StoredJob> claimed = job(id);
    tx.commit();
    return claimed;
}

LeaseState JobStore::renewLease(int64_t id, const RunnerIdentity& owner, int leaseSeconds) {
    SqliteStatement q = m_impl->db.prepare(
        "UPDATE jobs SET lease_expires_at = ?3 WHERE id = ?1 AND state = 'running' AND owner = ?2"
        " RETURNING cancel_requested",
        "renewing a lease");
    q.bindAll(id, owner.text(), leaseEnd(unixMs(), leaseSeconds));
    if (!q.step())
        return LeaseState::Lost;
    const bool cancel = q.int64(0) != 0;
    q.run();  // completes the statement
    return cancel ? LeaseState::CancelRequested : LeaseState::Held;
}

bool JobStore::setProgress(int64_t id,
                           const RunnerIdentity& owner,
                           double progress,
                           const std::string& note) {
    return changeHeld(*m_impl, "progress = ?3, note = CASE WHEN ?4 = '' THEN note ELSE ?4 END",
                      "saving progress", id, owner, std::clamp(progress, 0.0, 1.0), note);
}

bool JobStore::markDone(int64_t id, const RunnerIdentity& owner, double seconds) {
    return changeHeld(
        *m_impl,
        "state = 'done', progress = 1, finished_at = ?3, seconds = ?4, error = '', " + kClearLease,
        "marking a job done", id, owner, unixMs(), seconds);
}

bool JobStore::markFailed(int64_t id, const RunnerIdentity& owner, const std::string& error) {
    return changeHeld(*m_impl, "state = 'failed', finished_at = ?3, error = ?4, " + kClearLease,
                      "marking a job failed", id, owner, unixMs(), error);
}

bool JobStore::markCancelled(int64_t id, const RunnerIdentity& owner) {
    return changeHeld(*m_impl, "state = 'cancelled', finished_at = ?3, " + kClearLease,
                      "marking a job cancelled", id, owner, unixMs());
}

bool JobStore::release(int64_t id, const RunnerIdentity& owner) {
    return changeHeld(
        *m_impl, "state = 'queued', progress = 0, attempts = MAX(attempts - 1, 0), " + kClearLease,
        "giving a job back", id, owner);
}

bool JobStore::requestCancel(int64_t id) {
    m_impl->db
        .prepare("UPDATE jobs SET cancel_requested = 1 WHERE id = ?1 AND state = 'running'",
                 "asking for a job to stop")
        .bindAll(id)
        .run();
    return m_impl->db.changes() > 0;
}

std::vector<StoredJob> JobStore::leasedByOthers(const RunnerIdentity& self) const {
    return readJobs(*m_impl, "WHERE state = 'running' AND lease_expires_at >= ?1 AND owner != ?2",
                    unixMs(), self.text());
}

const std::vector<int64_t>& JobStore::poisonedJobs() const {
    return m_impl->poisoned;
}

}  // namespace chiaro::jobs
