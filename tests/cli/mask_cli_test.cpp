#include <catch2/catch.hpp>

#include <cstdio>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "test_support.h"

using chiaro::test::runCli;
using chiaro::test::TempDir;

namespace {

// A photo with a known subject: an elliptical cut-out of coffee.png pasted onto chelsea.png at
// `box`. Written as PNG (BGR on disk, as OpenCV writes it); returns the true mask.
cv::Mat writeScene(const std::string& path, const cv::Rect& box) {
    const std::string photos = chiaro::test::sharedDir() + "/data/photos/";
    cv::Mat scene = cv::imread(photos + "chelsea.png", cv::IMREAD_COLOR);
    const cv::Mat object = cv::imread(photos + "coffee.png", cv::IMREAD_COLOR)(cv::Rect(150, 60, box.width, box.height));
    REQUIRE_FALSE(scene.empty());
    cv::Mat shape = cv::Mat::zeros(box.size(), CV_8UC1);
    cv::ellipse(shape, {box.width / 2, box.height / 2}, box.size() / 2 - cv::Size(1, 1), 0, 0, 360, cv::Scalar(255),
                cv::FILLED);
    object.copyTo(scene(box), shape);
    REQUIRE(cv::imwrite(path, scene));
    cv::Mat truth = cv::Mat::zeros(scene.size(), CV_8UC1);
    shape.copyTo(truth(box));
    return truth;
}

double iou(const cv::Mat& a, const cv::Mat& b) {
    return double(cv::countNonZero((a >= 128) & (b >= 128))) / cv::countNonZero((a >= 128) | (b >= 128));
}

}  // namespace

TEST_CASE("mask --rect writes a GrabCut mask of the subject", "[cli][mask]") {
    TempDir dir;
    const cv::Mat truth = writeScene(dir.file("scene.png"), {120, 50, 260, 200});
    const auto r = runCli({"mask", dir.file("scene.png"), "-o", dir.file("scene_mask.png"), "--rect", "108,38,284,224"});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("scene_mask.png") != std::string::npos);
    const cv::Mat mask = cv::imread(dir.file("scene_mask.png"), cv::IMREAD_UNCHANGED);
    REQUIRE(mask.type() == CV_8UC1);
    REQUIRE(mask.size() == truth.size());
    CHECK(iou(mask, truth) >= 0.9);
}

TEST_CASE("mask without --rect finds the subject and reports its box as JSON", "[cli][mask]") {
    TempDir dir;
    // The subject roughly fills the middle, as in a product shot.
    const cv::Mat truth = writeScene(dir.file("centred.png"), {95, 50, 260, 200});
    const auto r = runCli({"mask", dir.file("centred.png"), "-o", dir.file("m.png"), "--json"});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"coverage\"") != std::string::npos);
    const cv::Mat mask = cv::imread(dir.file("m.png"), cv::IMREAD_GRAYSCALE);
    REQUIRE(mask.size() == truth.size());
    CHECK(iou(mask, truth) >= 0.8);
    const cv::Rect box = cv::boundingRect(mask);  // "rect" is what was selected when none was given
    const std::string rect = "\"rect\":[" + std::to_string(box.x) + "," + std::to_string(box.y) + "," +
                             std::to_string(box.width) + "," + std::to_string(box.height) + "]";
    CHECK(r.out.find(rect) != std::string::npos);
}

TEST_CASE("mask without --rect follows a subject out of the frame, the default box cannot", "[cli][mask]") {
    TempDir dir;
    // A product cut by the bottom edge, over the cat photo defocused like a studio backdrop.
    const std::string photos = chiaro::test::sharedDir() + "/data/photos/";
    cv::Mat scene = cv::imread(photos + "chelsea.png", cv::IMREAD_COLOR);
    REQUIRE_FALSE(scene.empty());
    cv::GaussianBlur(scene, scene, cv::Size(), 8.0);
    cv::Mat truth = cv::Mat::zeros(scene.size(), CV_8UC1);
    cv::ellipse(truth, {225, 300}, {90, 170}, 0, 0, 360, cv::Scalar(255), cv::FILLED);
    const cv::Mat texture = cv::imread(photos + "coffee.png", cv::IMREAD_COLOR)(cv::Rect(0, 0, scene.cols, scene.rows));
    texture.copyTo(scene, truth);
    REQUIRE(cv::imwrite(dir.file("cut.png"), scene));

    const auto found = runCli({"mask", dir.file("cut.png"), "-o", dir.file("found.png")});
    const auto boxed = runCli({"mask", dir.file("cut.png"), "-o", dir.file("boxed.png"), "--rect", "34,23,383,254"});
    INFO(found.err << boxed.err);
    REQUIRE(found.exitCode == 0);
    REQUIRE(boxed.exitCode == 0);
    const cv::Mat mask = cv::imread(dir.file("found.png"), cv::IMREAD_GRAYSCALE);
    const cv::Mat inBox = cv::imread(dir.file("boxed.png"), cv::IMREAD_GRAYSCALE);
    const cv::Mat bottom = truth.row(truth.rows - 1);
    CHECK(cv::countNonZero(mask.row(mask.rows - 1) & bottom) >= 0.9 * cv::countNonZero(bottom));
    CHECK(cv::countNonZero(inBox.row(inBox.rows - 1)) == 0);  // GrabCut never leaves its box
    CHECK(iou(mask, truth) >= 0.9);
    CHECK(iou(mask, truth) > iou(inBox, truth) + 0.1);
}

