#pragma once
// Automatic subject selection: drag a rectangle around the subject and GrabCut selects it (off the
// UI thread; one undo step). A click without dragging uses the default centred rectangle.
#include <optional>

#include "canvas/canvas_tool.h"

namespace chiaro::gui {

class SubjectTool : public CanvasTool {
    Q_OBJECT
public:
    using CanvasTool::CanvasTool;
    QString name() const override { return tr("Select subject"); }
    void press(const PointerEvent& event) override;
    void move(const PointerEvent& event) override;
    void release(const PointerEvent& event) override;
    void cancel() override;
    void paint(QPainter& painter, const ViewTransform& view) const override;
    QRectF overlayBounds(const ViewTransform& view) const override;

    static constexpr qreal kMinDrag = 4.0;  // logical px; less is a click

private:
    QRect imageRect() const;

    std::optional<QPointF> m_start;  // image px
    QPointF m_end;
};

}  // namespace chiaro::gui
