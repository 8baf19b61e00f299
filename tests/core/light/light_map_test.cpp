// Light maps: IC-Light's gradients exactly at the presets, continuous and visibly different
// elsewhere.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <opencv2/core.hpp>

#include "chiaro/core/error.h"
#include "chiaro/light/light_map.h"

using namespace chiaro::core;

namespace {

// numpy.linspace(start, stop, num) in float64, re-implemented from numpy's source
// (function_base.py): step = delta / div; y = arange(num) * step + start; y[-1] = stop; a single
// value is [start]. The product and the sum are stored separately (volatile) so no fused
// multiply-add can sneak in.
std::vector<double> referenceLinspace(double start, double stop, int num) {
    std::vector<double> y(num);
    const int div = num - 1;
    if (div <= 0) {
        y[0] = start;
        return y;
    }
    const double step = (stop - start) / div;
    for (int i = 0; i < num; ++i) {
        volatile double product = static_cast<double>(i) * step;
        y[i] = product + start;
    }
    y[num - 1] = stop;
    return y;
}

// IC-Light's construction: grey image from the gradient, .astype(np.uint8) truncates.
cv::Mat referenceMap(const std::string& preset, bool fbc, int w, int h) {
    const double hi = fbc ? 224 : 255, lo = fbc ? 32 : 0;
    std::vector<double> g;
    if (preset == "left")
        g = referenceLinspace(hi, lo, w);
    if (preset == "right")
        g = referenceLinspace(lo, hi, w);
    if (preset == "top")
        g = referenceLinspace(hi, lo, h);
    if (preset == "bottom")
        g = referenceLinspace(lo, hi, h);
    const bool horizontal = preset == "left" || preset == "right";
    cv::Mat map(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const auto v = static_cast<unsigned char>(g[horizontal ? x : y]);
            map.at<cv::Vec3b>(y, x) = {v, v, v};
        }
    return map;
}

LightSettings lightAt(double az, double el) {
    LightSettings s;
    s.direction = LightDirection::normalized(az, el);
    return s;
}

double meanAbsDiff(const cv::Mat& a, const cv::Mat& b) {
    return cv::mean(cv::abs(a - b) + cv::abs(b - a))[0];  // saturating uint8 differences
}

double maxAbsDiff(const cv::Mat& a, const cv::Mat& b) {
    return cv::norm(a, b, cv::NORM_INF);
}

}  // namespace

TEST_CASE("preset light maps equal IC-Light's gradients pixel for pixel", "[light]") {
    const std::vector<std::pair<int, int>> sizes{{512, 640}, {640, 512}, {1, 1},
                                                 {2, 3},     {7, 5},     {255, 257},
                                                 {333, 129}, {1024, 64}, {960, 1088}};
    const std::vector<std::pair<std::string, LightPreset>> presets{{"left", LightPreset::Left},
                                                                   {"right", LightPreset::Right},
                                                                   {"top", LightPreset::Top},
                                                                   {"bottom", LightPreset::Bottom}};
    for (bool fbc : {false, true}) {
        for (const auto& [name, preset] : presets) {
            for (const auto& [w, h] : sizes) {
                INFO(name << (fbc ? " fbc " : " fc ") << w << "x" << h);
                LightSettings light;
                light.direction = presetDirection(preset);
                const cv::Mat map =
                    renderLightMap(light, w, h, fbc ? LightMapVariant::Fbc : LightMapVariant::Fc);
                REQUIRE(map.type() == CV_8UC3);
                REQUIRE(map.size() == cv::Size(w, h));
                CHECK(maxAbsDiff(map, referenceMap(name, fbc, w, h)) == 0);
            }
        }
    }
}

TEST_CASE("truncation, not rounding, makes the preset maps", "[light]") {
    // linspace(255, 0, 9) = 255, 223.125, 191.25, 159.375, 127.5, 95.625, ...: numpy's
    // astype(uint8) truncates 95.625 to 95 where rounding would give 96.
    LightSettings light;
    light.direction = presetDirection(LightPreset::Left);
    const cv::Mat map = renderLightMap(light, 9, 1, LightMapVariant::Fc);
    CHECK(int(map.at<cv::Vec3b>(0, 1)[0]) == 223);
    CHECK(int(map.at<cv::Vec3b>(0, 5)[0]) == 95);
    CHECK(int(map.at<cv::Vec3b>(0, 8)[0]) == 0);
}

TEST_CASE("a light near a preset gives nearly the preset map", "[light]") {
    const cv::Mat exact = renderLightMap(lightAt(270, 0), 200, 120, LightMapVariant::Fc);
    const cv::Mat near = renderLightMap(lightAt(270.001, 0.001), 200, 120, LightMapVariant::Fc);
    CHECK(maxAbsDiff(exact, near) <= 1);  // only truncation of values that moved across an integer
}

TEST_CASE("small angle changes give small map changes", "[light]") {
    for (auto [az, el] : std::vector<std::pair<double, double>>{
             {0, 0}, {180, 0}, {45, 30}, {300, -60}, {90, 89.5}}) {
        INFO(az << "," << el);
        const cv::Mat a = renderLightMap(lightAt(az, el), 160, 96, LightMapVariant::Fc);
        const cv::Mat b =
            renderLightMap(lightAt(az + 0.5, el + 0.25), 160, 96, LightMapVariant::Fc);
        CHECK(maxAbsDiff(a, b) <= 4);
    }
}

