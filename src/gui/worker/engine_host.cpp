#include "worker/engine_host.h"

#include "worker/engine_worker.h"

namespace chiaro::gui {

EngineHost::EngineHost(QObject* parent) : QObject(parent) {
    qRegisterMetaType<RelightResultPtr>("chiaro::gui::RelightResultPtr");
    m_thread.setObjectName(QStringLiteral("chiaro-engine"));
    m_worker = new EngineWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
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
    m_thread.start();
}

EngineHost::~EngineHost() {
    cancelAll();
    m_thread.quit();
    m_thread.wait();
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
