#include "panels/light_panel.h"

#include <cmath>

#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include "panels/light_sphere.h"

namespace chiaro::gui {
namespace {

constexpr int kMinKelvin = 1500;
constexpr int kMaxKelvin = 12000;
constexpr int kWhiteKelvin = 6500;

// A slider and a spin box that mirror each other.
QWidget* sliderRow(QSlider*& slider, QSpinBox*& spin, int lo, int hi, const QString& suffix,
                   QWidget* parent) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    slider = new QSlider(Qt::Horizontal, row);
    slider->setRange(lo, hi);
    spin = new QSpinBox(row);
    spin->setRange(lo, hi);
    spin->setSuffix(suffix);
    spin->setKeyboardTracking(false);
    layout->addWidget(slider, 1);
    layout->addWidget(spin);
    QObject::connect(slider, &QSlider::valueChanged, spin, &QSpinBox::setValue);
    QObject::connect(spin, qOverload<int>(&QSpinBox::valueChanged), slider, &QSlider::setValue);
    return row;
}

}  // namespace

int nearestKelvin(const core::LightColor& color) {
    int best = kWhiteKelvin;
    double bestDistance = 1e30;
    for (int k = kMinKelvin; k <= kMaxKelvin; k += 100) {
        const core::LightColor c = core::LightColor::fromKelvin(k);
        const double d = std::pow(c.r - color.r, 2) + std::pow(c.g - color.g, 2) + std::pow(c.b - color.b, 2);
        if (d < bestDistance) {
            bestDistance = d;
            best = k;
        }
    }
    return best;
}

LightPanel::LightPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    m_sphere = new LightSphere(this);
    layout->addWidget(m_sphere, 0, Qt::AlignHCenter);
    layout->addWidget(buildDirectionRows());
    layout->addWidget(buildPresets());
    layout->addWidget(buildColorRows());
    m_estimateButton = new QPushButton(tr("Estimate from photo"), this);
    m_estimateButton->setToolTip(tr("Set the light to the direction the photo is lit from (Ctrl+E)"));
    m_estimateLabel = new QLabel(this);
    m_estimateLabel->setWordWrap(true);
    layout->addWidget(m_estimateButton);
    layout->addWidget(m_estimateLabel);
    layout->addStretch(1);
    connect(m_estimateButton, &QPushButton::clicked, this, &LightPanel::estimateRequested);
    connect(m_sphere, &LightSphere::directionChanged, this, &LightPanel::onSphereMoved);
    showDirection();
}

QWidget* LightPanel::buildDirectionRows() {
    auto* box = new QWidget(this);
    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Azimuth"), sliderRow(m_azSlider, m_azSpin, 0, 359, QStringLiteral("°"), box));
    form->addRow(tr("Elevation"), sliderRow(m_elSlider, m_elSpin, -90, 90, QStringLiteral("°"), box));
    m_azSlider->setToolTip(tr("Where the light comes from around the subject: 0 front, 90 right, "
                              "180 behind, 270 left"));
    m_azSpin->setWrapping(true);
    m_elSlider->setToolTip(tr("Height of the light: +90 from above, -90 from below"));
    connect(m_azSlider, &QSlider::valueChanged, this, &LightPanel::onSlidersMoved);
    connect(m_elSlider, &QSlider::valueChanged, this, &LightPanel::onSlidersMoved);
    return box;
}

QWidget* LightPanel::buildPresets() {
    struct Preset { core::LightPreset preset; const char* label; const char* tip; };
    const Preset presets[] = {
        {core::LightPreset::Left, "Left", "Light from the left (IC-Light's left gradient)"},
        {core::LightPreset::Right, "Right", "Light from the right"},
        {core::LightPreset::Top, "Top", "Light from above"},
        {core::LightPreset::Bottom, "Bottom", "Light from below"},
        {core::LightPreset::Front, "Front", "Light from the camera"},
        {core::LightPreset::Back, "Back rim", "Light from behind the subject: a rim light"},
        {core::LightPreset::None, "None", "No initial light: the prompt alone sets the light"},
    };
    auto* box = new QWidget(this);
    auto* grid = new QGridLayout(box);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(3);
    int i = 0;
    for (const Preset& p : presets) {
        auto* button = new QPushButton(tr(p.label), box);
        button->setToolTip(tr(p.tip));
        button->setObjectName(QStringLiteral("preset_%1").arg(QString::fromStdString(lightPresetName(p.preset))));
        connect(button, &QPushButton::clicked, this, [this, preset = p.preset] { applyPreset(preset); });
        grid->addWidget(button, i / 4, i % 4);
        ++i;
    }
    return box;
}

