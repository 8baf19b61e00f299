#pragma once
// A shaded ball that shows and places every light of a rig (issue #21). Each light is a numbered
// marker in the light's colour (1 = the key): a solid dot in front of the subject, a ring behind it;
// the selected light is circled. The ball is shaded by the sum of all lights plus the ambient, so
// the user sees what the rig does.
//
// Mouse: a press near a marker selects that light and drags it (keeping its hemisphere); a press on
// empty ball space moves the selected light there. Left button: in front of the subject; right
// button or Shift: behind it (rim light). On an empty rig a press creates the key light.
#include <optional>
#include <vector>

#include <QImage>
#include <QWidget>

#include "chiaro/light/light.h"
#include "panels/sphere_mapping.h"

namespace chiaro::gui {

class LightSphere : public QWidget {
    Q_OBJECT
public:
    explicit LightSphere(QWidget* parent = nullptr);

    // The rig to draw; empty = no light (IC-Light's "None"): the ball is drawn flat, no markers.
    void setLights(const std::vector<core::LightSource>& lights, double ambient = 0.0);
    const std::vector<core::LightSource>& lights() const { return m_lights; }
    double ambient() const { return m_ambient; }
    // The light the mouse and the panel's sliders edit; clamped to the rig. Does not emit.
    void setSelected(int index);
    int selected() const { return m_selected; }

    // The single-light API (kept for callers that only know one light): setDirection moves the
    // selected light (creating a white key light on an empty rig; empty clears the rig), direction()
    // is the selected light's direction.
    void setDirection(const std::optional<core::LightDirection>& direction);
    std::optional<core::LightDirection> direction() const;

    // The index of the marker within grabbing distance of `pos` (the nearest; the selected one on a
    // tie), -1 for none. Public for tests.
    int markerAt(const QPointF& pos) const;
    // Where light `index`'s marker is drawn (widget pixels).
    QPointF markerPos(int index) const;

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
    void lightMoved(int index, const chiaro::core::LightDirection& direction);
    // The same moves, for single-light listeners.
    void directionChanged(const chiaro::core::LightDirection& direction);
    // The user picked another light by clicking its marker.
    void selectionChanged(int index);
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
    void drawMarker(QPainter& painter, int index) const;

    std::vector<core::LightSource> m_lights;
    double m_ambient = 0.0;
    int m_selected = 0;
    bool m_dragBack = false;
    bool m_dragging = false;
    bool m_grabbedMarker = false;  // the press grabbed a marker (else it moved the selected light)
    QPointF m_pressPos;
    QPointF m_grabOffset;  // marker centre - cursor, kept while dragging a grabbed marker
    QImage m_ball;  // cached shading, redrawn when the rig or the size changes
};

}  // namespace chiaro::gui
