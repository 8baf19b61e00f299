#include "panels/light_panel.h"

#include <algorithm>
#include <cmath>
#include <exception>

#include <QButtonGroup>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "chiaro/light/light_rig.h"
#include "panels/environment_box.h"
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

QToolButton* toolButton(const QString& text, const QString& tip, const QString& name, QWidget* parent) {
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(tip);
    button->setObjectName(name);
    return button;
}

int percent(double value) { return static_cast<int>(std::lround(value * 100)); }

double angularDistance(const core::LightDirection& a, const core::LightDirection& b) {
    const auto u = a.toVector(), v = b.toVector();
    const double dot = std::clamp(u[0] * v[0] + u[1] * v[1] + u[2] * v[2], -1.0, 1.0);
    return std::acos(dot) * 180.0 / M_PI;
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
    layout->setSpacing(4);
    m_sphere = new LightSphere(this);
    m_sphere->setMaximumHeight(240);  // square (heightForWidth) up to this, centred in a wider panel
    layout->addWidget(m_sphere);
    layout->addWidget(buildLightRow());
    layout->addWidget(buildDirectionRows());
    layout->addWidget(buildPresets());
    layout->addWidget(buildColorRows());
    layout->addWidget(buildRigRow());
    m_environment = new EnvironmentBox(this);
    layout->addWidget(m_environment);
    connect(m_environment, &EnvironmentBox::rigChanged, this, [this](const core::LightSettings& rig) {
        showRig(rig);
        emitChanged();
    });
    m_estimateButton = new QPushButton(tr("Estimate from photo"), this);
    m_estimateButton->setToolTip(tr("Set the key light to the direction the photo is lit from (Ctrl+E)"));
    m_estimateLabel = new QLabel(this);
    m_estimateLabel->setWordWrap(true);
    layout->addWidget(m_estimateButton);
    layout->addWidget(m_estimateLabel);
    layout->addStretch(1);
    connect(m_estimateButton, &QPushButton::clicked, this, &LightPanel::estimateRequested);
    connect(m_sphere, &LightSphere::lightMoved, this, &LightPanel::onSphereMoved);
    connect(m_sphere, &LightSphere::selectionChanged, this, &LightPanel::selectLight);
    showAll();
}

// Light selector 1..4 (the selected light is what the sliders below edit), "Add", "Remove".
QWidget* LightPanel::buildLightRow() {
    auto* box = new QWidget(this);
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(2);
    row->addWidget(new QLabel(tr("Light"), box));
    m_lightButtons = new QButtonGroup(box);
    m_lightButtons->setExclusive(true);
    for (int i = 0; i < core::kMaxRigLights; ++i) {
        auto* button = toolButton(QString::number(i + 1),
                                  i == 0 ? tr("Edit light 1, the key light") : tr("Edit light %1").arg(i + 1),
                                  QStringLiteral("light_%1").arg(i + 1), box);
        button->setCheckable(true);
        button->setMinimumWidth(26);
        m_lightButtons->addButton(button, i);
        row->addWidget(button);
    }
    connect(m_lightButtons, &QButtonGroup::idClicked, this, &LightPanel::selectLight);
    row->addStretch(1);
    m_addButton = toolButton(tr("Add light"), tr("Add a light to the rig (at most %1)").arg(core::kMaxRigLights),
                             QStringLiteral("addLight"), box);
    m_removeButton = toolButton(tr("Remove"), tr("Remove the selected light (the key light stays)"),
                                QStringLiteral("removeLight"), box);
    row->addWidget(m_addButton);
    row->addWidget(m_removeButton);
    connect(m_addButton, &QToolButton::clicked, this, [this] { addLight(); });
    connect(m_removeButton, &QToolButton::clicked, this, [this] { removeLight(); });
    return box;
}

