#include "panels/light_sphere.h"

#include <algorithm>
#include <cmath>

#include <QMouseEvent>
#include <QPainter>

namespace chiaro::gui {
namespace {

constexpr double kMargin = 8.0;       // room for the back-light ring at the rim
constexpr double kAmbient = 0.18;     // so the unlit side of the ball stays visible
constexpr int kMarkerRadius = 6;

}  // namespace

LightSphere::LightSphere(QWidget* parent) : QWidget(parent) {
    setMouseTracking(false);
    setCursor(Qt::CrossCursor);
    setToolTip(tr("Drag to place the light.\nLeft button: in front of the subject (dot).\n"
                  "Right button or Shift+drag: behind it (ring, rim light)."));
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void LightSphere::setDirection(const std::optional<core::LightDirection>& direction) {
    m_direction = direction;
    renderBall();
    update();
}

double LightSphere::radius() const {
    return std::max(1.0, std::min(width(), height()) / 2.0 - kMargin);
}

QPointF LightSphere::center() const { return {width() / 2.0, height() / 2.0}; }

SpherePoint LightSphere::toSpherePoint(const QPointF& pos, bool back) const {
    const QPointF d = pos - center();
    return {d.x() / radius(), -d.y() / radius(), back};
}

QPointF LightSphere::toWidgetPos(const SpherePoint& point) const {
    return center() + QPointF(point.x * radius(), -point.y * radius());
}

void LightSphere::placeAt(const QPointF& pos, bool back) {
    m_direction = directionFromSpherePoint(toSpherePoint(pos, back));
    renderBall();
    update();
    Q_EMIT directionChanged(*m_direction);
}

void LightSphere::mousePressEvent(QMouseEvent* event) {
    m_dragBack = event->button() == Qt::RightButton || (event->modifiers() & Qt::ShiftModifier);
    m_dragging = true;
    placeAt(event->position(), m_dragBack);
}

void LightSphere::mouseMoveEvent(QMouseEvent* event) {
    if (m_dragging) placeAt(event->position(), m_dragBack);
}

void LightSphere::mouseReleaseEvent(QMouseEvent* event) {
    if (!m_dragging) return;
    placeAt(event->position(), m_dragBack);
    m_dragging = false;
    Q_EMIT dragFinished();
}

void LightSphere::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    renderBall();
}

// Lambert shading of a unit sphere seen from the camera; cheap at widget sizes (~200² pixels).
void LightSphere::renderBall() {
    const int side = static_cast<int>(std::ceil(2 * radius()));
    if (side <= 1) return;
    m_ball = QImage(side, side, QImage::Format_ARGB32_Premultiplied);
    m_ball.fill(Qt::transparent);
    const auto light = m_direction ? m_direction->toVector() : std::array<double, 3>{0, 0, 0};
    const double r = side / 2.0;
    for (int row = 0; row < side; ++row) {
        auto* line = reinterpret_cast<QRgb*>(m_ball.scanLine(row));
        for (int col = 0; col < side; ++col) {
            const double x = (col + 0.5 - r) / r, y = (r - row - 0.5) / r;
            const double r2 = x * x + y * y;
            if (r2 > 1.0) continue;
            const double z = std::sqrt(1.0 - r2);
            const double lambert = m_direction
                ? std::max(0.0, x * light[0] + y * light[1] + z * light[2]) : 0.55;
            const int v = static_cast<int>(255 * std::min(1.0, kAmbient + (1 - kAmbient) * lambert));
            line[col] = qRgb(v, v * 240 / 255, v * 215 / 255);  // a warm ball reads as "lit"
        }
    }
}

void LightSphere::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const double r = radius();
    const QPointF c = center();
    painter.drawImage(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r), m_ball);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawEllipse(c, r, r);
    if (!m_direction) return;
    const SpherePoint p = spherePointFromDirection(*m_direction);
    const QPointF at = toWidgetPos(p);
    if (p.back) {
        painter.setPen(QPen(QColor(255, 200, 40), 2.5));
        painter.drawEllipse(at, kMarkerRadius, kMarkerRadius);
    } else {
        painter.setPen(QPen(Qt::black, 1.5));
        painter.setBrush(QColor(255, 220, 60));
        painter.drawEllipse(at, kMarkerRadius, kMarkerRadius);
    }
}

}  // namespace chiaro::gui
