#include "canvas/lasso_tool.h"

#include <QLineF>
#include <QPen>

#include "canvas/mask_document.h"
#include "chiaro/mask/mask_ops.h"

namespace chiaro::gui {

LassoTool::LassoTool(MaskDocument* document, const ToolSettings* settings, Mode mode, QObject* parent)
    : CanvasTool(document, settings, parent), m_mode(mode) {}

QString LassoTool::name() const { return m_mode == Mode::Freehand ? tr("Lasso") : tr("Polygon"); }

void LassoTool::press(const PointerEvent& event) {
    if (!m_document->hasPhoto()) return;
    if (m_points.isEmpty()) m_subtract = event.subtracts();
    if (m_mode == Mode::Polygon && m_points.size() >= 3 &&
        QLineF(event.imagePos, m_points.first()).length() * event.viewScale <= kCloseDistance) {
        commit();
        return;
    }
    if (m_mode == Mode::Freehand) m_points.clear();
    m_points << event.imagePos;
    m_hover = event.imagePos;
    Q_EMIT overlayChanged();
}

void LassoTool::move(const PointerEvent& event) {
    m_hover = event.imagePos;
    if (m_mode == Mode::Freehand && (event.buttons & (Qt::LeftButton | Qt::RightButton)) && !m_points.isEmpty())
        m_points << event.imagePos;
    if (!m_points.isEmpty()) Q_EMIT overlayChanged();
}

void LassoTool::release(const PointerEvent&) {
    if (m_mode == Mode::Freehand) commit();
}

void LassoTool::doubleClick(const PointerEvent&) {
    if (m_mode == Mode::Polygon) commit();
}

bool LassoTool::confirm() {
    if (m_points.size() < 3) return false;
    commit();
    return true;
}

void LassoTool::cancel() {
    m_points.clear();
    Q_EMIT overlayChanged();
}

void LassoTool::commit() {
    // A double-click also delivered a press at the same spot: drop repeated corners.
    QPolygonF shape;
    for (const QPointF& p : m_points)
        if (shape.isEmpty() || QLineF(shape.last(), p).length() > 0.25) shape << p;
    m_points.clear();
    Q_EMIT overlayChanged();
    if (shape.size() < 3) return;
    std::vector<cv::Point2f> points;
    for (const QPointF& p : shape) points.emplace_back(float(p.x()), float(p.y()));
    const QRect region = shape.boundingRect().toAlignedRect().adjusted(-2, -2, 2, 2);
    const uint8_t value = m_subtract ? 0 : 255;
    m_document->edit(m_subtract ? tr("Lasso subtract") : tr("Lasso fill"), region,
                     [&points, value](cv::Mat& mask) { core::fillPolygon(mask, points, value); });
}

QRectF LassoTool::overlayBounds(const ViewTransform& view) const {
    if (m_points.isEmpty()) return {};
    QPolygonF shape = m_points;
    shape << m_hover;
    QRectF box = view.imageToWidget(shape.boundingRect());
    return box.adjusted(-kCloseDistance - 3, -kCloseDistance - 3, kCloseDistance + 3, kCloseDistance + 3);
}

void LassoTool::paint(QPainter& painter, const ViewTransform& view) const {
    if (m_points.isEmpty()) return;
    QPolygonF shape;
    for (const QPointF& p : m_points) shape << view.imageToWidget(p);
    if (m_mode == Mode::Polygon) shape << view.imageToWidget(m_hover);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(QColor(255, 255, 255, 40));
    painter.setPen(QPen(Qt::black, 1.0));
    painter.drawPolygon(shape);
    painter.setPen(QPen(Qt::white, 1.0, Qt::DashLine));
    painter.drawPolygon(shape);
    if (m_mode == Mode::Polygon) painter.drawEllipse(shape.first(), kCloseDistance, kCloseDistance);
}

}  // namespace chiaro::gui