QWidget* LightPanel::buildDirectionRows() {
    auto* box = new QWidget(this);
    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Azimuth"), sliderRow(m_azSlider, m_azSpin, 0, 359, QStringLiteral("°"), box));
    form->addRow(tr("Elevation"), sliderRow(m_elSlider, m_elSpin, -90, 90, QStringLiteral("°"), box));
    m_azSlider->setToolTip(tr("Where the selected light comes from around the subject: 0 front, 90 right, "
                              "180 behind, 270 left"));
    m_azSpin->setWrapping(true);
    m_elSlider->setToolTip(tr("Height of the selected light: +90 from above, -90 from below"));
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
        button->setToolTip(tr(p.tip) + tr("\nA single hard light: the rig's other lights and the ambient go."));
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
    form->addRow(tr("Size"), sliderRow(m_sizeSlider, m_sizeSpin, 0, 100, " %", box));
    form->addRow(tr("Ambient"), sliderRow(m_ambientSlider, m_ambientSpin, 0,
                                          static_cast<int>(core::kMaxAmbient * 100), " %", box));
    m_kelvinSpin->setSingleStep(100);
    m_kelvinSlider->setToolTip(tr("Colour temperature of the selected light: 2700 K candle-warm, 6500 K white, "
                                  "10000 K blue sky"));
    m_intensitySlider->setToolTip(tr("Strength of the selected light; 100 % is IC-Light's plain gradient"));
    m_sizeSlider->setToolTip(tr("Size of the selected light: 0 % a hard point light, 100 % a large soft box"));
    m_ambientSlider->setToolTip(tr("Uniform light everywhere, for the whole rig"));
    m_kelvinSlider->setValue(kWhiteKelvin);
    m_intensitySlider->setValue(100);
    for (QSlider* slider : {m_kelvinSlider, m_intensitySlider, m_sizeSlider, m_ambientSlider})
        connect(slider, &QSlider::valueChanged, this, &LightPanel::onLightEdited);
    return box;
}

// Named rigs, "Load…", "Save…".
QWidget* LightPanel::buildRigRow() {
    auto* box = new QWidget(this);
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(2);
    m_rigCombo = new QComboBox(box);
    m_rigCombo->setObjectName(QStringLiteral("rigCombo"));
    m_rigCombo->setToolTip(tr("Apply a studio light rig: all its lights and its ambient"));
    m_rigCombo->addItem(tr("Rig…"));
    for (const core::NamedRig& rig : core::namedRigs())
        m_rigCombo->addItem(QString::fromStdString(rig.title), QString::fromStdString(rig.name));
    m_rigCombo->setMinimumContentsLength(8);
    m_rigCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    row->addWidget(m_rigCombo, 1);
    auto* load = toolButton(tr("Load…"), tr("Load a rig file (.json) or the light of a photo Chiaro made (.png)"),
                            QStringLiteral("loadRig"), box);
    auto* save = toolButton(tr("Save…"), tr("Save the rig as a rig file (.json)"), QStringLiteral("saveRig"), box);
    row->addWidget(load);
    row->addWidget(save);
    connect(m_rigCombo, qOverload<int>(&QComboBox::activated), this, &LightPanel::onRigChosen);
    connect(load, &QToolButton::clicked, this, &LightPanel::onLoadClicked);
    connect(save, &QToolButton::clicked, this, &LightPanel::onSaveClicked);
    return box;
}

core::LightSettings LightPanel::settings() const {
    core::LightSettings s;
    const core::LightSource& key = m_lights.front();
    if (m_hasLight) s.direction = key.direction;
    s.color = key.color;
    s.intensity = key.intensity;
    s.size = key.size;
    s.otherLights.assign(m_lights.begin() + 1, m_lights.end());
    s.ambient = m_ambient;
    return s;
}

void LightPanel::showRig(const core::LightSettings& rig) {
    const core::LightDirection keyDirection = rig.direction.value_or(m_lights.front().direction);
    m_lights.assign(1, core::LightSource{keyDirection, rig.color, rig.intensity, rig.size});
    m_lights.insert(m_lights.end(), rig.otherLights.begin(), rig.otherLights.end());
    m_hasLight = rig.direction.has_value();
    m_ambient = rig.ambient;
    m_selected = 0;
    showAll();
}

void LightPanel::setSettings(const core::LightSettings& settings) {
    m_updating = true;
    showRig(settings);
    m_updating = false;
}

void LightPanel::setDirection(const std::optional<core::LightDirection>& direction) {
    if (direction) m_lights.front().direction = *direction;
    m_hasLight = direction.has_value();
    showAll();
    emitChanged();
}

