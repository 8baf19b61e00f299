#pragma once
// Owns the engine thread and its EngineWorker (worker-object pattern) and is the UI thread's only
// handle on it. submit() never blocks: it queues the job on the worker thread and returns its id.
// cancel() flips the jobs' cancel tokens directly from the UI thread (a queued slot would wait behind
// the running job). The destructor cancels everything, quits the thread and waits for it.
#include <map>

#include <QObject>
#include <QThread>

#include "worker/engine_request.h"

namespace chiaro::gui {

class EngineWorker;

class EngineHost : public QObject {
    Q_OBJECT
public:
    explicit EngineHost(QObject* parent = nullptr);
    ~EngineHost() override;

    // Queues `job` (runs after the jobs already queued). The bundle is (re)loaded when `bundleDir`
    // or `options` differ from the loaded one.
    quint64 submit(const core::RelightJob& job, const QString& bundleDir, const core::EngineOptions& options);
    // Cancels the running job (within one sampler step) and every queued one.
    void cancelAll();
    int outstandingJobs() const { return static_cast<int>(m_tokens.size()); }
    bool isBusy() const { return !m_tokens.empty(); }

Q_SIGNALS:
    void started(quint64 id);
    void stageChanged(quint64 id, const QString& message);
    void progressed(quint64 id, int step, int totalSteps, double elapsed, double eta);
    void previewReady(quint64 id, const QImage& preview);
    void finished(quint64 id, const chiaro::gui::RelightResultPtr& result);
    void failed(quint64 id, const QString& message);

private:
    QThread m_thread;
    EngineWorker* m_worker = nullptr;  // lives on m_thread; deleted there when it finishes
    std::map<quint64, std::shared_ptr<core::CancelToken>> m_tokens;  // outstanding jobs
    quint64 m_nextId = 1;
};

}  // namespace chiaro::gui
