#include "queue/queue_runner.h"

#include <limits>

#include <QFutureWatcher>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include "chiaro/core/logging.h"
#include "chiaro/jobs/job_cost.h"
#include "chiaro/jobs/lease_keeper.h"
#include "chiaro/jobs/queued_job.h"
#include "chiaro/pipeline/relight_job.h"
#include "chiaro/pipeline/subject_segmenter.h"
#include "queue/queue_model.h"
#include "util/slot_guard.h"
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

// A claim as the store thread made it: the job (none when the queue was empty or paused by then)
// and what its output file says; a job whose output was already written (or belongs to someone
// else) is marked done (failed) there too, so the UI only records that it ended.
struct Claim {
    std::optional<StoredJob> job;
    jobs::OutputState output = jobs::OutputState::Missing;
};

// Runs on the store thread. The pause flag is read here, in store order: a pause posted before
// this claim always wins, whatever the UI's cached flag said when the claim was posted.
Claim claimOnStoreWorker(jobs::JobStore& store, const jobs::RunnerIdentity& owner, int leaseSeconds) {
    Claim claim;
    if (store.setting("paused", "0") == "1") return claim;
    std::optional<StoredJob> claimed = store.claimNext(owner, leaseSeconds);
    if (!claimed) return claim;
    try {
        jobs::removeInterruptedTemporaries(*claimed);
        claim.output = jobs::outputState(*claimed);
        if (claim.output == jobs::OutputState::WrittenByThisJob) {
            // Written before a crash but not marked done: never run (or write) it twice.
            core::namedLogger("gui")->info("queue: {} was written by job {}; marked done",
                                           claimed->spec.outputPath, claimed->id);
            store.markDone(claimed->id, owner, claimed->seconds);
        } else if (claim.output == jobs::OutputState::Foreign) {
            store.markFailed(claimed->id, owner, jobs::foreignOutputError(*claimed));
        }
    } catch (...) {
        // The claimed job never started: give it back now; else its lease lapses and it is
        // queued again (jobs/job_store.h). Either way no job is left running for this runner.
        try {
            store.release(claimed->id, owner);
        } catch (const std::exception& e) {
            core::namedLogger("gui")->warn("queue: job {} not given back: {}", claimed->id, e.what());
        }
        throw;
    }
    claim.job = std::move(claimed);
    return claim;
}

// A claimed job that will not run here after all goes back to the queue (posted; a failure only
// means its lease lapses and it is queued again then).
void giveBack(QueueModel* model, int64_t id, const jobs::RunnerIdentity& owner) {
    model->storeWorker().fireAndForget("release", [id, owner](jobs::JobStore& store) { store.release(id, owner); });
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
        if (m_jobId == 0 && !m_model->isPaused()) m_model->reload();  // posted; merged while one waits
        pump();
    });
    m_timer->start();
}

QueueRunner::~QueueRunner() = default;

// A slot (enqueue, resume, timer, finished jobs): nothing may escape to the event loop. The claim
// is posted to the store thread; until it is answered no second one is posted (m_claiming), so a
// job is never claimed twice. A store failure is reported (once while it goes on failing) and the
// runner is free for the next try.
void QueueRunner::pump() {
    if (m_jobId != 0 || m_claiming || m_ending || m_host->isBusy() || m_model->isPaused()) return;
    const AppSettings settings = m_settings();
    const jobs::RunnerIdentity owner = m_identity;
    const int lease = settings.queueLeaseSeconds;
    m_claiming = true;
    QPointer<QueueRunner> self(this);
    QueueModel* model = m_model;  // the reply runs inside the model's own callback: alive
    model->edit<Claim>(tr("start the next queued job"),
                       [owner, lease](jobs::JobStore& store) { return claimOnStoreWorker(store, owner, lease); },
                       [self, model, owner, settings](bool, const Claim& claim) {
                           if (!self) {  // the runner went away meanwhile: give the job back
                               if (claim.job && claim.output == jobs::OutputState::Missing)
                                   giveBack(model, claim.job->id, owner);
                               return;
                           }
                           self->m_claiming = false;
                           if (!claim.job) return;
                           // A slot: a failure to start (no thread for the lease keeper) is
                           // reported, and the claimed job is given back, not left running.
                           const bool started = guarded(nullptr, tr("start the next queued job"), [&] {
                               self->startJob(*claim.job, claim.output, settings);
                           });
                           if (!started && self->m_jobId == claim.job->id) {
                               self->m_keeper.reset();
                               self->m_jobId = 0;
                               giveBack(model, claim.job->id, owner);
                           }
                       });
}

