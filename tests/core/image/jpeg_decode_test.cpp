// Issue #24: JPEG pixels through libjpeg with our message handler. Every kind of JPEG decodes to
// exactly what OpenCV's codec gave (same library, same defaults), and a damaged-but-readable photo
// no longer prints libjpeg's warning to stderr: it goes to the debug log.
#include <catch2/catch.hpp>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "image/jpeg_decode.h"
#include "decode_test_util.h"
#include "image_fixtures.h"
#include "log_capture.h"
#include "test_support.h"

using namespace chiaro;
using test::identical;
using test::opencvDecode;
using test::stderrOf;

namespace {

std::string encoded(const cv::Mat& image, std::vector<int> params) {
    std::vector<uchar> out;
    REQUIRE(cv::imencode(".jpg", image, out, params));
    return std::string(out.begin(), out.end());
}

}  // namespace

TEST_CASE("JPEG decoding gives OpenCV's pixels for photos, grey, optimised and progressive files", "[image][jpeg]") {
    std::vector<std::pair<std::string, std::string>> files = {
        {"rocket.jpg", core::readFileBytes(test::sharedDir() + "/data/photos/rocket.jpg")},
        {"rgb.jpg", core::readFileBytes(test::fixturePath("rgb.jpg"))},
        {"exif6.jpg", core::readFileBytes(test::fixturePath("exif6.jpg"))},
    };
    cv::Mat colour(97, 131, CV_8UC3), grey(97, 131, CV_8UC1);
    cv::RNG(11).fill(colour, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(colour, colour, {5, 5}, 1.5);
    cv::RNG(12).fill(grey, cv::RNG::UNIFORM, 0, 256);
    files.push_back({"grey", encoded(grey, {cv::IMWRITE_JPEG_QUALITY, 90})});
    files.push_back({"optimised", encoded(colour, {cv::IMWRITE_JPEG_OPTIMIZE, 1, cv::IMWRITE_JPEG_QUALITY, 100})});
    files.push_back({"progressive", encoded(colour, {cv::IMWRITE_JPEG_PROGRESSIVE, 1, cv::IMWRITE_JPEG_QUALITY, 70})});
    for (const auto& [name, bytes] : files) {
        INFO(name);
        const cv::Mat expected = opencvDecode(bytes);
        REQUIRE_FALSE(expected.empty());
        const auto ours = core::decodeJpeg(name, bytes);
        REQUIRE(ours.has_value());
        CHECK(identical(*ours, expected));
    }
}

TEST_CASE("a damaged-but-readable JPEG logs libjpeg's warning instead of printing it", "[image][jpeg]") {
    std::string bytes = core::readFileBytes(test::sharedDir() + "/data/photos/rocket.jpg");
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x55);  // one flipped byte
    // OpenCV's codec prints it: the check below can fail.
    cv::Mat expected;
    CHECK(stderrOf([&] { expected = opencvDecode(bytes); }).find("Corrupt JPEG data") != std::string::npos);

    test::LogCapture log;
    const auto level = core::coreLog().level();
    core::coreLog().set_level(spdlog::level::debug);
    std::optional<cv::Mat> decoded;
    const std::string printed = stderrOf([&] { decoded = core::decodeJpeg("damaged.jpg", bytes); });
    core::coreLog().set_level(level);
    CHECK(printed.empty());
    REQUIRE(decoded.has_value());
    CHECK(identical(*decoded, expected));
    CHECK(log.text().find("damaged.jpg: libjpeg: Corrupt JPEG data") != std::string::npos);
}

TEST_CASE("CMYK JPEGs are left to OpenCV, a JPEG libjpeg cannot read is one BadInput line", "[image][jpeg]") {
    CHECK_FALSE(core::decodeJpeg("cmyk.jpg", core::readFileBytes(test::fixturePath("cmyk.jpg"))).has_value());
    const std::string bytes = core::readFileBytes(test::fixturePath("rgb.jpg"));
    try {
        (void)core::decodeJpeg("cut.jpg", bytes.substr(0, 200));  // inside the headers
        FAIL("decoded a JPEG cut inside its headers");
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::BadInput);
        CHECK_THAT(std::string(e.what()), Catch::StartsWith("cut.jpg: cannot decode the JPEG: "));
        CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
}
