#include "queue/queue_runner.h"

#include <limits>

#include <QFutureWatcher>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include "chiaro/core/logging.h"
#include "chiaro/jobs/job_cost.h"
#include "chiaro/jobs/lease_keeper.h"
#include "chiaro/jobs/queued_job.h"
#include "chiaro/pipeline/relight_job.h"
#include "chiaro/pipeline/subject_segmenter.h"
#include "queue/queue_model.h"
#include "worker/engine_host.h"

namespace chiaro::gui {
namespace {

using jobs::JobState;
using jobs::StoredJob;

struct Loaded {
    std::shared_ptr<core::RelightJob> job;
    bool segment = false;  // the engine worker's segmenter makes the mask (EngineRequest::segmentSubject)
    QString error;
};

// The relight job a queue row describes, with its pixels (runs on the thread pool: decoding and
// GrabCut take long). Never throws: the error names the file.
Loaded loadJob(const StoredJob& stored, const QString& bundleDir) {
    Loaded loaded;
    try {
        const auto plan = jobs::maskPlanFor(stored, core::SubjectSegmenter::bundleHasSegmenter(bundleDir.toStdString()));
        loaded.job = std::make_shared<core::RelightJob>(jobs::loadQueuedJob(stored, plan));
        loaded.segment = plan == jobs::MaskPlan::Segmenter;
    } catch (const std::exception& e) {
        loaded.error = QString::fromStdString(e.what());
    }
    return loaded;
}

struct Saved {
    jobs::SaveOutcome outcome = jobs::SaveOutcome::Saved;
    QString error;  // the write failed (full disk, ...)
};

// Writes the result under the lease on the thread pool, on a connection of its own (a JobStore is
// one connection per thread).
Saved saveJob(const std::string& queuePath, const StoredJob& job, const jobs::RunnerIdentity& owner,
              int leaseSeconds, RelightResultPtr result, double seconds) {
    Saved saved;
    try {
        auto store = jobs::JobStore::open(queuePath);
        core::RelightResult copy = *result;  // the metadata gets the job key; the shared result stays
        saved.outcome = jobs::saveQueuedResult(*store, job, owner, leaseSeconds, copy, seconds);
    } catch (const std::exception& e) {
        saved.error = QString::fromStdString(e.what());
    }
    return saved;
}

// The cost of the job as it ran: its working size is the one recorded in the result (a size fitted
// to the photo is only known once the photo is loaded).
core::JobCost costOfRun(const core::RelightResult& result) {
    core::RelightJob ran;
    try {
        core::jobFromJson(result.job, ran);
        const auto size = result.job.value("working_size", nlohmann::json());
        if (size.is_array() && size.size() == 2 && size[0].is_number_integer() && size[1].is_number_integer()) {
            ran.width = size[0].get<int>();
            ran.height = size[1].get<int>();
        }
    } catch (const std::exception&) {
        // the default job's cost: only the ETA's accuracy suffers
    }
    return jobs::jobCost(ran);
}

}  // namespace

QueueRunner::QueueRunner(QueueModel* model, EngineHost* host, std::function<AppSettings()> settings, QObject* parent)
    : QObject(parent), m_model(model), m_host(host), m_settings(std::move(settings)),
      m_identity(jobs::RunnerIdentity::current()) {
    connect(m_host, &EngineHost::progressed, this, &QueueRunner::onProgress);
    connect(m_host, &EngineHost::finished, this, &QueueRunner::onFinished);
    connect(m_model, &QueueModel::jobsEnqueued, this, &QueueRunner::pump, Qt::QueuedConnection);
    connect(m_model, &QueueModel::pausedChanged, this, &QueueRunner::pump, Qt::QueuedConnection);
    // Generate's jobs finishing free the host too; the timer also catches jobs added (and progress
    // made) by a CLI runner on the same file.
    m_timer = new QTimer(this);
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_jobId == 0 && !m_model->isPaused()) m_model->reload();
        pump();
    });
    m_timer->start();
}

QueueRunner::~QueueRunner() = default;

void QueueRunner::pump() {
    if (m_jobId != 0 || m_host->isBusy() || m_model->isPaused()) return;
    startJob();
}

bool QueueRunner::startJob() {
    const AppSettings settings = m_settings();
    std::optional<StoredJob> claimed;
    try {
        claimed = m_model->store().claimNext(m_identity, settings.queueLeaseSeconds);
    } catch (const std::exception& e) {
        core::namedLogger("gui")->warn("queue: cannot claim a job: {}", e.what());
        return false;
    }
    if (!claimed) return false;
    m_job = *claimed;
    m_jobId = m_job.id;
    m_leaseSeconds = settings.queueLeaseSeconds;
    m_stop = StopReason::None;
    m_requestId = 0;
    m_lastStoredProgress = 0;
    m_model->reload();
    Q_EMIT jobStarted(m_job.id);
    jobs::removeInterruptedTemporaries(m_job);
    switch (jobs::outputState(m_job)) {
        case jobs::OutputState::WrittenByThisJob:
            // Written before a crash but not marked done: never run (or write) it twice.
            core::namedLogger("gui")->info("queue: {} was written by job {}; marked done", m_job.spec.outputPath, m_job.id);
            m_model->store().markDone(m_job.id, m_identity, m_job.seconds);
            endJob(m_job.id, true);
            return true;
        case jobs::OutputState::Foreign:
            m_model->store().markFailed(m_job.id, m_identity, jobs::foreignOutputError(m_job));
            endJob(m_job.id, false);
            return true;
        case jobs::OutputState::Missing: break;
    }
    m_keeper = std::make_unique<jobs::LeaseKeeper>(
        m_model->store().path(), jobs::StoreOptions{}, m_job.id, m_identity, m_leaseSeconds,
        [this](jobs::LeaseState why) {  // the keeper's thread: hop to ours
            QMetaObject::invokeMethod(this, [this, why] { stopFromLease(why); }, Qt::QueuedConnection);
        });
    // An imported pair (core::resolveModelSet): the segmenter's bundle for the mask, then the
    // job's own variant once the job is loaded.
    const QString bundle = m_job.spec.bundleDir.empty() ? settings.segmenterBundleDir()
                                                        : QString::fromStdString(m_job.spec.bundleDir);
    auto* watcher = new QFutureWatcher<Loaded>(this);
    const int64_t id = m_job.id;
    connect(watcher, &QFutureWatcher<Loaded>::finished, this, [this, watcher, id, bundle, settings] {
        watcher->deleteLater();
        const Loaded loaded = watcher->result();
        if (m_jobId != id || m_requestId != 0) return;  // finished (cancelled) while loading
        if (!loaded.job) {
            auto result = std::make_shared<core::RelightResult>();
            result->status = {core::ErrorCode::BadInput, loaded.error.toStdString()};
            return finishJob(result);
        }
        m_clock.start();
        const QString jobBundle = m_job.spec.bundleDir.empty() ? settings.bundleDirFor(*loaded.job) : bundle;
        m_requestId = m_host->submit(*loaded.job, jobBundle, settings.engineOptions(), loaded.segment);
    });
    watcher->setFuture(QtConcurrent::run(loadJob, m_job, bundle));
    return true;
}

