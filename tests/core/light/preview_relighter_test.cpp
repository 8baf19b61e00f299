// The instant relight: light from the chosen side, untouched background when asked, colour kept.
#include <catch2/catch.hpp>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/light/preview_relighter.h"
#include "synthetic_scene.h"

using namespace chiaro::core;
using namespace chiaro::test;

namespace {

LightSettings lightAt(double az, double el) {
    LightSettings s;
    s.direction = LightDirection::normalized(az, el);
    return s;
}

double meanLuma(const cv::Mat& rgb, const cv::Mat& mask) {
    cv::Mat grey;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    return cv::mean(grey, mask)[0];
}

// The mask restricted to one side of its bounding box: "left", "right", "top" or "bottom" half.
cv::Mat half(const cv::Mat& mask, const std::string& side) {
    const cv::Rect box = cv::boundingRect(mask);
    cv::Mat keep(mask.size(), CV_8UC1, cv::Scalar(0));
    cv::Rect r = box;
    if (side == "left")
        r.width /= 2;
    if (side == "right")
        r.x += box.width / 2, r.width -= box.width / 2;
    if (side == "top")
        r.height /= 2;
    if (side == "bottom")
        r.y += box.height / 2, r.height -= box.height / 2;
    keep(r).setTo(255);
    cv::Mat inside;
    cv::compare(mask, 250, inside, cv::CMP_GE);
    return inside & keep;
}

Scene frontLitSphere(bool textured) {
    SceneSpec spec;
    spec.light = lightVector(0, 0);
    spec.ambient = 0.25;
    spec.textured = textured;
    spec.backgroundPhoto = "chelsea.png";
    spec.width = 320, spec.height = 256;
    return renderScene(spec);
}

cv::Mat ellipseMask(cv::Size size) {
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, {size.width / 2, size.height / 2}, {size.width / 4, size.height / 3}, 0, 0,
                360, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
    return mask;
}

}  // namespace

TEST_CASE("the lit side of a sphere is brighter than the far side", "[light]") {
    for (bool textured : {false, true}) {
        const Scene scene = frontLitSphere(textured);
        const PreviewRelighter relighter(scene.image, scene.mask);
        struct Case {
            double az, el;
            const char *lit, *dark;
        };
        for (const Case& c : {Case{270, 0, "left", "right"}, Case{90, 0, "right", "left"},
                              Case{0, 80, "top", "bottom"}, Case{0, -80, "bottom", "top"},
                              Case{300, 20, "left", "right"}, Case{60, 30, "right", "left"},
                              Case{20, 45, "top", "bottom"}}) {
            INFO("light " << c.az << "," << c.el << (textured ? " textured" : ""));
            const cv::Mat out = relighter.render(lightAt(c.az, c.el));
            const double lit = meanLuma(out, half(scene.mask, c.lit));
            const double dark = meanLuma(out, half(scene.mask, c.dark));
            CHECK(lit > 1.4 * dark);
        }
    }
}

TEST_CASE("a side light moves the brightness of a real photo's subject to that side", "[light]") {
    const cv::Mat photo = loadSharedPhoto("coffee.png");
    const cv::Mat mask = ellipseMask(photo.size());
    const PreviewRelighter relighter(photo, mask);
    const double before =
        meanLuma(photo, half(mask, "left")) / meanLuma(photo, half(mask, "right"));
    const cv::Mat fromLeft = relighter.render(lightAt(270, 10));
    const cv::Mat fromRight = relighter.render(lightAt(90, 10));
    const double leftRatio =
        meanLuma(fromLeft, half(mask, "left")) / meanLuma(fromLeft, half(mask, "right"));
    const double rightRatio =
        meanLuma(fromRight, half(mask, "left")) / meanLuma(fromRight, half(mask, "right"));
    INFO("left/right brightness: photo " << before << ", lit from left " << leftRatio
                                         << ", from right " << rightRatio);
    CHECK(leftRatio > 1.3 * before);
    CHECK(rightRatio < before / 1.3);
}

TEST_CASE("keepUnmasked leaves every unmasked pixel bit-identical", "[light]") {
    const cv::Mat photo = loadSharedPhoto("astronaut.png");
    const cv::Mat mask = ellipseMask(photo.size());
    PreviewOptions options;
    options.keepUnmasked = true;
    const PreviewRelighter relighter(photo, mask, options);
    cv::Mat outside;
    cv::compare(mask, 0, outside, cv::CMP_EQ);
    REQUIRE(cv::countNonZero(outside) > 1000);
    for (auto [az, el] :
         std::vector<std::pair<double, double>>{{270, 0}, {90, 40}, {180, 0}, {10, -60}}) {
        LightSettings light = lightAt(az, el);
        light.color = LightColor::fromKelvin(2500);
        light.intensity = 1.8;
        const cv::Mat out = relighter.render(light);
        cv::Mat diff;
        cv::absdiff(out, photo, diff);
        cv::cvtColor(diff, diff, cv::COLOR_RGB2GRAY);
        CHECK(cv::countNonZero(diff & outside) == 0);
        CHECK(cv::countNonZero(diff & ~outside) > 1000);  // while the subject did change
    }
}

