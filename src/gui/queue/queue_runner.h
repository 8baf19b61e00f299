#pragma once
// Runs the persistent queue on the app's one engine thread (EngineHost, shared with Generate, so the
// models are loaded once). It claims the next queued job only when the host is idle and the queue is
// not paused, so an interactive Generate always goes first: it waits at most for the running queue
// job. The result is written atomically (temp + rename) to the job's output path with its metadata,
// then the job is marked done; a failure is marked failed with its reason; cancel marks it cancelled.
// A job whose output already exists was finished before a crash and is marked done without a rerun.
#include <functional>

#include <QElapsedTimer>
#include <QObject>

#include "settings/app_settings.h"
#include "worker/engine_request.h"

class QTimer;

namespace chiaro::gui {

class EngineHost;
class QueueModel;

class QueueRunner : public QObject {
    Q_OBJECT
public:
    // `settings` gives the bundle folder (for jobs without one) and the device options at run time.
    QueueRunner(QueueModel* model, EngineHost* host, std::function<AppSettings()> settings,
                QObject* parent = nullptr);

    // Starts the next job when possible; called on enqueue, resume, every finished job and a timer.
    void pump();
    // Cancels the running queue job within one sampler step (it is marked cancelled).
    void cancelRunning();
    int64_t runningJob() const { return m_jobId; }
    bool isRunning() const { return m_jobId != 0; }

Q_SIGNALS:
    void jobStarted(qint64 jobId);
    void jobFinished(qint64 jobId, bool ok);

private:
    bool startJob();
    void onProgress(quint64 requestId, int step, int total, double elapsed, double eta);
    void onFinished(quint64 requestId, const RelightResultPtr& result);
    void finishJob(const RelightResultPtr& result);

    QueueModel* m_model;
    EngineHost* m_host;
    std::function<AppSettings()> m_settings;
    QTimer* m_timer = nullptr;
    int64_t m_jobId = 0;       // store id of the running queue job; 0 = none
    quint64 m_requestId = 0;   // its engine request id
    int m_bitDepth = 0;  // of the running job's output file; 0 = the result's own (the photo's)
    QElapsedTimer m_clock;
};

}  // namespace chiaro::gui
