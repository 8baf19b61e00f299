// QueueExecutor: the synchronous queue loop (queue_executor.h).
#include "chiaro/jobs/queue_executor.h"

#include <chrono>
#include <filesystem>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/jobs/job_cost.h"
#include "chiaro/jobs/lease_keeper.h"
#include "chiaro/jobs/queued_job.h"
#include "chiaro/pipeline/subject_segmenter.h"

namespace chiaro::jobs {
namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

const char* jobOutcomeName(JobOutcome outcome) {
    switch (outcome) {
        case JobOutcome::Done: return "done";
        case JobOutcome::AlreadyWritten: return "already written";
        case JobOutcome::Failed: return "failed";
        case JobOutcome::Cancelled: return "cancelled";
        case JobOutcome::GivenBack: return "given back";
        case JobOutcome::LeaseLost: return "lease lost";
    }
    return "done";
}

QueueExecutor::QueueExecutor(JobStore& store, core::Engine& engine, ExecutorOptions options,
                             ExecutorEvents events)
    : m_store(store),
      m_engine(engine),
      m_options(std::move(options)),
      m_events(std::move(events)),
      m_identity(RunnerIdentity::current()) {}

QueueExecutor::~QueueExecutor() = default;

ExecutorSummary QueueExecutor::run(const core::CancelToken& stop) {
    m_stop = &stop;
    ExecutorSummary summary;
    const auto start = std::chrono::steady_clock::now();
    // Poison jobs this runner's recoveries fail (their runner kept dying) are reported with its
    // own failures.
    const size_t poisonedBefore = m_store.poisonedJobs().size();
    if (m_store.recoverExpiredLeases() > 0)
        core::namedLogger("jobs")->info("{}: jobs of stopped runners queued again", m_store.path());
    const auto others = m_store.leasedByOthers(m_identity);
    if (!others.empty() && m_events.onLeasedByOthers)
        m_events.onLeasedByOthers(others);
    const int total = m_store.count(JobState::Queued);
    int index = 0;
    while (stop.mode() == core::CancelMode::None) {
        auto job = m_store.claimNext(m_identity, m_options.leaseSeconds);
        if (!job)
            break;
        if (m_events.onStart)
            m_events.onStart(*job, ++index, std::max(total, index));
        std::string error;
        double seconds = 0;
        const JobOutcome outcome = runOne(*job, error, seconds);
        switch (outcome) {
            case JobOutcome::Done:
            case JobOutcome::AlreadyWritten:
                summary.done += 1;
                summary.outputs.push_back(job->spec.outputPath);
                break;
            case JobOutcome::Failed:
                summary.failed.push_back({job->spec.inputPath, error});
                break;
            case JobOutcome::Cancelled:
                summary.cancelled += 1;
                break;
            case JobOutcome::GivenBack:
            case JobOutcome::LeaseLost:
                break;
        }
        if (m_events.onFinish) {
            const double left = queueEtaSeconds(m_store.jobsInState(JobState::Queued), m_eta);
            m_events.onFinish({*job, outcome, error, seconds, left});
        }
    }
    if (stop.mode() == core::CancelMode::None) {
        const auto stillRunning = m_store.leasedByOthers(m_identity);
        if (!stillRunning.empty() && m_events.onLeasedByOthers)
            m_events.onLeasedByOthers(stillRunning);
    }
    const auto& poisoned = m_store.poisonedJobs();
    for (size_t i = poisonedBefore; i < poisoned.size(); ++i) {
        if (const auto job = m_store.job(poisoned[i]))
            summary.failed.push_back({job->spec.inputPath, job->error});
    }
    summary.stopped = stop.mode() != core::CancelMode::None;
    summary.seconds = secondsSince(start);
    m_stop = nullptr;
    return summary;
}

cv::Mat QueueExecutor::segment(const core::RelightJob& job, const std::string& bundleDir,
                               const core::CancelToken& cancel) {
    if (!m_segmenter)
        m_segmenter = std::make_unique<core::SubjectSegmenter>();
    m_segmenter->load(bundleDir, m_options.engine);  // keeps the loaded one when unchanged
    return m_segmenter->segment(job.image, &cancel);
}

JobOutcome QueueExecutor::runOne(const StoredJob& stored, std::string& error, double& seconds) {
    const auto start = std::chrono::steady_clock::now();
    removeInterruptedTemporaries(stored);
    switch (outputState(stored)) {
        case OutputState::WrittenByThisJob:
            // Written by this very job before a kill, not yet marked done: never run it twice.
            m_store.markDone(stored.id, m_identity, stored.seconds);
            return JobOutcome::AlreadyWritten;
        case OutputState::Foreign:
            error = foreignOutputError(stored);
            m_store.markFailed(stored.id, m_identity, error);
            return JobOutcome::Failed;
        case OutputState::Missing:
            break;
    }
    // This job alone can be stopped (its lease lost, a cancel from another client) while the
    // batch token still stops everything.
    core::CancelToken jobCancel(m_stop);
    LeaseKeeper keeper(m_store.path(), m_options.store, stored.id, m_identity,
                       m_options.leaseSeconds,
                       [&jobCancel](LeaseState) { jobCancel.cancel(core::CancelMode::Now); });
    try {
        const std::string bundleDir =
            stored.spec.bundleDir.empty() ? m_options.modelsDir : stored.spec.bundleDir;
        m_engine.load(bundleDir, m_options.engine);
        if (m_etaKey.empty()) {
            m_etaKey = etaSettingKey(m_engine.deviceName(), m_options.engine.precision);
            loadEta(m_store, m_etaKey, m_eta);
        }
        const MaskPlan plan =
            maskPlanFor(stored, core::SubjectSegmenter::bundleHasSegmenter(bundleDir));
        core::RelightJob job = loadQueuedJob(stored, plan);
        if (plan == MaskPlan::Segmenter)
            job.mask = segment(job, bundleDir, jobCancel);
        core::RunHooks hooks;
        double progress = 0;
        hooks.onProgress = [&](int step, int steps, double elapsed, double eta) {
            if (m_events.onProgress)
                m_events.onProgress(step, steps, elapsed, eta);
            progress = steps > 0 ? static_cast<double>(step) / steps : 0.0;
            m_store.setProgress(stored.id, m_identity, progress);
        };
        hooks.onStageStart = [&](const std::string& stage) {
            // The note a poison job is reported with: where its runner last was.
            m_store.setProgress(stored.id, m_identity, progress, "stage " + stage);
        };
        core::RelightResult result = m_engine.run(job, hooks, jobCancel);
        seconds = secondsSince(start);
        if (keeper.state() == LeaseState::Lost)
            return JobOutcome::LeaseLost;
        if (result.status.code == ErrorCode::Cancelled) {
            if (keeper.state() == LeaseState::CancelRequested) {
                m_store.markCancelled(stored.id, m_identity);
                return JobOutcome::Cancelled;
            }
            m_store.release(stored.id, m_identity);  // --resume runs it again from the start
            return JobOutcome::GivenBack;
        }
        if (!result.status.ok())
            throw Error(result.status.code, result.status.message);
        const SaveOutcome saved =
            saveQueuedResult(m_store, stored, m_identity, m_options.leaseSeconds, result, seconds);
        if (saved == SaveOutcome::LeaseLost)
            return JobOutcome::LeaseLost;
        if (saved == SaveOutcome::Foreign) {
            error = stored.spec.outputPath + " appeared while the job ran; it is not overwritten";
            return JobOutcome::Failed;
        }
        m_eta.record(jobCost(job), seconds);
        saveEta(m_store, m_etaKey, m_eta);
        return JobOutcome::Done;
    } catch (const Error& e) {
        seconds = secondsSince(start);
        if (e.code() == ErrorCode::ModelBundle) {
            m_store.release(stored.id, m_identity);
            throw;  // no job can run without the bundle: stop, the queue stays resumable
        }
        if (e.code() == ErrorCode::Cancelled) {  // the segmenter or the loader saw the cancel
            if (keeper.state() == LeaseState::CancelRequested) {
                m_store.markCancelled(stored.id, m_identity);
                return JobOutcome::Cancelled;
            }
            if (keeper.state() == LeaseState::Lost)
                return JobOutcome::LeaseLost;
            m_store.release(stored.id, m_identity);
            return JobOutcome::GivenBack;
        }
        error = e.what();
    } catch (const std::exception& e) {
        seconds = secondsSince(start);
        error = e.what();
    }
    m_store.markFailed(stored.id, m_identity, error);
    return JobOutcome::Failed;
}

}  // namespace chiaro::jobs