void LightPanel::applyEstimate(const core::LightEstimate& estimate) {
    const QString key = tr("az %1°, el %2°").arg(estimate.direction.azimuth, 0, 'f', 0).arg(estimate.direction.elevation, 0, 'f', 0);
    const QString confidence = tr("confidence %1 %").arg(std::lround(estimate.confidence * 100));
    if (estimate.rig.otherLights.empty()) {
        m_estimateLabel->setText(tr("Estimated: %1 (%2)").arg(key, confidence));
        return setDirection(estimate.direction);
    }
    // The photo shows a key and a fill: the rig becomes those two, the key keeping the user's
    // colour, strength and softness (the estimate cannot see them), the fill at its measured share.
    core::LightSettings rig = settings();
    rig.direction = estimate.direction;
    rig.otherLights = estimate.rig.otherLights;
    for (core::LightSource& fill : rig.otherLights) fill.intensity *= rig.intensity;
    const core::LightSource& fill = estimate.rig.otherLights.front();
    m_estimateLabel->setText(tr("Estimated: key %1, fill az %2°, el %3° at %4 % (%5)")
                                 .arg(key)
                                 .arg(fill.direction.azimuth, 0, 'f', 0)
                                 .arg(fill.direction.elevation, 0, 'f', 0)
                                 .arg(std::lround(fill.intensity * 100))
                                 .arg(confidence));
    showRig(rig);
    emitChanged();
}

void LightPanel::setEstimateEnabled(bool enabled) { m_estimateButton->setEnabled(enabled); }

void LightPanel::selectLight(int index) {
    if (index < 0 || index >= lightCount()) return;
    m_selected = index;
    showAll();
}

bool LightPanel::addLight() {
    if (lightCount() >= core::kMaxRigLights) return false;
    const core::LightSource& key = m_lights.front();
    // A fill opposite the key, then a rim behind, then a top light: the first spot that is free.
    const core::LightDirection candidates[] = {
        core::LightDirection::normalized(360.0 - key.direction.azimuth, std::clamp(key.direction.elevation, -20.0, 20.0)),
        core::LightDirection{180.0, 20.0},
        core::LightDirection{0.0, 70.0},
        core::LightDirection{90.0, -30.0},
    };
    core::LightDirection spot = candidates[0];
    for (const core::LightDirection& c : candidates) {
        const bool taken = m_hasLight && std::any_of(m_lights.begin(), m_lights.end(), [&](const core::LightSource& l) {
            return angularDistance(l.direction, c) < 15.0;
        });
        if (!taken) {
            spot = c;
            break;
        }
    }
    if (!m_hasLight) {  // from "None": the key light comes back with the new one
        m_hasLight = true;
        m_lights.resize(1);
    }
    m_lights.push_back(core::LightSource{spot, key.color, 0.5, 0.3});
    m_selected = lightCount() - 1;
    showAll();
    emitChanged();
    return true;
}

bool LightPanel::removeLight() {
    if (m_selected <= 0 || m_selected >= lightCount()) return false;
    m_lights.erase(m_lights.begin() + m_selected);
    m_selected = std::min(m_selected, lightCount() - 1);
    showAll();
    emitChanged();
    return true;
}

bool LightPanel::applyNamedRig(const QString& name) {
    core::LightSettings rig;
    try {
        rig = core::namedRig(name.toStdString());
    } catch (const std::exception& e) {
        m_lastError = QString::fromStdString(e.what());
        return false;
    }
    showRig(rig);
    emitChanged();
    for (int i = 1; i < m_rigCombo->count(); ++i) {
        if (core::namedRig(m_rigCombo->itemData(i).toString().toStdString()) == rig) {
            const QSignalBlocker block(m_rigCombo);
            m_rigCombo->setCurrentIndex(i);
            break;
        }
    }
    return true;
}

bool LightPanel::loadRig(const QString& path) {
    core::LightSettings rig;
    try {
        rig = core::loadRigFile(path.toStdString());
        core::validateLightSettings(rig);
    } catch (const std::exception& e) {
        m_lastError = QString::fromStdString(e.what());
        return false;
    }
    showRig(rig);
    emitChanged();
    return true;
}

bool LightPanel::saveRig(const QString& path) {
    try {
        core::saveRigFile(path.toStdString(), settings(), QFileInfo(path).completeBaseName().toStdString());
    } catch (const std::exception& e) {
        m_lastError = QString::fromStdString(e.what());
        return false;
    }
    return true;
}

void LightPanel::onRigChosen(int comboIndex) {
    if (comboIndex <= 0) return;
    applyNamedRig(m_rigCombo->itemData(comboIndex).toString());
}

