#pragma once
// Lasso selection: freehand (drag around the area) or polygon (click the corners; double-click,
// Enter or a click on the first corner closes it). Fills the shape into the mask as one undo step;
// right button or Alt takes it out of the selection. Esc drops the shape.
#include <QPolygonF>

#include "canvas/canvas_tool.h"

namespace chiaro::gui {

class LassoTool : public CanvasTool {
    Q_OBJECT
public:
    enum class Mode { Freehand, Polygon };
    LassoTool(MaskDocument* document, const ToolSettings* settings, Mode mode, QObject* parent = nullptr);

    QString name() const override;
    void press(const PointerEvent& event) override;
    void move(const PointerEvent& event) override;
    void release(const PointerEvent& event) override;
    void doubleClick(const PointerEvent& event) override;
    void cancel() override;
    bool confirm() override;
    void paint(QPainter& painter, const ViewTransform& view) const override;
    QRectF overlayBounds(const ViewTransform& view) const override;

    static constexpr qreal kCloseDistance = 8.0;  // logical px from the first corner

private:
    void commit();

    Mode m_mode;
    QPolygonF m_points;   // image px
    QPointF m_hover;      // image px, the rubber-band end of a polygon
    bool m_subtract = false;
};

}  // namespace chiaro::gui
