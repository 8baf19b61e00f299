#pragma once
// Bucket fill: a click selects the connected area of similar colour (ToolSettings::tolerance);
// right button or Alt deselects it. Shift fills by the mask's own regions instead of the photo's.
#include "canvas/canvas_tool.h"

namespace chiaro::gui {

class BucketTool : public CanvasTool {
    Q_OBJECT
public:
    using CanvasTool::CanvasTool;
    QString name() const override { return tr("Bucket"); }
    void press(const PointerEvent& event) override;
    void move(const PointerEvent&) override {}
    void release(const PointerEvent&) override {}
};

}  // namespace chiaro::gui
