#pragma once
// The light controls: the light sphere, azimuth/elevation sliders with spin boxes, IC-Light's presets,
// colour temperature and intensity, and "Estimate from photo". Every change emits lightChanged() at
// once (the instant preview follows while dragging); the panel never computes anything heavy.
#include <optional>

#include <QWidget>

#include "chiaro/light/light.h"
#include "chiaro/light/light_estimator.h"

class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace chiaro::gui {

class LightSphere;

class LightPanel : public QWidget {
    Q_OBJECT
public:
    explicit LightPanel(QWidget* parent = nullptr);

    core::LightSettings settings() const;
    // Shows `settings` without emitting lightChanged (used when restoring a job).
    void setSettings(const core::LightSettings& settings);
    void setDirection(const std::optional<core::LightDirection>& direction);
    // Sets the direction from the estimator and shows its confidence; emits lightChanged.
    void applyEstimate(const core::LightEstimate& estimate);
    void setEstimateEnabled(bool enabled);

    LightSphere* sphere() const { return m_sphere; }
    QSlider* azimuthSlider() const { return m_azSlider; }
    QSlider* elevationSlider() const { return m_elSlider; }

Q_SIGNALS:
    void lightChanged(const chiaro::core::LightSettings& settings);
    void estimateRequested();

private:
    QWidget* buildDirectionRows();
    QWidget* buildPresets();
    QWidget* buildColorRows();
    void onSlidersMoved();
    void onSphereMoved(const core::LightDirection& direction);
    void applyPreset(core::LightPreset preset);
    void showDirection();
    void emitChanged();

    LightSphere* m_sphere = nullptr;
    QSlider* m_azSlider = nullptr;
    QSpinBox* m_azSpin = nullptr;
    QSlider* m_elSlider = nullptr;
    QSpinBox* m_elSpin = nullptr;
    QSlider* m_kelvinSlider = nullptr;
    QSpinBox* m_kelvinSpin = nullptr;
    QSlider* m_intensitySlider = nullptr;
    QSpinBox* m_intensitySpin = nullptr;
    QPushButton* m_estimateButton = nullptr;
    QLabel* m_estimateLabel = nullptr;
    std::optional<core::LightDirection> m_direction = core::LightDirection{270.0, 0.0};
    bool m_updating = false;  // suppresses feedback loops while widgets are set programmatically
};

// The colour temperature (Kelvin, step 100) whose LightColor is nearest to `color`.
int nearestKelvin(const core::LightColor& color);

}  // namespace chiaro::gui

Q_DECLARE_METATYPE(chiaro::core::LightSettings)
