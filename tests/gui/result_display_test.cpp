// Results at the photo's size, depth and colour space (issue #17): shown as 8-bit sRGB, kept whole
// for saving, written at the photo's depth with "Same as the photo", and as TIFF for a .tif name.
#include <catch2/catch.hpp>

#include <fstream>

#include <QComboBox>
#include <QLabel>
#include <QMainWindow>
#include <QStandardPaths>
#include <QTabWidget>

#include "../core/image/icc_test_files.h"  // tests/core/image
#include "chiaro/image/photo.h"
#include "chiaro/light/display_proxy.h"
#include "chiaro/pipeline/engine.h"
#include "image_bridge.h"
#include "result/compare_view.h"
#include "result/history_strip.h"
#include "settings/settings_dialog.h"
#include "studio/studio.h"
#include "gui_test_util.h"
#include "test_support.h"

namespace {

// A smooth 16-bit RGB gradient with values that 8 bits cannot hold.
cv::Mat gradient16(cv::Size size) {
    cv::Mat image(size, CV_16UC3);
    for (int y = 0; y < size.height; ++y) {
        auto* row = image.ptr<cv::Vec3w>(y);
        for (int x = 0; x < size.width; ++x) {
            row[x] = cv::Vec3w(static_cast<ushort>(x * 65535 / (size.width - 1)),
                               static_cast<ushort>(y * 65535 / (size.height - 1)), static_cast<ushort>(12345 + (x % 7)));
        }
    }
    return image;
}

std::string fileStart(const std::string& path, size_t n) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes(n, '\0');
    in.read(&bytes[0], static_cast<std::streamsize>(n));
    return bytes;
}

}  // namespace

TEST_CASE("an engine result is shown through its screen-sized proxy, colour-managed", "[gui][result][photo]") {
    const cv::Mat rgb = gradient16({6000, 4000});
    const std::string adobe = chiaro::test::adobeRgbProfile();
    const QImage shown = chiaro::gui::resultDisplayImage(rgb, adobe);
    REQUIRE(shown.size() == QSize(2048, 1365));
    REQUIRE(shown.format() == QImage::Format_RGB888);
    // The same pixels as converting the proxy by hand (LittleCMS's reference), not the raw samples.
    const cv::Mat proxy = chiaro::core::displayProxy(rgb);
    const cv::Rect patch(1000, 600, 64, 64);
    const cv::Mat expected = chiaro::test::referenceToSrgb8(proxy(patch).clone(), adobe);
    CHECK(cv::norm(expected, chiaro::gui::qImageToRgbMat(shown.copy(1000, 600, 64, 64)), cv::NORM_INF) <= 1);
    // A result that fits the screen is shown at its own size.
    CHECK(chiaro::gui::resultDisplayImage(rgb(cv::Rect(0, 0, 900, 600)).clone(), adobe).size() == QSize(900, 600));
}

TEST_CASE("a 24-megapixel 16-bit RGBA result in Adobe RGB is shown as 8-bit sRGB", "[gui][result][photo]") {
    const cv::Mat rgb = gradient16({6000, 4000});
    cv::Mat alpha(rgb.size(), CV_16UC1, cv::Scalar(128 * 257));
    cv::Mat rgba;
    cv::merge(std::vector<cv::Mat>{rgb, alpha}, rgba);
    const std::string adobe = chiaro::test::adobeRgbProfile();
    const QImage shown = chiaro::gui::displayImage(rgba, adobe);
    REQUIRE(shown.size() == QSize(6000, 4000));
    REQUIRE(shown.format() == QImage::Format_RGBA8888);
    CHECK(qAlpha(shown.pixel(10, 10)) == 128);
    // The colours are converted (not the 16-bit samples / 257): compare patches with LittleCMS's
    // reference conversion.
    for (cv::Point at : {cv::Point(0, 0), cv::Point(2900, 1900), cv::Point(5936, 3936)}) {
        const cv::Rect patch(at, cv::Size(64, 64));
        const cv::Mat expected = chiaro::test::referenceToSrgb8(rgb(patch).clone(), adobe);
        const cv::Mat got = chiaro::gui::qImageToRgbMat(shown.copy(at.x, at.y, 64, 64));
        INFO("patch at " << at.x << "," << at.y);
        CHECK(cv::norm(expected, got, cv::NORM_INF) <= 1);
    }
    const cv::Mat naive = chiaro::gui::qImageToRgbMat(chiaro::gui::displayImage(rgb, {}).copy(2900, 1900, 64, 64));
    const cv::Mat managed = chiaro::gui::qImageToRgbMat(shown.copy(2900, 1900, 64, 64));
    CHECK(cv::norm(naive, managed, cv::NORM_INF) > 3);  // Adobe RGB is not sRGB
}

