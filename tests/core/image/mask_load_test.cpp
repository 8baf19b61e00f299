// loadMask: grey masks, alpha masks, colour masks, and resizing to the image's size.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>

#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"
#include "image_fixtures.h"
#include "log_capture.h"
#include "test_support.h"

using namespace chiaro;

namespace {

// A left-half-selected mask with a soft edge.
cv::Mat makeMask(cv::Size size) {
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(0, 0, size.width / 2, size.height)).setTo(255);
    mask.col(size.width / 2).setTo(128);
    return mask;
}

}  // namespace

TEST_CASE("a grey PNG mask loads unchanged", "[image][mask-io]") {
    test::TempDir dir;
    const cv::Mat mask = makeMask({64, 48});
    REQUIRE(cv::imwrite(dir.file("mask.png"), mask));
    const cv::Mat loaded = core::loadMask(dir.file("mask.png"), {64, 48});
    REQUIRE(loaded.type() == CV_8UC1);
    CHECK(cv::norm(loaded, mask, cv::NORM_INF) == 0);
}

TEST_CASE("an RGBA mask uses its alpha channel", "[image][mask-io]") {
    test::TempDir dir;
    const cv::Mat alpha = makeMask({40, 30});
    cv::Mat bgra(alpha.size(), CV_8UC4, cv::Scalar(200, 10, 90, 0));  // colour unrelated to the mask
    cv::insertChannel(alpha, bgra, 3);
    REQUIRE(cv::imwrite(dir.file("cutout.png"), bgra));
    const cv::Mat loaded = core::loadMask(dir.file("cutout.png"));
    REQUIRE(loaded.type() == CV_8UC1);
    CHECK(cv::norm(loaded, alpha, cv::NORM_INF) == 0);
}

TEST_CASE("colour masks, and RGBA masks with an opaque alpha, use the luminance", "[image][mask-io]") {
    test::TempDir dir;
    const cv::Mat mask = makeMask({40, 30});
    cv::Mat bgr;
    cv::cvtColor(mask, bgr, cv::COLOR_GRAY2BGR);
    REQUIRE(cv::imwrite(dir.file("rgb_mask.png"), bgr));
    CHECK(cv::norm(core::loadMask(dir.file("rgb_mask.png")), mask, cv::NORM_INF) == 0);
    cv::Mat bgra;
    cv::cvtColor(mask, bgra, cv::COLOR_GRAY2BGRA);  // alpha 255 everywhere
    REQUIRE(cv::imwrite(dir.file("opaque_mask.png"), bgra));
    CHECK(cv::norm(core::loadMask(dir.file("opaque_mask.png")), mask, cv::NORM_INF) == 0);
}

TEST_CASE("a mask of another size is resized to the expected size with a warning", "[image][mask-io]") {
    test::TempDir dir;
    REQUIRE(cv::imwrite(dir.file("small.png"), makeMask({50, 40})));
    test::LogCapture log;
    const cv::Mat loaded = core::loadMask(dir.file("small.png"), {100, 80});
    REQUIRE(loaded.size() == cv::Size(100, 80));
    REQUIRE(loaded.type() == CV_8UC1);
    // Away from the edge the selection is kept: left selected, right not.
    CHECK(cv::countNonZero(loaded(cv::Rect(0, 0, 45, 80)) != 255) == 0);
    CHECK(cv::countNonZero(loaded(cv::Rect(55, 0, 45, 80))) == 0);
    CHECK(log.text().find("small.png") != std::string::npos);
    CHECK(log.text().find("resized") != std::string::npos);

    // Same size: no warning.
    test::LogCapture quiet;
    core::loadMask(dir.file("small.png"), {50, 40});
    CHECK(quiet.text().find("resized") == std::string::npos);
}
