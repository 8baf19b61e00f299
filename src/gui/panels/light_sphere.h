#pragma once
// A shaded ball the user clicks and drags to place the light. Left button: the light in front of the
// subject (drawn as a solid dot); right button or Shift: behind it (drawn as a ring). The ball is
// shaded with the current light so the user sees what the direction means.
#include <optional>

#include <QImage>
#include <QWidget>

#include "chiaro/light/light.h"
#include "panels/sphere_mapping.h"

namespace chiaro::gui {

class LightSphere : public QWidget {
    Q_OBJECT
public:
    explicit LightSphere(QWidget* parent = nullptr);

    // Empty = no direction (IC-Light's "None"): the ball is drawn flat and without a marker.
    void setDirection(const std::optional<core::LightDirection>& direction);
    std::optional<core::LightDirection> direction() const { return m_direction; }

    // Widget pixel -> disc point (x right, y up; 1 = the ball's radius). Public for tests.
    SpherePoint toSpherePoint(const QPointF& pos, bool back) const;
    // Disc point -> widget pixel (the inverse of toSpherePoint for points on the disc).
    QPointF toWidgetPos(const SpherePoint& point) const;

    QSize sizeHint() const override { return {180, 180}; }
    QSize minimumSizeHint() const override { return {110, 110}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return width; }

Q_SIGNALS:
    // Emitted on every drag step (the preview follows in real time) and on release.
    void directionChanged(const chiaro::core::LightDirection& direction);
    void dragFinished();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void placeAt(const QPointF& pos, bool back);
    double radius() const;
    QPointF center() const;
    void renderBall();

    std::optional<core::LightDirection> m_direction;
    bool m_dragBack = false;
    bool m_dragging = false;
    QImage m_ball;  // cached shading, redrawn when the direction or size changes
};

}  // namespace chiaro::gui
