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
    // Engine::load cannot be interrupted: a cancel that arrived while it ran stops the job here,
    // before any encoding or sampling.
    if (request.cancel->mode() != core::CancelMode::None) {
        result.status = {core::ErrorCode::Cancelled, "cancelled while the models were loading"};
        return result;
    }
    const core::RelightJob* job = request.job.get();
    core::RelightJob segmented;
    if (request.segmentSubject && job->mask.empty()) {
        try {
            segmented = *job;  // shallow: the pixels stay shared, only the mask is new
            segmented.mask = runSegmenter(request.id, job->image, request.bundleDir, request.options, request.cancel.get());
            segmented.maskSource = "segmenter";
            job = &segmented;
        } catch (const std::exception& e) {
            result.status = core::Status::fromException(e);
            return result;
        }
    }
    core::RunHooks hooks;
    const quint64 id = request.id;
    hooks.onProgress = [this, id](int step, int total, double elapsed, double eta) {
        Q_EMIT progressed(id, step, total, elapsed, eta);
    };
    hooks.onPreview = [this, id](const cv::Mat& preview) { Q_EMIT previewReady(id, matToQImage(preview)); };
    hooks.onStage = [this, id](const std::string& message) {
        Q_EMIT stageChanged(id, QString::fromStdString(message));
    };
    return m_engine->run(*job, hooks, *request.cancel);
}

cv::Mat EngineWorker::runSegmenter(quint64 id, const cv::Mat& rgb, const QString& bundleDir,
                                   const core::EngineOptions& options, const core::CancelToken* cancel) {
    if (!m_segmenter) m_segmenter = std::make_unique<core::SubjectSegmenter>();
    Q_EMIT stageChanged(id, tr("Selecting the subject…"));
    m_segmenter->load(bundleDir.toStdString(), options);  // keeps the loaded one when unchanged
    return m_segmenter->segment(rgb, cancel);
}

void EngineWorker::segment(const SegmentRequest& request) {
    if (request.cancel->mode() != core::CancelMode::None) {
        Q_EMIT segmentDone(request.id, QImage(), QStringLiteral("cancelled"));
        return;
    }
    try {
        const cv::Mat matte = runSegmenter(request.id, request.rgb, request.bundleDir, request.options, request.cancel.get());
        Q_EMIT segmentDone(request.id, matToQImage(matte), QString());
    } catch (const std::exception& e) {
        core::namedLogger("gui")->warn("engine: subject selection {} failed: {}", request.id, e.what());
        Q_EMIT segmentDone(request.id, QImage(), QString::fromStdString(e.what()));
    }
}

void EngineWorker::run(const EngineRequest& request) {
    Q_EMIT started(request.id);
    auto result = std::make_shared<core::RelightResult>(execute(request));
    QImage display;  // null when it cannot be shown: the result itself is still good to save
    if (result->status.ok()) {
        try {
            display = resultDisplayImage(result->image, result->iccProfile);
        } catch (const std::exception& e) {
            core::namedLogger("gui")->warn("engine: job {}: the result cannot be shown: {}", request.id, e.what());
        }
    }
    if (!result->status.ok() && result->status.code != core::ErrorCode::Cancelled) {
        core::namedLogger("gui")->warn("engine: job {} failed: {}", request.id, result->status.message);
        Q_EMIT failed(request.id, QString::fromStdString(result->status.message));
    }
    Q_EMIT finished(request.id, result, display);
}

}  // namespace chiaro::gui
