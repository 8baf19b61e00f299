#pragma once
// Small line icons for the mask tools and actions, drawn with QPainter in the palette's text
// colour (no image files, crisp on any devicePixelRatio).
#include <QIcon>

namespace chiaro::gui {

enum class ToolId;

enum class ActionIcon { Overlay, AutoSelect, Undo, Redo, Fit, ActualPixels, Menu };

QIcon toolIcon(ToolId tool);
QIcon actionIcon(ActionIcon action);

}  // namespace chiaro::gui
