#pragma once
// The one cost model of queued work, used by the app's queue dock and `chiaro-cli batch` alike:
// what a job costs (the sampler steps the engine really runs, per pass and size), how measured
// times are kept with the queue (per device and precision), and the ETA of a job and of the
// whole queue.
#include <string>
#include <vector>

#include "chiaro/jobs/eta_estimator.h"
#include "chiaro/jobs/job_store.h"
#include "chiaro/pipeline/relight_job.h"

namespace chiaro::jobs {

// The passes the engine runs for `job`: pass 1 at the working size, pass 2 (always run; at the
// high-resolution size when highres_scale > 1) with the step counts after image-to-image
// skipping, exactly as Engine::run counts them. A job whose working size is fitted to its photo
// (width/height 0) and whose photo is not loaded yet is costed at IC-Light's 512x640 budget.
core::JobCost jobCost(const core::RelightJob& job);
core::JobCost jobCost(const StoredJob& job);

// The queue setting that holds the measured times of one device and precision, e.g.
// "eta/cpu/fp32", "eta/cuda:0/fp16": a laptop CPU and a workstation GPU sharing a queue file
// (a network folder, a synced home) never mix their numbers.
std::string etaSettingKey(const std::string& deviceName, const std::string& precision);
void loadEta(const JobStore& store, const std::string& key, core::EtaEstimator& eta);
void saveEta(JobStore& store, const std::string& key, const core::EtaEstimator& eta);

// Seconds left for one job (0 when finished, < 0 unknown) and for every queued and running job.
double jobEtaSeconds(const StoredJob& job, const core::EtaEstimator& eta);
double queueEtaSeconds(const std::vector<StoredJob>& jobs, const core::EtaEstimator& eta);

// "12.5 s", "14 min", "2.3 h".
std::string formatDuration(double seconds);

}  // namespace chiaro::jobs
