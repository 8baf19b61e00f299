#include "canvas/scribble_tool.h"

#include <algorithm>
#include <cmath>

#include <QPen>

#include <opencv2/imgproc.hpp>

#include "canvas/mask_document.h"
#include "chiaro/mask/grabcut.h"

namespace chiaro::gui {

void ScribbleTool::press(const PointerEvent& event) {
    if (!m_document->hasPhoto() || m_document->isBusy()) return;
    m_document->ensureScribbles();
    m_label = static_cast<uint8_t>(event.subtracts() ? core::ScribbleLabel::Background : core::ScribbleLabel::Subject);
    m_last = event.imagePos;
    drawTo(event.imagePos);
}

void ScribbleTool::move(const PointerEvent& event) {
    m_cursor = event.imagePos;
    m_hover = true;
    if (m_last) drawTo(event.imagePos);
    Q_EMIT overlayChanged();
}

void ScribbleTool::release(const PointerEvent& event) {
    if (!m_last) return;
    drawTo(event.imagePos);
    m_last.reset();
    m_document->autoSelectFromScribbles();
}

void ScribbleTool::leave() {
    m_hover = false;
    Q_EMIT overlayChanged();
}

void ScribbleTool::drawTo(const QPointF& imagePos) {
    // Hints are labels, never blended: a plain thick line.
    const int thickness = std::max(1, m_settings->size);
    const cv::Point a(int(std::floor(m_last->x())), int(std::floor(m_last->y())));
    const cv::Point b(int(std::floor(imagePos.x())), int(std::floor(imagePos.y())));
    cv::line(m_document->scribbles(), a, b, cv::Scalar(m_label), thickness, cv::LINE_8);
    m_last = imagePos;
    const cv::Rect dirty = cv::Rect(a, b) + cv::Size(1, 1);
    const int r = thickness / 2 + 2;
    m_document->notifyMaskChanged(QRect(dirty.x - r, dirty.y - r, dirty.width + 2 * r, dirty.height + 2 * r));
}

QRectF ScribbleTool::overlayBounds(const ViewTransform& view) const {
    if (!m_hover) return {};
    const qreal r = std::max(1, m_settings->size) / 2.0 * view.scale() + 3.0;
    const QPointF c = view.imageToWidget(m_cursor);
    return QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r);
}

void ScribbleTool::paint(QPainter& painter, const ViewTransform& view) const {
    if (!m_hover) return;
    const qreal r = std::max(1.5, std::max(1, m_settings->size) / 2.0 * view.scale());
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(Qt::white, 1.0));
    painter.drawEllipse(view.imageToWidget(m_cursor), r, r);
}

}  // namespace chiaro::gui
