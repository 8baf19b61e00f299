#include "canvas/tool_strip.h"

#include <QAction>
#include <QActionGroup>

#include "canvas/mask_document.h"
#include "canvas/tool_icons.h"
#include "chiaro/mask/grabcut.h"

namespace chiaro::gui {

ToolStrip::ToolStrip(MaskCanvas* canvas, QWidget* parent) : QToolBar(tr("Mask tools"), parent), m_canvas(canvas) {
    setObjectName("maskToolStrip");
    setOrientation(Qt::Vertical);
    setMovable(false);
    setIconSize(QSize(22, 22));
    setToolButtonStyle(Qt::ToolButtonIconOnly);
    addTools();
    addSeparator();
    addOverlayAndAuto();
    addSeparator();
    addViewActions();
}

QAction* ToolStrip::addShortcutAction(const QIcon& icon, const QString& text, const QKeySequence& key) {
    QAction* action = addAction(icon, text);
    action->setShortcut(key);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    return action;
}

void ToolStrip::addTools() {
    struct Entry {
        ToolId id;
        QString text;
        QString key;
        QString tip;
    };
    const Entry entries[] = {
        {ToolId::Brush, tr("Brush"), "B", tr("paint the selection; right button or Alt erases")},
        {ToolId::Eraser, tr("Eraser"), "E", tr("erase the selection")},
        {ToolId::Lasso, tr("Lasso"), "L", tr("drag around an area to select it; Alt deselects")},
        {ToolId::Polygon, tr("Polygon"), "P", tr("click corners; double-click or Enter closes; Alt deselects")},
        {ToolId::Bucket, tr("Bucket"), "G", tr("select the connected area of similar colour; Alt deselects")},
        {ToolId::Subject, tr("Subject"), "S", tr("drag a box around the subject and GrabCut selects it")},
        {ToolId::Hints, tr("Hints"), "H", tr("scribble on the subject, right-drag on the background; GrabCut refines")},
    };
    auto* group = new QActionGroup(this);
    for (const Entry& e : entries) {
        QAction* action = addShortcutAction(toolIcon(e.id), e.text, QKeySequence(e.key));
        action->setCheckable(true);
        action->setToolTip(QStringLiteral("<b>%1</b> (%2)<br>%3").arg(e.text, e.key, e.tip));
        action->setObjectName("tool" + e.text);
        group->addAction(action);
        m_toolActions[e.id] = action;
        const ToolId id = e.id;
        connect(action, &QAction::triggered, m_canvas, [this, id] { m_canvas->setTool(id); });
    }
    m_toolActions.at(m_canvas->toolId())->setChecked(true);
    connect(m_canvas, &MaskCanvas::toolChanged, this, [this](ToolId id) { m_toolActions.at(id)->setChecked(true); });
}

void ToolStrip::addOverlayAndAuto() {
    m_overlayAction = addAction(actionIcon(ActionIcon::Overlay), tr("Overlay"));
    m_overlayAction->setObjectName("overlayToggle");
    m_overlayAction->setCheckable(true);
    m_overlayAction->setChecked(m_canvas->overlay().visible);
    m_overlayAction->setToolTip(tr("<b>Overlay</b> (Q)<br>show the mask as a tinted overlay"));
    connect(m_overlayAction, &QAction::toggled, m_canvas, &MaskCanvas::setOverlayVisible);
    connect(m_canvas, &MaskCanvas::overlayVisibleChanged, m_overlayAction, &QAction::setChecked);

    m_autoSelect = addAction(actionIcon(ActionIcon::AutoSelect), tr("Auto select"));
    m_autoSelect->setObjectName("autoSelect");
    setSegmenterAvailable(false);
    MaskDocument* document = m_canvas->document();
    connect(m_autoSelect, &QAction::triggered, document, [this, document] {
        if (m_segmenter) {
            Q_EMIT aiSelectRequested();
        } else if (!document->scribbles().empty()) {
            document->autoSelectFromScribbles();
        } else {
            document->autoSelectSubject();
        }
    });
    connect(document, &MaskDocument::busyChanged, m_autoSelect, [this](bool busy) { m_autoSelect->setEnabled(!busy); });
}

void ToolStrip::setSegmenterAvailable(bool available) {
    m_segmenter = available;
    if (available) {
        m_autoSelect->setText(tr("Select subject (AI)"));
        m_autoSelect->setToolTip(tr("<b>Select subject (AI)</b><br>one click selects the main subject with the "
                                    "model bundle's segmenter (the Subject and Hints tools still use GrabCut)"));
        return;
    }
    m_autoSelect->setText(tr("Auto select"));
    m_autoSelect->setToolTip(tr("<b>Auto select</b><br>select the main subject: what is in focus, or what "
                                "stands out from the border, also where it runs out of the frame, cut with "
                                "GrabCut (uses your hints when there are any).<br>For one-click AI selection, export the model bundle with "
                                "<tt>models/export.py --segmenter model.safetensors</tt> (BriaRMBG-1.4 or BiRefNet "
                                "weights, see models/README.md) and choose it in Settings."));
}

void ToolStrip::addViewActions() {
    QAction* fit = addShortcutAction(actionIcon(ActionIcon::Fit), tr("Fit"), QKeySequence(Qt::CTRL | Qt::Key_0));
    fit->setToolTip(tr("<b>Fit</b> (Ctrl+0)<br>the whole photo in the view"));
    connect(fit, &QAction::triggered, m_canvas, &MaskCanvas::fitToView);
    QAction* actual =
        addShortcutAction(actionIcon(ActionIcon::ActualPixels), tr("100%"), QKeySequence(Qt::CTRL | Qt::Key_1));
    actual->setToolTip(tr("<b>100 %</b> (Ctrl+1)<br>one image pixel per screen pixel"));
    connect(actual, &QAction::triggered, m_canvas, &MaskCanvas::actualPixels);
}

}  // namespace chiaro::gui
