// keepSubjectColours / CIEDE2000 (issue #21 "keep product colours").
#include <catch2/catch.hpp>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/light/colour_keep.h"
#include "chiaro/light/preview_relighter.h"
#include "synthetic_scene.h"

using namespace chiaro::core;
using namespace chiaro::test;

namespace {

cv::Mat smallPhoto(const std::string& name) {
    const cv::Mat photo = loadSharedPhoto(name);
    const double scale = 512.0 / std::max(photo.cols, photo.rows);
    cv::Mat out;
    cv::resize(photo, out, cv::Size(), scale, scale, cv::INTER_AREA);
    return out;
}

cv::Mat ellipseMask(cv::Size size) {
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, {size.width / 2, size.height / 2}, {size.width / 3, size.height * 2 / 5}, 0, 0, 360,
                cv::Scalar(255), cv::FILLED, cv::LINE_AA);
    return mask;
}

// A strongly relit result: a warm 2700 K light from another side plus a smooth colour cast.
cv::Mat relit(const cv::Mat& photo, const cv::Mat& mask) {
    PreviewRelighter relighter(photo, mask);
    LightSettings light;
    light.direction = LightDirection{80.0, 30.0};
    light.color = LightColor::fromKelvin(2700);
    light.intensity = 1.3;
    cv::Mat out = relighter.render(light);
    cv::Mat cast(8, 8, CV_32FC3);
    cv::RNG rng(7);
    rng.fill(cast, cv::RNG::UNIFORM, cv::Scalar(0.6, 0.6, 0.6), cv::Scalar(1.4, 1.4, 1.4));
    cv::resize(cast, cast, out.size(), 0, 0, cv::INTER_CUBIC);
    cv::Mat f;
    out.convertTo(f, CV_32FC3);
    f = f.mul(cast);
    f.convertTo(out, CV_8UC3);
    return out;
}

cv::Mat to16(const cv::Mat& m) {
    cv::Mat out;
    m.convertTo(out, CV_16UC3, 257.0);
    return out;
}

bool identical(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0.0;
}

}  // namespace

TEST_CASE("ciede2000 matches the Sharma et al reference pairs", "[light][colour]") {
    struct Pair {
        cv::Vec3d a, b;
        double de;
    };
    const Pair pairs[] = {
        {{50, 2.6772, -79.7751}, {50, 0, -82.7485}, 2.0425},
        {{50, 3.1571, -77.2803}, {50, 0, -82.7485}, 2.8615},
        {{50, 2.8361, -74.0200}, {50, 0, -82.7485}, 3.4412},
        {{50, -1.3802, -84.2814}, {50, 0, -82.7485}, 1.0000},
        {{50, 0, 0}, {50, -1, 2}, 2.3669},
        {{60.2574, -34.0099, 36.2677}, {60.4626, -34.1751, 39.4387}, 1.2644},
        {{22.7233, 20.0904, -46.6940}, {23.0331, 14.9730, -42.5619}, 2.0373},
        {{2.0776, 0.0795, -1.1350}, {0.9033, -0.0636, -0.5514}, 0.9082},
        {{50, 2.5, 0}, {73, 25, -18}, 27.1492},
        {{50, 2.5, 0}, {50, 3.1736, 0.5854}, 1.0000},
    };
    for (const Pair& p : pairs) {
        CHECK_THAT(ciede2000(p.a, p.b), Catch::Matchers::WithinAbs(p.de, 1e-4));
        CHECK_THAT(ciede2000(p.b, p.a), Catch::Matchers::WithinAbs(p.de, 1e-4));
    }
    CHECK(ciede2000({40, 10, 10}, {40, 10, 10}) == 0.0);
}

