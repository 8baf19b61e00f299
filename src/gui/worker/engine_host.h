#pragma once
// Owns the engine thread and its EngineWorker (worker-object pattern) and is the UI thread's only
// handle on it. submit() never blocks: it queues the job on the worker thread and returns its id.
// cancelAll() flips the jobs' cancel tokens directly from the UI thread (a queued slot would wait
// behind the running job). The destructor cancels everything, quits the thread and waits for it.
#include <map>
#include <vector>

#include <QObject>
#include <QThread>

#include "worker/engine_request.h"

namespace chiaro::gui {

class EngineWorker;

class EngineHost : public QObject {
    Q_OBJECT
public:
    // How long the destructor waits for the engine thread after cancelling: a sampler stops within
    // one step; a model load or a segmenter forward may take many seconds more, not waited for.
    static constexpr unsigned long kShutdownWaitMs = 500;

    explicit EngineHost(QObject* parent = nullptr);
    // Cancels every job (CancelMode::Now), quits the engine thread and waits up to kShutdownWaitMs.
    // A thread still busy then is abandoned, not destroyed (a running QThread aborts the process):
    // the worker is disconnected from this host (no signal reaches destroyed objects), the thread
    // and its worker delete themselves when the job returns; abandonedThreads() counts it until
    // then.
    // Returns within about kShutdownWaitMs whatever the engine thread is doing.
    ~EngineHost() override;

    // Engine threads abandoned by a destroyed host that are still running (any thread may ask).
    // While it is non-zero the process must not run its static destructors (LibTorch's would race
    // the running load): main() then leaves with std::_Exit.
    static int abandonedThreads();

    // Queues `job` (runs after the jobs already queued). The bundle is (re)loaded when `bundleDir`
    // or `options` differ from the loaded one.
    quint64 submit(const core::RelightJob& job, const QString& bundleDir, const core::EngineOptions& options);
    // The same, with the mask made first by the bundle's segmenter when `job` has none (see
    // EngineRequest::segmentSubject).
    quint64 submit(const core::RelightJob& job, const QString& bundleDir, const core::EngineOptions& options,
                   bool segmentSubject);
    // Queues a one-click subject selection of `rgb` (CV_8UC3 RGB, not modified afterwards) with the
    // bundle's segmenter.pt. Ends with segmented(id, matte) or failed(id, reason); a cancelled one
    // fails with "cancelled". Never blocks; the worker keeps the segmenter loaded between requests.
    quint64 submitSegment(const cv::Mat& rgb, const QString& bundleDir, const core::EngineOptions& options);
    // CancelMode::Now: stops the running job within one sampler step and drops every queued one.
    // CancelMode::AfterCurrentImage: the running job finishes (its token is left alone, since the
    // engine treats any cancel mode between passes as a stop); only the jobs not started yet are
    // dropped. With nothing running yet, every outstanding job is dropped.
    void cancelAll(core::CancelMode mode = core::CancelMode::Now);
    // The same for the listed jobs only (a client cancels its own jobs, not another's); unknown or
    // finished ids are ignored.
    void cancelJobs(const std::vector<quint64>& ids, core::CancelMode mode = core::CancelMode::Now);
    int outstandingJobs() const { return static_cast<int>(m_tokens.size()); }
    bool isBusy() const { return !m_tokens.empty(); }
    quint64 runningJob() const { return m_running; }  // 0 = none started (as seen by the UI thread)

Q_SIGNALS:
    void started(quint64 id);
    void stageChanged(quint64 id, const QString& message);
    void progressed(quint64 id, int step, int totalSteps, double elapsed, double eta);
    void previewReady(quint64 id, const QImage& preview);
    void finished(quint64 id, const chiaro::gui::RelightResultPtr& result, const QImage& display);
    void failed(quint64 id, const QString& message);
    void segmented(quint64 id, const QImage& matte);  // Grayscale8, the photo's size, 255 = subject

private:
    // The thread's life as the host sees it; the engine thread and the destructor race to set it.
    enum class ThreadFate : int { Owned, Abandoned, Finished };
    void abandonThread();

    QThread* m_thread = nullptr;  // no parent: when abandoned it must outlive this host
    EngineWorker* m_worker = nullptr;  // lives on m_thread; deleted there when it finishes
    std::shared_ptr<std::atomic<ThreadFate>> m_fate;  // shared with the thread's finished handler
    std::map<quint64, std::shared_ptr<core::CancelToken>> m_tokens;  // outstanding jobs
    quint64 m_nextId = 1;
    quint64 m_running = 0;
};

}  // namespace chiaro::gui
