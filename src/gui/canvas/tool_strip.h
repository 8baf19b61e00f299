#pragma once
// The vertical strip left of the canvas: the tools (B, E, L, P, G, S, H), the overlay toggle (Q),
// automatic subject selection, fit (Ctrl+0) and 100 % (Ctrl+1). EditView adds undo, redo and the
// Mask menu. Icons with tooltips keep it narrow. "Auto select" runs GrabCut, or, once told the bundle
// has a segmenter (setSegmenterAvailable), asks for the AI selection through aiSelectRequested().
#include <map>

#include <QToolBar>

#include "canvas/mask_canvas.h"

class QAction;

namespace chiaro::gui {

class ToolStrip : public QToolBar {
    Q_OBJECT
public:
    explicit ToolStrip(MaskCanvas* canvas, QWidget* parent = nullptr);

    QAction* toolAction(ToolId id) const { return m_toolActions.at(id); }
    QAction* overlayAction() const { return m_overlayAction; }
    QAction* autoSelectAction() const { return m_autoSelect; }
    void setSegmenterAvailable(bool available);
    bool segmenterAvailable() const { return m_segmenter; }

Q_SIGNALS:
    void aiSelectRequested();

private:
    void addTools();
    void addOverlayAndAuto();
    void addViewActions();
    QAction* addShortcutAction(const QIcon& icon, const QString& text, const QKeySequence& key);

    MaskCanvas* m_canvas;
    std::map<ToolId, QAction*> m_toolActions;
    QAction* m_overlayAction = nullptr;
    QAction* m_autoSelect = nullptr;
    bool m_segmenter = false;
};

}  // namespace chiaro::gui