QWidget* LightPanel::buildColorRows() {
    auto* box = new QWidget(this);
    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Colour"), sliderRow(m_kelvinSlider, m_kelvinSpin, kMinKelvin, kMaxKelvin, " K", box));
    form->addRow(tr("Intensity"), sliderRow(m_intensitySlider, m_intensitySpin, 0,
                                            static_cast<int>(core::kMaxLightIntensity * 100), " %", box));
    m_kelvinSpin->setSingleStep(100);
    m_kelvinSlider->setToolTip(tr("Colour temperature: 2700 K candle-warm, 6500 K white, 10000 K blue sky"));
    m_intensitySlider->setToolTip(tr("Strength of the light; 100 % is IC-Light's plain gradient"));
    m_kelvinSlider->setValue(kWhiteKelvin);
    m_intensitySlider->setValue(100);
    connect(m_kelvinSlider, &QSlider::valueChanged, this, &LightPanel::emitChanged);
    connect(m_intensitySlider, &QSlider::valueChanged, this, &LightPanel::emitChanged);
    return box;
}

core::LightSettings LightPanel::settings() const {
    core::LightSettings s;
    s.direction = m_direction;
    s.color = core::LightColor::fromKelvin(m_kelvinSlider->value());
    s.intensity = m_intensitySlider->value() / 100.0;
    return s;
}

void LightPanel::setSettings(const core::LightSettings& settings) {
    m_updating = true;
    m_direction = settings.direction;
    m_kelvinSlider->setValue(nearestKelvin(settings.color));
    m_intensitySlider->setValue(static_cast<int>(std::lround(settings.intensity * 100)));
    m_updating = false;
    showDirection();
}

void LightPanel::setDirection(const std::optional<core::LightDirection>& direction) {
    m_direction = direction;
    showDirection();
    emitChanged();
}

void LightPanel::applyEstimate(const core::LightEstimate& estimate) {
    m_estimateLabel->setText(tr("Estimated: az %1°, el %2° (confidence %3 %)")
                                 .arg(estimate.direction.azimuth, 0, 'f', 0)
                                 .arg(estimate.direction.elevation, 0, 'f', 0)
                                 .arg(std::lround(estimate.confidence * 100)));
    setDirection(estimate.direction);
}

void LightPanel::setEstimateEnabled(bool enabled) { m_estimateButton->setEnabled(enabled); }

void LightPanel::onSlidersMoved() {
    if (m_updating) return;
    m_direction = core::LightDirection::normalized(m_azSlider->value(), m_elSlider->value());
    m_sphere->setDirection(m_direction);
    emitChanged();
}

void LightPanel::onSphereMoved(const core::LightDirection& direction) {
    m_direction = direction;
    showDirection();
    emitChanged();
}

void LightPanel::applyPreset(core::LightPreset preset) { setDirection(core::presetDirection(preset)); }

// Mirrors m_direction into the sliders and the sphere without re-entering onSlidersMoved.
void LightPanel::showDirection() {
    const bool wasUpdating = m_updating;
    m_updating = true;
    if (m_direction) {
        m_azSlider->setValue(static_cast<int>(std::lround(m_direction->azimuth)) % 360);
        m_elSlider->setValue(static_cast<int>(std::lround(m_direction->elevation)));
    }
    m_azSlider->setEnabled(true);
    m_sphere->setDirection(m_direction);
    m_sphere->setEnabled(true);
    setProperty("hasDirection", m_direction.has_value());
    m_updating = wasUpdating;
}

void LightPanel::emitChanged() {
    if (!m_updating) Q_EMIT lightChanged(settings());
}

}  // namespace chiaro::gui