TEST_CASE("a 16-bit result shows in the result view and saves at 16 bits with 'Same as the photo'",
          "[gui][result][photo][settings]") {
    QStandardPaths::setTestModeEnabled(true);
    chiaro::test::TempDir dir;
    // A 16-bit result as a file would hold it: written with core::saveImage, read back with loadPhoto.
    const std::string source = dir.file("result16.png");
    chiaro::core::ImageWriteOptions options;
    options.bitDepth = 16;
    chiaro::core::saveImage(source, gradient16({900, 600}), options);
    const chiaro::core::Photo photo = chiaro::core::loadPhoto(source);
    REQUIRE(photo.bitDepth() == 16);
    auto result = std::make_shared<chiaro::core::RelightResult>();
    result->image = photo.pixels;
    chiaro::core::RelightJob job;
    job.seed = 5;
    result->job = chiaro::core::jobToJson(job);
    result->infotext = "relit, Seed: 5";

    QMainWindow window;
    auto* tabs = new QTabWidget(&window);
    tabs->addTab(new QLabel("edit"), "Edit");
    window.setCentralWidget(tabs);
    auto* studio = new chiaro::gui::Studio(&window, [](const QString&) { return false; });
    CHECK(chiaro::gui::AppSettings{}.bitDepth == 0);  // the default: "Same as the photo"
    auto s = studio->settings();
    s.bitDepth = 0;
    studio->applySettings(s);
    chiaro::gui::HistoryEntry entry{result, chiaro::gui::displayImage(result->image, result->iccProfile), {}};
    REQUIRE_FALSE(entry.image.isNull());
    studio->history()->add(entry);
    CHECK(studio->compareView()->after().size() == QSize(900, 600));
    window.resize(800, 600);
    CHECK_FALSE(studio->compareView()->grab().isNull());  // paints without trouble

    const std::string png = dir.file("saved.png");
    REQUIRE(chiaro::test::saveAndWait(*studio, QString::fromStdString(png)));
    const chiaro::core::Photo saved = chiaro::core::loadPhoto(png);
    CHECK(saved.bitDepth() == 16);
    CHECK(cv::norm(saved.pixels, photo.pixels, cv::NORM_INF) == 0);

    const std::string tif = dir.file("saved.tif");
    REQUIRE(chiaro::test::saveAndWait(*studio, QString::fromStdString(tif)));
    const std::string magic = fileStart(tif, 4);
    CHECK((magic == std::string("II*\0", 4) || magic == std::string("MM\0*", 4)));
    CHECK(chiaro::core::loadPhoto(tif).bitDepth() == 16);

    // 8-bit chosen in the settings: the same result is written at 8 bits.
    s.bitDepth = 8;
    studio->applySettings(s);
    const std::string png8 = dir.file("saved8.png");
    REQUIRE(chiaro::test::saveAndWait(*studio, QString::fromStdString(png8)));
    CHECK(chiaro::core::loadPhoto(png8).bitDepth() == 8);
    s.bitDepth = 0;
    studio->applySettings(s);  // leaves the default behind for the next test
}

TEST_CASE("the settings dialog offers 'Same as the photo' as the bit depth", "[gui][settings]") {
    chiaro::gui::AppSettings s;
    chiaro::gui::SettingsDialog dialog(s);
    auto* box = dialog.findChild<QComboBox*>("bitDepth");
    REQUIRE(box);
    CHECK(box->currentText() == "Same as the photo");
    CHECK(dialog.settings().bitDepth == 0);
    box->setCurrentIndex(box->findData(16));
    CHECK(dialog.settings().bitDepth == 16);
}
