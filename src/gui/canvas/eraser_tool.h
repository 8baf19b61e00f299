#pragma once
// The eraser is the brush that takes the selection away.
#include "canvas/brush_tool.h"

namespace chiaro::gui {

class EraserTool : public BrushTool {
    Q_OBJECT
public:
    EraserTool(MaskDocument* document, const ToolSettings* settings, QObject* parent = nullptr)
        : BrushTool(document, settings, core::BrushMode::Erase, parent) {}
};

}  // namespace chiaro::gui
