#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include <opencv2/core.hpp>

#include "chiaro/mask/brush_stroke.h"

using namespace chiaro::core;

namespace {

// Distance from the pixel centre (x + 0.5, y + 0.5) to the segment a-b.
double distanceToSegment(int x, int y, cv::Point2d a, cv::Point2d b) {
    const cv::Point2d p(x + 0.5, y + 0.5), ab = b - a;
    const double len2 = ab.dot(ab);
    const double t = len2 > 0 ? std::clamp((p - a).dot(ab) / len2, 0.0, 1.0) : 0.0;
    const cv::Point2d q = a + t * ab;
    return std::hypot(p.x - q.x, p.y - q.y);
}

// Counts pixels that break "inside (d <= r - 1) is `inside`, outside (d >= r + 1) is `outside`".
int violations(const cv::Mat& mask, double r, const std::function<double(int, int)>& distance,
               int inside, int outside) {
    int bad = 0;
    for (int y = 0; y < mask.rows; ++y)
        for (int x = 0; x < mask.cols; ++x) {
            const double d = distance(x, y);
            const int v = mask.at<uint8_t>(y, x);
            if ((d <= r - 1 && v != inside) || (d >= r + 1 && v != outside)) ++bad;
        }
    return bad;
}

BrushParams hardBrush(float radius) {
    BrushParams p;
    p.radius = radius;
    p.hardness = 1.0f;
    p.flow = 1.0f;
    p.opacity = 1.0f;
    return p;
}

}  // namespace

TEST_CASE("a straight drag of radius r covers exactly the capsule around the segment", "[mask]") {
    const float r = GENERATE(1.5f, 4.0f, 10.0f, 37.0f);
    cv::Mat mask = cv::Mat::zeros(160, 260, CV_8UC1);
    const cv::Point2d a(40.3, 80.7), b(215.9, 62.2);
    BrushStroke stroke(mask, hardBrush(r));
    stroke.addPoint(cv::Point2f(a), 1.0f);
    const cv::Mat afterFirst = mask.clone();
    const cv::Rect dirty = stroke.addPoint(cv::Point2f(b), 1.0f);  // one fast jump: no gaps allowed
    // The reported dirty rectangle contains every pixel the second point changed.
    cv::Mat changed = mask != afterFirst;
    changed(dirty).setTo(0);
    CHECK(cv::countNonZero(changed) == 0);
    const MaskTileDelta delta = stroke.finish();
    CHECK(violations(mask, r, [&](int x, int y) { return distanceToSegment(x, y, a, b); }, 255, 0) == 0);
    cv::Mat selected = mask.clone();
    selected(delta.bounds()).setTo(0);
    CHECK(cv::countNonZero(selected) == 0);
}

TEST_CASE("a fast zig-zag polyline leaves no gaps", "[mask]") {
    cv::Mat mask = cv::Mat::zeros(300, 300, CV_8UC1);
    const std::vector<cv::Point2d> points{{10, 10}, {290, 40}, {15, 150}, {280, 290}, {150, 20}};
    const float r = 6.0f;
    BrushStroke stroke(mask, hardBrush(r));
    for (const auto& p : points) stroke.addPoint(cv::Point2f(p));
    stroke.finish();
    auto distance = [&](int x, int y) {
        double best = 1e9;
        for (size_t i = 1; i < points.size(); ++i)
            best = std::min(best, distanceToSegment(x, y, points[i - 1], points[i]));
        return best;
    };
    CHECK(violations(mask, r, distance, 255, 0) == 0);
}

TEST_CASE("the eraser clears the capsule and leaves the rest selected", "[mask]") {
    cv::Mat mask(120, 200, CV_8UC1, cv::Scalar(255));
    BrushParams p = hardBrush(8.0f);
    p.mode = BrushMode::Erase;
    BrushStroke stroke(mask, p);
    const cv::Point2d a(20, 60), b(180, 60);
    stroke.addPoint(cv::Point2f(a));
    stroke.addPoint(cv::Point2f(b));
    stroke.finish();
    CHECK(violations(mask, 8.0, [&](int x, int y) { return distanceToSegment(x, y, a, b); }, 0, 255) == 0);
}

