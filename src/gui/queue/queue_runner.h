#pragma once
// Runs the persistent queue on the app's one engine thread (EngineHost, shared with Generate, so the
// models are loaded once): the app's adapter over the shared steps of chiaro/jobs/queued_job.h. It
// claims the next queued job under a lease (AppSettings::queueLeaseSeconds, kept alive by a
// jobs::LeaseKeeper) only when the host is idle and the queue is not paused, so an interactive
// Generate always goes first: it waits at most for the running queue job. A `chiaro-cli batch` on
// the same queue file runs side by side: each takes other jobs, neither touches the other's.
// Loading the photo and saving the result run on the thread pool, and every store call (the claim,
// progress, the final state) on the model's store thread (store_worker.h), never on the UI thread.
#include <functional>
#include <memory>

#include <QElapsedTimer>
#include <QObject>

#include "chiaro/jobs/job_store.h"
#include "chiaro/jobs/queued_job.h"
#include "settings/app_settings.h"
#include "worker/engine_request.h"

class QTimer;

namespace chiaro::jobs {
class LeaseKeeper;
}

namespace chiaro::gui {

class EngineHost;
class QueueModel;

class QueueRunner : public QObject {
    Q_OBJECT
public:
    // `settings` gives the bundle folder (for jobs without one), the device options and the lease
    // length at run time.
    QueueRunner(QueueModel* model, EngineHost* host, std::function<AppSettings()> settings,
                QObject* parent = nullptr);
    ~QueueRunner() override;

    // Starts the next job when possible; called on enqueue, resume, every finished job and a timer.
    void pump();
    // Cancels the running queue job within one sampler step (it is marked cancelled).
    void cancelRunning();
    int64_t runningJob() const { return m_jobId; }
    bool isRunning() const { return m_jobId != 0; }
    const jobs::RunnerIdentity& identity() const { return m_identity; }

Q_SIGNALS:
    void jobStarted(qint64 jobId);
    void jobFinished(qint64 jobId, bool ok);

private:
    enum class StopReason { None, User, OtherClient, LeaseLost };
    void startJob(const jobs::StoredJob& claimed, jobs::OutputState output, const AppSettings& settings);
    void onProgress(quint64 requestId, int step, int total, double elapsed, double eta);
    void onFinished(quint64 requestId, const RelightResultPtr& result);
    void finishJob(const RelightResultPtr& result);
    void endJob(int64_t id, bool ok, std::function<bool(jobs::JobStore&)> record = {});
    void stopFromLease(jobs::LeaseState why);

    QueueModel* m_model;
    EngineHost* m_host;
    std::function<AppSettings()> m_settings;
    jobs::RunnerIdentity m_identity;
    QTimer* m_timer = nullptr;
    int64_t m_jobId = 0;       // store id of the running queue job; 0 = none
    bool m_claiming = false;   // a claim is posted and not answered: never a second one
    bool m_ending = false;     // a finished job's save or record is still running: no claim yet
    jobs::StoredJob m_job;     // that job as claimed
    quint64 m_requestId = 0;   // its engine request id
    int m_leaseSeconds = 60;   // of the running job's lease
    StopReason m_stop = StopReason::None;
    double m_lastStoredProgress = 0;
    std::unique_ptr<jobs::LeaseKeeper> m_keeper;
    QElapsedTimer m_clock;
};

}  // namespace chiaro::gui
