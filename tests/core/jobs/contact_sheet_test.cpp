// Contact sheet layout: grid size, thumbnails where they belong, unreadable files as grey cells.
#include <catch2/catch.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/jobs/contact_sheet.h"
#include "test_support.h"

using namespace chiaro;

TEST_CASE("contact sheet places thumbnails in a grid with captions", "[jobs]") {
    test::TempDir dir;
    cv::Mat red(60, 120, CV_8UC3, cv::Scalar(255, 0, 0));  // RGB
    cv::Mat blue(120, 60, CV_8UC3, cv::Scalar(0, 0, 255));
    core::savePng(dir.file("red.png"), red);
    core::savePng(dir.file("blue.png"), blue);
    std::vector<core::ContactSheetEntry> entries = {
        {dir.file("red.png"), "red.png az270"}, {dir.file("blue.png"), "blue"}, {dir.file("gone.png"), "gone"}};
    cv::Mat sheet = core::makeContactSheet(entries, 128);
    const int captionHeight = 16;
    CHECK(sheet.type() == CV_8UC3);
    CHECK(sheet.cols == 2 * 128);  // 3 entries: 2 columns, 2 rows
    CHECK(sheet.rows == 2 * (128 + captionHeight));
    auto at = [&](int x, int y) { return sheet.at<cv::Vec3b>(y, x); };
    CHECK(at(64, 64) == cv::Vec3b(255, 0, 0));           // centre of cell 0: red
    CHECK(at(128 + 64, 64) == cv::Vec3b(0, 0, 255));     // cell 1: blue
    CHECK(at(64, 144 + 64) == cv::Vec3b(128, 128, 128)); // cell 2: unreadable -> grey
    CHECK(at(128 + 5, 64) == cv::Vec3b(245, 245, 245));  // blue is narrow: paper at the side
    // Caption ink below the first thumbnail.
    cv::Mat caption = sheet(cv::Rect(0, 128, 128, captionHeight)).clone();
    cv::Mat grey;
    cv::cvtColor(caption, grey, cv::COLOR_RGB2GRAY);
    double minValue = 255;
    cv::minMaxLoc(grey, &minValue);
    CHECK(minValue < 100);

    CHECK(core::makeContactSheet(entries, 64, 3).cols == 3 * 64);
    CHECK_THROWS_AS(core::makeContactSheet({}, 128), core::Error);
}