TEST_CASE("one stroke never exceeds its opacity, even going over the same spot", "[mask]") {
    cv::Mat mask = cv::Mat::zeros(100, 100, CV_8UC1);
    BrushParams p = hardBrush(10.0f);
    p.opacity = 0.5f;
    BrushStroke stroke(mask, p);
    for (int i = 0; i < 6; ++i) stroke.addPoint({i % 2 ? 70.0f : 30.0f, 50.0f});
    CHECK(mask.at<uint8_t>(50, 50) == 128);  // 255 * 0.5, rounded
    double maxValue = 0;
    cv::minMaxLoc(mask, nullptr, &maxValue);
    CHECK(maxValue == 128);
    // A second stroke starts from the first one's result: 128 + (255 - 128) / 2.
    BrushStroke second(mask, p);
    second.addPoint({50.0f, 50.0f});
    CHECK(mask.at<uint8_t>(50, 50) == 192);
}

TEST_CASE("a soft dab falls off from the centre and stays inside its radius", "[mask]") {
    cv::Mat mask = cv::Mat::zeros(101, 101, CV_8UC1);
    BrushParams p = hardBrush(40.0f);
    p.hardness = 0.0f;
    BrushStroke stroke(mask, p);
    stroke.addPoint({50.5f, 50.5f});
    const auto at = [&](int dx) { return int(mask.at<uint8_t>(50, 50 + dx)); };
    CHECK(at(0) >= 250);
    CHECK(at(0) > at(10));
    CHECK(at(10) > at(20));
    CHECK(at(20) > at(30));
    CHECK(at(30) > at(38));
    CHECK(at(41) == 0);
    CHECK(dabCoverage(0.0f, 40.0f, 0.0f) == Approx(1.0f).margin(0.01));
    CHECK(dabCoverage(41.0f, 40.0f, 0.0f) == 0.0f);
    CHECK(dabCoverage(20.0f, 40.0f, 1.0f) == 1.0f);
}

TEST_CASE("pen pressure scales the brush radius", "[mask]") {
    cv::Mat mask = cv::Mat::zeros(100, 100, CV_8UC1);
    BrushStroke stroke(mask, hardBrush(20.0f));
    stroke.addPoint({50.5f, 50.5f}, 0.5f);  // radius 10
    CHECK(mask.at<uint8_t>(50, 50 + 8) == 255);
    CHECK(mask.at<uint8_t>(50, 50 + 12) == 0);
}

TEST_CASE("a stroke's undo record restores the exact masks before and after", "[mask]") {
    cv::Mat mask(700, 900, CV_8UC1);
    cv::randu(mask, 0, 256);  // arbitrary prior content, not just zeros
    const cv::Mat original = mask.clone();
    BrushParams p;
    p.radius = 25.0f;
    p.hardness = 0.3f;
    p.flow = 0.4f;
    BrushStroke stroke(mask, p);
    for (int i = 0; i <= 20; ++i) stroke.addPoint({30.0f + 40.0f * i, 100.0f + 12.0f * i}, 0.3f + 0.03f * i);
    const MaskTileDelta delta = stroke.finish();  // may add the last dab
    const cv::Mat painted = mask.clone();
    REQUIRE_FALSE(delta.empty());
    CHECK(cv::countNonZero(painted != original) > 0);

    cv::Mat target = painted.clone();
    delta.applyBefore(target);
    CHECK(cv::countNonZero(target != original) == 0);
    delta.applyAfter(target);
    CHECK(cv::countNonZero(target != painted) == 0);
    // Everything that changed lies inside the record's bounds; far less than the mask is kept.
    cv::Mat changed = painted != original;
    changed(delta.bounds()).setTo(0);
    CHECK(cv::countNonZero(changed) == 0);
    CHECK(delta.tileCount() < size_t(0.5 * (900 / 64 + 1) * (700 / 64 + 1)));
}
