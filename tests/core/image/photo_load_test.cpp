// loadPhoto: profiles found in JPEG / PNG files written here (spliced in by hand), pixels kept as
// stored, broken or mismatched profiles dropped with a warning, and loadImageRgb unchanged for
// sRGB.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/image/photo.h"
#include "icc_test_files.h"
#include "image_fixtures.h"
#include "log_capture.h"
#include "python_reference.h"
#include "test_support.h"

using namespace chiaro;
using test::maxDifference;

namespace {

// A photo-like picture with saturated patches, so a colour conversion has something to move.
cv::Mat testPicture(cv::Size size = {96, 64}) {
    cv::Mat rgb(size, CV_8UC3);
    test::fillUniform(rgb, 0, 256);
    cv::GaussianBlur(rgb, rgb, {7, 7}, 2.0);  // JPEG-friendly: no pure noise
    rgb(cv::Rect(0, 0, 16, 16)).setTo(cv::Scalar(0, 255, 0));
    rgb(cv::Rect(16, 0, 16, 16)).setTo(cv::Scalar(40, 200, 60));
    return rgb;
}

cv::Mat naiveRgb(const std::string& path) {
    cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    REQUIRE_FALSE(bgr.empty());
    cv::cvtColor(bgr, bgr, cv::COLOR_BGR2RGB);
    return bgr;
}

void requireSrgbWithWarning(const std::string& path, const std::string& detail) {
    test::LogCapture log;
    const core::Photo photo = core::loadPhoto(path);
    INFO(log.text());
    CHECK(photo.isSrgb());
    CHECK(photo.colourSpace == "sRGB");
    CHECK(log.warnings() == 1);
    CHECK(log.text().find(path) != std::string::npos);
    CHECK(log.text().find(detail) != std::string::npos);
    CHECK(maxDifference(photo.pixels, naiveRgb(path)) == 0);
    CHECK(maxDifference(core::loadImageRgb(path), naiveRgb(path)) == 0);
}

}  // namespace

TEST_CASE("loadPhoto returns a JPEG's Adobe RGB profile and its pixels untouched",
          "[image][photo]") {
    test::TempDir dir;
    const std::string profile = test::adobeRgbProfile();
    const std::string jpeg = test::encodeJpeg(testPicture());
    const cv::Mat decoded = test::openCvDecodeRgb(jpeg);
    struct Case {
        const char* name;
        int segments;
        std::vector<int> order;
    };
    for (const Case& c :
         {Case{"one.jpg", 1, {}}, Case{"three.jpg", 3, {}}, Case{"shuffled.jpg", 3, {2, 3, 1}}}) {
        INFO(c.name);
        test::writeFile(dir.file(c.name), test::withJpegIcc(jpeg, profile, c.segments, c.order));
        const core::Photo photo = core::loadPhoto(dir.file(c.name));
        CHECK(photo.iccProfile == profile);
        CHECK(photo.colourSpace == "Adobe RGB (1998)");
        CHECK_FALSE(photo.isSrgb());
        CHECK(photo.bitDepth() == 8);
        CHECK(photo.alpha.empty());
        REQUIRE(photo.pixels.type() == CV_8UC3);
        CHECK(maxDifference(photo.pixels, decoded) == 0);
    }
}

TEST_CASE("an Adobe RGB green converts to sRGB like an independent LittleCMS conversion",
          "[image][photo]") {
    test::TempDir dir;
    const std::string profile = test::adobeRgbProfile();
    const cv::Mat picture = testPicture();
    const std::string path = dir.file("adobe.png");
    test::writeFile(
        path, test::withPngChunk(test::encodePngPlain(picture), "iCCP", test::iccpData(profile)));

    const core::Photo photo = core::loadPhoto(path);
    REQUIRE(photo.iccProfile == profile);
    CHECK(maxDifference(photo.pixels, picture) == 0);
    const cv::Mat srgb = core::photoToSrgb8(photo);
    REQUIRE(srgb.type() == CV_8UC3);
    CHECK(maxDifference(srgb, test::referenceToSrgb8(picture, profile)) <= 1);
    CHECK(maxDifference(core::loadImageRgb(path), srgb) == 0);

    // Adobe RGB's green primary lies outside sRGB: in sRGB numbers the same green is purer (less
    // red and blue against more green) than the naive reading of the file's numbers.
    const cv::Vec3b naive = picture.at<cv::Vec3b>(8, 24);
    const cv::Vec3b managed = srgb.at<cv::Vec3b>(8, 24);
    INFO("naive " << naive << " managed " << managed);
    CHECK(managed[0] < naive[0]);
    CHECK(managed[2] < naive[2]);
    CHECK(managed[1] - managed[0] > naive[1] - naive[0]);
}

