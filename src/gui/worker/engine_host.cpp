#include "worker/engine_host.h"

#include "worker/engine_worker.h"

namespace chiaro::gui {

EngineHost::EngineHost(QObject* parent) : QObject(parent) {
    qRegisterMetaType<RelightResultPtr>("chiaro::gui::RelightResultPtr");
    m_thread.setObjectName(QStringLiteral("chiaro-engine"));
    m_worker = new EngineWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &EngineWorker::started, this, &EngineHost::started);
    connect(m_worker, &EngineWorker::stageChanged, this, &EngineHost::stageChanged);
    connect(m_worker, &EngineWorker::progressed, this, &EngineHost::progressed);
    connect(m_worker, &EngineWorker::previewReady, this, &EngineHost::previewReady);
    connect(m_worker, &EngineWorker::failed, this, &EngineHost::failed);
    connect(m_worker, &EngineWorker::finished, this,
            [this](quint64 id, const RelightResultPtr& result) {
                m_tokens.erase(id);
                Q_EMIT finished(id, result);
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
    EngineRequest request;
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

void EngineHost::cancelAll() {
    for (auto& [id, token] : m_tokens) token->cancel(core::CancelMode::Now);
}

}  // namespace chiaro::gui
