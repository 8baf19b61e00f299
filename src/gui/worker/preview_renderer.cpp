#include "worker/preview_renderer.h"

#include <QtConcurrent/QtConcurrentRun>

#include "chiaro/core/logging.h"
#include "image_bridge.h"

namespace chiaro::gui {

PreviewRenderer::PreviewRenderer(QObject* parent) : QObject(parent) {
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, &PreviewRenderer::onTaskDone);
}

PreviewRenderer::~PreviewRenderer() { m_watcher.waitForFinished(); }

void PreviewRenderer::setSource(const cv::Mat& imageRgb, const cv::Mat& mask,
                                const core::PreviewOptions& options, int proxyLongSide) {
    ++m_generation;
    m_relighter.reset();
    m_pendingSource = Source{imageRgb, mask, options, proxyLongSide, {}};
    pump();
}

void PreviewRenderer::requestRender(const core::LightSettings& light) {
    if (m_pendingLight) ++m_dropped;
    m_pendingLight = light;
    m_pendingRequested.start();
    pump();
}

void PreviewRenderer::pump() {
    if (m_busy) return;
    if (m_pendingSource) {
        Source source = std::move(*m_pendingSource);
        m_pendingSource.reset();
        startPrepare(std::move(source));
    } else if (m_pendingLight && m_relighter) {
        const core::LightSettings light = *m_pendingLight;
        m_pendingLight.reset();
        m_taskRequested = m_pendingRequested;
        startRender(light);
    }
}

void PreviewRenderer::startPrepare(Source source) {
    m_busy = true;
    m_taskIsPrepare = true;
    m_taskGeneration = m_generation;
    const bool samePhoto = source.image.data == m_proxyOf && source.image.size() == m_proxyOfSize &&
                           source.proxyLongSide == m_proxyLongSide;
    if (samePhoto) source.cachedProxy = m_proxy;  // a mask edit: only the mask is reduced again
    m_proxyOf = source.image.data;
    m_proxyOfSize = source.image.size();
    m_proxyLongSide = source.proxyLongSide;
    m_proxy.release();  // set again from the outcome; a failed prepare leaves no stale proxy
    m_watcher.setFuture(QtConcurrent::run([source = std::move(source)] {
        Outcome outcome;
        try {
            outcome.proxy = source.cachedProxy.empty() ? core::displayProxy(source.image, source.proxyLongSide)
                                                       : source.cachedProxy;
            const cv::Mat mask = core::maskAtSize(source.mask, outcome.proxy.size());
            outcome.relighter = std::make_shared<const core::PreviewRelighter>(outcome.proxy, mask, source.options);
        } catch (const std::exception& e) {
            outcome.error = QString::fromStdString(e.what());
        }
        return outcome;
    }));
}

void PreviewRenderer::startRender(const core::LightSettings& light) {
    m_busy = true;
    m_taskIsPrepare = false;
    m_taskGeneration = m_generation;
    m_watcher.setFuture(QtConcurrent::run([relighter = m_relighter, light] {
        Outcome outcome;
        try {
            outcome.frame = matToQImage(relighter->render(light));
        } catch (const std::exception& e) {
            outcome.error = QString::fromStdString(e.what());
        }
        return outcome;
    }));
}

void PreviewRenderer::onTaskDone() {
    m_busy = false;
    Outcome outcome = m_watcher.result();
    const bool current = m_taskGeneration == m_generation;
    if (!outcome.error.isEmpty()) {
        core::namedLogger("gui")->warn("preview: {}", outcome.error.toStdString());
        if (current) Q_EMIT failed(outcome.error);
    } else if (current && m_taskIsPrepare) {
        m_relighter = std::move(outcome.relighter);
        m_proxy = outcome.proxy;
        Q_EMIT prepared();
    } else if (current) {
        ++m_rendered;
        Q_EMIT previewReady(outcome.frame, m_taskRequested);
    }
    pump();
}

}  // namespace chiaro::gui
