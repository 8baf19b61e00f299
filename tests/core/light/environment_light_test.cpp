// Environment lighting (issue #21): panoramas with known lights reduced to rigs, the file checks.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/light/environment_light.h"
#include "synthetic_scene.h"

using namespace chiaro::core;
using namespace chiaro::test;

namespace {

constexpr double kPi = 3.14159265358979323846;

// A panorama (RGB, linear) with a uniform floor and round lamps, painted from the convention of
// environment_light.h written out independently: u = 1 - az/360, v = (90 - el)/180.
struct Lamp {
    double azimuth, elevation, radiusDeg;
    cv::Vec3f radiance;
};

cv::Mat panorama(int width, float floor, const std::vector<Lamp>& lamps) {
    cv::Mat pano(width / 2, width, CV_32FC3, cv::Scalar(floor, floor, floor));
    for (int y = 0; y < pano.rows; ++y) {
        for (int x = 0; x < pano.cols; ++x) {
            const double az = 360.0 * (1.0 - (x + 0.5) / width), el = 90.0 - 180.0 * (y + 0.5) / pano.rows;
            const auto d = lightVector(az, el);
            for (const Lamp& lamp : lamps) {
                if (angleDeg(d, lightVector(lamp.azimuth, lamp.elevation)) <= lamp.radiusDeg)
                    pano.at<cv::Vec3f>(y, x) += lamp.radiance;
            }
        }
    }
    return pano;
}

double offBy(const LightDirection& d, double azimuth, double elevation) {
    return angleDeg(lightVector(d.azimuth, d.elevation), lightVector(azimuth, elevation));
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() /
               ("chiaro_env_" + std::to_string(reinterpret_cast<uintptr_t>(this)) + "_" +
                std::to_string(::getpid()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

void writeRgbFloat(const std::string& path, const cv::Mat& rgb) {
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    REQUIRE(cv::imwrite(path, bgr));
}

void requireBadInput(const std::string& path, const std::string& words) {
    try {
        loadEnvironmentMap(path);
        FAIL("no error for " << path);
    } catch (const Error& e) {
        INFO(e.what());
        CHECK(e.code() == ErrorCode::BadInput);
        CHECK(std::string(e.what()).find(words) != std::string::npos);
        CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
}

}  // namespace

TEST_CASE("a sun in a dim sky becomes one hard key light from the sun, in the sun's colour", "[light][env]") {
    const cv::Mat pano = panorama(512, 0.05f, {{300.0, 40.0, 2.0, {600.0f, 450.0f, 300.0f}}});
    const LightSettings rig = rigFromEnvironment(pano);
    REQUIRE(rig.direction);
    CHECK(offBy(*rig.direction, 300.0, 40.0) < 3.0);
    CHECK(rig.intensity == Approx(1.0));
    CHECK(rig.size < 0.15);
    CHECK(rig.color.r > rig.color.b * 1.5);  // warm
    CHECK(rig.otherLights.empty());
    CHECK(rig.ambient < 0.3);
    CHECK_NOTHROW(validateLightSettings(rig));
}

TEST_CASE("a sun and a broad window give a key and a softer, weaker fill", "[light][env]") {
    const cv::Mat pano = panorama(512, 0.02f, {{300.0, 40.0, 3.0, {80.0f, 80.0f, 80.0f}},
                                               {60.0, 10.0, 15.0, {0.6f, 0.7f, 0.9f}}});
    const LightSettings rig = rigFromEnvironment(pano);
    REQUIRE(rig.direction);
    CHECK(offBy(*rig.direction, 300.0, 40.0) < 3.0);
    REQUIRE(rig.otherLights.size() == 1);
    const LightSource& fill = rig.otherLights.front();
    CHECK(offBy(fill.direction, 60.0, 10.0) < 5.0);
    CHECK(fill.intensity < 0.9);
    CHECK(fill.intensity > 0.05);
    CHECK(fill.size > rig.size + 0.1);
    CHECK(fill.color.b > fill.color.r);  // the window's blue sky

    SECTION("the rotation turns every light about the vertical axis") {
        EnvironmentRigOptions options;
        options.rotationDeg = 90.0;
        const LightSettings turned = rigFromEnvironment(pano, options);
        REQUIRE(turned.direction);
        CHECK(offBy(*turned.direction, 30.0, 40.0) < 3.0);
        REQUIRE(turned.otherLights.size() == 1);
        CHECK(offBy(turned.otherLights.front().direction, 150.0, 10.0) < 5.0);
    }
    SECTION("maxLights limits the rig") {
        EnvironmentRigOptions options;
        options.maxLights = 1;
        CHECK(rigFromEnvironment(pano, options).otherLights.empty());
    }
}

TEST_CASE("a uniform panorama is one soft light and a high ambient, never NaN", "[light][env]") {
    for (const float level : {0.0f, 0.5f, 1000.0f}) {
        const LightSettings rig = rigFromEnvironment(cv::Mat(64, 128, CV_32FC3, cv::Scalar::all(level)));
        REQUIRE(rig.direction);
        CHECK(std::isfinite(rig.direction->azimuth));
        CHECK(rig.otherLights.empty());
        CHECK(rig.size == Approx(1.0));
        CHECK(rig.ambient >= 0.5);
        CHECK_NOTHROW(validateLightSettings(rig));
    }
}

TEST_CASE("panorama files: .hdr and .exr read, the column convention holds", "[light][env]") {
    TempDir dir;
    // A lamp at u = 0.75 (the right quarter) is a light from the right: azimuth 90.
    const cv::Mat pano = panorama(256, 0.05f, {{90.0, 0.0, 4.0, {30.0f, 30.0f, 30.0f}}});
    for (const std::string ext : {".hdr", ".exr", ".pfm"}) {
        INFO(ext);
        const std::string path = dir.file("pano" + ext);
        writeRgbFloat(path, pano);
        const cv::Mat loaded = loadEnvironmentMap(path);
        CHECK(loaded.size() == pano.size());
        const LightSettings rig = rigFromEnvironment(loaded);
        REQUIRE(rig.direction);
        CHECK(offBy(*rig.direction, 90.0, 0.0) < 3.0);
    }
    // An 8-bit PNG panorama is read as sRGB.
    cv::Mat ldr;
    cv::Mat clipped = cv::min(pano, 1.0);
    clipped.convertTo(ldr, CV_8UC3, 255.0);
    cv::cvtColor(ldr, ldr, cv::COLOR_RGB2BGR);
    REQUIRE(cv::imwrite(dir.file("pano.png"), ldr));
    CHECK(loadEnvironmentMap(dir.file("pano.png")).type() == CV_32FC3);
}

TEST_CASE("bad panoramas: one-line BadInput errors before anything big is allocated", "[light][env]") {
    TempDir dir;
    writeRgbFloat(dir.file("square.hdr"), cv::Mat(100, 100, CV_32FC3, cv::Scalar::all(1)));
    requireBadInput(dir.file("square.hdr"), "2:1");
    // Hand-written Radiance headers: 0×0 and 50,000 px wide (no pixel data follows).
    std::ofstream(dir.file("empty.hdr")) << "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 0 +X 0\n";
    requireBadInput(dir.file("empty.hdr"), "empty panorama");
    std::ofstream(dir.file("huge.hdr")) << "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 25000 +X 50000\n";
    requireBadInput(dir.file("huge.hdr"), "50000 px wide, at most 16384");
    std::ofstream(dir.file("garbage.hdr")) << "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n";
    requireBadInput(dir.file("garbage.hdr"), "garbage.hdr");
    std::ofstream(dir.file("notes.hdr")) << "hello";
    requireBadInput(dir.file("notes.hdr"), "not a Radiance HDR");
    cv::Mat nan(64, 128, CV_32FC3, cv::Scalar::all(1));
    nan.at<cv::Vec3f>(10, 10)[1] = std::nanf("");
    writeRgbFloat(dir.file("nan.exr"), nan);
    requireBadInput(dir.file("nan.exr"), "NaN or infinite");
    cv::Mat inf(64, 128, CV_32FC3, cv::Scalar::all(1));
    inf.at<cv::Vec3f>(3, 7)[0] = INFINITY;
    writeRgbFloat(dir.file("inf.pfm"), inf);
    requireBadInput(dir.file("inf.pfm"), "NaN or infinite");
    cv::Mat negative(64, 128, CV_32FC3, cv::Scalar::all(1));
    negative.at<cv::Vec3f>(3, 7)[2] = -2.0f;
    writeRgbFloat(dir.file("negative.exr"), negative);
    requireBadInput(dir.file("negative.exr"), "negative");
    requireBadInput(dir.file("missing.hdr"), "missing.hdr");
    requireBadInput(dir.file("pano.gif"), "unsupported panorama format");
    CHECK_THROWS_AS(rigFromEnvironment(cv::Mat()), Error);
}

TEST_CASE("light from a background photo: its bright side becomes the key, behind the subject", "[light][env]") {
    // A dim room with a bright window in the upper right of the background photo.
    cv::Mat background(300, 400, CV_8UC3, cv::Scalar(40, 40, 45));
    cv::rectangle(background, cv::Rect(300, 30, 80, 90), cv::Scalar(255, 250, 235), cv::FILLED);
    const LightSettings rig = rigFromBackground(background);
    REQUIRE(rig.direction);
    // Right edge = azimuth 90, centre = 180: the window sits between, above the horizon.
    CHECK(rig.direction->azimuth > 95.0);
    CHECK(rig.direction->azimuth < 150.0);
    CHECK(rig.direction->elevation > 15.0);
    CHECK_NOTHROW(validateLightSettings(rig));
    // A real photo gives a valid rig too.
    CHECK_NOTHROW(validateLightSettings(rigFromBackground(loadSharedPhoto("coffee.png"))));
    CHECK_THROWS_AS(rigFromBackground(cv::Mat()), Error);
}
