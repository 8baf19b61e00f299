#pragma once
// The engine loop of `chiaro-cli batch`: claims queued jobs from the JobStore one at a time, runs
// them on one Engine (models loaded once), writes each result atomically and marks it done. A kill
// at any point leaves every job either done with a complete output, or re-runnable; a job whose
// output already carries its own job key (written, but killed before markDone) is marked done
// without running again.
#include <string>
#include <vector>

#include "chiaro/jobs/eta_estimator.h"
#include "chiaro/pipeline/engine.h"
#include "jobstore/job_store.h"

namespace chiaro::cli {

struct BatchRunOptions {
    std::string modelsDir;  // used when a job has no bundleDir
    core::EngineOptions engine;
    bool json = false;  // progress lines stay on stderr either way
};

struct BatchFailure {
    std::string input;
    std::string error;
};

struct BatchRunSummary {
    int done = 0;  // jobs finished by this run (including ones found already written)
    std::vector<BatchFailure> failed;
    bool cancelled = false;  // SIGINT/SIGTERM: the remaining jobs stay queued
    double seconds = 0;
    std::vector<std::string> outputs;  // written or confirmed by this run
};

// Keys that batch jobs keep under params["batch"] (besides the relight job of core::jobToJson).
constexpr const char* kBatchParamsKey = "batch";

// Installs the SIGINT/SIGTERM handlers for the duration of run(): the first signal stops after the
// current image, the second cancels it now. Jobs stopped early go back to `queued`.
class BatchRunner {
  public:
    // `engine` may already be loaded (cmd_batch loads it to learn the variant); it is (re)loaded
    // per job only when a job names another bundle.
    BatchRunner(jobstore::JobStore& store, core::Engine& engine, BatchRunOptions options);
    BatchRunSummary run();

  private:
    void runOne(const jobstore::StoredJob& job, int index, int total, BatchRunSummary& summary);
    void removeStaleTemporaries() const;
    double queueEta() const;  // seconds for the queued jobs; < 0 unknown

    jobstore::JobStore& m_store;
    BatchRunOptions m_options;
    core::Engine& m_engine;
    core::EtaEstimator m_eta;  // rates persist in the queue's `eta_rates` setting
};

// The key a job's output PNG carries in its `chiaro` chunk (params.batch.job_key), and whether the
// file at `path` is that job's complete output.
std::string batchJobKey(const jobstore::StoredJob& job);
bool outputWrittenByJob(const std::string& path, const std::string& jobKey);

}  // namespace chiaro::cli
