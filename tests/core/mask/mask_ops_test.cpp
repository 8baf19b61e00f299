#include <catch2/catch.hpp>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/mask/mask_ops.h"

using namespace chiaro::core;

namespace {

cv::Mat disc(cv::Size size, cv::Point2d centre, double radius) {
    cv::Mat m = cv::Mat::zeros(size, CV_8UC1);
    for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x)
            if (std::hypot(x - centre.x, y - centre.y) <= radius) m.at<uint8_t>(y, x) = 255;
    return m;
}

// Pixels that break "selected within r - 1.5 of the centre, unselected beyond r + 1.5".
int discViolations(const cv::Mat& m, cv::Point2d c, double r) {
    int bad = 0;
    for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x) {
            const double d = std::hypot(x - c.x, y - c.y);
            const int v = m.at<uint8_t>(y, x);
            if ((d <= r - 1.5 && v != 255) || (d >= r + 1.5 && v != 0)) ++bad;
        }
    return bad;
}

}  // namespace

TEST_CASE("invert flips every value and twice is the identity", "[mask]") {
    cv::Mat m(40, 50, CV_8UC1);
    cv::randu(m, 0, 256);
    const cv::Mat original = m.clone();
    invertMask(m);
    CHECK(m.at<uint8_t>(7, 9) == 255 - original.at<uint8_t>(7, 9));
    invertMask(m);
    CHECK(cv::countNonZero(m != original) == 0);
    fillMask(m, 0);
    CHECK(maskCoverage(m) == 0.0);
    fillMask(m, 255);
    CHECK(maskCoverage(m) == 1.0);
}

TEST_CASE("grow and shrink move a disc's edge by N pixels", "[mask]") {
    const cv::Point2d c(100, 90);
    const int n = GENERATE(1, 5, 17);
    cv::Mat grown = disc({200, 180}, c, 40);
    growMask(grown, n);
    CHECK(discViolations(grown, c, 40 + n) == 0);
    cv::Mat shrunk = disc({200, 180}, c, 40);
    growMask(shrunk, -n);
    CHECK(discViolations(shrunk, c, 40 - n) == 0);
}

TEST_CASE("feather softens the edge but keeps the inside and the far outside", "[mask]") {
    cv::Mat m = disc({200, 200}, {100, 100}, 50);
    const double before = cv::sum(m)[0];
    featherMask(m, 10);
    CHECK(m.at<uint8_t>(100, 100) == 255);
    CHECK(m.at<uint8_t>(5, 5) == 0);
    const int edge = m.at<uint8_t>(100, 150);
    CHECK(edge > 60);
    CHECK(edge < 200);
    CHECK(m.at<uint8_t>(100, 145) > edge);
    CHECK(m.at<uint8_t>(100, 155) < edge);
    CHECK(cv::sum(m)[0] == Approx(before).epsilon(0.03));  // a blur moves mass, it does not add any
}

TEST_CASE("bucket fill selects the connected region of similar colour", "[mask]") {
    cv::Mat rgb(100, 100, CV_8UC3, cv::Scalar(200, 30, 30));
    cv::rectangle(rgb, cv::Rect(20, 20, 40, 40), cv::Scalar(30, 30, 200), cv::FILLED);
    cv::rectangle(rgb, cv::Rect(70, 70, 20, 20), cv::Scalar(30, 30, 200), cv::FILLED);  // not connected
    rgb.at<cv::Vec3b>(40, 40) = cv::Vec3b(40, 35, 190);  // within tolerance of its neighbours
    cv::Mat mask = cv::Mat::zeros(100, 100, CV_8UC1);
    const cv::Rect box = bucketFill(mask, rgb, {30, 30}, 20, 255);
    CHECK(box == cv::Rect(20, 20, 40, 40));
    CHECK(cv::countNonZero(mask) == 40 * 40);
    CHECK(mask.at<uint8_t>(75, 75) == 0);

    // Without a photo the fill follows the mask itself: erase the selected square by clicking it.
    bucketFill(mask, cv::Mat(), {25, 25}, 0, 0);
    CHECK(cv::countNonZero(mask) == 0);
    CHECK(bucketFill(mask, rgb, {-1, 5}, 20, 255).empty());  // outside: nothing
}

TEST_CASE("polygon fill covers the triangle's area with an antialiased edge", "[mask]") {
    cv::Mat mask = cv::Mat::zeros(120, 120, CV_8UC1);
    const std::vector<cv::Point2f> triangle{{10, 10}, {110, 10}, {10, 110}};
    const cv::Rect box = fillPolygon(mask, triangle, 255);
    CHECK(cv::sum(mask)[0] / 255.0 == Approx(5000.0).epsilon(0.03));  // 100 * 100 / 2
    CHECK(mask.at<uint8_t>(30, 30) == 255);
    CHECK(mask.at<uint8_t>(100, 100) == 0);
    cv::Mat outside = mask.clone();
    outside(box).setTo(0);
    CHECK(cv::countNonZero(outside) == 0);
    CHECK(fillPolygon(mask, {{1, 1}, {5, 5}}, 255).empty());
}

TEST_CASE("mask operations refuse empty or non-grey masks", "[mask]") {
    cv::Mat empty, colour(10, 10, CV_8UC3);
    CHECK_THROWS_AS(invertMask(empty), Error);
    CHECK_THROWS_AS(growMask(colour, 3), Error);
    try {
        featherMask(colour, 3);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::Usage);
    }
}
