#include "worker/engine_worker.h"

#include <QThread>

#include "chiaro/core/logging.h"
#include "image_bridge.h"

namespace chiaro::gui {
namespace {

bool sameOptions(const core::EngineOptions& a, const core::EngineOptions& b) {
    return a.device == b.device && a.precision == b.precision && a.threads == b.threads;
}

}  // namespace

EngineWorker::EngineWorker(QObject* parent) : QObject(parent), m_engine(std::make_unique<core::Engine>()) {}

EngineWorker::~EngineWorker() = default;

core::Status EngineWorker::ensureLoaded(const EngineRequest& request) {
    if (m_engine->isLoaded() && m_loadedDir == request.bundleDir &&
        sameOptions(m_loadedOptions, request.options)) {
        return core::Status::success();
    }
    try {
        Q_EMIT stageChanged(request.id, tr("Loading models from %1…").arg(request.bundleDir));
        m_engine->load(request.bundleDir.toStdString(), request.options);
        m_loadedDir = request.bundleDir;
        m_loadedOptions = request.options;
        core::namedLogger("gui")->info("engine: loaded {} ({}, {})", request.bundleDir.toStdString(),
                                       m_engine->variant(), m_engine->deviceName());
        return core::Status::success();
    } catch (const std::exception& e) {
        m_loadedDir.clear();
        return core::Status::fromException(e);
    }
}

core::RelightResult EngineWorker::execute(const EngineRequest& request) {
    core::RelightResult result;
    if (request.cancel->mode() != core::CancelMode::None) {
        result.status = {core::ErrorCode::Cancelled, "cancelled before it started"};
        return result;
    }
    result.status = ensureLoaded(request);
    if (!result.status.ok()) return result;
    core::RunHooks hooks;
    const quint64 id = request.id;
    hooks.onProgress = [this, id](int step, int total, double elapsed, double eta) {
        Q_EMIT progressed(id, step, total, elapsed, eta);
    };
    hooks.onPreview = [this, id](const cv::Mat& preview) { Q_EMIT previewReady(id, matToQImage(preview)); };
    hooks.onStage = [this, id](const std::string& message) {
        Q_EMIT stageChanged(id, QString::fromStdString(message));
    };
    return m_engine->run(*request.job, hooks, *request.cancel);
}

void EngineWorker::run(const EngineRequest& request) {
    Q_EMIT started(request.id);
    auto result = std::make_shared<core::RelightResult>(execute(request));
    if (!result->status.ok() && result->status.code != core::ErrorCode::Cancelled) {
        core::namedLogger("gui")->warn("engine: job {} failed: {}", request.id, result->status.message);
        Q_EMIT failed(request.id, QString::fromStdString(result->status.message));
    }
    Q_EMIT finished(request.id, result);
}

}  // namespace chiaro::gui
