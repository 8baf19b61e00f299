#pragma once
// The mask toolbar above the canvas: tools, brush size / hardness / flow / opacity, bucket
// tolerance, overlay toggle / colour / opacity, automatic subject selection and zoom. Every control
// edits the canvas directly; the canvas' signals keep the controls in sync (e.g. [ and ]).
#include <map>

#include <QToolBar>

#include "canvas/mask_canvas.h"

class QAction;
class QActionGroup;
class QSpinBox;
class QLabel;
class QToolButton;

namespace chiaro::gui {

class MaskToolBar : public QToolBar {
    Q_OBJECT
public:
    explicit MaskToolBar(MaskCanvas* canvas, QWidget* parent = nullptr);

    QAction* toolAction(ToolId id) const { return m_toolActions.at(id); }
    QAction* overlayAction() const { return m_overlayAction; }
    QAction* autoSelectAction() const { return m_autoSelect; }
    QSpinBox* sizeBox() const { return m_size; }

private:
    void addTools();
    void addBrushControls();
    void addOverlayControls();
    void addViewControls();
    QSpinBox* addSpin(const QString& label, const QString& tip, int min, int max, int value,
                      const QString& suffix);
    void chooseOverlayColour();
    void showOverlayColour();

    MaskCanvas* m_canvas;
    std::map<ToolId, QAction*> m_toolActions;
    QActionGroup* m_toolGroup = nullptr;
    QSpinBox* m_size = nullptr;
    QAction* m_overlayAction = nullptr;
    QToolButton* m_colourButton = nullptr;
    QAction* m_autoSelect = nullptr;
    QLabel* m_zoomLabel = nullptr;
};

}  // namespace chiaro::gui