TEST_CASE("the map has no jumps anywhere on the sphere", "[light]") {
    // Paths of 0.5 degree steps: every azimuth circle (including through the presets), and every
    // meridian from the bottom pole over the top (crossing the poles where azimuth is meaningless).
    double worst = 0;
    for (double el = -90; el <= 90; el += 15) {
        cv::Mat previous = renderLightMap(lightAt(0, el), 64, 48, LightMapVariant::Fbc);
        for (double az = 0.5; az <= 360.0; az += 0.5) {
            cv::Mat current = renderLightMap(lightAt(az, el), 64, 48, LightMapVariant::Fbc);
            worst = std::max(worst, maxAbsDiff(previous, current));
            previous = current;
        }
    }
    for (double az = 0; az < 180; az += 30) {
        cv::Mat previous = renderLightMap(lightAt(az, -90), 64, 48, LightMapVariant::Fc);
        // Up one meridian (az) and down the opposite one (az + 180): a full great circle.
        for (double t = 0.5; t <= 360.0; t += 0.5) {
            const double el = t <= 180 ? -90 + t : 90 - (t - 180);
            cv::Mat current =
                renderLightMap(lightAt(t <= 180 ? az : az + 180, el), 64, 48, LightMapVariant::Fc);
            worst = std::max(worst, maxAbsDiff(previous, current));
            previous = current;
        }
    }
    CHECK(worst <= 4);
}

TEST_CASE("front, back, diagonal and elevated lights give visibly different maps", "[light]") {
    const int w = 128, h = 96;
    const auto map = [&](double az, double el) {
        return renderLightMap(lightAt(az, el), w, h, LightMapVariant::Fc);
    };
    const cv::Mat front = map(0, 0), back = map(180, 0), left = map(270, 0), right = map(90, 0);
    const cv::Mat upLeft = map(315, 45), high = map(0, 45), low = map(0, -45);
    const std::vector<cv::Mat> all{front, back, left, right, upLeft, high, low};
    for (size_t i = 0; i < all.size(); ++i)
        for (size_t j = i + 1; j < all.size(); ++j) {
            INFO(i << " vs " << j);
            CHECK(meanAbsDiff(all[i], all[j]) > 20);
        }
    const auto at = [](const cv::Mat& m, int x, int y) { return int(m.at<cv::Vec3b>(y, x)[0]); };
    // Front light: bright centre, darker edges; back light: dark centre, bright rim.
    CHECK(at(front, w / 2, h / 2) > at(front, 0, 0) + 100);
    CHECK(at(back, w / 2, h / 2) + 100 < at(back, 0, 0));
    // Upper-left diagonal: top-left corner brightest, bottom-right darkest.
    CHECK(at(upLeft, 2, 2) > at(upLeft, w / 2, h / 2));
    CHECK(at(upLeft, w / 2, h / 2) > at(upLeft, w - 3, h - 3));
    // Elevation moves the bright area up or down.
    CHECK(at(high, w / 2, 10) > at(high, w / 2, h - 11) + 40);
    CHECK(at(low, w / 2, 10) + 40 < at(low, w / 2, h - 11));
}

TEST_CASE("colour and intensity tint and scale the map", "[light]") {
    LightSettings light = lightAt(90, 0);
    const cv::Mat plain = renderLightMap(light, 64, 32, LightMapVariant::Fc);
    light.color = LightColor::fromKelvin(3000);
    const cv::Mat warm = renderLightMap(light, 64, 32, LightMapVariant::Fc);
    const cv::Scalar warmMean = cv::mean(warm);
    CHECK(warmMean[0] > warmMean[2] + 30);  // red over blue
    cv::Mat plainChannels[3];
    cv::split(plain, plainChannels);
    CHECK(cv::norm(plainChannels[0], plainChannels[2], cv::NORM_INF) ==
          0);  // white light stays grey
    light.color = {};
    light.intensity = 0.5;
    const cv::Mat dim = renderLightMap(light, 64, 32, LightMapVariant::Fc);
    CHECK(cv::mean(dim)[0] == Approx(cv::mean(plain)[0] * 0.5).margin(1.0));
    light.intensity = 0.0;
    CHECK(cv::countNonZero(renderLightMap(light, 64, 32, LightMapVariant::Fc).reshape(1)) == 0);
}

TEST_CASE("bad light map requests are usage errors", "[light]") {
    LightSettings none;
    const auto usage = [](auto&& fn) {
        try {
            fn();
        } catch (const Error& e) {
            return e.code() == ErrorCode::Usage;
        }
        return false;
    };
    CHECK(usage([&] { renderLightMap(none, 8, 8, LightMapVariant::Fc); }));
    CHECK(usage([&] { renderLightMap(lightAt(0, 0), 0, 8, LightMapVariant::Fc); }));
    CHECK(usage([&] { renderLightMap(lightAt(0, 0), 8, -1, LightMapVariant::Fc); }));
    CHECK(usage(
        [&] { renderLightMap(lightAt(0, 0), kMaxLightMapSide + 1, 8, LightMapVariant::Fc); }));
    LightSettings bright = lightAt(0, 0);
    bright.intensity = 2.5;
    CHECK(usage([&] { renderLightMap(bright, 8, 8, LightMapVariant::Fc); }));
    bright.intensity = std::nan("");
    CHECK(usage([&] { renderLightMap(bright, 8, 8, LightMapVariant::Fc); }));
}
