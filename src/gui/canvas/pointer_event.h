#pragma once
// Mouse, tablet and touch input reduced to one event the canvas tools understand.
#include <QPointF>
#include <Qt>

namespace chiaro::gui {

enum class PointerSource { Mouse, Tablet, Touch };

struct PointerEvent {
    QPointF imagePos;   // image pixels, continuous: pixel (x, y) covers [x, x+1) × [y, y+1)
    QPointF widgetPos;  // logical widget pixels
    qreal pressure = 1.0;  // 0..1; 1 for the mouse
    PointerSource source = PointerSource::Mouse;
    Qt::MouseButton button = Qt::LeftButton;  // the button that changed (press/release)
    Qt::MouseButtons buttons = Qt::LeftButton;
    Qt::KeyboardModifiers modifiers = Qt::NoModifier;
    qreal viewScale = 1.0;  // logical widget px per image px when the event happened
    bool invert = false;    // the eraser end of a tablet pen

    // Right button or Alt: the subtracting variant of a tool (erase, deselect, background hint).
    bool subtracts() const {
        return invert || button == Qt::RightButton || (buttons & Qt::RightButton) || (modifiers & Qt::AltModifier);
    }
};

}  // namespace chiaro::gui
