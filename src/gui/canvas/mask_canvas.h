#pragma once
// The mask painting canvas: shows the photo with the mask as a tinted overlay, zooms and pans, and
// routes mouse, tablet and touch input (as one PointerEvent) to the active tool. Repaints only the
// rectangles that changed. Zoom counts device pixels per image pixel (see ViewTransform).
//
// Input: wheel zooms at the cursor (a trackpad scroll pans), Alt+wheel or [ / ] sizes the brush,
// pinch zooms, space-drag or the middle button pans, Q toggles the overlay, Esc drops the shape in
// progress, Enter closes a polygon.
#include <map>
#include <optional>

#include <QWidget>

#include "canvas/canvas_renderer.h"
#include "canvas/canvas_tool.h"
#include "canvas/view_transform.h"
#include "util/paint_timing.h"

class QTabletEvent;
class QTouchEvent;
class QNativeGestureEvent;

namespace chiaro::gui {

class MaskDocument;

enum class ToolId { Brush, Eraser, Lasso, Polygon, Bucket, Subject, Hints };

class MaskCanvas : public QWidget {
    Q_OBJECT
public:
    explicit MaskCanvas(MaskDocument* document, QWidget* parent = nullptr);
    // The next paint logs `timing` (paint_timing.h): e.g. "photo shown N ms after open".
    void timeNextPaint(PaintTimingPtr timing) { m_paintTiming.arm(std::move(timing)); }

    MaskDocument* document() const { return m_document; }
    const ViewTransform& view() const { return m_view; }
    ToolId toolId() const { return m_toolId; }
    CanvasTool* tool() const { return m_tools.at(m_toolId); }
    const ToolSettings& settings() const { return m_settings; }
    ToolSettings& settings() { return m_settings; }
    const OverlayStyle& overlay() const { return m_overlay; }

    void setTool(ToolId id);
    void setBrushSize(int size);  // clamped to ToolSettings' range
    void setOverlayVisible(bool visible);
    void setOverlayColour(const QColor& colour);
    void setOverlayOpacity(qreal opacity);

    void fitToView();
    void setZoom(qreal zoom, QPointF anchor);  // anchor: logical widget px
    void actualPixels();                       // 100 % around the centre
    // Tests and screenshots: pretend the screen has this devicePixelRatio (0 = the real one).
    void setDevicePixelRatioOverride(qreal dpr);

    // The pointer event for a logical widget position, with the view's mapping applied.
    PointerEvent pointerAt(QPointF widgetPos, PointerSource source, qreal pressure) const;

    QSize sizeHint() const override { return {800, 600}; }

Q_SIGNALS:
    void zoomChanged(qreal zoom);
    void brushSizeChanged(int size);
    void overlayVisibleChanged(bool visible);
    void toolChanged(ToolId id);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void tabletEvent(QTabletEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void onPhotoChanged();
    void onMaskChanged(const QRect& imageRect);
    void onOverlayChanged();
    void syncDevicePixelRatio();
    void panBy(QPointF delta);
    void touchEvent(QTouchEvent* event);
    void nativeGesture(QNativeGestureEvent* event);
    void updateCursor();

    MaskDocument* m_document;
    ViewTransform m_view;
    CanvasRenderer m_renderer;
    PaintTimingSlot m_paintTiming;
    ToolSettings m_settings;
    OverlayStyle m_overlay;
    std::map<ToolId, CanvasTool*> m_tools;
    ToolId m_toolId = ToolId::Brush;
    QRectF m_toolOverlay;  // widget area the tool's overlay covered at the last paint
    qreal m_dprOverride = 0.0;
    bool m_fitted = true;  // follow resizes until the user zooms or pans
    bool m_spaceHeld = false;
    bool m_toolActive = false;  // a press went to the tool and its release has not come yet
    std::optional<QPointF> m_panFrom;  // logical px while panning
    QPointF m_panRemainder;
    // Two-finger pinch: start distance, start zoom and the last centroid.
    qreal m_pinchDistance = 0.0, m_pinchZoom = 1.0;
    QPointF m_pinchCentre;
};

}  // namespace chiaro::gui
