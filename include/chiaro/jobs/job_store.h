#pragma once
// The persistent job queue: one SQLite file (SQLite's C API; WAL on local disks, a rollback journal
// on network file systems) shared by the app's queue dock and any number of `chiaro-cli batch
// --queue FILE` processes, on one machine or several.
//
// Runners hold jobs by lease: claimNext() marks a job `running` with the runner's identity and an
// expiry time in one write transaction, the runner renews the lease while it works, and every later
// change of that job (progress, done, failed, released) is conditional on the runner still holding
// it. A lease that has expired (its runner was killed, lost power, or stalled past the lease) is
// recovered by the next claim: the job is queued again, or, after `maxAttempts` claims that never
// finished, marked failed as a poison job with the last note its runner left. Leases held by live
// runners are never touched.
//
// Not thread-safe: one JobStore per thread (each is one SQLite connection). Errors throw
// core::Error: BadInput for a file that is not a Chiaro queue (left untouched), a queue from a
// newer Chiaro (left untouched), or a folder that is missing or read-only; Failure for disk
// failures ("disk is full", "disk error", naming the file).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace chiaro::jobs {

enum class JobState { Queued, Running, Done, Failed, Cancelled };
const char* jobStateName(JobState state);  // "queued", "running", ...
JobState parseJobState(const std::string& name);

// What to run: the job's parameters (core::jobToJson) and its files.
struct JobSpec {
    nlohmann::json params;        // jobToJson(...) of the job (no pixels)
    std::string inputPath;
    std::string maskPath;         // empty: none / automatic per params["batch"]["mask_method"]
    std::string backgroundPath;   // fbc upload
    std::string outputPath;       // the final name; outputs are written temp + rename
    std::string bundleDir;
    std::string batchId;          // groups the jobs of one batch run ("" for single jobs)
    std::string label;            // for the queue list ("red_shoe.jpg · 270°/20°")
};

struct StoredJob {
    int64_t id = 0;
    JobSpec spec;
    JobState state = JobState::Queued;
    double position = 0;          // queue order (ascending); reorder moves between neighbours
    double progress = 0;          // 0..1 of the running job
    std::string error;            // failed: the reason
    std::string note;             // the last thing its runner reported (stage, warning)
    int attempts = 0;             // claims so far (runs that never finished count)
    std::string owner;            // running: the lease holder (RunnerIdentity::text()); else ""
    int64_t leaseExpiresAt = 0;   // running: unix ms when the lease lapses
    bool cancelRequested = false; // another client asked the lease holder to stop it
    int64_t createdAt = 0, startedAt = 0, finishedAt = 0;  // unix ms; 0 = not yet
    double seconds = 0;           // wall time of the finished run
};

// Who holds a lease: host name, process id and the process's start time, so a recycled pid is a
// different runner. `local` identifies the machine and pid namespace; a runner on the same machine
// and namespace whose process is gone has provably stopped, and its leases count as expired.
struct RunnerIdentity {
    std::string host;
    int64_t pid = 0;
    int64_t processStart = 0;  // clock ticks since boot (/proc/PID/stat field 22)
    std::string local;         // boot id + pid namespace; "" when unknown
    std::string text() const;  // "host/pid 1234/start 5678"
    static RunnerIdentity current();
    static std::optional<RunnerIdentity> parse(const std::string& text, const std::string& local);
    // False only when the process is on this machine and namespace and provably gone.
    bool mayBeAlive() const;
};

enum class JournalPolicy {
    Automatic,  // WAL, or a rollback journal (with a warning) where the folder is a network FS
    Wal,
    Rollback,
};

struct StoreOptions {
    int maxAttempts = 3;  // claims of a job whose runner never finished it before it is poison
    JournalPolicy journal = JournalPolicy::Automatic;
};

// The result of renewing a lease.
enum class LeaseState {
    Held,             // renewed
    CancelRequested,  // renewed, and another client asked for the job to stop
    Lost,             // the job is no longer this runner's (expired and taken, removed, ...)
};

