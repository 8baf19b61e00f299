#include "view_transform.h"

#include <algorithm>

namespace chiaro::gui {

void ViewTransform::setDevicePixelRatio(qreal dpr) {
    if (dpr > 0) m_dpr = dpr;
}

void ViewTransform::setZoom(qreal zoom, QPointF anchor) {
    const QPointF imagePoint = widgetToImage(anchor);
    m_zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    m_offset = anchor - imagePoint * scale();
}

void ViewTransform::fit(QSize imageSize, QSize view, int margin) {
    if (imageSize.isEmpty() || view.isEmpty()) return;
    const qreal sx = (view.width() - 2.0 * margin) / imageSize.width();
    const qreal sy = (view.height() - 2.0 * margin) / imageSize.height();
    const qreal logical = std::max(std::min(sx, sy), 0.01);
    m_zoom = std::clamp(logical * m_dpr, kMinZoom, kMaxZoom);
    const QPointF shown(imageSize.width() * scale(), imageSize.height() * scale());
    m_offset = QPointF((view.width() - shown.x()) / 2.0, (view.height() - shown.y()) / 2.0);
}

QRectF ViewTransform::imageToWidget(const QRectF& image) const {
    return QRectF(imageToWidget(image.topLeft()), imageToWidget(image.bottomRight()));
}

QRectF ViewTransform::widgetToImage(const QRectF& widget) const {
    return QRectF(widgetToImage(widget.topLeft()), widgetToImage(widget.bottomRight()));
}

}  // namespace chiaro::gui
