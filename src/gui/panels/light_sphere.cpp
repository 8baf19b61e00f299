#include "panels/light_sphere.h"

#include <algorithm>
#include <cmath>

#include <QMouseEvent>
#include <QPainter>

namespace chiaro::gui {
namespace {

constexpr double kMargin = 12.0;     // room for the back-light rings and the selection ring at the rim
constexpr double kDisplayFloor = 0.18;  // so the unlit side of the ball stays visible
constexpr double kMarkerRadius = 8.0;
constexpr double kGrabDistance = 13.0;  // a press this close to a marker grabs it

// A light's colour as a marker colour: the hue at full brightness (intensity is the ball's job).
QColor markerColor(const core::LightColor& c) {
    const double peak = std::max({c.r, c.g, c.b, 1e-6});
    auto channel = [peak](double v) { return std::clamp(static_cast<int>(std::lround(255 * v / peak)), 0, 255); };
    return QColor(channel(c.r), channel(c.g), channel(c.b));
}

// Soft lights wrap around the terminator: size 0 = plain Lambert, 1 = lights half the back too.
double wrapped(double cosine, double size) {
    const double w = std::clamp(size, 0.0, 1.0);
    return std::max(0.0, (cosine + w) / (1.0 + w));
}

}  // namespace

LightSphere::LightSphere(QWidget* parent) : QWidget(parent) {
    setMouseTracking(false);
    setCursor(Qt::CrossCursor);
    setToolTip(tr("Drag a numbered light to move it; click the ball to move the selected light there.\n"
                  "Left button: in front of the subject (dot).\n"
                  "Right button or Shift+drag: behind it (ring, rim light)."));
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void LightSphere::setLights(const std::vector<core::LightSource>& lights, double ambient) {
    m_lights = lights;
    m_ambient = ambient;
    m_selected = std::clamp(m_selected, 0, std::max(0, static_cast<int>(m_lights.size()) - 1));
    renderBall();
    update();
}

void LightSphere::setSelected(int index) {
    m_selected = std::clamp(index, 0, std::max(0, static_cast<int>(m_lights.size()) - 1));
    update();
}

void LightSphere::setDirection(const std::optional<core::LightDirection>& direction) {
    if (!direction) {
        m_lights.clear();
        m_selected = 0;
    } else if (m_lights.empty()) {
        m_lights.push_back(core::LightSource{*direction, {}, 1.0, 0.0});
        m_selected = 0;
    } else {
        m_lights[m_selected].direction = *direction;
    }
    renderBall();
    update();
}

std::optional<core::LightDirection> LightSphere::direction() const {
    if (m_lights.empty()) return std::nullopt;
    return m_lights[m_selected].direction;
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

QPointF LightSphere::markerPos(int index) const {
    return toWidgetPos(spherePointFromDirection(m_lights.at(static_cast<size_t>(index)).direction));
}

int LightSphere::markerAt(const QPointF& pos) const {
    int best = -1;
    double bestDistance = kGrabDistance;
    for (int i = 0; i < static_cast<int>(m_lights.size()); ++i) {
        const QPointF d = markerPos(i) - pos;
        const double distance = std::hypot(d.x(), d.y());
        if (distance < bestDistance || (distance <= bestDistance && i == m_selected)) {
            best = i;
            bestDistance = distance;
        }
    }
    return best;
}

void LightSphere::placeAt(const QPointF& pos, bool back) {
    const core::LightDirection d = directionFromSpherePoint(toSpherePoint(pos + m_grabOffset, back));
    if (m_lights.empty()) {
        m_lights.push_back(core::LightSource{d, {}, 1.0, 0.0});
        m_selected = 0;
    } else {
        m_lights[m_selected].direction = d;
    }
    renderBall();
    update();
    Q_EMIT lightMoved(m_selected, d);
    Q_EMIT directionChanged(d);
}

void LightSphere::mousePressEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    const bool backButton = event->button() == Qt::RightButton || (event->modifiers() & Qt::ShiftModifier);
    m_dragging = true;
    m_pressPos = pos;
    const int hit = markerAt(pos);
    m_grabbedMarker = hit >= 0;
    if (hit < 0) {  // empty ball space: the selected light jumps here
        m_grabOffset = {};
        m_dragBack = backButton;
        placeAt(pos, m_dragBack);
        return;
    }
    if (hit != m_selected) {
        m_selected = hit;
        update();
        Q_EMIT selectionChanged(hit);
    }
    // Dragging keeps the marker under the cursor where it was grabbed and keeps its hemisphere;
    // the right button or Shift on a front light sends it behind the subject at once.
    m_grabOffset = markerPos(hit) - pos;
    const bool markerBack = spherePointFromDirection(m_lights[hit].direction).back;
    m_dragBack = backButton || markerBack;
    if (m_dragBack != markerBack) placeAt(pos, m_dragBack);
}

void LightSphere::mouseMoveEvent(QMouseEvent* event) {
    if (m_dragging) placeAt(event->position(), m_dragBack);
}

void LightSphere::mouseReleaseEvent(QMouseEvent* event) {
    if (!m_dragging) return;
    // A click on a marker that did not move it only selects it.
    if (!m_grabbedMarker || event->position() != m_pressPos) placeAt(event->position(), m_dragBack);
    m_dragging = false;
    m_grabOffset = {};
    Q_EMIT dragFinished();
}

void LightSphere::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    renderBall();
}

// Lambert shading (wrapped for soft lights) of a unit sphere seen from the camera, summed over the
// rig's lights in their colours plus the ambient; cheap at widget sizes (~200² pixels, ≤ 4 lights).
void LightSphere::renderBall() {
    const int side = static_cast<int>(std::ceil(2 * radius()));
    if (side <= 1) return;
    m_ball = QImage(side, side, QImage::Format_ARGB32_Premultiplied);
    m_ball.fill(Qt::transparent);
    struct Lamp { std::array<double, 3> v; double r, g, b, size; };
    std::vector<Lamp> lamps;
    for (const core::LightSource& l : m_lights) {
        lamps.push_back({l.direction.toVector(), l.color.r * l.intensity, l.color.g * l.intensity,
                         l.color.b * l.intensity, l.size});
    }
    const double r = side / 2.0;
    for (int row = 0; row < side; ++row) {
        auto* line = reinterpret_cast<QRgb*>(m_ball.scanLine(row));
        for (int col = 0; col < side; ++col) {
            const double x = (col + 0.5 - r) / r, y = (r - row - 0.5) / r;
            const double r2 = x * x + y * y;
            if (r2 > 1.0) continue;
            const double z = std::sqrt(1.0 - r2);
            double er = 0.55, eg = 0.55, eb = 0.55;  // no light at all: a flat ball
            if (!lamps.empty()) {
                er = eg = eb = m_ambient;
                for (const Lamp& l : lamps) {
                    const double shade = wrapped(x * l.v[0] + y * l.v[1] + z * l.v[2], l.size);
                    er += l.r * shade;
                    eg += l.g * shade;
                    eb += l.b * shade;
                }
            }
            auto channel = [](double e, double albedo) {
                // Linear up to 0.8, then a soft shoulder so bright rigs keep their shape.
                double t = kDisplayFloor + (1 - kDisplayFloor) * e;
                if (t > 0.8) t = 0.8 + 0.2 * (1.0 - std::exp(-(t - 0.8) / 0.2));
                return static_cast<int>(255 * albedo * t);
            };
            line[col] = qRgb(channel(er, 1.0), channel(eg, 240.0 / 255), channel(eb, 215.0 / 255));  // warm ball
        }
    }
}

void LightSphere::drawMarker(QPainter& painter, int index) const {
    const core::LightSource& light = m_lights[static_cast<size_t>(index)];
    const SpherePoint p = spherePointFromDirection(light.direction);
    const QPointF at = toWidgetPos(p);
    const QColor color = markerColor(light.color);
    if (index == m_selected) {
        painter.setPen(QPen(palette().color(QPalette::Highlight), 2.5));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(at, kMarkerRadius + 3.5, kMarkerRadius + 3.5);
    }
    QColor text;
    if (p.back) {  // behind the subject: a ring on a dark disc
        painter.setPen(QPen(color, 2.5));
        painter.setBrush(QColor(0, 0, 0, 150));
        text = color;
    } else {  // in front: a solid dot
        painter.setPen(QPen(Qt::black, 1.2));
        painter.setBrush(color);
        text = color.lightnessF() > 0.55 ? Qt::black : Qt::white;
    }
    painter.drawEllipse(at, kMarkerRadius, kMarkerRadius);
    painter.setPen(text);
    const QRectF box(at.x() - kMarkerRadius, at.y() - kMarkerRadius, 2 * kMarkerRadius, 2 * kMarkerRadius);
    painter.drawText(box, Qt::AlignCenter, QString::number(index + 1));
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
    QFont font = painter.font();
    font.setPixelSize(11);
    font.setBold(true);
    painter.setFont(font);
    // The key on top of the others, the selected light on top of all.
    for (int i = static_cast<int>(m_lights.size()) - 1; i >= 0; --i)
        if (i != m_selected) drawMarker(painter, i);
    if (!m_lights.empty()) drawMarker(painter, m_selected);
}

}  // namespace chiaro::gui
