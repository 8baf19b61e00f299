#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/mask/grabcut.h"
#include "chiaro/mask/subject_selection.h"
#include "segmentation_scene.h"
#include "test_support.h"

using namespace chiaro::core;
using chiaro::test::SegCondition;

// Seeds: selectSubject's thresholds were tuned on seeds 0..11 of every condition (the hidden
// "[grabcut-eval]" case prints them); the checks below run on seeds 1000..1011, a disjoint range
// that played no part in the tuning.
namespace {

constexpr unsigned kTuneFirst = 0, kTuneCount = 12;
constexpr unsigned kHeldOutFirst = 1000, kHeldOutCount = 12;

using Selector = std::function<cv::Mat(const cv::Mat&)>;

double iou(const cv::Mat& a, const cv::Mat& b) {
    const double inter = cv::countNonZero((a >= 128) & (b >= 128));
    const double uni = cv::countNonZero((a >= 128) | (b >= 128));
    return uni > 0 ? inter / uni : 1.0;
}

struct Score {
    double sum = 0, worst = 1;
    int count = 0;
    void add(double v) {
        sum += v;
        worst = std::min(worst, v);
        ++count;
    }
    double mean() const { return count ? sum / count : 0; }
};

struct Evaluation {
    Score all;
    Score perCondition[chiaro::test::kSegConditionCount];
    double seconds = 0;
};

// Scores `select` on `count` seeds of every condition; writes the scenes and masks to $CHIARO_SEG_DUMP
// when that is set, to look at failures.
Evaluation evaluate(const Selector& select, unsigned first, unsigned count, const char* label) {
    Evaluation e;
    const char* dump = std::getenv("CHIARO_SEG_DUMP");
    const auto start = std::chrono::steady_clock::now();
    for (int c = 0; c < chiaro::test::kSegConditionCount; ++c)
        for (unsigned seed = first; seed < first + count; ++seed) {
            const auto scene = chiaro::test::renderSegmentationScene(static_cast<SegCondition>(c), seed);
            const cv::Mat mask = select(scene.rgb);
            const double v = iou(mask, scene.truth);
            e.all.add(v);
            e.perCondition[c].add(v);
            if (dump) {
                const std::string base = std::string(dump) + "/" + label + "_" +
                                         chiaro::test::segConditionName(scene.condition) + "_" + std::to_string(seed);
                cv::Mat bgr;
                cv::cvtColor(scene.rgb, bgr, cv::COLOR_RGB2BGR);
                cv::imwrite(base + "_rgb.png", bgr);
                cv::imwrite(base + "_mask.png", mask);
                cv::imwrite(base + "_truth.png", scene.truth);
                std::printf("%s %s %u iou %.3f\n", label, chiaro::test::segConditionName(scene.condition), seed, v);
            }
        }
    e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return e;
}

void print(const char* label, const Evaluation& e) {
    std::printf("%-22s mean %.3f worst %.3f (%d scenes, %.1f s)\n", label, e.all.mean(), e.all.worst, e.all.count,
                e.seconds);
    for (int c = 0; c < chiaro::test::kSegConditionCount; ++c)
        std::printf("    %-15s mean %.3f worst %.3f\n", chiaro::test::segConditionName(static_cast<SegCondition>(c)),
                    e.perCondition[c].mean(), e.perCondition[c].worst);
}

cv::Mat defaultRect(const cv::Mat& rgb) { return grabCutFromRect(rgb, defaultSubjectRect(rgb.size())); }
cv::Mat automatic(const cv::Mat& rgb) { return selectSubject(rgb); }

}  // namespace

