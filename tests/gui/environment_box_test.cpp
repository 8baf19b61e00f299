// Environment lighting in the light panel (issue #21): a panorama or the background photo becomes
// the rig on the sphere, off the UI thread; the slider rotates it; bad files leave the rig alone.
#include <catch2/catch.hpp>

#include <cmath>

#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "panels/environment_box.h"
#include "panels/light_panel.h"
#include "panels/light_sphere.h"

using chiaro::core::LightSettings;
using chiaro::gui::EnvironmentBox;
using chiaro::gui::LightPanel;

namespace {

// A dim panorama with one bright lamp at column u (azimuth 360 × (1 − u)) on the horizon.
void writePanorama(const QString& path, double u) {
    cv::Mat pano(128, 256, CV_32FC3, cv::Scalar::all(0.05));
    cv::circle(pano, {static_cast<int>(u * 256), 64}, 4, cv::Scalar::all(200.0), cv::FILLED);
    REQUIRE(cv::imwrite(path.toStdString(), pano));
}

double azimuthDistance(double a, double b) {
    const double d = std::fmod(std::fabs(a - b), 360.0);
    return std::min(d, 360.0 - d);
}

LightSettings waitForRig(LightPanel& panel) {
    QSignalSpy spy(panel.environmentBox(), &EnvironmentBox::rigChanged);
    REQUIRE(spy.wait(10000));
    return panel.settings();
}

}  // namespace

TEST_CASE("a panorama becomes the panel's rig and the slider turns it", "[gui][studio][light][env]") {
    QTemporaryDir dir;
    const QString path = dir.filePath("lamp.hdr");
    writePanorama(path, 0.75);  // from the right: azimuth 90
    LightPanel panel;
    QSignalSpy changed(&panel, &LightPanel::lightChanged);
    EnvironmentBox* box = panel.environmentBox();
    CHECK_FALSE(box->rotationSlider()->isEnabled());
    box->loadPanorama(path);
    const LightSettings rig = waitForRig(panel);
    REQUIRE(rig.direction);
    CHECK(azimuthDistance(rig.direction->azimuth, 90.0) < 4.0);
    CHECK(std::fabs(rig.direction->elevation) < 4.0);
    CHECK(changed.count() >= 1);
    CHECK(box->rotationSlider()->isEnabled());
    CHECK(box->statusLabel()->text().contains("lamp.hdr"));
    // The sphere shows it too.
    CHECK(azimuthDistance(panel.sphere()->lights().front().direction.azimuth, 90.0) < 4.0);

    box->rotationSlider()->setValue(90);
    REQUIRE(panel.settings().direction);
    CHECK(azimuthDistance(panel.settings().direction->azimuth, 180.0) < 4.0);
    box->rotationSlider()->setValue(-90);
    CHECK(azimuthDistance(panel.settings().direction->azimuth, 0.0) < 4.0);
}

TEST_CASE("a bad panorama is reported and the rig stays", "[gui][studio][light][env]") {
    QTemporaryDir dir;
    const QString square = dir.filePath("square.hdr");
    REQUIRE(cv::imwrite(square.toStdString(), cv::Mat(64, 64, CV_32FC3, cv::Scalar::all(1.0))));
    LightPanel panel;
    const LightSettings before = panel.settings();
    QSignalSpy failed(panel.environmentBox(), &EnvironmentBox::failed);
    panel.environmentBox()->loadPanorama(square);
    REQUIRE(failed.wait(10000));
    CHECK(failed.front().front().toString().contains("2:1"));
    CHECK(panel.environmentBox()->statusLabel()->text().contains("2:1"));
    CHECK(panel.settings() == before);
    CHECK_FALSE(panel.environmentBox()->rotationSlider()->isEnabled());
}

TEST_CASE("light from the background photo: a bright right window lights from the right, behind", "[gui][studio][light][env]") {
    LightPanel panel;
    cv::Mat background(300, 400, CV_8UC3, cv::Scalar(40, 40, 45));
    cv::rectangle(background, cv::Rect(300, 30, 80, 90), cv::Scalar(255, 250, 235), cv::FILLED);
    EnvironmentBox* box = panel.environmentBox();
    // No provider / no background: a message, no rig.
    CHECK_FALSE(box->lightFromBackground());
    CHECK(box->statusLabel()->text().contains("background"));
    box->setBackgroundProvider([background] { return background; });
    REQUIRE(box->lightFromBackground());
    const LightSettings rig = waitForRig(panel);
    REQUIRE(rig.direction);
    CHECK(rig.direction->azimuth > 95.0);
    CHECK(rig.direction->azimuth < 150.0);
}
