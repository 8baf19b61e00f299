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
#include "chiaro/mask/grabcut.h"
#include "chiaro/mask/subject_selection.h"
#include "segmentation_scene.h"

using namespace chiaro::core;
using chiaro::test::SegCondition;

// Seeds: selectSubject's thresholds were tuned on seeds 0..11 of every condition (the hidden
// "[grabcut-eval]" case prints them); the checks below run on seeds 1000.., a disjoint range that
// played no part in the tuning.
namespace {

constexpr unsigned kTuneFirst = 0, kTuneCount = 12;
constexpr unsigned kHeldOutFirst = 1000, kHeldOutCount = 4;

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

// A regression floor, not the goal: issue #21 wants a mean IoU >= 0.92, which neither the default
// rectangle (0.66 mean on seeds 1000..1011) nor selectSubject (0.65) reaches on these scenes yet.
// What selectSubject must already do better is a subject that runs out of the frame.
TEST_CASE("subject selection on held-out synthetic photos", "[grabcut][mask]") {
    const Evaluation e = evaluate(automatic, kHeldOutFirst, kHeldOutCount, "held-out");
    print("selectSubject held-out", e);
    CHECK(e.all.mean() >= 0.55);
    const int touch = static_cast<int>(SegCondition::TouchOneEdge);
    CHECK(e.perCondition[touch].mean() >= 0.6);
}

// Not run by default (about a minute): prints before/after numbers on both seed ranges.
// CHIARO_SEG_EVAL=rect or =select runs one of the two.
TEST_CASE("subject selection evaluation, default rectangle vs selectSubject", "[.][grabcut-eval]") {
    const char* only = std::getenv("CHIARO_SEG_EVAL");
    const bool rect = !only || std::string(only) == "rect", select = !only || std::string(only) == "select";
    if (rect) print("rect tune", evaluate(defaultRect, kTuneFirst, kTuneCount, "rect-tune"));
    if (select) print("select tune", evaluate(automatic, kTuneFirst, kTuneCount, "select-tune"));
    if (rect) print("rect held-out", evaluate(defaultRect, kHeldOutFirst, 3 * kHeldOutCount, "rect-held"));
    if (select) print("select held-out", evaluate(automatic, kHeldOutFirst, 3 * kHeldOutCount, "select-held"));
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
    // it, selectSubject must recover more of the subject along the frame and score better overall.
    double rectIou = 0, selectIou = 0;
    int selectAtFrame = 0, truthAtFrame = 0;
    for (unsigned seed = kHeldOutFirst; seed < kHeldOutFirst + kHeldOutCount; ++seed) {
        const auto scene = chiaro::test::renderSegmentationScene(SegCondition::TouchOneEdge, seed);
        const cv::Mat mask = selectSubject(scene.rgb);
        rectIou += iou(defaultRect(scene.rgb), scene.truth);
        selectIou += iou(mask, scene.truth);
        cv::Mat frame = cv::Mat::zeros(scene.rgb.size(), CV_8UC1);
        cv::rectangle(frame, cv::Rect(0, 0, frame.cols, frame.rows), cv::Scalar(255), 4);
        truthAtFrame += cv::countNonZero(scene.truth & frame);
        selectAtFrame += cv::countNonZero(mask & scene.truth & frame);
    }
    CHECK(selectIou > rectIou);
    CHECK(selectAtFrame >= truthAtFrame / 3);
}

TEST_CASE("subject selection on a large photo stays bounded and keeps the quality", "[grabcut][mask]") {
    const auto scene = chiaro::test::renderSegmentationScene(SegCondition::Centred, kHeldOutFirst + 5);
    cv::Mat big, bigTruth;
    cv::resize(scene.rgb, big, cv::Size(), 8.0, 8.0, cv::INTER_LINEAR);  // ~7 MP
    cv::resize(scene.truth, bigTruth, big.size(), 0, 0, cv::INTER_LINEAR);
    GrabCutOptions options;
    options.maxWorkingSide = 400;
    const auto start = std::chrono::steady_clock::now();
    const cv::Mat mask = selectSubject(big, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(mask.size() == big.size());
    REQUIRE(mask.type() == CV_8UC1);
    CHECK(iou(mask, bigTruth) >= 0.9);
    CHECK(seconds < 20.0);  // generous: the work is at 400 px, the rest is resizing
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
