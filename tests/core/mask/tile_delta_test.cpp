#include <catch2/catch.hpp>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/mask/tile_delta.h"

using namespace chiaro::core;

namespace {
bool same(const cv::Mat& a, const cv::Mat& b) { return cv::countNonZero(a != b) == 0; }
}  // namespace

TEST_CASE("a tile delta undoes and redoes an edit exactly, including border tiles", "[mask]") {
    // 130 x 97 is not a multiple of the 64 px tile: the right and bottom tiles are partial.
    cv::Mat before(97, 130, CV_8UC1);
    cv::randu(before, 0, 256);  // noise: the worst case for the run-length coding
    cv::Mat after = before.clone();
    cv::circle(after, {120, 90}, 12, cv::Scalar(255), cv::FILLED);
    after.at<uint8_t>(3, 3) = static_cast<uint8_t>(before.at<uint8_t>(3, 3) ^ 1);

    const MaskTileDelta delta = MaskTileDelta::diff(before, after);
    CHECK(delta.tileCount() == 3);  // (0,0) for the single pixel; (64,64) and (128,64) for the disc
    CHECK(delta.bounds() == cv::Rect(0, 0, 130, 97));

    cv::Mat work = after.clone();
    delta.applyBefore(work);
    CHECK(same(work, before));
    delta.applyAfter(work);
    CHECK(same(work, after));
}

TEST_CASE("recording an edit keeps only the tiles it changed", "[mask]") {
    cv::Mat mask = cv::Mat::zeros(1000, 1500, CV_8UC1);
    const cv::Mat original = mask.clone();
    const MaskTileDelta delta = MaskTileDelta::record(mask, cv::Rect(100, 100, 300, 300), [](cv::Mat& m) {
        cv::rectangle(m, cv::Rect(130, 130, 100, 10), cv::Scalar(200), cv::FILLED);
    });
    CHECK(delta.tileCount() == 2);  // x 130..229 spans tiles 128 and 192, y 130..139 one row
    CHECK(delta.bounds() == cv::Rect(128, 128, 128, 64));
    CHECK(delta.byteSize() < 1024);  // two uniform-ish tiles, run-length coded
    cv::Mat undone = mask.clone();
    delta.applyBefore(undone);
    CHECK(same(undone, original));

    const MaskTileDelta nothing = MaskTileDelta::record(mask, {}, [](cv::Mat&) {});
    CHECK(nothing.empty());
    CHECK(nothing.bounds().empty());
}

TEST_CASE("tile deltas reject masks of another size", "[mask]") {
    cv::Mat a = cv::Mat::zeros(64, 64, CV_8UC1), b = cv::Mat::zeros(64, 65, CV_8UC1);
    CHECK_THROWS_AS(MaskTileDelta::diff(a, b), Error);
    cv::Mat big = cv::Mat::zeros(200, 200, CV_8UC1), changed = big.clone();
    changed.at<uint8_t>(150, 150) = 9;
    const MaskTileDelta delta = MaskTileDelta::diff(big, changed);
    cv::Mat small = cv::Mat::zeros(100, 100, CV_8UC1);
    CHECK_THROWS_AS(delta.applyBefore(small), Error);
}

TEST_CASE("tilesCovering clips to the mask and aligns to the grid", "[mask]") {
    const auto tiles = MaskTileDelta::tilesCovering({100, 70}, cv::Rect(60, 10, 10, 60));
    REQUIRE(tiles.size() == 4);
    CHECK(tiles[0] == cv::Rect(0, 0, 64, 64));
    CHECK(tiles[1] == cv::Rect(64, 0, 36, 64));
    CHECK(tiles[2] == cv::Rect(0, 64, 64, 6));
    CHECK(tiles[3] == cv::Rect(64, 64, 36, 6));
    CHECK(MaskTileDelta::tilesCovering({100, 70}, cv::Rect(200, 200, 5, 5)).empty());
}