TEST_CASE("without keepUnmasked the background gets a wash of the same light", "[light]") {
    const cv::Mat photo = loadSharedPhoto("astronaut.png");
    const cv::Mat mask = ellipseMask(photo.size());
    const PreviewRelighter relighter(photo, mask);
    const cv::Mat out = relighter.render(lightAt(270, 0));
    cv::Mat leftStrip(mask.size(), CV_8UC1, cv::Scalar(0)), rightStrip = leftStrip.clone();
    leftStrip(cv::Rect(0, 0, 60, photo.rows)).setTo(255);
    rightStrip(cv::Rect(photo.cols - 60, 0, 60, photo.rows)).setTo(255);
    CHECK(meanLuma(out, leftStrip) > meanLuma(photo, leftStrip) + 5);
    CHECK(meanLuma(out, rightStrip) < meanLuma(photo, rightStrip) - 5);
}

TEST_CASE("with no mask the whole image is relit", "[light]") {
    const cv::Mat photo = loadSharedPhoto("chelsea.png");
    const PreviewRelighter relighter(photo);
    CHECK(relighter.wholeImage());
    const cv::Mat out = relighter.render(lightAt(90, 0));
    cv::Mat left(photo.size(), CV_8UC1, cv::Scalar(0)), right = left.clone();
    left(cv::Rect(0, 0, photo.cols / 3, photo.rows)).setTo(255);
    right(cv::Rect(photo.cols - photo.cols / 3, 0, photo.cols / 3, photo.rows)).setTo(255);
    const double before = meanLuma(photo, right) / meanLuma(photo, left);
    CHECK(meanLuma(out, right) / meanLuma(out, left) > 1.3 * before);
}

TEST_CASE("colour temperature tints, intensity scales, white light keeps the colours", "[light]") {
    const cv::Mat photo = loadSharedPhoto("coffee.png");
    const cv::Mat mask = ellipseMask(photo.size());
    const PreviewRelighter relighter(photo, mask);
    LightSettings light = lightAt(20, 20);
    const cv::Scalar white = cv::mean(relighter.render(light), mask);
    // White light: the subject's mean colour keeps its hue (channel proportions within a few %).
    const cv::Scalar original = cv::mean(photo, mask);
    for (int c : {1, 2})
        CHECK(white[c] / white[0] == Approx(original[c] / original[0]).epsilon(0.12));
    light.color = LightColor::fromKelvin(2700);
    const cv::Scalar warm = cv::mean(relighter.render(light), mask);
    CHECK(warm[2] / warm[0] < 0.85 * white[2] / white[0]);
    light.color = {};
    light.intensity = 0.0;
    const double dark = meanLuma(relighter.render(light), mask);
    light.intensity = 2.0;
    const double bright = meanLuma(relighter.render(light), mask);
    const double normal = meanLuma(relighter.render(lightAt(20, 20)), mask);
    CHECK(dark < normal - 20);
    CHECK(bright > normal + 20);
}

TEST_CASE("preview: no direction returns the input, bad settings and inputs are errors",
          "[light]") {
    const cv::Mat photo = loadSharedPhoto("chelsea.png");
    const PreviewRelighter relighter(photo, ellipseMask(photo.size()));
    CHECK(cv::norm(relighter.render(LightSettings{}), photo, cv::NORM_INF) == 0);
    LightSettings tooBright = lightAt(0, 0);
    tooBright.intensity = 5;
    CHECK_THROWS_AS(relighter.render(tooBright), Error);
    CHECK_THROWS_AS(PreviewRelighter(cv::Mat()), Error);
    CHECK_THROWS_AS(PreviewRelighter(cv::Mat(8, 8, CV_8UC4, cv::Scalar(1))), Error);
}

TEST_CASE("preview handles odd inputs: wrong-size mask, black image, one pixel", "[light]") {
    const cv::Mat photo = loadSharedPhoto("chelsea.png");
    cv::Mat smallMask;
    cv::resize(ellipseMask(photo.size()), smallMask, cv::Size(100, 70));
    const PreviewRelighter resized(photo, smallMask);
    CHECK_FALSE(resized.wholeImage());
    CHECK(resized.render(lightAt(270, 0)).size() == photo.size());

    const cv::Mat black(64, 64, CV_8UC3, cv::Scalar(0, 0, 0));
    const cv::Mat out = PreviewRelighter(black).render(lightAt(90, 0));
    CHECK(cv::countNonZero(out.reshape(1)) == 0);  // no reflectance: no diffuse light, no highlight
    const cv::Mat pixel(1, 1, CV_8UC3, cv::Scalar(100, 150, 200));
    CHECK(PreviewRelighter(pixel).render(lightAt(45, 45)).size() == cv::Size(1, 1));
}
