#pragma once
// Rough hints for GrabCut: left button marks subject (green), right button or Alt marks background
// (blue). Each release refines the selection from all hints so far, off the UI thread.
#include <optional>

#include "canvas/canvas_tool.h"

namespace chiaro::gui {

class ScribbleTool : public CanvasTool {
    Q_OBJECT
public:
    using CanvasTool::CanvasTool;
    QString name() const override { return tr("Hints"); }
    void press(const PointerEvent& event) override;
    void move(const PointerEvent& event) override;
    void release(const PointerEvent& event) override;
    void leave() override;
    void paint(QPainter& painter, const ViewTransform& view) const override;
    QRectF overlayBounds(const ViewTransform& view) const override;

private:
    void drawTo(const QPointF& imagePos);

    std::optional<QPointF> m_last;  // image px while drawing
    QPointF m_cursor;
    bool m_hover = false;
    uint8_t m_label = 1;
};

}  // namespace chiaro::gui
