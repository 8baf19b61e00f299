// Opening a photo in the app (issue #17): core::loadPhoto off the UI thread with a busy indicator,
// EXIF orientation applied, a later open superseding an earlier one, and unreadable files explained.
#include <catch2/catch.hpp>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTest>

#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gui_test_util.h"
#include "main_window.h"
#include "panels/output_size_box.h"
#include "panels/prompt_panel.h"
#include "studio/studio.h"
#include "test_support.h"

using chiaro::gui::MainWindow;

namespace {

void writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// A JPEG of `stored` (RGB) whose EXIF says "rotate 90° clockwise to show" (orientation 6): an APP1
// segment spliced in after the JFIF APP0 segment, written here by hand.
std::string jpegWithOrientation6(const cv::Mat& stored) {
    cv::Mat bgr;
    cv::cvtColor(stored, bgr, cv::COLOR_RGB2BGR);
    std::vector<uchar> encoded;
    REQUIRE(cv::imencode(".jpg", bgr, encoded, {cv::IMWRITE_JPEG_QUALITY, 95}));
    std::string jpeg(encoded.begin(), encoded.end());
    REQUIRE(static_cast<unsigned char>(jpeg[2]) == 0xFF);
    REQUIRE(static_cast<unsigned char>(jpeg[3]) == 0xE0);  // APP0 (JFIF)
    const size_t afterApp0 = 4 + ((static_cast<unsigned char>(jpeg[4]) << 8) | static_cast<unsigned char>(jpeg[5]));
    const std::string tiff("II*\0\x08\0\0\0"                    // little-endian TIFF, IFD at 8
                           "\x01\0"                             // one entry
                           "\x12\x01\x03\0\x01\0\0\0\x06\0\0\0"  // Orientation (SHORT) = 6
                           "\0\0\0\0",                          // no next IFD
                           26);
    const std::string payload = std::string("Exif\0\0", 6) + tiff;
    const size_t length = payload.size() + 2;
    const std::string app1 = std::string("\xFF\xE1", 2) + char(length >> 8) + char(length & 0xFF) + payload;
    return jpeg.insert(afterApp0, app1);
}

bool busyIndicatorShown(MainWindow& window) {
    for (QProgressBar* bar : window.statusBar()->findChildren<QProgressBar*>())
        if (!bar->isHidden()) return true;
    return false;
}

}  // namespace

TEST_CASE("a photo opens off the UI thread and an EXIF-rotated JPEG shows upright", "[gui][photo]") {
    QStandardPaths::setTestModeEnabled(true);
    chiaro::test::TempDir dir;
    // Stored 160×96 landscape: left half red, right half blue. Upright (90° clockwise) it is 96×160
    // portrait with the red half on top.
    cv::Mat stored(96, 160, CV_8UC3, cv::Scalar(220, 30, 30));
    stored(cv::Rect(80, 0, 80, 96)).setTo(cv::Scalar(30, 30, 220));
    const std::string path = dir.file("portrait.jpg");
    writeBytes(path, jpegWithOrientation6(stored));

    MainWindow window;
    QSignalSpy opened(&window, &MainWindow::photoOpened);
    REQUIRE(window.openPhoto(QString::fromStdString(path)));
    // openPhoto returned before the photo was decoded: nothing is shown yet, the status bar is busy.
    CHECK(opened.isEmpty());
    CHECK(window.currentPhotoPath().isEmpty());
    CHECK(window.photoLoader()->isLoading());
    CHECK(busyIndicatorShown(window));
    REQUIRE(opened.wait(30000));
    CHECK_FALSE(busyIndicatorShown(window));
    CHECK(window.currentPhotoPath() == QString::fromStdString(path));
    const QImage shown = window.currentPhoto();
    REQUIRE(shown.size() == QSize(96, 160));
    const QColor top = shown.pixelColor(48, 30), bottom = shown.pixelColor(48, 130);
    INFO("top " << top.name().toStdString() << ", bottom " << bottom.name().toStdString());
    CHECK(top.red() > 180);
    CHECK(top.blue() < 80);
    CHECK(bottom.blue() > 180);
    CHECK(bottom.red() < 80);
    // The studio got the upright photo too: the output size names it.
    CHECK(window.studio()->promptPanel()->outputSizeBox()->choiceBox()->currentText() == "Photo (96×160)");
}

TEST_CASE("a later open supersedes an earlier one and a broken file is explained", "[gui][photo]") {
    QStandardPaths::setTestModeEnabled(true);
    chiaro::test::TempDir dir;
    const std::string big = dir.file("big.png"), small = dir.file("small.png");
    cv::Mat noise(1500, 2000, CV_8UC3);
    cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(255));
    REQUIRE(cv::imwrite(big, noise));
    REQUIRE(cv::imwrite(small, cv::Mat(30, 40, CV_8UC3, cv::Scalar(1, 2, 3))));

    MainWindow window;
    QSignalSpy opened(&window, &MainWindow::photoOpened);
    REQUIRE(window.openPhoto(QString::fromStdString(big)));
    REQUIRE(window.openPhoto(QString::fromStdString(small)));
    REQUIRE(opened.wait(30000));
    QTest::qWait(300);  // give the superseded decode time to report, if it wrongly did
    REQUIRE(opened.count() == 1);
    CHECK(opened.at(0).at(0).toString() == QString::fromStdString(small));
    CHECK(window.currentPhoto().size() == QSize(40, 30));

    // The header is fine, the data is cut short: the decode fails on the pool and says why.
    std::vector<uchar> png;
    REQUIRE(cv::imencode(".png", noise, png));
    const std::string truncated = dir.file("truncated.png");
    writeBytes(truncated, std::string(png.begin(), png.begin() + static_cast<long>(png.size() / 3)));
    QSignalSpy failed(&window, &MainWindow::photoFailed);
    REQUIRE(window.openPhoto(QString::fromStdString(truncated)));
    REQUIRE(failed.wait(30000));
    const QString message = failed.at(0).at(1).toString();
    INFO(message.toStdString());
    CHECK(message.contains("truncated.png"));
    CHECK(window.statusBar()->currentMessage().contains(message));
    CHECK(window.currentPhotoPath() == QString::fromStdString(small));  // the photo stays
    CHECK(window.currentPhoto().size() == QSize(40, 30));
}

TEST_CASE("a pasted image is written on the pool and then opened like a file", "[gui][photo]") {
    QStandardPaths::setTestModeEnabled(true);
    MainWindow window;
    QImage pasted(320, 200, QImage::Format_RGB888);
    pasted.fill(QColor(200, 40, 90));
    QApplication::clipboard()->setImage(pasted);
    QAction* paste = nullptr;
    for (QAction* action : window.findChildren<QAction*>())
        if (action->text() == "&Paste Image") paste = action;
    REQUIRE(paste);
    QSignalSpy opened(&window, &MainWindow::photoOpened);
    paste->trigger();
    CHECK(opened.isEmpty());  // written off the UI thread first
    REQUIRE(opened.wait(30000));
    const QString path = opened.last().at(0).toString();
    CHECK(path.contains("/pasted/pasted-"));
    CHECK(QFileInfo::exists(path));
    CHECK(window.currentPhoto().size() == QSize(320, 200));
    CHECK(window.currentPhoto().pixelColor(10, 10) == QColor(200, 40, 90));
    QFile::remove(path);
}
