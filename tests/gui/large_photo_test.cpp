// A 24 MP photo in the app (issue #20): the loader makes every view of it on Qt's pool (the compare
// view's screen-sized copy, the canvas pyramid, the sidecar mask), the UI thread shares those pixels
// instead of copying them, the instant preview renders a screen-sized proxy that a mask edit does not
// rebuild, and the timings the issue names are in the log at debug level.
#include <catch2/catch.hpp>

#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>

#include <spdlog/sinks/ringbuffer_sink.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "canvas/edit_view.h"
#include "canvas/mask_canvas.h"
#include "canvas/mask_document.h"
#include "chiaro/core/logging.h"
#include "chiaro/light/display_proxy.h"
#include "gui_test_util.h"
#include "main_window.h"
#include "panels/light_panel.h"
#include "result/compare_view.h"
#include "studio/studio.h"
#include "test_support.h"
#include "worker/preview_renderer.h"

using chiaro::gui::MainWindow;
using chiaro::gui::PreviewRenderer;

namespace {

// The app's "gui" logger at debug level with a ring buffer attached, while alive.
class GuiLogCapture {
public:
    GuiLogCapture() : m_sink(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256)) {
        m_logger = chiaro::core::namedLogger("gui");
        m_level = m_logger->level();
        m_logger->sinks().push_back(m_sink);
        m_logger->set_level(spdlog::level::debug);
    }
    ~GuiLogCapture() {
        auto& sinks = m_logger->sinks();
        sinks.erase(std::remove(sinks.begin(), sinks.end(), m_sink), sinks.end());
        m_logger->set_level(m_level);
    }
    QString text() const {
        QString all;
        for (const auto& line : m_sink->last_formatted()) all += QString::fromStdString(line);
        return all;
    }

private:
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> m_sink;
    std::shared_ptr<spdlog::logger> m_logger;
    spdlog::level::level_enum m_level;
};

// A 6000×4000 camera-sized JPEG with texture (so it compresses like a photo, not to nothing).
cv::Mat writeCameraJpeg(const std::string& path) {
    cv::Mat small(400, 600, CV_8UC3);
    cv::RNG(20).fill(small, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(small, small, cv::Size(), 2.0);
    cv::Mat photo;
    cv::resize(small, photo, cv::Size(6000, 4000), 0, 0, cv::INTER_CUBIC);
    REQUIRE(cv::imwrite(path, photo, {cv::IMWRITE_JPEG_QUALITY, 90}));
    return photo;
}

}  // namespace

TEST_CASE("a 24 MP photo opens with its views made off the UI thread and its pixels shared", "[gui][photo][large]") {
    QStandardPaths::setTestModeEnabled(true);
    chiaro::test::TempDir dir;
    const std::string path = dir.file("camera.jpg");
    writeCameraJpeg(path);
    cv::Mat sidecar(4000, 6000, CV_8UC1, cv::Scalar(0));
    sidecar(cv::Rect(0, 0, 2000, 4000)).setTo(255);  // the left third
    REQUIRE(cv::imwrite(dir.file("camera_mask.png"), sidecar));

    GuiLogCapture log;
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QSignalSpy loaded(window.photoLoader(), &chiaro::gui::PhotoLoader::loaded);
    REQUIRE(chiaro::test::openPhotoAndWait(window, QString::fromStdString(path), 60000));
    REQUIRE(loaded.count() == 1);
    const auto photo = loaded.at(0).at(1).value<chiaro::gui::LoadedPhotoPtr>();
    REQUIRE(photo);

    // The compare view got the screen-sized copy, not the 24 MP one.
    CHECK(photo->display.size() == QSize(2048, 1365));
    CHECK(window.studio()->compareView()->before().size() == QSize(2048, 1365));
    // The canvas shares the decoded pixels and the loader's pyramid: no copy, no rebuild.
    chiaro::gui::MaskDocument* document = window.editView()->document();
    CHECK(document->rgb().data == photo->pixels.image.data);
    REQUIRE(document->pyramid().size() == photo->pyramid.size());
    CHECK(document->pyramid().size() >= 4);
    CHECK(document->pyramid().back().data == photo->pyramid.back().data);
    // The sidecar mask was read on the pool and is the starting point, not an undo step.
    CHECK(photo->sidecarMaskName == "camera_mask.png");
    CHECK(cv::countNonZero(document->mask() > 127) == 2000 * 4000);
    CHECK(document->undoStack()->count() == 0);

    // The first paint of the photo ends the "opened → shown" measurement.
    const QRegularExpression shown("photo shown \\d+ ms after open");
    for (int i = 0; i < 50 && !shown.match(log.text()).hasMatch(); ++i) QTest::qWait(20);
    INFO(log.text().toStdString());
    CHECK(shown.match(log.text()).hasMatch());
    CHECK(log.text().count(shown) == 1);  // once, though the canvas paints again
}

