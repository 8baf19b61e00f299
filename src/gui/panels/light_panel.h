#pragma once
// The light controls, a light RIG editor (issue #21): the light sphere with every light of the rig,
// light selector buttons 1..4 with "Add" / "Remove", azimuth/elevation, colour temperature,
// intensity and size of the SELECTED light, the rig's ambient, IC-Light's presets (a single light),
// the named rigs, "Save rig…" / "Load rig…" and "Estimate from photo". Every change emits
// lightChanged() at once (the instant preview follows while dragging); the panel never computes
// anything heavy.
#include <optional>
#include <vector>

#include <QString>
#include <QWidget>

#include "chiaro/light/light.h"
#include "chiaro/light/light_estimator.h"
#include "panels/light_metatype.h"

class QButtonGroup;
class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QToolButton;

namespace chiaro::gui {

class EnvironmentBox;

class LightSphere;

class LightPanel : public QWidget {
    Q_OBJECT
public:
    explicit LightPanel(QWidget* parent = nullptr);

    // The whole rig: the key light, the other lights and the ambient.
    core::LightSettings settings() const;
    // Shows `settings` without emitting lightChanged (used when restoring a job); selects the key.
    void setSettings(const core::LightSettings& settings);
    // Sets the KEY light's direction (empty = IC-Light's "None"); emits lightChanged.
    void setDirection(const std::optional<core::LightDirection>& direction);
    // Sets the key light's direction from the estimator and shows its confidence; emits lightChanged.
    void applyEstimate(const core::LightEstimate& estimate);
    void setEstimateEnabled(bool enabled);

    // The rig editor. Each emits lightChanged when it changes something.
    int lightCount() const { return static_cast<int>(m_lights.size()); }
    int selectedLight() const { return m_selected; }
    void selectLight(int index);  // 0 = the key; out of range is ignored
    bool addLight();              // false at kMaxRigLights lights
    bool removeLight();           // removes the selected light; false for the key
    // Applies a named rig (core::namedRigs(), by name or title); false for an unknown name.
    bool applyNamedRig(const QString& name);
    // Reads a rig file (.json) or a Chiaro PNG and shows it; false (the rig unchanged, the reason in
    // lastError()) when the file cannot be read or holds a bad rig. Opens no dialog.
    bool loadRig(const QString& path);
    // Writes the rig as a rig file; false (the reason in lastError()) on failure. Opens no dialog.
    bool saveRig(const QString& path);
    QString lastError() const { return m_lastError; }

    LightSphere* sphere() const { return m_sphere; }
    QSlider* azimuthSlider() const { return m_azSlider; }
    QSlider* elevationSlider() const { return m_elSlider; }
    QSlider* kelvinSlider() const { return m_kelvinSlider; }
    QSlider* intensitySlider() const { return m_intensitySlider; }
    QSlider* sizeSlider() const { return m_sizeSlider; }
    QSlider* ambientSlider() const { return m_ambientSlider; }
    QComboBox* rigCombo() const { return m_rigCombo; }
    EnvironmentBox* environmentBox() const { return m_environment; }

Q_SIGNALS:
    void lightChanged(const chiaro::core::LightSettings& settings);
    void estimateRequested();

private:
    QWidget* buildRigRow();
    QWidget* buildLightRow();
    QWidget* buildDirectionRows();
    QWidget* buildPresets();
    QWidget* buildColorRows();
    void onSlidersMoved();
    void onLightEdited();
    void onSphereMoved(int index, const core::LightDirection& direction);
    void onRigChosen(int comboIndex);
    void onLoadClicked();
    void onSaveClicked();
    void applyPreset(core::LightPreset preset);
    void showRig(const core::LightSettings& rig);  // m_lights etc. from `rig`, then showAll
    void showAll();
    void emitChanged();

    LightSphere* m_sphere = nullptr;
    QComboBox* m_rigCombo = nullptr;
    EnvironmentBox* m_environment = nullptr;
    QButtonGroup* m_lightButtons = nullptr;
    QToolButton* m_addButton = nullptr;
    QToolButton* m_removeButton = nullptr;
    QSlider* m_azSlider = nullptr;
    QSpinBox* m_azSpin = nullptr;
    QSlider* m_elSlider = nullptr;
    QSpinBox* m_elSpin = nullptr;
    QSlider* m_kelvinSlider = nullptr;
    QSpinBox* m_kelvinSpin = nullptr;
    QSlider* m_intensitySlider = nullptr;
    QSpinBox* m_intensitySpin = nullptr;
    QSlider* m_sizeSlider = nullptr;
    QSpinBox* m_sizeSpin = nullptr;
    QSlider* m_ambientSlider = nullptr;
    QSpinBox* m_ambientSpin = nullptr;
    QPushButton* m_estimateButton = nullptr;
    QLabel* m_estimateLabel = nullptr;

    // The rig: m_lights[0] is the key (kept, with its last direction, while there is no light),
    // m_hasLight false = "None".
    std::vector<core::LightSource> m_lights{core::LightSource{core::LightDirection{270.0, 0.0}, {}, 1.0, 0.0}};
    bool m_hasLight = true;
    double m_ambient = 0.0;
    int m_selected = 0;
    QString m_lastError;
    bool m_updating = false;  // suppresses feedback loops while widgets are set programmatically
};

// The colour temperature (Kelvin, step 100) whose LightColor is nearest to `color`.
int nearestKelvin(const core::LightColor& color);

}  // namespace chiaro::gui

