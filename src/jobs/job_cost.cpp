// The one cost model of queued work (job_cost.h): steps as Engine::run counts them, measured times
// per device and precision in the queue file, per-job and whole-queue ETAs.
#include "chiaro/jobs/job_cost.h"

#include <algorithm>
#include <cstdio>

#include "chiaro/image/pillow_resize.h"
#include "chiaro/sampling/noise_schedule.h"

namespace chiaro::jobs {
namespace {

// Steps an image-to-image pass runs for `steps` requested at `denoise`: the engine asks the
// scheduler for round(steps / denoise) and skips the first part (diffusers' set_timesteps).
int img2imgStepsRun(int steps, double denoise) {
    if (steps <= 0 || !(denoise > 0.0 && denoise <= 1.0))
        return std::max(0, steps);
    const int inference = static_cast<int>(core::pythonRound(steps / denoise));
    return inference - core::img2imgSkip(inference, denoise);
}

}  // namespace

core::JobCost jobCost(const core::RelightJob& job) {
    core::JobCost cost;
    const bool sized = job.width > 0 && job.height > 0;
    const cv::Size working = sized || !job.image.empty() ? core::resolvedWorkingSize(job)
                                                         : cv::Size(512, 640);
    cost.width = working.width;
    cost.height = working.height;
    // An fc job with a light direction starts from the rendered light (image to image); without
    // one (and for fbc, whose jobs carry a background) pass 1 runs every step from noise.
    const bool fromLight = job.light.direction.has_value() && job.background.empty();
    cost.steps = fromLight ? img2imgStepsRun(job.steps, job.lowresDenoise) : job.steps;
    // Pass 2 always runs (at the working size when the scale is 1).
    const cv::Size hr = core::highresSize(cost.width, cost.height, job.highresScale);
    cost.highresWidth = hr.width;
    cost.highresHeight = hr.height;
    cost.highresSteps =
        img2imgStepsRun(job.highresSteps > 0 ? job.highresSteps : job.steps, job.highresDenoise);
    return cost;
}

core::JobCost jobCost(const StoredJob& job) {
    core::RelightJob parsed;
    try {
        core::jobFromJson(job.spec.params, parsed);
    } catch (const std::exception&) {
        // A row whose parameters no longer parse is costed as a default job; running it will fail
        // with the reason.
    }
    return jobCost(parsed);
}

std::string etaSettingKey(const std::string& deviceName, const std::string& precision) {
    std::string resolved = precision;
    if (resolved.empty() || resolved == "auto")
        resolved = deviceName.rfind("cuda", 0) == 0 ? "fp16" : "fp32";
    return "eta/" + (deviceName.empty() ? std::string("cpu") : deviceName) + "/" + resolved;
}

void loadEta(const JobStore& store, const std::string& key, core::EtaEstimator& eta) {
    eta.fromJson(nlohmann::json::parse(store.setting(key, "{}"), nullptr, false));
}

void saveEta(JobStore& store, const std::string& key, const core::EtaEstimator& eta) {
    store.setSetting(key, eta.toJson().dump());
}

double jobEtaSeconds(const StoredJob& job, const core::EtaEstimator& eta) {
    if (job.state != JobState::Queued && job.state != JobState::Running)
        return 0;
    const double total = eta.estimate(jobCost(job));
    if (total < 0)
        return -1;
    return job.state == JobState::Running ? total * (1.0 - std::clamp(job.progress, 0.0, 1.0))
                                          : total;
}

double queueEtaSeconds(const std::vector<StoredJob>& jobs, const core::EtaEstimator& eta) {
    double total = 0;
    for (const StoredJob& job : jobs) {
        const double seconds = jobEtaSeconds(job, eta);
        if (seconds < 0)
            return -1;
        total += seconds;
    }
    return total;
}

std::string formatDuration(double seconds) {
    char text[32];
    if (seconds < 90)
        std::snprintf(text, sizeof(text), "%.1f s", seconds);
    else if (seconds < 5400)
        std::snprintf(text, sizeof(text), "%.0f min", seconds / 60);
    else
        std::snprintf(text, sizeof(text), "%.1f h", seconds / 3600);
    return text;
}

}  // namespace chiaro::jobs
