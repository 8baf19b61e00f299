#include "canvas/brush_tool.h"

#include <QPen>

#include "canvas/mask_document.h"

namespace chiaro::gui {

BrushTool::BrushTool(MaskDocument* document, const ToolSettings* settings, core::BrushMode mode, QObject* parent)
    : CanvasTool(document, settings, parent), m_mode(mode) {}

QString BrushTool::name() const { return m_mode == core::BrushMode::Paint ? tr("Brush") : tr("Eraser"); }

core::BrushParams BrushTool::params(bool subtract) const {
    core::BrushParams p;
    p.radius = m_settings->size / 2.0f;
    p.hardness = float(m_settings->hardness);
    p.flow = float(m_settings->flow);
    p.opacity = float(m_settings->opacity);
    const bool erase = (m_mode == core::BrushMode::Erase) != subtract;
    p.mode = erase ? core::BrushMode::Erase : core::BrushMode::Paint;
    return p;
}

void BrushTool::press(const PointerEvent& event) {
    if (!m_document->hasPhoto()) return;
    m_stroke = std::make_unique<core::BrushStroke>(m_document->mask(), params(event.subtracts()));
    const QPointF p = event.imagePos;
    const cv::Rect dirty = m_stroke->addPoint(cv::Point2f(float(p.x()), float(p.y())), float(event.pressure));
    m_document->notifyMaskChanged(QRect(dirty.x, dirty.y, dirty.width, dirty.height));
    setCursorAt(p);
}

void BrushTool::move(const PointerEvent& event) {
    const QPointF p = event.imagePos;
    if (m_stroke) {
        const cv::Rect dirty = m_stroke->addPoint(cv::Point2f(float(p.x()), float(p.y())), float(event.pressure));
        if (!dirty.empty()) m_document->notifyMaskChanged(QRect(dirty.x, dirty.y, dirty.width, dirty.height));
    }
    setCursorAt(p);
}

void BrushTool::release(const PointerEvent& event) {
    if (!m_stroke) return;
    core::MaskTileDelta delta = m_stroke->finish();
    m_stroke.reset();
    m_document->pushEdit(name() + tr(" stroke"), std::move(delta));
    setCursorAt(event.imagePos);
}

void BrushTool::cancel() {
    if (!m_stroke) return;
    // Put the pixels back: the stroke was never recorded.
    core::MaskTileDelta delta = m_stroke->finish();
    m_stroke.reset();
    delta.applyBefore(m_document->mask());
    const cv::Rect b = delta.bounds();
    m_document->notifyMaskChanged(QRect(b.x, b.y, b.width, b.height));
}

void BrushTool::leave() {
    m_cursor.reset();
    Q_EMIT overlayChanged();
}

void BrushTool::setCursorAt(const QPointF& imagePos) {
    m_cursor = imagePos;
    Q_EMIT overlayChanged();
}

QRectF BrushTool::overlayBounds(const ViewTransform& view) const {
    if (!m_cursor) return {};
    const qreal r = m_settings->size / 2.0 * view.scale() + 3.0;
    const QPointF c = view.imageToWidget(*m_cursor);
    return QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r);
}

void BrushTool::paint(QPainter& painter, const ViewTransform& view) const {
    if (!m_cursor) return;
    const qreal r = std::max(1.5, m_settings->size / 2.0 * view.scale());
    const QPointF c = view.imageToWidget(*m_cursor);
    // Two contrasting rings stay visible on any photo.
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(0, 0, 0, 160), 1.0));
    painter.drawEllipse(c, r + 1.0, r + 1.0);
    painter.setPen(QPen(QColor(255, 255, 255, 220), 1.0));
    painter.drawEllipse(c, r, r);
}

}  // namespace chiaro::gui
