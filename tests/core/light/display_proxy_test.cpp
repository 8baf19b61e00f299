// Screen-sized proxies of 24 MP photos: size rules, area averaging, masks, and what stays shared.
#include <catch2/catch.hpp>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/light/display_proxy.h"
#include "chiaro/light/preview_relighter.h"

using namespace chiaro::core;

TEST_CASE("the proxy keeps the aspect ratio and never enlarges", "[light][proxy]") {
    CHECK(displayProxySize({6000, 4000}) == cv::Size(2048, 1365));  // 4000 * 2048 / 6000 = 1365.3
    CHECK(displayProxySize({4000, 6000}) == cv::Size(1365, 2048));  // portrait, EXIF-rotated
    CHECK(displayProxySize({8192, 5464}, 1024) == cv::Size(1024, 683));  // a 45 MP frame
    CHECK(displayProxySize({1920, 1080}) == cv::Size(1920, 1080));
    CHECK(displayProxySize({30000, 3}) == cv::Size(2048, 1));  // a panorama strip keeps one row
    CHECK_THROWS_AS(displayProxySize({100, 100}, 0), Error);
}

TEST_CASE("a 24 MP photo's proxy is an area average, a small one is shared, not copied", "[light][proxy]") {
    cv::Mat photo(4000, 6000, CV_8UC3);
    cv::RNG(7).fill(photo, cv::RNG::UNIFORM, 0, 256);
    const cv::Mat proxy = displayProxy(photo);
    REQUIRE(proxy.size() == cv::Size(2048, 1365));
    REQUIRE(proxy.type() == CV_8UC3);
    // Uniform noise averaged over ~3x3 source pixels: the mean stays, the spread shrinks (a
    // nearest-neighbour pick would keep the full spread of ~74).
    cv::Scalar mean, spread;
    cv::meanStdDev(proxy, mean, spread);
    CHECK(mean[0] == Approx(127.5).margin(1.0));
    CHECK(spread[0] < 35.0);

    const cv::Mat small(600, 800, CV_8UC3, cv::Scalar(1, 2, 3));
    CHECK(displayProxy(small).data == small.data);
    const cv::Mat deep(4000, 6000, CV_16UC3, cv::Scalar(1000, 2000, 3000));
    const cv::Mat deepProxy = displayProxy(deep);
    CHECK(deepProxy.type() == CV_16UC3);
    CHECK(deepProxy.at<cv::Vec<uint16_t, 3>>(100, 100) == cv::Vec<uint16_t, 3>(1000, 2000, 3000));
}

TEST_CASE("a mask follows its photo's proxy and keeps soft edges", "[light][proxy]") {
    cv::Mat mask(4000, 6000, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(0, 0, 3000, 4000)).setTo(255);  // the left half selected, a hard edge at x = 3000
    const cv::Mat small = maskAtSize(mask, displayProxySize(mask.size()));
    REQUIRE(small.size() == cv::Size(2048, 1365));
    CHECK(small.at<uint8_t>(600, 100) == 255);
    CHECK(small.at<uint8_t>(600, 1900) == 0);
    CHECK(cv::countNonZero(small > 127) == Approx(2048 * 1365 / 2).epsilon(0.01));
    CHECK(maskAtSize(cv::Mat(), {10, 10}).empty());
    CHECK(maskAtSize(mask, mask.size()).data == mask.data);
}

TEST_CASE("the preview of a 24 MP photo renders on its proxy with the same light", "[light][proxy]") {
    // The same scene at full size and as its proxy: a lit half lights the same side in both.
    cv::Mat photo(4000, 6000, CV_8UC3, cv::Scalar(150, 140, 130));
    cv::Mat mask(4000, 6000, CV_8UC1, cv::Scalar(0));
    cv::circle(mask, {3000, 2000}, 1500, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
    const cv::Mat proxy = displayProxy(photo);
    const PreviewRelighter relighter(proxy, maskAtSize(mask, proxy.size()));
    LightSettings light;
    light.direction = LightDirection{90.0, 0.0};  // from the right (light_direction.md)
    const cv::Mat frame = relighter.render(light);
    REQUIRE(frame.size() == proxy.size());
    cv::Mat grey;
    cv::cvtColor(frame, grey, cv::COLOR_RGB2GRAY);
    const int cx = proxy.cols / 2, cy = proxy.rows / 2, r = proxy.rows / 4;
    CHECK(cv::mean(grey(cv::Rect(cx + r / 2, cy - 20, 40, 40)))[0] >
          cv::mean(grey(cv::Rect(cx - r / 2 - 40, cy - 20, 40, 40)))[0] + 10.0);
}

TEST_CASE("the halving pyramid shares the photo and ends near the smallest level", "[light][proxy]") {
    const cv::Mat photo(4000, 6000, CV_8UC3, cv::Scalar(9, 8, 7));
    const std::vector<cv::Mat> levels = halvingPyramid(photo, 256);
    REQUIRE(levels.size() == 5);  // 6000, 3000, 1500, 750, 375
    CHECK(levels[0].data == photo.data);
    CHECK(levels[1].size() == cv::Size(3000, 2000));
    CHECK(levels[4].size() == cv::Size(375, 250));
    CHECK(levels[4].at<cv::Vec3b>(10, 10) == cv::Vec3b(9, 8, 7));
    CHECK(halvingPyramid(cv::Mat()).empty());
    CHECK(halvingPyramid(cv::Mat(300, 500, CV_8UC1), 256).size() == 1);
}
