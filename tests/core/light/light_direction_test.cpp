// The light vocabulary: direction conversions, presets, parsing, colour temperature.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "chiaro/core/error.h"
#include "chiaro/light/light.h"
#include "synthetic_scene.h"

using namespace chiaro::core;
using chiaro::test::angleDeg;
using chiaro::test::lightVector;

namespace {
bool throwsCode(ErrorCode code, const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.code() == code;
    }
    return false;
}
}  // namespace

TEST_CASE("directions follow CONTRACTS.md's axes", "[light]") {
    const auto near = [](std::array<double, 3> a, std::array<double, 3> b) {
        return angleDeg(a, b) < 1e-5;
    };
    CHECK(near(LightDirection{0, 0}.toVector(), {0, 0, 1}));     // front: toward the viewer
    CHECK(near(LightDirection{90, 0}.toVector(), {1, 0, 0}));    // from the image's right
    CHECK(near(LightDirection{270, 0}.toVector(), {-1, 0, 0}));  // from the left
    CHECK(near(LightDirection{180, 0}.toVector(), {0, 0, -1}));  // from behind
    CHECK(near(LightDirection{0, 90}.toVector(), {0, 1, 0}));    // from above
    CHECK(near(LightDirection{0, -90}.toVector(), {0, -1, 0}));
}

TEST_CASE("vectors and angles convert both ways", "[light]") {
    for (double az = 0; az < 360; az += 17.5) {
        for (double el = -85; el <= 85; el += 12.5) {
            const LightDirection d{az, el};
            const auto v = d.toVector();
            CHECK(std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) == Approx(1.0));
            CHECK(angleDeg(v, lightVector(az, el)) < 1e-5);  // acos resolution near 0
            const LightDirection back = LightDirection::fromVector({3 * v[0], 3 * v[1], 3 * v[2]});
            CHECK(back.azimuth == Approx(az).margin(1e-9));
            CHECK(back.elevation == Approx(el).margin(1e-9));
        }
    }
    const LightDirection pole = LightDirection::fromVector({0, 2, 0});
    CHECK(pole.elevation == Approx(90));
    const LightDirection zero = LightDirection::fromVector({0, 0, 0});  // no NaN for a null vector
    CHECK(std::isfinite(zero.azimuth));
    CHECK(std::isfinite(zero.elevation));
}

TEST_CASE("normalized wraps azimuth and clamps elevation", "[light]") {
    CHECK(LightDirection::normalized(-90, 0).azimuth == Approx(270));
    CHECK(LightDirection::normalized(720 + 45, 0).azimuth == Approx(45));
    CHECK(LightDirection::normalized(360, 0).azimuth == 0);
    const double tiny = LightDirection::normalized(-1e-20, 0).azimuth;
    CHECK((tiny >= 0 && tiny < 360));
    CHECK(LightDirection::normalized(0, 120).elevation == 90);
    CHECK(LightDirection::normalized(0, -100).elevation == -90);
}

TEST_CASE("presets have IC-Light's directions and names", "[light]") {
    CHECK_FALSE(presetDirection(LightPreset::None).has_value());
    CHECK(presetDirection(LightPreset::Left)->azimuth == 270);
    CHECK(presetDirection(LightPreset::Right)->azimuth == 90);
    CHECK(presetDirection(LightPreset::Top)->elevation == 90);
    CHECK(presetDirection(LightPreset::Bottom)->elevation == -90);
    CHECK(presetDirection(LightPreset::Back)->azimuth == 180);
    for (const char* name : {"none", "left", "right", "top", "bottom", "front", "back"}) {
        const auto p = parseLightPreset(name);
        REQUIRE(p.has_value());
        CHECK(lightPresetName(*p) == name);
    }
    CHECK(parseLightPreset("LEFT") == LightPreset::Left);
    CHECK_FALSE(parseLightPreset("sideways").has_value());
}

TEST_CASE("only the four gradient presets are exact IC-Light presets", "[light]") {
    CHECK(exactIcLightPreset({270, 0}) == LightPreset::Left);
    CHECK(exactIcLightPreset({90, 0}) == LightPreset::Right);
    CHECK(exactIcLightPreset({123, 90}) ==
          LightPreset::Top);  // the azimuth means nothing at a pole
    CHECK(exactIcLightPreset({0, -90}) == LightPreset::Bottom);
    CHECK_FALSE(exactIcLightPreset({0, 0}).has_value());
    CHECK_FALSE(exactIcLightPreset({180, 0}).has_value());
    CHECK_FALSE(exactIcLightPreset({270.001, 0}).has_value());
    CHECK_FALSE(exactIcLightPreset({0, 89.99}).has_value());
}

TEST_CASE("AZ,EL text parses, bad text is a usage error", "[light]") {
    const LightDirection d = parseLightDirection("-45, 30.5");
    CHECK(d.azimuth == Approx(315));
    CHECK(d.elevation == Approx(30.5));
    for (const char* bad :
         {"", "45", "a,b", "45,", ",10", "45,91", "nan,0", "10,20,30", "1e999,0"}) {
        INFO(bad);
        CHECK(throwsCode(ErrorCode::Usage, [&] { parseLightDirection(bad); }));
    }
}

TEST_CASE("colour temperature: 6500 K is white, lower is warm, higher is cool", "[light]") {
    const LightColor white = LightColor::fromKelvin(6500);
    CHECK(white.r == Approx(1.0));
    CHECK(white.g == Approx(1.0));
    CHECK(white.b == Approx(1.0));
    const LightColor candle = LightColor::fromKelvin(1900);
    CHECK(candle.r == Approx(1.0));
    CHECK(candle.b < 0.3);
    const LightColor tungsten = LightColor::fromKelvin(3200);
    CHECK((tungsten.r > tungsten.g && tungsten.g > tungsten.b));
    const LightColor sky = LightColor::fromKelvin(12000);
    CHECK(sky.b == Approx(1.0));
    CHECK(sky.r < 0.9);
    // Monotonic: the blue share falls steadily as the temperature drops.
    double previous = 2.0;
    for (double k = 12000; k >= 1000; k -= 500) {
        const LightColor c = LightColor::fromKelvin(k);
        CHECK(c.b / c.r <= previous + 1e-9);
        previous = c.b / c.r;
    }
    CHECK(throwsCode(ErrorCode::Usage, [] { LightColor::fromKelvin(500); }));
    CHECK(throwsCode(ErrorCode::Usage, [] { LightColor::fromKelvin(std::nan("")); }));
}