void LightPanel::onLoadClicked() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load light rig"), QString(),
                                                      tr("Light rigs and Chiaro photos (*.json *.png);;All files (*)"));
    if (path.isEmpty()) return;
    if (!loadRig(path))
        QMessageBox::warning(this, tr("Load light rig"), tr("Could not load %1:\n%2").arg(path, m_lastError));
}

void LightPanel::onSaveClicked() {
    QString path = QFileDialog::getSaveFileName(this, tr("Save light rig"), tr("rig.json"),
                                                tr("Light rigs (*.json)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".json");
    if (!saveRig(path))
        QMessageBox::warning(this, tr("Save light rig"), tr("Could not save %1:\n%2").arg(path, m_lastError));
}

void LightPanel::onSlidersMoved() {
    if (m_updating) return;
    m_lights[m_selected].direction = core::LightDirection::normalized(m_azSlider->value(), m_elSlider->value());
    m_hasLight = true;
    m_sphere->setLights(m_lights, m_ambient);
    m_sphere->setSelected(m_selected);
    emitChanged();
}

void LightPanel::onLightEdited() {
    if (m_updating) return;
    core::LightSource& light = m_lights[m_selected];
    const int kelvin = m_kelvinSlider->value();
    if (kelvin != nearestKelvin(light.color)) light.color = core::LightColor::fromKelvin(kelvin);
    if (m_intensitySlider->value() != percent(light.intensity)) light.intensity = m_intensitySlider->value() / 100.0;
    if (m_sizeSlider->value() != percent(light.size)) light.size = m_sizeSlider->value() / 100.0;
    if (m_ambientSlider->value() != percent(m_ambient)) m_ambient = m_ambientSlider->value() / 100.0;
    if (m_hasLight) m_sphere->setLights(m_lights, m_ambient);
    emitChanged();
}

void LightPanel::onSphereMoved(int index, const core::LightDirection& direction) {
    if (!m_hasLight) {  // a click on the empty ball brings the key light back
        m_hasLight = true;
        m_lights.resize(1);
        index = 0;
    }
    if (index < 0 || index >= lightCount()) return;
    m_lights[index].direction = direction;
    m_selected = index;
    showAll();
    emitChanged();
}

// IC-Light's presets are a single hard light without ambient, exactly as before the rig (parity);
// the key keeps its colour and intensity.
void LightPanel::applyPreset(core::LightPreset preset) {
    m_lights.resize(1);
    m_lights.front().size = 0.0;
    m_ambient = 0.0;
    m_selected = 0;
    setDirection(core::presetDirection(preset));
}

// Mirrors the rig into the sphere, the selector and the sliders without re-entering the handlers.
void LightPanel::showAll() {
    const bool wasUpdating = m_updating;
    m_updating = true;
    m_selected = std::clamp(m_selected, 0, lightCount() - 1);
    const core::LightSource& light = m_lights[m_selected];
    m_azSlider->setValue(static_cast<int>(std::lround(light.direction.azimuth)) % 360);
    m_elSlider->setValue(static_cast<int>(std::lround(light.direction.elevation)));
    m_kelvinSlider->setValue(nearestKelvin(light.color));
    m_intensitySlider->setValue(percent(light.intensity));
    m_sizeSlider->setValue(percent(light.size));
    m_ambientSlider->setValue(percent(m_ambient));
    m_sphere->setLights(m_hasLight ? m_lights : std::vector<core::LightSource>{}, m_ambient);
    m_sphere->setSelected(m_selected);
    for (int i = 0; i < core::kMaxRigLights; ++i) {
        QAbstractButton* button = m_lightButtons->button(i);
        button->setEnabled(i < lightCount() && (m_hasLight || i == 0));
        button->setChecked(i == m_selected);
    }
    m_addButton->setEnabled(lightCount() < core::kMaxRigLights || !m_hasLight);
    m_removeButton->setEnabled(m_selected > 0);
    setProperty("hasDirection", m_hasLight);
    m_updating = wasUpdating;
}

void LightPanel::emitChanged() {
    if (m_updating) return;
    // The combo names the rig only while the rig is still that named rig.
    const int shown = m_rigCombo->currentIndex();
    if (shown > 0 && core::namedRig(m_rigCombo->itemData(shown).toString().toStdString()) != settings()) {
        const QSignalBlocker block(m_rigCombo);
        m_rigCombo->setCurrentIndex(0);
    }
    Q_EMIT lightChanged(settings());
}

}  // namespace chiaro::gui
