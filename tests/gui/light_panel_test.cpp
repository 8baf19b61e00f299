// The light panel and the instant preview: slider and preset changes reach the preview, which runs
// off the UI thread and drops stale requests while always ending on the newest light.
#include <catch2/catch.hpp>

#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>

#include "chiaro/image/image_io.h"
#include "image_bridge.h"
#include "panels/light_panel.h"
#include "panels/light_sphere.h"
#include "test_support.h"
#include "worker/preview_renderer.h"

using chiaro::core::LightSettings;
using chiaro::gui::LightPanel;
using chiaro::gui::PreviewRenderer;

namespace {

cv::Mat coffee() { return chiaro::core::loadImageRgb(chiaro::test::sharedDir() + "/data/photos/coffee.png"); }

bool sameImage(const QImage& a, const cv::Mat& b) {
    const cv::Mat m = chiaro::gui::qImageToRgbMat(a);
    return m.size() == b.size() && cv::norm(m, b, cv::NORM_INF) == 0;
}

}  // namespace

TEST_CASE("moving the sliders emits the light the sliders show", "[gui][studio][light]") {
    LightPanel panel;
    QSignalSpy spy(&panel, &LightPanel::lightChanged);
    panel.azimuthSlider()->setValue(120);
    panel.elevationSlider()->setValue(-30);
    REQUIRE(spy.count() == 2);
    const auto last = spy.last().at(0).value<LightSettings>();
    REQUIRE(last.direction);
    CHECK(last.direction->azimuth == Approx(120));
    CHECK(last.direction->elevation == Approx(-30));
    // The sphere follows the sliders.
    REQUIRE(panel.sphere()->direction());
    CHECK(panel.sphere()->direction()->azimuth == Approx(120));
}

TEST_CASE("presets set IC-Light's directions and None clears the direction", "[gui][studio][light]") {
    LightPanel panel;
    panel.findChild<QPushButton*>("preset_right")->click();
    REQUIRE(panel.settings().direction);
    CHECK(panel.settings().direction->azimuth == Approx(90));
    CHECK(panel.azimuthSlider()->value() == 90);
    panel.findChild<QPushButton*>("preset_top")->click();
    CHECK(panel.settings().direction->elevation == Approx(90));
    panel.findChild<QPushButton*>("preset_none")->click();
    CHECK_FALSE(panel.settings().direction);
    // Restoring settings does not echo a change back.
    QSignalSpy spy(&panel, &LightPanel::lightChanged);
    LightSettings s;
    s.direction = chiaro::core::LightDirection{200, 10};
    s.intensity = 1.5;
    s.color = chiaro::core::LightColor::fromKelvin(3200);
    panel.setSettings(s);
    CHECK(spy.count() == 0);
    CHECK(panel.settings().intensity == Approx(1.5));
    CHECK(chiaro::gui::nearestKelvin(panel.settings().color) == 3200);
    CHECK(panel.azimuthSlider()->value() == 200);
}

TEST_CASE("a slider move updates the instant preview off the UI thread", "[gui][studio][light]") {
    LightPanel panel;
    PreviewRenderer renderer;
    QObject::connect(&panel, &LightPanel::lightChanged, &renderer, &PreviewRenderer::requestRender);
    QSignalSpy prepared(&renderer, &PreviewRenderer::prepared);
    QSignalSpy frames(&renderer, &PreviewRenderer::previewReady);
    const cv::Mat photo = coffee();
    renderer.setSource(photo, {});
    REQUIRE(prepared.wait(20000));

    panel.azimuthSlider()->setValue(90);  // light from the right
    REQUIRE(frames.wait(20000));
    const QImage right = frames.last().at(0).value<QImage>();
    panel.azimuthSlider()->setValue(270);  // from the left
    REQUIRE(frames.wait(20000));
    const QImage left = frames.last().at(0).value<QImage>();

    CHECK(right.size() == QSize(photo.cols, photo.rows));
    CHECK(right != left);
    // The frame is exactly what the prepared relighter renders for the panel's settings.
    CHECK(sameImage(left, renderer.relighter()->render(panel.settings())));
}

TEST_CASE("the preview drops stale requests and ends on the newest light", "[gui][studio][light]") {
    PreviewRenderer renderer;
    QSignalSpy prepared(&renderer, &PreviewRenderer::prepared);
    QSignalSpy frames(&renderer, &PreviewRenderer::previewReady);
    renderer.setSource(coffee(), {});
    REQUIRE(prepared.wait(20000));
    LightSettings light;
    for (int az = 0; az < 360; az += 10) {  // a fast drag: 36 requests without the event loop running
        light.direction = chiaro::core::LightDirection{double(az), 20.0};
        renderer.requestRender(light);
    }
    while (renderer.isBusy() || frames.isEmpty()) REQUIRE(frames.wait(20000));
    CHECK(renderer.droppedRequests() >= 34);
    CHECK(renderer.renderedFrames() <= 2);
    CHECK(sameImage(frames.last().at(0).value<QImage>(), renderer.relighter()->render(light)));
}

TEST_CASE("a bad preview source is reported, not a crash", "[gui][studio][light]") {
    PreviewRenderer renderer;
    QSignalSpy failed(&renderer, &PreviewRenderer::failed);
    renderer.setSource(cv::Mat(10, 10, CV_32FC1, cv::Scalar(0)), {});
    REQUIRE(failed.wait(5000));
    CHECK_FALSE(renderer.isPrepared());
}
