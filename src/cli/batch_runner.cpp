#include "batch_runner.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <set>

#include "auto_mask.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"
#include "chiaro/image/photo.h"
#include "chiaro/image/png_metadata.h"
#include "chiaro/jobs/eta_estimator.h"
#include "progress_bar.h"

namespace chiaro::cli {
namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;
using jobstore::StoredJob;

namespace {

// Signal state: only atomics are touched from the handler.
core::CancelToken g_batchStop;   // AfterCurrentImage once the first signal arrived
core::CancelToken g_engineStop;  // Now after the second
std::atomic<int> g_signals{0};

extern "C" void onBatchSignal(int) {
    if (g_signals.fetch_add(1) == 0)
        g_batchStop.cancel(core::CancelMode::AfterCurrentImage);
    else
        g_engineStop.cancel(core::CancelMode::Now);
}

// Installs the handlers for its lifetime and restores the previous ones.
class SignalScope {
  public:
    SignalScope() {
        g_batchStop.reset();
        g_engineStop.reset();
        g_signals = 0;
        m_int = std::signal(SIGINT, onBatchSignal);
        m_term = std::signal(SIGTERM, onBatchSignal);
    }
    ~SignalScope() {
        std::signal(SIGINT, m_int);
        std::signal(SIGTERM, m_term);
    }

  private:
    void (*m_int)(int);
    void (*m_term)(int);
};

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

core::JobCost costOf(const core::RelightJob& job) {
    core::JobCost cost;
    // Before its photo is loaded a job with an automatic working size costs IC-Light's pixel budget.
    const cv::Size working = job.image.empty() && (job.width <= 0 || job.height <= 0)
                                 ? cv::Size(512, 640)
                                 : core::resolvedWorkingSize(job);
    cost.width = working.width;
    cost.height = working.height;
    cost.steps = job.steps;
    if (job.highresScale > 1.0 + 1e-6 || job.highresScale < 1.0 - 1e-6 || job.highresDenoise > 0) {
        const cv::Size hr = core::highresSize(cost.width, cost.height, job.highresScale);
        cost.highresWidth = hr.width;
        cost.highresHeight = hr.height;
        cost.highresSteps = static_cast<int>((job.highresSteps > 0 ? job.highresSteps : job.steps) * job.highresDenoise + 0.5);
    }
    return cost;
}

std::string formatSeconds(double seconds) {
    char text[32];
    if (seconds < 90)
        std::snprintf(text, sizeof(text), "%.1f s", seconds);
    else if (seconds < 5400)
        std::snprintf(text, sizeof(text), "%.0f min", seconds / 60);
    else
        std::snprintf(text, sizeof(text), "%.1f h", seconds / 3600);
    return text;
}

// The relight job a queue row describes, with its pixels loaded (BadInput naming the file).
core::RelightJob loadQueuedJob(const StoredJob& stored,
                               const std::string& bundleDir,
                               const core::EngineOptions& engineOptions) {
    core::RelightJob job;
    core::jobFromJson(stored.spec.params, job);
    core::setJobPhoto(job, core::loadPhoto(stored.spec.inputPath));
    const auto batch = stored.spec.params.value(kBatchParamsKey, nlohmann::json::object());
    const std::string method = batch.value("mask_method", "none");
    if (!stored.spec.maskPath.empty()) {
        job.mask = core::loadMask(stored.spec.maskPath, job.image.size());
        job.maskSource = "file";
    } else if (method == "grabcut" || method == "segmenter" || method == "auto") {
        job.mask = computeAutoMask(method, job.image, bundleDir, engineOptions, &job.maskSource);
    } else {
        job.maskSource = "none";
    }
    if (!stored.spec.backgroundPath.empty())
        job.background = core::loadImageRgb(stored.spec.backgroundPath);
    return job;
}

void saveRates(jobstore::JobStore& store, const core::EtaEstimator& eta) {
    nlohmann::json rates = nlohmann::json::object();
    for (const auto& [pixels, seconds] : eta.rates())
        rates[std::to_string(pixels)] = seconds;
    store.setSetting("eta_rates", rates.dump());
}

void loadRates(const jobstore::JobStore& store, core::EtaEstimator& eta) {
    auto json = nlohmann::json::parse(store.setting("eta_rates", "{}"), nullptr, false);
    if (!json.is_object())
        return;
    std::map<long long, double> rates;
    for (const auto& [key, value] : json.items()) {
        if (value.is_number())
            rates[std::stoll(key)] = value.get<double>();
    }
    eta.setRates(rates);
}

}  // namespace

std::string batchJobKey(const StoredJob& job) {
    return job.spec.batchId + "/" + std::to_string(job.id);
}

bool outputWrittenByJob(const std::string& path, const std::string& jobKey) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return false;
    try {
        const auto chunks = core::readPngTextChunksFromFile(path);
        auto it = chunks.utf8.find("chiaro");
        if (it == chunks.utf8.end())
            return false;
        auto json = nlohmann::json::parse(it->second, nullptr, false);
        return json.is_object() && json.contains(kBatchParamsKey) &&
               json[kBatchParamsKey].value("job_key", "") == jobKey;
    } catch (const Error&) {
        return false;  // unreadable / truncated: not a finished output
    }
}

BatchRunner::BatchRunner(jobstore::JobStore& store, core::Engine& engine, BatchRunOptions options)
    : m_store(store), m_options(std::move(options)), m_engine(engine) {}

