#include "canvas/mask_toolbar.h"

#include <cmath>

#include <QAction>
#include <QActionGroup>
#include <QColorDialog>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QSpinBox>
#include <QToolButton>

#include "canvas/mask_document.h"
#include "chiaro/mask/grabcut.h"

namespace chiaro::gui {

MaskToolBar::MaskToolBar(MaskCanvas* canvas, QWidget* parent) : QToolBar(tr("Mask"), parent), m_canvas(canvas) {
    setObjectName("maskToolBar");
    setMovable(false);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    addTools();
    addSeparator();
    addBrushControls();
    addSeparator();
    addOverlayControls();
    addSeparator();
    addViewControls();
}

void MaskToolBar::addTools() {
    struct Entry {
        ToolId id;
        QString text;
        QString key;
        QString tip;
    };
    const Entry entries[] = {
        {ToolId::Brush, tr("Brush"), "B", tr("Paint the selection (right button or Alt erases)")},
        {ToolId::Eraser, tr("Eraser"), "E", tr("Erase the selection")},
        {ToolId::Lasso, tr("Lasso"), "L", tr("Drag around an area to select it (Alt: deselect)")},
        {ToolId::Polygon, tr("Polygon"), "P", tr("Click corners; double-click or Enter closes (Alt: deselect)")},
        {ToolId::Bucket, tr("Bucket"), "G", tr("Select the connected area of similar colour (Alt: deselect)")},
        {ToolId::Subject, tr("Subject"), "S", tr("Drag a box around the subject: GrabCut selects it")},
        {ToolId::Hints, tr("Hints"), "H", tr("Scribble on the subject, right-drag on background: GrabCut refines")},
    };
    m_toolGroup = new QActionGroup(this);
    for (const Entry& e : entries) {
        QAction* action = addAction(e.text);
        action->setCheckable(true);
        action->setShortcut(QKeySequence(e.key));
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        action->setToolTip(QStringLiteral("%1 (%2): %3").arg(e.text, e.key, e.tip));
        action->setObjectName("tool" + e.text);
        m_toolGroup->addAction(action);
        m_toolActions[e.id] = action;
        const ToolId id = e.id;
        connect(action, &QAction::triggered, m_canvas, [this, id] { m_canvas->setTool(id); });
    }
    m_toolActions.at(m_canvas->toolId())->setChecked(true);
    connect(m_canvas, &MaskCanvas::toolChanged, this, [this](ToolId id) { m_toolActions.at(id)->setChecked(true); });
}

QSpinBox* MaskToolBar::addSpin(const QString& label, const QString& tip, int min, int max, int value,
                               const QString& suffix) {
    auto* caption = new QLabel(label + " ", this);
    caption->setToolTip(tip);
    addWidget(caption);
    auto* box = new QSpinBox(this);
    box->setRange(min, max);
    box->setValue(value);
    box->setSuffix(suffix);
    box->setToolTip(tip);
    box->setKeyboardTracking(false);
    box->setFocusPolicy(Qt::ClickFocus);  // keys keep going to the canvas
    addWidget(box);
    return box;
}

void MaskToolBar::addBrushControls() {
    ToolSettings& s = m_canvas->settings();
    m_size = addSpin(tr("Size"), tr("Brush diameter in image pixels ([ and ], Alt+wheel)"), ToolSettings::kMinSize,
                     ToolSettings::kMaxSize, s.size, tr(" px"));
    m_size->setObjectName("brushSize");
    connect(m_size, qOverload<int>(&QSpinBox::valueChanged), m_canvas, &MaskCanvas::setBrushSize);
    connect(m_canvas, &MaskCanvas::brushSizeChanged, m_size, &QSpinBox::setValue);

    auto percent = [this](const QString& label, const QString& tip, qreal* target, int min) {
        QSpinBox* box = addSpin(label, tip, min, 100, int(std::lround(*target * 100)), "%");
        connect(box, qOverload<int>(&QSpinBox::valueChanged), this, [target](int v) { *target = v / 100.0; });
        return box;
    };
    percent(tr("Hardness"), tr("Edge hardness: 0 % soft, 100 % crisp"), &s.hardness, 0)->setObjectName("hardness");
    percent(tr("Flow"), tr("How fast overlapping dabs build up"), &s.flow, 1)->setObjectName("flow");
    percent(tr("Opacity"), tr("The most one stroke changes the mask"), &s.opacity, 1)->setObjectName("opacity");
    QSpinBox* tolerance = addSpin(tr("Tolerance"), tr("Bucket fill: colour distance per channel"), 0, 255,
                                  s.tolerance, QString());
    connect(tolerance, qOverload<int>(&QSpinBox::valueChanged), this, [&s](int v) { s.tolerance = v; });
}

void MaskToolBar::addOverlayControls() {
    m_overlayAction = addAction(tr("Overlay"));
    m_overlayAction->setObjectName("overlayToggle");
    m_overlayAction->setCheckable(true);
    m_overlayAction->setChecked(m_canvas->overlay().visible);
    m_overlayAction->setToolTip(tr("Show the mask as a tinted overlay (Q)"));
    connect(m_overlayAction, &QAction::toggled, m_canvas, &MaskCanvas::setOverlayVisible);
    connect(m_canvas, &MaskCanvas::overlayVisibleChanged, m_overlayAction, &QAction::setChecked);

    m_colourButton = new QToolButton(this);
    m_colourButton->setToolTip(tr("Overlay colour"));
    m_colourButton->setFocusPolicy(Qt::NoFocus);
    connect(m_colourButton, &QToolButton::clicked, this, &MaskToolBar::chooseOverlayColour);
    addWidget(m_colourButton);
    showOverlayColour();
    QSpinBox* opacity = addSpin(QString(), tr("Overlay opacity"), 5, 100,
                                int(std::lround(m_canvas->overlay().opacity * 100)), "%");
    connect(opacity, qOverload<int>(&QSpinBox::valueChanged), m_canvas,
            [this](int v) { m_canvas->setOverlayOpacity(v / 100.0); });

    m_autoSelect = addAction(tr("Auto select"));
    m_autoSelect->setObjectName("autoSelect");
    m_autoSelect->setToolTip(tr("Select the main subject with GrabCut (uses your hints when there are any)"));
    MaskDocument* document = m_canvas->document();
    connect(m_autoSelect, &QAction::triggered, document, [document] {
        if (!document->scribbles().empty()) {
            document->autoSelectFromScribbles();
            return;
        }
        const cv::Rect r = core::defaultSubjectRect({document->size().width(), document->size().height()});
        document->autoSelect(QRect(r.x, r.y, r.width, r.height));
    });
    connect(document, &MaskDocument::busyChanged, m_autoSelect, [this](bool busy) { m_autoSelect->setEnabled(!busy); });
}

void MaskToolBar::addViewControls() {
    QAction* fit = addAction(tr("Fit"));
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    fit->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    fit->setToolTip(tr("Fit the photo to the view (Ctrl+0)"));
    connect(fit, &QAction::triggered, m_canvas, &MaskCanvas::fitToView);
    QAction* actual = addAction(tr("100%"));
    actual->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    actual->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    actual->setToolTip(tr("One image pixel per screen pixel (Ctrl+1)"));
    connect(actual, &QAction::triggered, m_canvas, &MaskCanvas::actualPixels);
    m_zoomLabel = new QLabel(this);
    m_zoomLabel->setMinimumWidth(48);
    addWidget(m_zoomLabel);
    auto showZoom = [this](qreal zoom) { m_zoomLabel->setText(QStringLiteral(" %1%").arg(std::lround(zoom * 100))); };
    connect(m_canvas, &MaskCanvas::zoomChanged, m_zoomLabel, showZoom);
    showZoom(m_canvas->view().zoom());
}

void MaskToolBar::chooseOverlayColour() {
    const QColor colour = QColorDialog::getColor(m_canvas->overlay().colour, this, tr("Overlay colour"));
    if (!colour.isValid()) return;
    m_canvas->setOverlayColour(colour);
    showOverlayColour();
}

void MaskToolBar::showOverlayColour() {
    QPixmap swatch(16, 16);
    swatch.fill(m_canvas->overlay().colour);
    m_colourButton->setIcon(QIcon(swatch));
}

}  // namespace chiaro::gui