// Issue #21's goal is a mean IoU of at least 0.92: selectSubject measures 0.930 on these held-out
// scenes (the default rectangle 0.67). The per-condition floors sit under what it measures; clutter
// (a sharp, busy background with objects of its own, 0.64) is the weak spot.
TEST_CASE("subject selection on held-out synthetic photos", "[grabcut][mask]") {
    const Evaluation e = evaluate(automatic, kHeldOutFirst, kHeldOutCount, "held-out");
    print("selectSubject held-out", e);
    CHECK(e.all.mean() >= 0.92);
    const auto floor = [](SegCondition c) {
        switch (c) {
            case SegCondition::TouchTwoEdges: return 0.93;
            case SegCondition::LowContrast: return 0.9;
            case SegCondition::Clutter: return 0.6;
            default: return 0.95;
        }
    };
    for (int c = 0; c < chiaro::test::kSegConditionCount; ++c) {
        INFO(chiaro::test::segConditionName(static_cast<SegCondition>(c)));
        CHECK(e.perCondition[c].mean() >= floor(static_cast<SegCondition>(c)));
    }
}

// Not run by default (a few minutes): prints before/after numbers on both seed ranges.
// CHIARO_SEG_EVAL=rect or =select runs one of the two; CHIARO_SEG_FRESH=FIRST,COUNT adds a third range.
TEST_CASE("subject selection evaluation, default rectangle vs selectSubject", "[.][grabcut-eval]") {
    const char* only = std::getenv("CHIARO_SEG_EVAL");
    const bool rect = !only || std::string(only) == "rect", select = !only || std::string(only) == "select";
    if (rect) print("rect tune", evaluate(defaultRect, kTuneFirst, kTuneCount, "rect-tune"));
    if (select) print("select tune", evaluate(automatic, kTuneFirst, kTuneCount, "select-tune"));
    if (rect) print("rect held-out", evaluate(defaultRect, kHeldOutFirst, kHeldOutCount, "rect-held"));
    if (select) print("select held-out", evaluate(automatic, kHeldOutFirst, kHeldOutCount, "select-held"));
    if (const char* fresh = std::getenv("CHIARO_SEG_FRESH")) {  // "FIRST,COUNT": a range no one has looked at
        unsigned first = 0, count = 0;
        if (std::sscanf(fresh, "%u,%u", &first, &count) == 2) {
            if (rect) print("rect fresh", evaluate(defaultRect, first, count, "rect-fresh"));
            if (select) print("select fresh", evaluate(automatic, first, count, "select-fresh"));
        }
    }
    // Time on a 24 MP photo at the default working size.
    const auto scene = chiaro::test::renderSegmentationScene(SegCondition::Centred, kHeldOutFirst);
    cv::Mat big;
    cv::resize(scene.rgb, big, cv::Size(6000, 4000), 0, 0, cv::INTER_LINEAR);
    for (const auto& [name, fn] : {std::pair<const char*, Selector>{"rect", defaultRect}, {"select", automatic}}) {
        const auto start = std::chrono::steady_clock::now();
        fn(big);
        std::printf("%s on 24 MP: %.1f s\n", name,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
}

TEST_CASE("subject selection lets a subject cropped by the frame reach the frame", "[grabcut][mask]") {
    // The default rectangle can never reach the frame; on held-out scenes whose subject runs out of
    // it, selectSubject must recover most of the subject along the frame and score better overall.
    double rectIou = 0, selectIou = 0;
    int selectAtFrame = 0, truthAtFrame = 0;
    for (unsigned seed = kHeldOutFirst; seed < kHeldOutFirst + 4; ++seed) {
        const auto scene = chiaro::test::renderSegmentationScene(SegCondition::TouchOneEdge, seed);
        const cv::Mat mask = selectSubject(scene.rgb);
        rectIou += iou(defaultRect(scene.rgb), scene.truth);
        selectIou += iou(mask, scene.truth);
        cv::Mat frame = cv::Mat::zeros(scene.rgb.size(), CV_8UC1);
        cv::rectangle(frame, cv::Rect(0, 0, frame.cols, frame.rows), cv::Scalar(255), 4);
        truthAtFrame += cv::countNonZero(scene.truth & frame);
        selectAtFrame += cv::countNonZero(mask & scene.truth & frame);
    }
    CHECK(selectIou > rectIou + 0.8);  // four scenes: more than 0.2 IoU better each on average
    CHECK(selectAtFrame >= truthAtFrame * 2 / 3);
}

TEST_CASE("subject selection gives the same mask whatever OpenCV's RNG did before", "[grabcut][mask]") {
    const auto scene = chiaro::test::renderSegmentationScene(SegCondition::Clutter, kHeldOutFirst + 2);
    const cv::Mat first = selectSubject(scene.rgb);
    cv::theRNG().next();  // another user of the thread's RNG in between
    cv::Mat noise(64, 64, CV_32F);
    cv::randu(noise, 0, 1);
    const cv::Mat second = selectSubject(scene.rgb);
    CHECK(cv::countNonZero(first != second) == 0);
    CHECK(cv::countNonZero(first) > 0);
}

TEST_CASE("subject selection leaves the photo as it was", "[grabcut][mask]") {
    // A noisy photo is denoised before its edges are read, on a copy: never in the caller's pixels.
    for (const SegCondition c : {SegCondition::Noisy, SegCondition::Centred}) {
        const auto scene = chiaro::test::renderSegmentationScene(c, kHeldOutFirst + 1);
        const cv::Mat before = scene.rgb.clone();
        selectSubject(scene.rgb);
        CHECK(cv::norm(scene.rgb, before, cv::NORM_INF) == 0);
    }
}

TEST_CASE("subject selection refines the edge of a large photo at the working size", "[grabcut][mask]") {
    const auto scene = chiaro::test::renderSegmentationScene(SegCondition::Centred, kHeldOutFirst + 5);
    cv::Mat big, bigTruth;
    cv::resize(scene.rgb, big, cv::Size(), 6.0, 6.0, cv::INTER_CUBIC);  // about 4 MP, edges stay sharp
    cv::resize(scene.truth, bigTruth, big.size(), 0, 0, cv::INTER_LINEAR);
    bigTruth = bigTruth >= 128;
    GrabCutOptions coarseOnly, refined;
    coarseOnly.maxWorkingSide = 400;  // within 1.5x of the analysis copy: no refinement
    refined.maxWorkingSide = 1024;
    const cv::Mat coarse = selectSubject(big, coarseOnly), fine = selectSubject(big, refined);
    REQUIRE(fine.size() == big.size());
    REQUIRE(fine.type() == CV_8UC1);
    const double coarseIou = iou(coarse, bigTruth), fineIou = iou(fine, bigTruth);
    INFO("coarse " << coarseIou << " refined " << fineIou);
    // The truth is the 384 px truth scaled up, itself no sharper than the coarse edge: the check is
    // that the refinement keeps the shape, not that it beats an edge it cannot see.
    CHECK(coarseIou >= 0.97);
    CHECK(fineIou >= coarseIou - 0.01);
    // The refined edge is cut again in a band: it differs from the upscaled coarse edge somewhere.
    CHECK(cv::countNonZero(coarse != fine) > 0);
}

TEST_CASE("subject selection tells a sharp subject from a contrasty defocused background", "[grabcut][mask]") {
    // A blurred black and white backdrop has far stronger detail than the dull, sharp-edged subject
    // in front of it, and the backdrop's outer tiles have the subject's colour: how strong an edge is
    // must not decide, how blurred it is must.
    const cv::Vec3b kTiles[] = {{235, 235, 230}, {20, 22, 25}, {150, 118, 96}};
    const cv::Size size(360, 270);
    cv::Mat backdrop(size, CV_8UC3);
    for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x) {
            const int tx = x / 36, ty = y / 36, odd = (tx + ty) % 2;
            const bool outer = tx == 0 || ty == 0 || tx == 9 || ty == 7;  // the subject's colour stays off its edge
            backdrop.at<cv::Vec3b>(y, x) = kTiles[outer && odd ? 2 : odd];
        }
    cv::GaussianBlur(backdrop, backdrop, cv::Size(), 4.0);
    cv::Mat truth = cv::Mat::zeros(size, CV_8UC1);
    cv::ellipse(truth, cv::Point(205, 140), cv::Size(70, 90), 15, 0, 360, cv::Scalar(255), cv::FILLED);
    cv::Mat photo = backdrop.clone();
    photo.setTo(cv::Scalar(150, 118, 96), truth);  // a tan pot: mid grey in lightness
    const cv::Mat mask = selectSubject(photo);
    INFO("IoU " << iou(mask, truth));
    CHECK(iou(mask, truth) >= 0.9);
}

TEST_CASE("subject selection on a 15 MP photo whose background is blurred by 8 px", "[grabcut][mask]") {
    // Shrunk to the 320 px analysis copy such a background is as crisp as the subject; the edges in
    // focus are found on a larger copy, where it is not. The backdrops are shared photos scaled up
    // (about 8 px of blur of their own) and blurred by 8 px more; the subject, drawn at full size, is
    // a bottle cut by the bottom edge with a fine printed label.
    const cv::Size size(4800, 3200);
    cv::Mat truth = cv::Mat::zeros(size, CV_8UC1);
    cv::ellipse(truth, cv::Point(2480, 1600), cv::Size(880, 1120), 10, 0, 360, cv::Scalar(255), cv::FILLED);
    cv::rectangle(truth, cv::Rect(2080, 1600, 800, 1600), cv::Scalar(255), cv::FILLED);
    cv::Mat tile(64, 64, CV_8UC3, cv::Scalar(120, 150, 90));
    tile(cv::Rect(0, 0, 32, 32)).setTo(cv::Scalar(140, 170, 90));
    tile(cv::Rect(32, 32, 32, 32)).setTo(cv::Scalar(140, 170, 90));
    cv::Mat label;
    cv::repeat(tile, size.height / 64, size.width / 64, label);
    for (const char* name : {"astronaut.png", "coffee.png"}) {
        const cv::Mat small = loadImageRgb(chiaro::test::sharedDir() + "/data/photos/" + name);
        cv::Mat photo;
        cv::resize(small, photo, size, 0, 0, cv::INTER_CUBIC);
        cv::GaussianBlur(photo, photo, cv::Size(), 8.0);
        label.copyTo(photo, truth);
        const double v = iou(selectSubject(photo), truth);
        INFO(name << " IoU " << v);
        CHECK(v >= 0.85);
    }
}

TEST_CASE("subject selection on a studio portrait sharp from edge to edge", "[grabcut][mask]") {
    // astronaut.png is in focus throughout and the sitter is cut by the bottom and left edges: the
    // focus hint closed by the frame covers nearly everything, which once selected the whole photo.
    const cv::Mat rgb = loadImageRgb(chiaro::test::sharedDir() + "/data/photos/astronaut.png");
    const cv::Mat mask = selectSubject(rgb);
    const double coverage = cv::countNonZero(mask) / static_cast<double>(mask.total());
    INFO("coverage " << coverage);
    CHECK(coverage > 0.1);
    CHECK(coverage < 0.6);
    CHECK(mask.at<uint8_t>(330, 150) == 255);  // the orange suit
    CHECK(mask.at<uint8_t>(20, 20) == 0);      // the flag's corner
    CHECK(mask.at<uint8_t>(30, 450) == 0);     // the backdrop by the shuttle model
}

TEST_CASE("subject selection handles degenerate photos and rejects bad input", "[grabcut][mask]") {
    CHECK_THROWS_AS(selectSubject(cv::Mat()), Error);
    CHECK_THROWS_AS(selectSubject(cv::Mat(50, 50, CV_8UC1, cv::Scalar(0))), Error);
    // A flat photo has no subject to find: no exception, a mask of the right size.
    const cv::Mat flat(120, 160, CV_8UC3, cv::Scalar(90, 120, 150));
    const cv::Mat mask = selectSubject(flat);
    CHECK(mask.size() == flat.size());
    CHECK(mask.type() == CV_8UC1);
    const cv::Mat tiny(6, 5, CV_8UC3, cv::Scalar(10, 200, 30));  // too small: an empty selection
    CHECK(cv::countNonZero(selectSubject(tiny)) == 0);
}