class JobStore {
public:
    // Opens or creates the queue file; migrates older schemas. `path` ":memory:" works.
    static std::unique_ptr<JobStore> open(const std::string& path, StoreOptions options = {});
    ~JobStore();
    JobStore(const JobStore&) = delete;
    JobStore& operator=(const JobStore&) = delete;

    const std::string& path() const;
    std::string journalMode() const;          // "wal", "delete", "memory"
    std::string fileSystemWarning() const;    // non-empty when the folder is on a network FS

    int64_t enqueue(const JobSpec& spec);
    std::vector<int64_t> enqueueAll(const std::vector<JobSpec>& specs);  // one transaction
    // Like enqueueAll, but skips every spec whose output path already belongs to a queued,
    // running or done job, in the same write transaction: two runners started at once with the
    // same plan queue it once. Returns the ids added.
    std::vector<int64_t> enqueueNew(const std::vector<JobSpec>& specs);

    // Recovers expired leases (see the top of this file), then claims the first queued job by
    // position for `owner` for `leaseSeconds`, in one write transaction: state running,
    // attempts + 1, startedAt, lease. Nothing when no job is queued.
    std::optional<StoredJob> claimNext(const RunnerIdentity& owner, int leaseSeconds);
    // Expired leases -> queued (or failed when poison). Returns the jobs recovered.
    int recoverExpiredLeases();
    // The jobs this store (this connection) failed as poison jobs since it was opened, in order.
    const std::vector<int64_t>& poisonedJobs() const;

    // Changes of a running job, each conditional on `owner` holding its lease; false when not.
    LeaseState renewLease(int64_t id, const RunnerIdentity& owner, int leaseSeconds);
    bool setProgress(int64_t id, const RunnerIdentity& owner, double progress,
                     const std::string& note = {});
    bool markDone(int64_t id, const RunnerIdentity& owner, double seconds);
    bool markFailed(int64_t id, const RunnerIdentity& owner, const std::string& error);
    bool markCancelled(int64_t id, const RunnerIdentity& owner);
    // Gives the job back unfinished (Ctrl+C, the bundle went missing): queued, and this claim does
    // not count as an attempt.
    bool release(int64_t id, const RunnerIdentity& owner);

    // Asks the lease holder of a running job to stop it (it sees CancelRequested when it renews).
    bool requestCancel(int64_t id);
    // failed / cancelled -> queued, attempts reset. Running jobs are never taken from their runner.
    bool requeue(int64_t id);
    int retryFailed();  // every failed job -> queued; returns how many

    // Queue editing (queued jobs only; others are left as they are). Returns the jobs changed.
    int cancelQueued(const std::vector<int64_t>& ids);
    int cancelAllQueued();
    void moveBefore(int64_t id, int64_t beforeId);  // beforeId 0 = to the end
    int clearFinished();                            // deletes done / cancelled rows

    std::optional<StoredJob> job(int64_t id) const;
    std::vector<StoredJob> jobs() const;  // ordered by position
    std::vector<StoredJob> jobsInState(JobState state) const;
    std::optional<StoredJob> jobWithOutput(const std::string& outputPath) const;
    int count(JobState state) const;
    // Running jobs whose lease is still valid, held by someone other than `self`.
    std::vector<StoredJob> leasedByOthers(const RunnerIdentity& self) const;

    // Small key/value settings kept with the queue ("paused", ETA rates as JSON, ...).
    std::string setting(const std::string& key, const std::string& fallback = {}) const;
    void setSetting(const std::string& key, const std::string& value);

    struct Impl;  // private data (src/jobs/job_store_impl.h)

private:
    JobStore();
    std::vector<int64_t> insertJobs(const std::vector<JobSpec>& specs, bool skipQueuedOutputs);
    std::unique_ptr<Impl> m_impl;
};

// Milliseconds since the Unix epoch: the clock leases are written in (shared between machines).
int64_t unixMs();

}  // namespace chiaro::jobs