TEST_CASE("keepSubjectColours restores the photo's chroma on real photos", "[light][colour]") {
    for (const char* name : {"chelsea.png", "coffee.png", "astronaut.png"}) {
        INFO(name);
        const cv::Mat photo = smallPhoto(name);
        const cv::Mat mask = ellipseMask(photo.size());
        const cv::Mat result = relit(photo, mask);
        const SubjectColourDifference before = subjectColourDifference(result, photo, mask);
        CHECK(before.meanChroma > 5.0);
        cv::Mat kept = result.clone();
        keepSubjectColours(kept, photo, mask, 1.0, LightColor{});
        const SubjectColourDifference after = subjectColourDifference(kept, photo, mask);
        CHECK(after.meanChroma <= 3.0);
        CHECK(subjectColourDifference(kept, result, mask).lightnessCorrelation >= 0.95);
        // Outside the mask: bit for bit.
        cv::Mat outside = mask == 0;
        cv::Mat diff;
        cv::absdiff(kept, result, diff);
        cv::Mat grey;
        cv::cvtColor(diff, grey, cv::COLOR_RGB2GRAY);
        CHECK(cv::countNonZero(grey & outside) == 0);
    }
}

TEST_CASE("keepSubjectColours at strength 0 and with an empty mask", "[light][colour]") {
    const cv::Mat photo = smallPhoto("coffee.png");
    const cv::Mat result = relit(photo, cv::Mat());
    cv::Mat kept = result.clone();
    keepSubjectColours(kept, photo, cv::Mat(), 0.0);
    CHECK(identical(kept, result));
    cv::Mat zeroMask(photo.size(), CV_8UC1, cv::Scalar(0));
    keepSubjectColours(kept, photo, zeroMask, 1.0);
    CHECK(identical(kept, result));
    // The photo kept onto itself: unchanged (decode and encode round-trip).
    cv::Mat self = photo.clone();
    keepSubjectColours(self, photo, cv::Mat(), 1.0);
    CHECK(cv::norm(self, photo, cv::NORM_INF) <= 1.0);
    // Empty mask = the whole image.
    keepSubjectColours(kept, photo, cv::Mat(), 1.0);
    CHECK(subjectColourDifference(kept, photo, cv::Mat()).meanChroma <= 3.0);
}

TEST_CASE("keepSubjectColours works on 16-bit results and photos", "[light][colour]") {
    const cv::Mat photo = smallPhoto("chelsea.png");
    const cv::Mat mask = ellipseMask(photo.size());
    const cv::Mat result = relit(photo, mask);
    cv::Mat kept16 = to16(result);
    keepSubjectColours(kept16, to16(photo), mask, 1.0);
    REQUIRE(kept16.type() == CV_16UC3);
    // Every 16-bit code kept onto itself comes back (the 16-bit encoder is not a table search).
    cv::Mat codes(256, 256, CV_16UC3);
    for (int y = 0; y < 256; ++y)
        for (int x = 0; x < 256; ++x) {
            const int c = y * 256 + x;
            codes.at<cv::Vec3w>(y, x) = cv::Vec3w(uint16_t(c), uint16_t((c * 7) % 65536), uint16_t(65535 - c));
        }
    cv::Mat codesKept = codes.clone();
    keepSubjectColours(codesKept, codes, cv::Mat(), 1.0);
    CHECK(cv::norm(codesKept, codes, cv::NORM_INF) <= 1.0);
    CHECK(subjectColourDifference(kept16, photo, mask).meanChroma <= 3.0);
    cv::Mat mixed = result.clone();  // 8-bit result, 16-bit photo
    keepSubjectColours(mixed, to16(photo), mask, 1.0);
    REQUIRE(mixed.type() == CV_8UC3);
    cv::Mat kept8 = result.clone();
    keepSubjectColours(kept8, photo, mask, 1.0);
    CHECK(cv::norm(mixed, kept8, cv::NORM_INF) <= 1.0);
    // 16-bit self round trip is exact.
    cv::Mat self = to16(photo);
    keepSubjectColours(self, to16(photo), cv::Mat(), 1.0);
    CHECK(identical(self, to16(photo)));
}

