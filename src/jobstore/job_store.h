#pragma once
// The persistent job queue: one SQLite file (Qt SQL's QSQLITE driver, WAL mode) shared by the app's
// queue dock and `chiaro-cli batch --queue FILE`. Jobs are written before they run; a job found
// `running` when the store is opened was interrupted (crash, kill) and goes back to `queued`.
// Not thread-safe: use one JobStore per thread (each opens its own connection). Errors throw
// core::Error (BadInput: not a queue file / newer schema; Io: the disk).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace chiaro::jobstore {

enum class JobState { Queued, Running, Done, Failed, Cancelled };
const char* jobStateName(JobState state);  // "queued", "running", ...
JobState parseJobState(const std::string& name);

// What to run: the job's parameters (core::jobToJson) and its files.
struct JobSpec {
    nlohmann::json params;        // jobToJson(...) of the job (no pixels)
    std::string inputPath;
    std::string maskPath;         // empty: none / automatic per params["mask_source"]
    std::string backgroundPath;   // fbc upload
    std::string outputPath;       // the final name; the engine writes temp + rename
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
    int attempts = 0;             // times it was started (interrupted runs count)
    int64_t createdAt = 0, startedAt = 0, finishedAt = 0;  // unix ms; 0 = not yet
    double seconds = 0;           // wall time of the finished run
};

class JobStore {
public:
    // Opens or creates the queue file; requeues interrupted (`running`) jobs. `path` ":memory:" works.
    static std::unique_ptr<JobStore> open(const std::string& path);
    ~JobStore();
    JobStore(const JobStore&) = delete;
    JobStore& operator=(const JobStore&) = delete;

    const std::string& path() const;
    int recoveredOnOpen() const;  // jobs that were `running` when opened

    int64_t enqueue(const JobSpec& spec);
    std::vector<int64_t> enqueueAll(const std::vector<JobSpec>& specs);  // one transaction
    // The first queued job by position, marked `running` (attempts+1, startedAt) in one transaction.
    std::optional<StoredJob> claimNext();
    void setProgress(int64_t id, double progress);
    void markDone(int64_t id, double seconds);
    void markFailed(int64_t id, const std::string& error);
    void markCancelled(int64_t id);
    void requeue(int64_t id);  // running/failed/cancelled -> queued (retry)

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

    // Small key/value settings kept with the queue ("paused", ETA rates as JSON, ...).
    std::string setting(const std::string& key, const std::string& fallback = {}) const;
    void setSetting(const std::string& key, const std::string& value);

    struct Impl;  // private data (job_store_impl.h)

private:
    JobStore();
    void initialise();           // schema check / creation, WAL, recovery
    double endPosition() const;  // one past the last position
    void renumber();             // positions 1..n in the current order (inside a transaction)
    std::unique_ptr<Impl> m_impl;
};

}  // namespace chiaro::jobstore