TEST_CASE("the preview renders a 24 MP photo on a proxy that a mask edit reuses", "[gui][light][large]") {
    cv::Mat photo(4000, 6000, CV_8UC3, cv::Scalar(160, 150, 140));
    cv::Mat mask(4000, 6000, CV_8UC1, cv::Scalar(0));
    cv::circle(mask, {3000, 2000}, 1500, cv::Scalar(255), cv::FILLED);
    PreviewRenderer renderer;
    QSignalSpy prepared(&renderer, &PreviewRenderer::prepared);
    QSignalSpy frames(&renderer, &PreviewRenderer::previewReady);
    renderer.setSource(photo, mask);
    REQUIRE(prepared.wait(60000));
    REQUIRE(renderer.proxy().size() == cv::Size(2048, 1365));
    const uchar* proxyPixels = renderer.proxy().data;

    chiaro::core::LightSettings light;
    light.direction = chiaro::core::LightDirection{90.0, 10.0};
    renderer.requestRender(light);
    REQUIRE(frames.wait(30000));
    CHECK(frames.last().at(0).value<QImage>().size() == QSize(2048, 1365));
    CHECK(frames.last().at(1).value<QElapsedTimer>().isValid());

    // A mask edit re-prepares on the same proxy (only the mask is reduced again) …
    cv::Mat edited = mask.clone();
    edited(cv::Rect(0, 0, 500, 500)).setTo(255);
    renderer.setSource(photo, edited);
    REQUIRE(prepared.wait(60000));
    CHECK(renderer.proxy().data == proxyPixels);
    // … and a new photo gets its own.
    const cv::Mat other(3000, 4500, CV_8UC3, cv::Scalar(10, 20, 30));
    renderer.setSource(other, {});
    REQUIRE(prepared.wait(60000));
    CHECK(renderer.proxy().size() == chiaro::core::displayProxySize({4500, 3000}));
    CHECK(renderer.proxy().at<cv::Vec3b>(5, 5) == cv::Vec3b(10, 20, 30));
}

TEST_CASE("each preview frame shown logs its time from request to paint", "[gui][light][large]") {
    QStandardPaths::setTestModeEnabled(true);
    GuiLogCapture log;
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    REQUIRE(chiaro::test::openPhotoAndWait(window, QStringLiteral(":/samples/coffee.png")));
    auto* tabs = window.findChild<QTabWidget*>();
    REQUIRE(tabs);
    tabs->setCurrentWidget(window.studio()->compareView());  // frames are painted where they show
    QSignalSpy frames(window.studio()->previewRenderer(), &PreviewRenderer::previewReady);
    const QRegularExpression frame("preview frame \\d+ ms");
    const int before = log.text().count(frame);
    for (double azimuth : {45.0, 135.0, 225.0}) {
        window.studio()->lightPanel()->setDirection(chiaro::core::LightDirection{azimuth, 20.0});
        REQUIRE(frames.wait(30000));
        QTest::qWait(50);  // the paint
    }
    INFO(log.text().toStdString());
    CHECK(log.text().count(frame) - before == 3);
}
