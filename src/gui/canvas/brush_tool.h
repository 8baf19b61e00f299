#pragma once
// Brush and eraser: a core::BrushStroke per press-drag-release, one undo step per stroke. Right
// button or Alt with the brush erases (and paints with the eraser). Shows the brush outline.
#include <memory>
#include <optional>

#include "canvas/canvas_tool.h"
#include "chiaro/mask/brush_stroke.h"

namespace chiaro::gui {

class BrushTool : public CanvasTool {
    Q_OBJECT
public:
    BrushTool(MaskDocument* document, const ToolSettings* settings, core::BrushMode mode,
              QObject* parent = nullptr);

    QString name() const override;
    void press(const PointerEvent& event) override;
    void move(const PointerEvent& event) override;
    void release(const PointerEvent& event) override;
    void cancel() override;
    void leave() override;
    void paint(QPainter& painter, const ViewTransform& view) const override;
    QRectF overlayBounds(const ViewTransform& view) const override;

private:
    core::BrushParams params(bool subtract) const;
    void setCursorAt(const QPointF& imagePos);

    core::BrushMode m_mode;
    std::unique_ptr<core::BrushStroke> m_stroke;
    std::optional<QPointF> m_cursor;  // image px
};

}  // namespace chiaro::gui