// On the UI thread, with the job claimed (and, for a written or foreign output, already marked).
void QueueRunner::startJob(const StoredJob& claimed, jobs::OutputState output, const AppSettings& settings) {
    m_job = claimed;
    m_jobId = m_job.id;
    m_leaseSeconds = settings.queueLeaseSeconds;
    m_stop = StopReason::None;
    m_requestId = 0;
    m_lastStoredProgress = 0;
    Q_EMIT jobStarted(m_job.id);
    switch (output) {
        case jobs::OutputState::WrittenByThisJob: return endJob(m_job.id, true);
        case jobs::OutputState::Foreign: return endJob(m_job.id, false);
        case jobs::OutputState::Missing: break;
    }
    m_keeper = std::make_unique<jobs::LeaseKeeper>(
        m_model->storePath(), jobs::StoreOptions{}, m_job.id, m_identity, m_leaseSeconds,
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
        const int64_t id = m_jobId;
        const jobs::RunnerIdentity owner = m_identity;
        m_model->storeWorker().fireAndForget("progress", [id, owner, progress](jobs::JobStore& store) {
            store.setProgress(id, owner, progress);
        });
    }
}

void QueueRunner::onFinished(quint64 requestId, const RelightResultPtr& result) {
    if (requestId == m_requestId && m_jobId != 0) return finishJob(result);
    QTimer::singleShot(0, this, &QueueRunner::pump);  // a Generate job left the host idle
}

void QueueRunner::finishJob(const RelightResultPtr& result) {
    const int64_t id = m_jobId;
    const jobs::RunnerIdentity owner = m_identity;
    m_keeper.reset();  // the save renews the lease itself
    m_requestId = std::numeric_limits<quint64>::max();  // no engine request any more; the loader's watcher ignores it
    if (m_stop == StopReason::LeaseLost) return endJob(id, false);  // another runner holds it: nothing of ours
    if (result->status.code == core::ErrorCode::Cancelled)
        return endJob(id, false, [id, owner](jobs::JobStore& store) { return store.markCancelled(id, owner); });
    if (!result->status.ok()) {
        const std::string error = result->status.message;
        return endJob(id, false, [id, owner, error](jobs::JobStore& store) { return store.markFailed(id, owner, error); });
    }
    const double seconds = m_clock.isValid() ? m_clock.elapsed() / 1000.0 : result->seconds;
    const std::string etaKey = jobs::etaSettingKey(result->device, m_settings().precision.toStdString());
    m_ending = true;  // saving on the pool: no claim until the job has ended
    auto* watcher = new QFutureWatcher<Saved>(this);
    connect(watcher, &QFutureWatcher<Saved>::finished, this, [this, watcher, id, owner, result, seconds, etaKey] {
        watcher->deleteLater();
        m_ending = false;
        const Saved saved = watcher->result();
        if (!saved.error.isEmpty()) {
            core::namedLogger("gui")->warn("queue: job {} could not be saved: {}", id, saved.error.toStdString());
            const std::string error = saved.error.toStdString();
            return endJob(id, false, [id, owner, error](jobs::JobStore& store) { return store.markFailed(id, owner, error); });
        }
        const bool ok = saved.outcome == jobs::SaveOutcome::Saved;
        // The output and its state are written; only the ETA may fail (reported, the job stays done).
        if (ok) m_model->recordJobTime(costOfRun(*result), seconds, etaKey);
        endJob(id, ok);
    });
    watcher->setFuture(QtConcurrent::run(saveJob, m_model->storePath(), m_job, m_identity, m_leaseSeconds, result, seconds));
}

// The runner is free at once; `record` (the job's final state, conditional on our lease) and a
// re-read of the rows run on the store thread, and jobFinished follows with the rows applied. A
// claim posted later runs after them (one store thread, in order).
void QueueRunner::endJob(int64_t id, bool ok, std::function<bool(jobs::JobStore&)> record) {
    m_keeper.reset();
    m_jobId = 0;
    m_requestId = 0;
    m_stop = StopReason::None;
    m_ending = true;
    QPointer<QueueRunner> self(this);
    m_model->edit<bool>(tr("record the finished job"),
                        [record = std::move(record)](jobs::JobStore& store) { return record ? record(store) : true; },
                        [self, id, ok](bool written, bool) {
                            if (!self) return;
                            self->m_ending = false;
                            Q_EMIT self->jobFinished(id, ok && written);
                            self->pump();
                        });
}

}  // namespace chiaro::gui
