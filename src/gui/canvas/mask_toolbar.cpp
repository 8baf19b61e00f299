#include "canvas/mask_toolbar.h"

#include <cmath>

#include <QColorDialog>
#include <QLabel>
#include <QPixmap>
#include <QSpinBox>
#include <QToolButton>

namespace chiaro::gui {

MaskToolBar::MaskToolBar(MaskCanvas* canvas, QWidget* parent) : QToolBar(tr("Brush"), parent), m_canvas(canvas) {
    setObjectName("maskToolBar");
    setMovable(false);
    addBrushControls();
    addSeparator();
    addOverlayControls();
}

QSpinBox* MaskToolBar::addSpin(const QString& label, const QString& tip, int min, int max, int value,
                               const QString& suffix) {
    if (!label.isEmpty()) {
        auto* caption = new QLabel(label, this);
        caption->setToolTip(tip);
        caption->setContentsMargins(6, 0, 3, 0);
        addWidget(caption);
    }
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
    percent(tr("Hard"), tr("Edge hardness: 0 % soft, 100 % crisp"), &s.hardness, 0)->setObjectName("hardness");
    percent(tr("Flow"), tr("How fast overlapping dabs build up"), &s.flow, 1)->setObjectName("flow");
    percent(tr("Opac."), tr("Opacity: the most one stroke changes the mask"), &s.opacity, 1)->setObjectName("opacity");
    QSpinBox* tolerance =
        addSpin(tr("Tol."), tr("Bucket tolerance: colour distance per channel"), 0, 255, s.tolerance, QString());
    connect(tolerance, qOverload<int>(&QSpinBox::valueChanged), this, [&s](int v) { s.tolerance = v; });
}

void MaskToolBar::addOverlayControls() {
    m_colourButton = new QToolButton(this);
    m_colourButton->setToolTip(tr("Overlay colour"));
    m_colourButton->setFocusPolicy(Qt::NoFocus);
    connect(m_colourButton, &QToolButton::clicked, this, &MaskToolBar::chooseOverlayColour);
    addWidget(m_colourButton);
    showOverlayColour();
    QSpinBox* opacity =
        addSpin(QString(), tr("Overlay opacity"), 5, 100, int(std::lround(m_canvas->overlay().opacity * 100)), "%");
    connect(opacity, qOverload<int>(&QSpinBox::valueChanged), m_canvas,
            [this](int v) { m_canvas->setOverlayOpacity(v / 100.0); });

    m_zoomLabel = new QLabel(this);
    m_zoomLabel->setContentsMargins(8, 0, 4, 0);
    m_zoomLabel->setToolTip(tr("Zoom: screen pixels per image pixel"));
    addWidget(m_zoomLabel);
    auto showZoom = [this](qreal zoom) { m_zoomLabel->setText(QStringLiteral("%1 %").arg(std::lround(zoom * 100))); };
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