void QueueRunner::stopFromLease(jobs::LeaseState why) {
    if (m_jobId == 0 || m_stop != StopReason::None) return;
    core::namedLogger("gui")->info("queue: job {} {}", m_jobId,
                                   why == jobs::LeaseState::Lost ? "is no longer this app's (its lease was lost)"
                                                                 : "was cancelled by another client");
    m_stop = why == jobs::LeaseState::Lost ? StopReason::LeaseLost : StopReason::OtherClient;
    if (m_requestId != 0) return m_host->cancelJobs({m_requestId});
    auto result = std::make_shared<core::RelightResult>();  // still loading its images
    result->status = {core::ErrorCode::Cancelled, "cancelled"};
    finishJob(result);
}

void QueueRunner::cancelRunning() {
    if (m_jobId == 0) return;
    if (m_stop == StopReason::None) m_stop = StopReason::User;
    if (m_requestId != 0) return m_host->cancelJobs({m_requestId});
    auto result = std::make_shared<core::RelightResult>();  // still loading its images
    result->status = {core::ErrorCode::Cancelled, "cancelled"};
    finishJob(result);
}

void QueueRunner::onProgress(quint64 requestId, int step, int total, double, double) {
    if (requestId != m_requestId || m_jobId == 0 || total <= 0) return;
    const double progress = static_cast<double>(step) / total;
    m_model->setProgress(m_jobId, progress);
    if (progress - m_lastStoredProgress >= 0.05 || step == total) {  // other clients see it too
        m_lastStoredProgress = progress;
        try {
            m_model->store().setProgress(m_jobId, m_identity, progress);
        } catch (const std::exception& e) {
            core::namedLogger("gui")->debug("queue: progress not saved: {}", e.what());
        }
    }
}

void QueueRunner::onFinished(quint64 requestId, const RelightResultPtr& result) {
    if (requestId == m_requestId && m_jobId != 0) return finishJob(result);
    QTimer::singleShot(0, this, &QueueRunner::pump);  // a Generate job left the host idle
}

void QueueRunner::finishJob(const RelightResultPtr& result) {
    const int64_t id = m_jobId;
    m_keeper.reset();  // the save renews the lease itself
    m_requestId = std::numeric_limits<quint64>::max();  // no engine request any more; the loader's watcher ignores it
    auto& store = m_model->store();
    try {
        if (m_stop == StopReason::LeaseLost) {
            // Another runner holds the job now: nothing of ours is recorded.
        } else if (result->status.code == core::ErrorCode::Cancelled) {
            store.markCancelled(id, m_identity);
        } else if (!result->status.ok()) {
            store.markFailed(id, m_identity, result->status.message);
        } else {
            const double seconds = m_clock.isValid() ? m_clock.elapsed() / 1000.0 : result->seconds;
            const std::string etaKey = jobs::etaSettingKey(result->device, m_settings().precision.toStdString());
            auto* watcher = new QFutureWatcher<Saved>(this);
            connect(watcher, &QFutureWatcher<Saved>::finished, this, [this, watcher, id, result, seconds, etaKey] {
                watcher->deleteLater();
                const Saved saved = watcher->result();
                bool ok = false;
                if (!saved.error.isEmpty()) {
                    core::namedLogger("gui")->warn("queue: job {} could not be saved: {}", id, saved.error.toStdString());
                    m_model->store().markFailed(id, m_identity, saved.error.toStdString());
                } else if (saved.outcome == jobs::SaveOutcome::Saved) {
                    m_model->recordJobTime(costOfRun(*result), seconds, etaKey);
                    ok = true;
                }
                endJob(id, ok);
            });
            watcher->setFuture(QtConcurrent::run(saveJob, store.path(), m_job, m_identity, m_leaseSeconds, result, seconds));
            return;
        }
    } catch (const std::exception& e) {
        core::namedLogger("gui")->warn("queue: job {} could not be finished: {}", id, e.what());
    }
    endJob(id, false);
}

void QueueRunner::endJob(int64_t id, bool ok) {
    m_keeper.reset();
    m_jobId = 0;
    m_requestId = 0;
    m_stop = StopReason::None;
    m_model->reload();
    Q_EMIT jobFinished(id, ok);
    QTimer::singleShot(0, this, &QueueRunner::pump);
}

}  // namespace chiaro::gui