TEST_CASE("a 16-bit PNG with a profile keeps its exact samples", "[image][photo]") {
    test::TempDir dir;
    const std::string profile = test::adobeRgbProfile();
    cv::Mat rgb16(40, 70, CV_16UC3);
    test::fillUniform(rgb16, 0, 65536);
    const std::string path = dir.file("adobe16.png");
    test::writeFile(
        path, test::withPngChunk(test::encodePngPlain(rgb16), "iCCP", test::iccpData(profile)));

    const core::Photo photo = core::loadPhoto(path);
    REQUIRE(photo.pixels.type() == CV_16UC3);
    CHECK(photo.bitDepth() == 16);
    CHECK(photo.iccProfile == profile);
    CHECK(maxDifference(photo.pixels, rgb16) == 0);
    CHECK(maxDifference(core::photoToSrgb8(photo), test::referenceToSrgb8(rgb16, profile)) <= 1);
}

TEST_CASE("sRGB files load through loadImageRgb exactly as OpenCV decodes them", "[image][photo]") {
    test::TempDir dir;
    const std::string jpeg = test::encodeJpeg(testPicture());
    test::writeFile(dir.file("plain.jpg"), jpeg);
    // An embedded sRGB profile is recognised as sRGB: no conversion, bit-exact model input.
    test::writeFile(dir.file("tagged.jpg"), test::withJpegIcc(jpeg, test::srgbProfileBytes(), 1));
    test::writeFile(dir.file("plain.png"), test::encodePngPlain(testPicture()));
    for (const char* name : {"plain.jpg", "tagged.jpg", "plain.png"}) {
        INFO(name);
        test::LogCapture log;
        const core::Photo photo = core::loadPhoto(dir.file(name));
        CHECK(photo.isSrgb());
        CHECK(photo.colourSpace == "sRGB");
        CHECK(log.warnings() == 0);
        CHECK(maxDifference(core::loadImageRgb(dir.file(name)), naiveRgb(dir.file(name))) == 0);
    }
}

TEST_CASE("EXIF orientation is applied by loadPhoto", "[image][photo]") {
    for (int orientation = 1; orientation <= 8; ++orientation) {
        INFO("orientation " << orientation);
        const std::string path = test::fixturePath("exif" + std::to_string(orientation) + ".jpg");
        const core::Photo photo = core::loadPhoto(path);
        CHECK(photo.pixels.size() == core::probeImageSize(path));
        CHECK(maxDifference(photo.pixels, naiveRgb(path)) == 0);  // imread applies the orientation
    }
}

TEST_CASE("broken or mismatched profiles load as sRGB with one warning naming the file",
          "[image][photo]") {
    test::TempDir dir;
    std::mt19937 random(17);
    std::string noise(3000, '\0');
    for (char& c : noise)
        c = static_cast<char>(random());
    const std::string jpeg = test::encodeJpeg(testPicture());
    const std::string png = test::encodePngPlain(testPicture());
    const std::string profile = test::adobeRgbProfile();

    test::writeFile(dir.file("noise.png"), test::withPngChunk(png, "iCCP", test::iccpData(noise)));
    requireSrgbWithWarning(dir.file("noise.png"), "unreadable");
    test::writeFile(dir.file("not_zlib.png"),
                    test::withPngChunk(png, "iCCP", std::string("x\0\0", 3) + noise));
    requireSrgbWithWarning(dir.file("not_zlib.png"), "iCCP");
    std::string noiseSegment("ICC_PROFILE\0\x01\x01", 14);
    test::writeFile(dir.file("noise.jpg"), test::withJpegApp2(jpeg, {noiseSegment + noise}));
    requireSrgbWithWarning(dir.file("noise.jpg"), "unreadable");
    test::writeFile(dir.file("missing_part.jpg"), test::withJpegIcc(jpeg, profile, 3, {1, 3}));
    requireSrgbWithWarning(dir.file("missing_part.jpg"), "2 of 3");
    test::writeFile(dir.file("short_segment.jpg"),
                    test::withJpegApp2(jpeg, {std::string("ICC_PROFILE\0\x01", 13)}));
    requireSrgbWithWarning(dir.file("short_segment.jpg"), "truncated");
    test::writeFile(dir.file("grey_on_rgb.jpg"),
                    test::withJpegIcc(jpeg, test::greyProfile(1.0), 1));
    requireSrgbWithWarning(dir.file("grey_on_rgb.jpg"), "GRAY");
    // A damaged header: the colour-space field (bytes 16..19) holds no known signature and no
    // printable code. Found by fuzz_image_load; the value must be named, not cast to the enum.
    std::string damaged = profile;
    damaged.replace(16, 4, std::string("\xA7\x47\x3F\x20", 4));
    test::writeFile(dir.file("damaged_space.png"),
                    test::withPngChunk(png, "iCCP", test::iccpData(damaged)));
    requireSrgbWithWarning(dir.file("damaged_space.png"), "unknown colour space 0xA7473F20");
}

