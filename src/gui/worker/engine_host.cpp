#include "worker/engine_host.h"

#include "chiaro/core/logging.h"
#include "worker/engine_worker.h"

namespace chiaro::gui {
namespace {

std::atomic<int> g_abandonedThreads{0};

}  // namespace

int EngineHost::abandonedThreads() { return g_abandonedThreads.load(); }

EngineHost::EngineHost(QObject* parent)
    : QObject(parent),
      m_thread(new QThread),
      m_fate(std::make_shared<std::atomic<ThreadFate>>(ThreadFate::Owned)) {
    qRegisterMetaType<RelightResultPtr>("chiaro::gui::RelightResultPtr");
    m_thread->setObjectName(QStringLiteral("chiaro-engine"));
    m_worker = new EngineWorker;
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // Runs on the engine thread as it ends, possibly after this host is gone (hence the shared
    // state, not `this`): an abandoned thread stops being counted once its job has returned.
    connect(m_thread, &QThread::finished, m_thread, [fate = m_fate] {
        if (fate->exchange(ThreadFate::Finished) == ThreadFate::Abandoned) --g_abandonedThreads;
    }, Qt::DirectConnection);
    connect(m_worker, &EngineWorker::started, this, [this](quint64 id) {
        m_running = id;
        Q_EMIT started(id);
    });
    connect(m_worker, &EngineWorker::stageChanged, this, &EngineHost::stageChanged);
    connect(m_worker, &EngineWorker::progressed, this, &EngineHost::progressed);
    connect(m_worker, &EngineWorker::previewReady, this, &EngineHost::previewReady);
    connect(m_worker, &EngineWorker::failed, this, &EngineHost::failed);
    connect(m_worker, &EngineWorker::finished, this,
            [this](quint64 id, const RelightResultPtr& result, const QImage& display) {
                m_tokens.erase(id);
                if (m_running == id) m_running = 0;
                Q_EMIT finished(id, result, display);
            });
    connect(m_worker, &EngineWorker::segmentDone, this, [this](quint64 id, const QImage& matte, const QString& error) {
        m_tokens.erase(id);
        if (matte.isNull()) {
            Q_EMIT failed(id, error);
        } else {
            Q_EMIT segmented(id, matte);
        }
    });
    m_thread->start();
}

EngineHost::~EngineHost() {
    cancelAll();  // a sampler stops within one step; queued jobs return at once as cancelled
    m_thread->quit();
    if (m_thread->wait(kShutdownWaitMs)) {
        delete m_thread;  // finished: its worker was deleted on it
        return;
    }
    abandonThread();
}

// Engine::load (reading and hashing gigabytes) and a segmenter forward cannot be interrupted, and
// waiting for them would freeze a closing window for up to the whole load. The thread is left to
// finish on its own; only the UI-thread objects it could reach are cut off from it.
void EngineHost::abandonThread() {
    ++g_abandonedThreads;  // before the thread can see Abandoned: its decrement never comes first
    // Deleted from the UI thread's event loop once the job returns (never while running); at
    // process exit main() skips that and leaves with std::_Exit.
    connect(m_thread, &QThread::finished, m_thread, &QObject::deleteLater);
    ThreadFate expected = ThreadFate::Owned;
    if (!m_fate->compare_exchange_strong(expected, ThreadFate::Abandoned)) {
        --g_abandonedThreads;  // it finished just now after all: wait() returns at once
        m_thread->wait();
        delete m_thread;
        return;
    }
    disconnect(m_worker, nullptr, this, nullptr);  // its queued signals would reach a dead host
    core::namedLogger("gui")->info(
        "engine: shutting down without waiting for the engine thread: it is still busy (job {}, "
        "{} job(s) outstanding) with a model load or a segmenter run that cannot be interrupted; "
        "abandoned",
        m_running, m_tokens.size());
}

quint64 EngineHost::submit(const core::RelightJob& job, const QString& bundleDir,
                           const core::EngineOptions& options) {
    return submit(job, bundleDir, options, false);
}

quint64 EngineHost::submit(const core::RelightJob& job, const QString& bundleDir,
                           const core::EngineOptions& options, bool segmentSubject) {
    EngineRequest request;
    request.segmentSubject = segmentSubject;
    request.id = m_nextId++;
    request.job = std::make_shared<const core::RelightJob>(job);
    request.bundleDir = bundleDir;
    request.options = options;
    request.cancel = std::make_shared<core::CancelToken>();
    m_tokens[request.id] = request.cancel;
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, request] { worker->run(request); },
                              Qt::QueuedConnection);
    return request.id;
}

quint64 EngineHost::submitSegment(const cv::Mat& rgb, const QString& bundleDir,
                                  const core::EngineOptions& options) {
    SegmentRequest request;
    request.id = m_nextId++;
    request.rgb = rgb;
    request.bundleDir = bundleDir;
    request.options = options;
    request.cancel = std::make_shared<core::CancelToken>();
    m_tokens[request.id] = request.cancel;
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, request] { worker->segment(request); },
                              Qt::QueuedConnection);
    return request.id;
}

void EngineHost::cancelAll(core::CancelMode mode) {
    for (auto& [id, token] : m_tokens) {
        if (mode == core::CancelMode::AfterCurrentImage && id == m_running) continue;
        token->cancel(core::CancelMode::Now);
    }
}

void EngineHost::cancelJobs(const std::vector<quint64>& ids, core::CancelMode mode) {
    for (quint64 id : ids) {
        auto it = m_tokens.find(id);
        if (it == m_tokens.end()) continue;
        if (mode == core::CancelMode::AfterCurrentImage && id == m_running) continue;
        it->second->cancel(core::CancelMode::Now);
    }
}

}  // namespace chiaro::gui
