#pragma once
// Environment lighting in the light panel (issue #21): "Panorama…" loads an equirectangular HDR,
// "From background" reads the fbc background photo; either becomes a light rig
// (core::rigFromEnvironment / rigFromBackground) that the panel shows on the sphere. The rotation
// slider turns that rig about the vertical axis. Decoding and the reduction run on the thread pool;
// the UI thread only receives the finished rig.
#include <functional>
#include <optional>

#include <QString>
#include <QWidget>

#include <opencv2/core.hpp>

#include "chiaro/light/light.h"
#include "panels/light_metatype.h"

class QLabel;
class QPushButton;
class QSlider;

namespace chiaro::gui {

class EnvironmentBox : public QWidget {
    Q_OBJECT

public:
    explicit EnvironmentBox(QWidget* parent = nullptr);

    // Where "From background" gets the background photo (CV_8UC3 RGB; empty = none loaded).
    void setBackgroundProvider(std::function<cv::Mat()> provider) { m_backgroundProvider = std::move(provider); }

    // Starts reading a panorama; rigChanged follows on success, failed (and the status line) on
    // error, the current rig unchanged. Opens no dialog.
    void loadPanorama(const QString& path);
    // Derives the rig from the background photo the provider gives; false (with the reason in the
    // status line) when there is none.
    bool lightFromBackground();

    QSlider* rotationSlider() const { return m_rotation; }
    QLabel* statusLabel() const { return m_status; }
    // The rig as derived (rotation 0); empty before the first panorama or background.
    const std::optional<core::LightSettings>& baseRig() const { return m_base; }

Q_SIGNALS:
    // The derived rig turned by the slider; emitted when a rig arrives and on every slider move.
    void rigChanged(const chiaro::core::LightSettings& rig);
    void failed(const QString& message);

private:
    void derive(const QString& source, std::function<core::LightSettings()> work);
    void showRig(const core::LightSettings& rig, const QString& source);
    void emitRotated();

    QPushButton* m_panorama = nullptr;
    QPushButton* m_background = nullptr;
    QSlider* m_rotation = nullptr;
    QLabel* m_status = nullptr;
    std::function<cv::Mat()> m_backgroundProvider;
    std::optional<core::LightSettings> m_base;
    int m_generation = 0;  // a newer request wins over a slower older one
};

}  // namespace chiaro::gui
