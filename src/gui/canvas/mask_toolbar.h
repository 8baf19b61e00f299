#pragma once
// The settings bar above the canvas: brush size ([ ], Alt+wheel), hardness, flow, opacity, bucket
// tolerance, overlay colour and opacity, and the zoom. Every control edits the canvas directly; the
// canvas' signals keep the controls in sync.
#include <QToolBar>

#include "canvas/mask_canvas.h"

class QSpinBox;
class QLabel;
class QToolButton;

namespace chiaro::gui {

class MaskToolBar : public QToolBar {
    Q_OBJECT
public:
    explicit MaskToolBar(MaskCanvas* canvas, QWidget* parent = nullptr);

    QSpinBox* sizeBox() const { return m_size; }

private:
    void addBrushControls();
    void addOverlayControls();
    QSpinBox* addSpin(const QString& label, const QString& tip, int min, int max, int value, const QString& suffix);
    void chooseOverlayColour();
    void showOverlayColour();

    MaskCanvas* m_canvas;
    QSpinBox* m_size = nullptr;
    QToolButton* m_colourButton = nullptr;
    QLabel* m_zoomLabel = nullptr;
};

}  // namespace chiaro::gui
