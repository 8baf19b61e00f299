#pragma once
// Runs a queue on one Engine on the calling thread (`chiaro-cli batch`; the app's runner drives the
// same steps from its engine thread). Any number of executors, in any processes and on any
// machines that share the queue file, run side by side: each claims one job at a time under a
// lease kept alive by a LeaseKeeper, and leaves jobs leased by others alone.
//
// Per job: claim -> remove a killed writer's temporaries -> already written by this job? done ->
// a foreign file at the output? failed, never overwritten -> load the photo, make the mask ->
// Engine::run -> save under the lease -> done. Ctrl+C (the batch token) gives the job back without
// counting an attempt; a cancel asked by another client marks it cancelled; a lost lease drops the
// result unwritten; a job that kills the process is retried until StoreOptions::maxAttempts and
// then marked failed (JobStore).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chiaro/jobs/eta_estimator.h"
#include "chiaro/jobs/job_store.h"
#include "chiaro/pipeline/engine.h"

namespace chiaro::core {
class SubjectSegmenter;
}

namespace chiaro::jobs {

struct ExecutorOptions {
    std::string modelsDir;  // used when a job has no bundleDir
    core::EngineOptions engine;
    int leaseSeconds = 60;
    StoreOptions store;     // for the lease keeper's own connection
};

enum class JobOutcome {
    Done,
    AlreadyWritten,  // its output carries its key: written before a kill, marked done now
    Failed,
    Cancelled,       // asked by another client (the app's queue dock, `requestCancel`)
    GivenBack,       // Ctrl+C / SIGTERM: queued again, the attempt not counted
    LeaseLost,       // another runner holds it now: nothing written, nothing marked
};
const char* jobOutcomeName(JobOutcome outcome);

struct JobReport {
    const StoredJob& job;
    JobOutcome outcome;
    std::string error;   // Failed: the reason
    double seconds = 0;  // wall time of this run
    double queueEta = -1;  // seconds for what is left of the queue; < 0 unknown
};

// Called on the executor's thread.
struct ExecutorEvents {
    std::function<void(const StoredJob& job, int index, int total)> onStart;
    std::function<void(int step, int totalSteps, double elapsed, double eta)> onProgress;
    std::function<void(const JobReport& report)> onFinish;
    // Jobs another live runner holds (at the start, and when nothing is left to claim).
    std::function<void(const std::vector<StoredJob>& jobs)> onLeasedByOthers;
};

struct ExecutorFailure {
    std::string input;
    std::string error;
};

struct ExecutorSummary {
    int done = 0;  // including outputs found already written
    std::vector<ExecutorFailure> failed;
    int cancelled = 0;
    bool stopped = false;  // the batch token stopped it; unfinished jobs stay queued
    double seconds = 0;
    std::vector<std::string> outputs;  // written or confirmed by this run
};

class QueueExecutor {
public:
    // `engine` may already be loaded; it is (re)loaded per job only when a job names another
    // bundle. Measured times go to the queue under etaSettingKey(engine device, precision).
    QueueExecutor(JobStore& store, core::Engine& engine, ExecutorOptions options,
                  ExecutorEvents events = {});
    ~QueueExecutor();

    // Runs until nothing is left to claim or `stop` is set: AfterCurrentImage stops before the
    // next job, Now also cancels the running one (it is given back). Throws core::Error
    // (ModelBundle) when the bundle cannot be loaded: the job is given back, the queue resumable.
    ExecutorSummary run(const core::CancelToken& stop);

    const RunnerIdentity& identity() const { return m_identity; }

private:
    JobOutcome runOne(const StoredJob& job, std::string& error, double& seconds);
    cv::Mat segment(const core::RelightJob& job, const std::string& bundleDir,
                    const core::CancelToken& cancel);

    JobStore& m_store;
    core::Engine& m_engine;
    ExecutorOptions m_options;
    ExecutorEvents m_events;
    RunnerIdentity m_identity;
    core::EtaEstimator m_eta;
    std::string m_etaKey;
    std::unique_ptr<core::SubjectSegmenter> m_segmenter;
    const core::CancelToken* m_stop = nullptr;
};

}  // namespace chiaro::jobs
