#include "canvas/subject_selector.h"

#include "canvas/mask_document.h"
#include "chiaro/core/logging.h"
#include "chiaro/pipeline/subject_segmenter.h"
#include "image_bridge.h"
#include "worker/engine_host.h"

namespace chiaro::gui {

SubjectSelector::SubjectSelector(MaskDocument* document, QObject* parent)
    : QObject(parent), m_document(document) {}

void SubjectSelector::setEngineHost(EngineHost* host) {
    const bool was = isAvailable();
    if (m_host) disconnect(m_host, nullptr, this, nullptr);
    m_host = host;
    if (m_host) {
        connect(m_host, &EngineHost::segmented, this, &SubjectSelector::onSegmented);
        connect(m_host, &EngineHost::failed, this, &SubjectSelector::onFailed);
    }
    if (was != isAvailable()) Q_EMIT availabilityChanged(isAvailable());
}

void SubjectSelector::setBundle(const QString& bundleDir, const core::EngineOptions& options) {
    const bool was = isAvailable();
    m_bundleDir = bundleDir;
    m_options = options;
    // Reads manifest.json only (small); done once per settings change.
    m_hasSegmenter = !bundleDir.isEmpty() && core::SubjectSegmenter::bundleHasSegmenter(bundleDir.toStdString());
    core::namedLogger("gui")->debug("subject selection: {} {}", bundleDir.toStdString(),
                                    m_hasSegmenter ? "has a segmenter" : "has no segmenter");
    if (was != isAvailable()) Q_EMIT availabilityChanged(isAvailable());
}

bool SubjectSelector::selectSubject() {
    if (!isAvailable() || isRunning()) return false;
    if (!m_document->beginExternalSelect(tr("Select subject (AI)"))) return false;
    m_pending = m_host->submitSegment(m_document->rgb(), m_bundleDir, m_options);
    return true;
}

void SubjectSelector::onSegmented(quint64 id, const QImage& matte) {
    if (id == 0 || id != m_pending) return;
    m_pending = 0;
    m_document->finishExternalSelect(qImageToMaskMat(matte), QString());
}

void SubjectSelector::onFailed(quint64 id, const QString& message) {
    if (id == 0 || id != m_pending) return;
    m_pending = 0;
    m_document->finishExternalSelect(cv::Mat(), tr("Subject selection failed: %1").arg(message));
}

}  // namespace chiaro::gui
