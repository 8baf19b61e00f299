// loadImageRgb / loadImageAny / probeImageSize on files written by Pillow and OpenCV.
#include <catch2/catch.hpp>

#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/image/image_io.h"
#include "chiaro/image/photo.h"
#include "image_fixtures.h"
#include "test_support.h"

using namespace chiaro;
using test::fixturePath;
using test::maxDifference;
using test::pillowPixels;

namespace {

const cv::Size kSize(test::kFixtureWidth, test::kFixtureHeight);

// OpenCV's own reading (imread applies EXIF orientation with IMREAD_COLOR), in RGB order.
cv::Mat openCvRgb(const std::string& path) {
    const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    REQUIRE_FALSE(bgr.empty());
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

}  // namespace

TEST_CASE("lossless formats load as the exact RGB pixels", "[image][io]") {
    const cv::Mat expected = pillowPixels("rgb", 3);
    for (const char* name : {"rgb.png", "rgb.webp", "rgb.bmp", "rgb.tif"}) {
        INFO(name);
        const cv::Mat image = core::loadImageRgb(fixturePath(name));
        REQUIRE(image.type() == CV_8UC3);
        CHECK(maxDifference(image, expected) == 0);
        CHECK(core::probeImageSize(fixturePath(name)) == kSize);
    }
}

TEST_CASE("JPEG loads like Pillow decodes it", "[image][io]") {
    const cv::Mat image = core::loadImageRgb(fixturePath("rgb.jpg"));
    // Both use libjpeg; allow for a different IDCT or upsampling choice, not for a colour swap.
    CHECK(maxDifference(image, pillowPixels("rgb_jpg", 3)) <= 2);
    CHECK(cv::norm(image, pillowPixels("rgb", 3), cv::NORM_L1) / image.total() / 3 < 3.0);
    CHECK(core::probeImageSize(fixturePath("rgb.jpg")) == kSize);
}

TEST_CASE("grey, palette and 16-bit PNGs are converted to 8-bit RGB", "[image][io]") {
    cv::Mat greyRgb;
    cv::cvtColor(pillowPixels("grey", 1), greyRgb, cv::COLOR_GRAY2RGB);
    CHECK(maxDifference(core::loadImageRgb(fixturePath("grey.png")), greyRgb) == 0);
    CHECK(maxDifference(core::loadImageRgb(fixturePath("palette.png")), pillowPixels("palette", 3)) == 0);

    // grey16.png holds (i * 7) % 65536 at pixel i; 8-bit is value / 257, rounded.
    const cv::Mat grey16 = core::loadImageRgb(fixturePath("grey16.png"));
    REQUIRE(grey16.type() == CV_8UC3);
    for (int i = 0; i < kSize.area(); i += 37) {
        const auto expected = static_cast<int>(std::lround(((i * 7) % 65536) / 257.0));
        const cv::Vec3b px = grey16.at<cv::Vec3b>(i / kSize.width, i % kSize.width);
        INFO("pixel " << i);
        CHECK((px[0] == expected && px[1] == expected && px[2] == expected));
    }
}

TEST_CASE("16-bit RGB PNG written by OpenCV converts with value / 257 rounded", "[image][io]") {
    test::TempDir dir;
    cv::Mat bgr16(5, 300, CV_16UC3);
    for (int x = 0; x < bgr16.cols; ++x) {
        for (int y = 0; y < bgr16.rows; ++y) {
            bgr16.at<cv::Vec3w>(y, x) = cv::Vec3w(x * 218 + y, 65535 - x * 218, (x * 131 + y * 7) % 65536);
        }
    }
    REQUIRE(cv::imwrite(dir.file("rgb16.png"), bgr16));
    const cv::Mat rgb = core::loadImageRgb(dir.file("rgb16.png"));
    REQUIRE(rgb.type() == CV_8UC3);
    for (int y = 0; y < bgr16.rows; ++y) {
        for (int x = 0; x < bgr16.cols; ++x) {
            const cv::Vec3w in = bgr16.at<cv::Vec3w>(y, x);
            const cv::Vec3b out = rgb.at<cv::Vec3b>(y, x);
            for (int c = 0; c < 3; ++c) REQUIRE(out[2 - c] == std::lround(in[c] / 257.0));
        }
    }
}

TEST_CASE("CMYK JPEG loads as RGB close to Pillow's conversion", "[image][io]") {
    const cv::Mat image = core::loadImageRgb(fixturePath("cmyk.jpg"));
    REQUIRE(image.type() == CV_8UC3);
    REQUIRE(image.size() == kSize);
    // Different CMYK->RGB arithmetic and JPEG loss: close on average, not a colour inversion.
    const double meanError = cv::norm(image, pillowPixels("cmyk", 3), cv::NORM_L1) / image.total() / 3;
    CHECK(meanError < 4.0);
    CHECK(cv::norm(image, pillowPixels("rgb", 3), cv::NORM_L1) / image.total() / 3 < 6.0);
}

TEST_CASE("EXIF orientation is applied for all eight values", "[image][io]") {
    for (int orientation = 1; orientation <= 8; ++orientation) {
        INFO("orientation " << orientation);
        const std::string path = fixturePath("exif" + std::to_string(orientation) + ".jpg");
        const cv::Size upright = orientation >= 5 ? cv::Size(kSize.height, kSize.width) : kSize;
        const cv::Mat rgb = core::loadImageRgb(path);
        REQUIRE(rgb.size() == upright);
        CHECK(core::probeImageSize(path) == upright);
        // OpenCV's IMREAD_COLOR path rotates the same libjpeg output: exact.
        CHECK(maxDifference(rgb, openCvRgb(path)) == 0);
        // Pillow's ImageOps.exif_transpose: same picture up to JPEG decoder differences.
        CHECK(maxDifference(rgb, pillowPixels("exif" + std::to_string(orientation), 3, upright)) <= 2);
        const cv::Mat any = core::loadImageAny(path);
        CHECK(any.type() == CV_8UC3);
        CHECK(maxDifference(any, rgb) == 0);
    }
}

TEST_CASE("loadImageAny keeps alpha, loadImageRgb drops it", "[image][io]") {
    const cv::Mat rgba = core::loadImageAny(fixturePath("rgba.png"));
    REQUIRE(rgba.type() == CV_8UC4);
    CHECK(maxDifference(rgba, pillowPixels("rgba", 4)) == 0);
    CHECK(maxDifference(core::loadImageRgb(fixturePath("rgba.png")), pillowPixels("rgb", 3)) == 0);

    const cv::Mat greyAlpha = core::loadImageAny(fixturePath("la.png"));
    REQUIRE(greyAlpha.type() == CV_8UC4);
    CHECK(maxDifference(greyAlpha, pillowPixels("la", 4)) == 0);

    const cv::Mat paletteAlpha = core::loadImageAny(fixturePath("palette_trns.png"));
    REQUIRE(paletteAlpha.type() == CV_8UC4);
    CHECK(maxDifference(paletteAlpha, pillowPixels("palette_trns", 4)) == 0);

    const cv::Mat opaque = core::loadImageAny(fixturePath("rgb.png"));
    CHECK(opaque.type() == CV_8UC3);
}

TEST_CASE("the shared photos load at their real size", "[image][io]") {
    const std::string dir = test::sharedDir() + "/data/photos/";
    // astronaut and chelsea carry HP's sRGB profile (treated as sRGB), rocket an Adobe RGB one.
    for (const char* name : {"astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"}) {
        INFO(name);
        const cv::Mat image = core::loadImageRgb(dir + name);
        CHECK(image.size() == core::probeImageSize(dir + name));
        const core::Photo photo = core::loadPhoto(dir + name);
        CHECK(maxDifference(photo.pixels, openCvRgb(dir + name)) == 0);
        if (std::string(name) == "rocket.jpg") {
            CHECK(photo.colourSpace == "Adobe RGB (1998)");
            CHECK(maxDifference(image, core::photoToSrgb8(photo)) == 0);
            CHECK(maxDifference(image, openCvRgb(dir + name)) > 10);
        } else {
            CHECK(photo.isSrgb());
            CHECK(maxDifference(image, openCvRgb(dir + name)) == 0);
        }
    }
}