// A kill between creating the temporary file and renaming it leaves `.<stem>.tmp-XXXXXX<ext>` next
// to the output (core/util/atomic_file.cpp); those of this queue's outputs are removed.
void BatchRunner::removeStaleTemporaries() const {
    std::set<std::pair<std::string, std::string>> prefixes;  // folder, ".<stem>.tmp-"
    for (const auto& job : m_store.jobs()) {
        if (job.state == jobstore::JobState::Done)
            continue;
        const fs::path out(job.spec.outputPath);
        prefixes.insert({out.parent_path().string(), "." + out.stem().string() + ".tmp-"});
    }
    std::error_code ec;
    for (const auto& [folder, prefix] : prefixes) {
        for (const auto& entry : fs::directory_iterator(folder, ec)) {
            const std::string name = entry.path().filename().string();
            if (name.rfind(prefix, 0) == 0 && name.size() >= prefix.size() + 6) {
                core::namedLogger("cli")->info("removing an interrupted temporary file {}",
                                               entry.path().string());
                fs::remove(entry.path(), ec);
            }
        }
    }
}

BatchRunSummary BatchRunner::run() {
    SignalScope signals;
    removeStaleTemporaries();
    loadRates(m_store, m_eta);
    BatchRunSummary summary;
    const auto start = std::chrono::steady_clock::now();
    const int total = m_store.count(jobstore::JobState::Queued);
    int index = 0;
    while (g_batchStop.mode() == core::CancelMode::None) {
        auto job = m_store.claimNext();
        if (!job)
            break;
        runOne(*job, ++index, total, summary);
        if (g_engineStop.mode() != core::CancelMode::None)
            break;
    }
    summary.cancelled = g_batchStop.mode() != core::CancelMode::None;
    summary.seconds = secondsSince(start);
    return summary;
}

void BatchRunner::runOne(const StoredJob& stored, int index, int total, BatchRunSummary& summary) {
    const std::string name = fs::path(stored.spec.inputPath).filename().string();
    const std::string key = batchJobKey(stored);
    if (outputWrittenByJob(stored.spec.outputPath, key)) {
        // Written by this very job before a kill, but not yet marked done: never run it twice.
        m_store.markDone(stored.id, stored.seconds);
        summary.done += 1;
        summary.outputs.push_back(stored.spec.outputPath);
        std::fprintf(stderr, "[%d/%d] %s ... already written\n", index, total, name.c_str());
        return;
    }
    const auto start = std::chrono::steady_clock::now();
    try {
        const std::string bundleDir =
            stored.spec.bundleDir.empty() ? m_options.modelsDir : stored.spec.bundleDir;
        m_engine.load(bundleDir, m_options.engine);
        core::RelightJob job = loadQueuedJob(stored, bundleDir, m_options.engine);
        ProgressBar bar;
        core::RunHooks hooks;
        hooks.onProgress = [&](int step, int steps, double elapsed, double stepEta) {
            bar.update(step, steps, elapsed, stepEta);
            m_store.setProgress(stored.id, steps > 0 ? static_cast<double>(step) / steps : 0.0);
        };
        core::RelightResult result = m_engine.run(job, hooks, g_engineStop);
        bar.finish();
        if (result.status.code == ErrorCode::Cancelled) {
            m_store.requeue(stored.id);  // --resume runs it again from the start
            std::fprintf(stderr, "[%d/%d] %s cancelled\n", index, total, name.c_str());
            return;
        }
        if (!result.status.ok())
            throw Error(result.status.code, result.status.message);
        const auto batch = stored.spec.params.value(kBatchParamsKey, nlohmann::json::object());
        result.job[kBatchParamsKey] = {
            {"job_key", key}, {"queue_job_id", stored.id}, {"batch_id", stored.spec.batchId}};
        core::saveRelightResult(stored.spec.outputPath, result, batch.value("bit_depth", 8));
        const double seconds = secondsSince(start);
        m_store.markDone(stored.id, seconds);
        m_eta.record(costOf(job), seconds);
        saveRates(m_store, m_eta);
        summary.done += 1;
        summary.outputs.push_back(stored.spec.outputPath);
        const double left = queueEta();
        const std::string etaText = left > 0 ? "  (batch ETA " + formatSeconds(left) + ")" : "";
        std::fprintf(stderr, "[%d/%d] %s ... %.1f s%s\n", index, total, name.c_str(), seconds,
                     etaText.c_str());
    } catch (const Error& e) {
        if (e.code() == ErrorCode::ModelBundle) {
            m_store.requeue(stored.id);
            throw;  // no job can run without the bundle: stop, the queue stays resumable
        }
        m_store.markFailed(stored.id, e.what());
        summary.failed.push_back({stored.spec.inputPath, e.what()});
        std::fprintf(stderr, "[%d/%d] %s FAILED: %s\n", index, total, name.c_str(), e.what());
    } catch (const std::exception& e) {
        m_store.markFailed(stored.id, e.what());
        summary.failed.push_back({stored.spec.inputPath, e.what()});
        std::fprintf(stderr, "[%d/%d] %s FAILED: %s\n", index, total, name.c_str(), e.what());
    }
}

double BatchRunner::queueEta() const {
    std::vector<core::JobCost> queued;
    for (const auto& next : m_store.jobsInState(jobstore::JobState::Queued)) {
        core::RelightJob parsed;
        core::jobFromJson(next.spec.params, parsed);
        queued.push_back(costOf(parsed));
    }
    return queued.empty() ? 0.0 : m_eta.estimateQueue(queued, 0);
}

}  // namespace chiaro::cli