TEST_CASE("a grey image with a grey profile is converted to sRGB", "[image][photo]") {
    test::TempDir dir;
    cv::Mat grey(8, 256, CV_8UC1);
    for (int x = 0; x < grey.cols; ++x)
        grey.col(x).setTo(x);
    const std::string path = dir.file("linear_grey.png");
    test::writeFile(path, test::withPngChunk(test::encodePngPlain(grey), "iCCP",
                                             test::iccpData(test::greyProfile(1.0))));

    test::LogCapture log;
    const core::Photo photo = core::loadPhoto(path);
    CHECK(log.warnings() == 0);
    CHECK(photo.isSrgb());
    REQUIRE(photo.pixels.type() == CV_8UC3);
    // Linear 50% grey is sRGB 188 (IEC 61966-2-1: 1.055 * 0.5^(1/2.4) - 0.055 = 0.7354).
    const cv::Vec3b mid = photo.pixels.at<cv::Vec3b>(0, 128);
    INFO("mid grey " << mid);
    CHECK(std::abs(mid[0] - 188) <= 1);
    CHECK((mid[0] == mid[1] && mid[1] == mid[2]));
    CHECK(photo.pixels.at<cv::Vec3b>(0, 0) == cv::Vec3b(0, 0, 0));
    CHECK(photo.pixels.at<cv::Vec3b>(0, 255) == cv::Vec3b(255, 255, 255));
}

TEST_CASE("a CMYK JPEG with a CMYK profile is refused, without one it still loads",
          "[image][photo]") {
    test::TempDir dir;
    const std::string path = dir.file("cmyk_profile.jpg");
    const std::string cmyk = core::readFileBytes(test::fixturePath("cmyk.jpg"));
    test::writeFile(path, test::withJpegIcc(cmyk, test::cmykProfile(), 1));
    try {
        core::loadPhoto(path);
        FAIL("a CMYK JPEG with a CMYK profile loaded");
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::BadInput);
        CHECK(std::string(e.what()).find(path) != std::string::npos);
        CHECK(std::string(e.what()).find("convert it to RGB first") != std::string::npos);
    }
    test::LogCapture log;
    const core::Photo plain = core::loadPhoto(test::fixturePath("cmyk.jpg"));
    CHECK(plain.pixels.type() == CV_8UC3);
    CHECK(log.text().find("CMYK") != std::string::npos);
}

TEST_CASE("a 12-bit JPEG is refused as such", "[image][photo]") {
    test::TempDir dir;
    std::string jpeg = test::encodeJpeg(testPicture());
    const size_t sof = jpeg.find("\xFF\xC0");
    REQUIRE(sof != std::string::npos);
    jpeg[sof + 4] = 12;  // the frame's sample precision
    const std::string path = dir.file("twelve.jpg");
    test::writeFile(path, jpeg);
    try {
        core::loadPhoto(path);
        FAIL("a 12-bit JPEG loaded");
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::BadInput);
        CHECK(std::string(e.what()).find(path + ": a 12-bit JPEG") == 0);
    }
}

TEST_CASE("a float TIFF becomes 16-bit", "[image][photo]") {
    test::TempDir dir;
    cv::Mat bgr(10, 20, CV_32FC3);
    test::fillUniform(bgr, 0.0f, 1.0f);
    bgr.at<cv::Vec3f>(0, 0) = cv::Vec3f(-0.5f, 1.5f, 0.5f);  // out of range: clamped
    const std::string path = dir.file("float.tif");
    REQUIRE(cv::imwrite(path, bgr));
    // OpenCV stores float RGB as (lossy) SGILOG: compare with what it decodes, not with `bgr`.
    const cv::Mat stored = cv::imread(path, cv::IMREAD_UNCHANGED);
    REQUIRE(stored.type() == CV_32FC3);
    const core::Photo photo = core::loadPhoto(path);
    REQUIRE(photo.pixels.type() == CV_16UC3);
    for (int y = 0; y < stored.rows; ++y) {
        for (int x = 0; x < stored.cols; ++x) {
            const cv::Vec3f in = stored.at<cv::Vec3f>(y, x);
            const cv::Vec3w out = photo.pixels.at<cv::Vec3w>(y, x);
            for (int c = 0; c < 3; ++c) {
                const long expected = std::lround(std::clamp(in[2 - c], 0.0f, 1.0f) * 65535.0);
                REQUIRE(std::abs(out[c] - expected) <= 1);
            }
        }
    }
}

TEST_CASE("WebP and TIFF profiles written by Pillow are found", "[image][photo]") {
    test::TempDir dir;
    const std::string profile = test::adobeRgbProfile();
    test::writeFile(dir.file("adobe.icc"), profile);
    test::writeFile(dir.file("picture.png"), test::encodePngPlain(testPicture()));
    test::runPython(
        "import sys; from PIL import Image\n"
        "icc = open(sys.argv[1], 'rb').read(); im = Image.open(sys.argv[2])\n"
        "im.save(sys.argv[3], lossless=True, icc_profile=icc); im.save(sys.argv[4], "
        "icc_profile=icc)\n",
        {dir.file("adobe.icc"), dir.file("picture.png"), dir.file("adobe.webp"),
         dir.file("adobe.tif")});
    for (const char* name : {"adobe.webp", "adobe.tif"}) {
        INFO(name);
        const core::Photo photo = core::loadPhoto(dir.file(name));
        CHECK(photo.iccProfile == profile);
        CHECK(photo.colourSpace == "Adobe RGB (1998)");
        CHECK(maxDifference(photo.pixels, testPicture()) == 0);
    }
}