TEST_CASE("mask answers bad input, bad rectangles and unsupported methods with exit codes", "[cli][mask]") {
    TempDir dir;
    writeScene(dir.file("scene.png"), {120, 50, 260, 200});
    const std::string scene = dir.file("scene.png"), out = dir.file("out.png");
    FILE* f = std::fopen(dir.file("broken.png").c_str(), "w");
    std::fputs("not a picture", f);
    std::fclose(f);

    auto unreadable = runCli({"mask", dir.file("broken.png"), "-o", out});
    CHECK(unreadable.exitCode == 3);
    CHECK(unreadable.err.find("broken.png") != std::string::npos);
    CHECK(runCli({"mask", dir.file("missing.png"), "-o", out}).exitCode == 3);

    for (const char* rect : {"10,10,abc", "1,2,3", "0,0,0,40", "-5,0,10,10", "400,250,100,100", "0,0,451,300"}) {
        INFO(rect);
        const auto r = runCli({"mask", scene, "-o", out, "--rect", rect});
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("rect") != std::string::npos);
    }
    CHECK(runCli({"mask", scene, "-o", out, "--auto-mask", "segmenter"}).exitCode == 4);
    CHECK(runCli({"mask", scene, "-o", out, "--auto-mask", "magic"}).exitCode == 2);
    CHECK(runCli({"mask", scene}).exitCode == 2);                  // no -o
    CHECK(runCli({"mask", scene, "-o", scene}).exitCode == 2);     // would overwrite the input
    std::FILE* left = std::fopen(out.c_str(), "r");
    CHECK(left == nullptr);  // no failed run left a file behind
    if (left) std::fclose(left);
}

TEST_CASE("mask --auto-mask segmenter|auto uses the bundle's segmenter.pt", "[cli][mask][segmenter]") {
    TempDir dir;
    const std::string scene = dir.file("scene.png"), out = dir.file("seg.png");
    writeScene(scene, cv::Rect(150, 80, 150, 140));
    const std::string withSeg = chiaro::test::bundleDir("tiny_seg");

    const auto r = runCli({"mask", scene, "-o", out, "--auto-mask", "segmenter", "--models", withSeg, "--json"});
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"method\":\"segmenter\"") != std::string::npos);
    const cv::Mat matte = cv::imread(out, cv::IMREAD_UNCHANGED);
    REQUIRE(matte.type() == CV_8UC1);
    CHECK(matte.size() == cv::Size(451, 300));  // chelsea.png's size: the matte fits the photo

    // auto picks the segmenter when the bundle has one, GrabCut otherwise.
    const auto automatic = runCli({"mask", scene, "-o", dir.file("auto.png"), "--auto-mask", "auto", "--models",
                                   withSeg, "--json"});
    CHECK(automatic.exitCode == 0);
    CHECK(automatic.out.find("\"method\":\"segmenter\"") != std::string::npos);
    const auto fallback = runCli({"mask", scene, "-o", dir.file("auto2.png"), "--auto-mask", "auto", "--models",
                                  chiaro::test::bundleDir("tiny_fc"), "--json"});
    CHECK(fallback.exitCode == 0);
    CHECK(fallback.out.find("\"method\":\"grabcut\"") != std::string::npos);

    // A bundle without segmenter.pt: exit 4 with one line naming the bundle, no output.
    const auto missing = runCli({"mask", scene, "-o", dir.file("none.png"), "--auto-mask", "segmenter", "--models",
                                 chiaro::test::bundleDir("tiny_fc")});
    CHECK(missing.exitCode == 4);
    CHECK(missing.err.find("segmenter.pt") != std::string::npos);
    CHECK_FALSE(cv::haveImageReader(dir.file("none.png")));
}
