#include <catch2/catch.hpp>

#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/mask/grabcut.h"
#include "test_support.h"

using namespace chiaro::core;

namespace {

cv::Mat loadPhoto(const std::string& name) {
    cv::Mat bgr = cv::imread(chiaro::test::sharedDir() + "/data/photos/" + name, cv::IMREAD_COLOR);
    REQUIRE_FALSE(bgr.empty());
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

double iou(const cv::Mat& a, const cv::Mat& b) {
    const double inter = cv::countNonZero((a >= 128) & (b >= 128));
    const double uni = cv::countNonZero((a >= 128) | (b >= 128));
    return uni > 0 ? inter / uni : 1.0;
}

// A scene with a known answer: a piece of one photo, cut out by `shape`, pasted onto another.
struct Scene {
    cv::Mat rgb;
    cv::Mat truth;     // 255 where the pasted object is
    cv::Rect objectBox;
};

cv::Mat ellipseShape(cv::Size size) {
    cv::Mat shape = cv::Mat::zeros(size, CV_8UC1);
    cv::ellipse(shape, cv::Point(size.width / 2, size.height / 2), size / 2 - cv::Size(1, 1), 0, 0, 360,
                cv::Scalar(255), cv::FILLED);
    return shape;
}

cv::Mat blobShape(cv::Size size) {  // three overlapping discs: a non-convex outline
    cv::Mat shape = cv::Mat::zeros(size, CV_8UC1);
    const int r = std::min(size.width, size.height) / 3;
    cv::circle(shape, {r, size.height - r}, r - 1, cv::Scalar(255), cv::FILLED);
    cv::circle(shape, {size.width - r, size.height - r}, r - 1, cv::Scalar(255), cv::FILLED);
    cv::circle(shape, {size.width / 2, r}, r - 1, cv::Scalar(255), cv::FILLED);
    return shape;
}

Scene paste(const std::string& objectPhoto, cv::Rect crop, const std::string& backgroundPhoto,
            cv::Point at, const cv::Mat& shape) {
    Scene scene;
    scene.rgb = loadPhoto(backgroundPhoto);
    const cv::Mat object = loadPhoto(objectPhoto)(crop);
    scene.objectBox = cv::Rect(at, crop.size());
    object.copyTo(scene.rgb(scene.objectBox), shape);
    scene.truth = cv::Mat::zeros(scene.rgb.size(), CV_8UC1);
    shape.copyTo(scene.truth(scene.objectBox));
    return scene;
}

cv::Rect around(const cv::Rect& box, int margin, cv::Size size) {
    return cv::Rect(box.x - margin, box.y - margin, box.width + 2 * margin, box.height + 2 * margin) &
           cv::Rect(0, 0, size.width, size.height);
}

}  // namespace

TEST_CASE("GrabCut from a rectangle finds pasted objects on real photos", "[mask][grabcut]") {
    struct Case {
        const char* object;
        cv::Rect crop;
        const char* background;
        cv::Point at;
        bool blob;
    };
    const Case c = GENERATE(Case{"coffee.png", {150, 60, 260, 200}, "chelsea.png", {120, 50}, false},
                            Case{"astronaut.png", {160, 40, 180, 200}, "rocket.jpg", {380, 150}, false},
                            Case{"chelsea.png", {120, 40, 200, 180}, "rocket.jpg", {200, 200}, true},
                            Case{"rocket.jpg", {250, 100, 200, 220}, "coffee.png", {60, 90}, true});
    const cv::Size size = c.crop.size();
    const Scene scene = paste(c.object, c.crop, c.background, c.at, c.blob ? blobShape(size) : ellipseShape(size));
    const cv::Mat result = grabCutFromRect(scene.rgb, around(scene.objectBox, 12, scene.rgb.size()));
    REQUIRE(result.size() == scene.rgb.size());
    REQUIRE(result.type() == CV_8UC1);
    INFO(c.object << " on " << c.background);
    CHECK(iou(result, scene.truth) >= 0.9);
}

TEST_CASE("GrabCut on a large photo works at a reduced size and keeps the quality", "[mask][grabcut]") {
    Scene scene = paste("coffee.png", {150, 60, 260, 200}, "chelsea.png", {120, 50}, ellipseShape({260, 200}));
    cv::Mat big, bigTruth;
    cv::resize(scene.rgb, big, cv::Size(), 4.0, 4.0, cv::INTER_CUBIC);  // 1804 x 1200
    cv::resize(scene.truth, bigTruth, big.size(), 0, 0, cv::INTER_LINEAR);
    const cv::Rect box(scene.objectBox.tl() * 4, scene.objectBox.size() * 4);
    GrabCutOptions options;
    options.maxWorkingSide = 600;
    const cv::Mat result = grabCutFromRect(big, around(box, 48, big.size()), options);
    REQUIRE(result.size() == big.size());
    CHECK(iou(result, bigTruth) >= 0.9);
}

TEST_CASE("GrabCut from rough scribbles selects the object", "[mask][grabcut]") {
    const Scene scene = paste("astronaut.png", {160, 40, 180, 200}, "rocket.jpg", {380, 150},
                              ellipseShape({180, 200}));
    cv::Mat scribbles = cv::Mat::zeros(scene.rgb.size(), CV_8UC1);
    const cv::Rect b = scene.objectBox;
    const cv::Point c = (b.tl() + b.br()) / 2;
    // A rough cross through the object and a loose loop around it, as a user would draw.
    const auto subject = cv::Scalar(static_cast<int>(ScribbleLabel::Subject));
    cv::line(scribbles, c - cv::Point(b.width / 4, 0), c + cv::Point(b.width / 4, 0), subject, 5);
    cv::line(scribbles, c - cv::Point(0, b.height / 3), c + cv::Point(0, b.height / 3), subject, 5);
    cv::rectangle(scribbles, around(b, 15, scene.rgb.size()),
                  cv::Scalar(static_cast<int>(ScribbleLabel::Background)), 5);
    const cv::Mat result = grabCutFromScribbles(scene.rgb, scribbles, cv::Mat());
    // 0.848 since GrabCut's RNG is seeded (before, it moved with whatever ran earlier in the thread).
    CHECK(iou(result, scene.truth) >= 0.8);
    // Scribbles are obeyed exactly.
    CHECK(cv::countNonZero(result & (scribbles == 2)) == 0);
    CHECK(cv::countNonZero((scribbles == 1) & (result == 0)) == 0);
}

TEST_CASE("GrabCut rejects bad rectangles and bad images with clear errors", "[mask][grabcut]") {
    const cv::Mat rgb = loadPhoto("coffee.png");
    auto codeOf = [&](const cv::Mat& image, cv::Rect rect) {
        try {
            grabCutFromRect(image, rect);
        } catch (const Error& e) {
            return e.code();
        }
        return ErrorCode::Ok;
    };
    CHECK(codeOf(rgb, {10, 10, 0, 50}) == ErrorCode::Usage);
    CHECK(codeOf(rgb, {500, 300, 200, 200}) == ErrorCode::Usage);  // sticks out
    CHECK(codeOf(rgb, {0, 0, 600, 400}) == ErrorCode::Usage);      // no background left
    CHECK(codeOf(cv::Mat(), {1, 1, 2, 2}) == ErrorCode::BadInput);
    CHECK(codeOf(cv::Mat(50, 50, CV_8UC1, cv::Scalar(0)), {5, 5, 20, 20}) == ErrorCode::BadInput);
    const cv::Mat none = cv::Mat::zeros(rgb.size(), CV_8UC1);
    CHECK_THROWS_AS(grabCutFromScribbles(rgb, none, cv::Mat()), Error);
}

TEST_CASE("the default subject rectangle is centred and inset 5-10 %", "[mask][grabcut]") {
    const cv::Rect r = defaultSubjectRect({600, 400});
    CHECK(r.x >= 30);
    CHECK(r.x <= 60);
    CHECK(r.y >= 20);
    CHECK(r.y <= 40);
    CHECK(r.x + r.width + r.x == 600);
    CHECK(r.y + r.height + r.y == 400);
}