TEST_CASE("keepSubjectColours under a warm light keeps a warm shift", "[light][colour]") {
    const cv::Mat photo = smallPhoto("coffee.png");
    const cv::Mat mask = ellipseMask(photo.size());
    const cv::Mat result = relit(photo, mask);
    cv::Mat white = result.clone(), warm = result.clone();
    keepSubjectColours(white, photo, mask, 1.0, LightColor{});
    keepSubjectColours(warm, photo, mask, 1.0, LightColor::fromKelvin(2700));
    // Mean a*, b* over the subject.
    const auto meanAb = [&](const cv::Mat& img) {
        double a = 0, b = 0;
        int n = 0;
        for (int y = 0; y < img.rows; ++y)
            for (int x = 0; x < img.cols; ++x) {
                if (mask.at<uint8_t>(y, x) <= 127) continue;
                const cv::Vec3b p = img.at<cv::Vec3b>(y, x);
                const cv::Vec3d lab = srgbToLab({p[0] / 255.0, p[1] / 255.0, p[2] / 255.0});
                a += lab[1];
                b += lab[2];
                ++n;
            }
        return cv::Vec2d(a / n, b / n);
    };
    const cv::Vec2d w = meanAb(white), k = meanAb(warm);
    CHECK(k[1] > w[1] + 5.0);  // more yellow
    CHECK(k[0] > w[0]);        // more red
    // The lightness still follows the result.
    CHECK(subjectColourDifference(warm, result, mask).lightnessCorrelation >= 0.95);
}

TEST_CASE("rigColour weights the lights by intensity", "[light][colour]") {
    LightSettings none;
    CHECK(rigColour(none) == LightColor{});
    LightSettings one;
    one.direction = LightDirection{90, 0};
    one.color = LightColor::fromKelvin(3200);
    CHECK(rigColour(one) == LightColor::fromKelvin(3200));
    LightSettings two = one;
    two.color = LightColor{1.0, 0.0, 0.0};
    two.intensity = 1.0;
    two.otherLights.push_back({LightDirection{270, 0}, LightColor{0.0, 0.0, 1.0}, 0.5, 0.0});
    const LightColor c = rigColour(two);
    CHECK_THAT(c.r, Catch::Matchers::WithinAbs(2.0 / 3.0, 1e-12));
    CHECK_THAT(c.b, Catch::Matchers::WithinAbs(1.0 / 3.0, 1e-12));
    CHECK(c.g == 0.0);
}

TEST_CASE("keepSubjectColours rejects bad arguments", "[light][colour]") {
    cv::Mat result(16, 16, CV_8UC3, cv::Scalar(100, 120, 140));
    const cv::Mat photo(16, 16, CV_8UC3, cv::Scalar(90, 20, 30));
    const auto usage = [](auto&& fn) {
        try {
            fn();
        } catch (const Error& e) {
            return e.code() == ErrorCode::Usage;
        }
        return false;
    };
    CHECK(usage([&] { keepSubjectColours(result, cv::Mat(8, 8, CV_8UC3), cv::Mat(), 1.0); }));
    CHECK(usage([&] { keepSubjectColours(result, cv::Mat(16, 16, CV_32FC3), cv::Mat(), 1.0); }));
    CHECK(usage([&] { keepSubjectColours(result, photo, cv::Mat(8, 8, CV_8UC1), 1.0); }));
    CHECK(usage([&] { keepSubjectColours(result, photo, cv::Mat(16, 16, CV_8UC3), 1.0); }));
    CHECK(usage([&] { keepSubjectColours(result, photo, cv::Mat(), 1.5); }));
    CHECK(usage([&] { keepSubjectColours(result, photo, cv::Mat(), -0.1); }));
    CHECK(usage([&] { keepSubjectColours(result, photo, cv::Mat(), std::nan("")); }));
    cv::Mat grey(16, 16, CV_8UC1);
    CHECK(usage([&] { keepSubjectColours(grey, photo, cv::Mat(), 1.0); }));
    CHECK(usage([&] { subjectColourDifference(result, cv::Mat(8, 8, CV_8UC3), cv::Mat()); }));
}
