// chiaro-cli lightmap, preview and estimate-light, run as a child process on real files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "../core/light/synthetic_scene.h"
#include "test_support.h"

using namespace chiaro::test;

namespace {

cv::Mat readRgb(const std::string& path) {
    cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    if (bgr.empty())
        return bgr;
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

void writeRgb(const std::string& path, const cv::Mat& rgb) {
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    REQUIRE(cv::imwrite(path, bgr));
}

std::string samplePhoto(const std::string& name) {
    return sourceDir() + "/resources/samples/" + name;
}

double meanGrey(const cv::Mat& rgb, const cv::Rect& area) {
    cv::Mat grey;
    cv::cvtColor(rgb(area), grey, cv::COLOR_RGB2GRAY);
    return cv::mean(grey)[0];
}

}  // namespace

TEST_CASE("lightmap writes IC-Light's left gradient", "[cli][light]") {
    TempDir dir;
    const auto r = runCli({"lightmap", "--light-preset", "left", "--width", "9", "--height", "3",
                           "-o", dir.file("map.png")});
    REQUIRE(r.exitCode == 0);
    const cv::Mat map = readRgb(dir.file("map.png"));
    REQUIRE(map.size() == cv::Size(9, 3));
    // numpy: linspace(255, 0, 9) = 255, 223.125, 191.25, 159.375, 127.5, 95.625, 63.75, 31.875, 0
    // -> astype(uint8)
    const int expected[9] = {255, 223, 191, 159, 127, 95, 63, 31, 0};
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 9; ++x) {
            INFO(x << "," << y);
            CHECK(map.at<cv::Vec3b>(y, x) == cv::Vec3b(expected[x], expected[x], expected[x]));
        }
}

TEST_CASE("lightmap: fbc variant, any direction, colour temperature, JSON", "[cli][light]") {
    TempDir dir;
    auto r = runCli({"lightmap", "--light-preset", "bottom", "--variant", "fbc", "--width", "4",
                     "--height", "5", "-o", dir.file("bottom.png")});
    REQUIRE(r.exitCode == 0);
    const cv::Mat bottom = readRgb(dir.file("bottom.png"));
    CHECK(int(bottom.at<cv::Vec3b>(0, 0)[0]) ==
          32);  // linspace(32, 224, 5) = 32, 80, 128, 176, 224
    CHECK(int(bottom.at<cv::Vec3b>(2, 3)[1]) == 128);
    CHECK(int(bottom.at<cv::Vec3b>(4, 1)[2]) == 224);

    r = runCli({"lightmap", "--light", "-30,20", "--color-temp", "3000", "--width", "64",
                "--height", "48", "-o", dir.file("warm.png"), "--json"});
    REQUIRE(r.exitCode == 0);
    const auto result = nlohmann::json::parse(r.out);
    CHECK(result["azimuth"].get<double>() == Approx(330));
    CHECK(result["exact_preset"] == "");
    const cv::Scalar mean = cv::mean(readRgb(dir.file("warm.png")));
    CHECK(mean[0] > mean[2] + 30);
}

TEST_CASE("lightmap refuses contradictory or missing lights", "[cli][light]") {
    TempDir dir;
    const std::string out = dir.file("m.png");
    CHECK(runCli({"lightmap", "--light", "10,10", "--light-preset", "left", "-o", out}).exitCode ==
          2);
    CHECK(runCli({"lightmap", "-o", out}).exitCode == 2);
    CHECK(runCli({"lightmap", "--light-preset", "none", "-o", out}).exitCode == 2);
    CHECK(runCli({"lightmap", "--light-preset", "diagonal", "-o", out}).exitCode == 2);
    CHECK(runCli({"lightmap", "--light", "10,100", "-o", out}).exitCode == 2);
    CHECK(runCli({"lightmap", "--light", "10,10", "--variant", "xl", "-o", out}).exitCode == 2);
    CHECK(runCli({"lightmap", "--light", "10,10", "--width", "0", "-o", out}).exitCode == 2);
    CHECK(runCli({"lightmap", "--light", "10,10", "--intensity", "7", "-o", out}).exitCode == 2);
    CHECK(runCli({"lightmap", "--light", "10,10"}).exitCode == 2);  // no output
    CHECK_FALSE(std::filesystem::exists(out));  // nothing written by a refused command
}

TEST_CASE("preview relights a sample photo from the chosen side", "[cli][light]") {
    TempDir dir;
    const cv::Mat photo = readRgb(samplePhoto("coffee.png"));
    REQUIRE_FALSE(photo.empty());
    cv::Mat mask(photo.size(), CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, {photo.cols / 2, photo.rows / 2}, {photo.cols / 3, photo.rows / 2 - 10}, 0, 0,
                360, cv::Scalar(255), cv::FILLED);
    REQUIRE(cv::imwrite(dir.file("mask.png"), mask));
    const auto r =
        runCli({"preview", samplePhoto("coffee.png"), "-o", dir.file("left.png"), "--light",
                "270,0", "--mask", dir.file("mask.png"), "--keep-unmasked", "--json"});
    REQUIRE(r.exitCode == 0);
    CHECK(nlohmann::json::parse(r.out)["whole_image"] == false);
    const cv::Mat out = readRgb(dir.file("left.png"));
    REQUIRE(out.size() == photo.size());
    cv::Mat diff;
    cv::absdiff(out, photo, diff);
    cv::cvtColor(diff, diff, cv::COLOR_RGB2GRAY);
    CHECK(cv::countNonZero(diff & (mask == 0)) == 0);  // untouched outside the mask
    const cv::Rect left(photo.cols / 2 - photo.cols / 4, photo.rows / 3, photo.cols / 8,
                        photo.rows / 3);
    const cv::Rect right(photo.cols / 2 + photo.cols / 8, photo.rows / 3, photo.cols / 8,
                         photo.rows / 3);
    CHECK(meanGrey(out, left) / meanGrey(out, right) >
          1.3 * meanGrey(photo, left) / meanGrey(photo, right));
}

TEST_CASE("preview errors: missing input, missing output, missing light", "[cli][light]") {
    TempDir dir;
    CHECK(runCli({"preview", dir.file("nope.png"), "-o", dir.file("o.png"), "--light", "0,0"})
              .exitCode == 3);
    CHECK(runCli({"preview", samplePhoto("coffee.png"), "--light", "0,0"}).exitCode == 2);
    CHECK(runCli({"preview", samplePhoto("coffee.png"), "-o", dir.file("o.png")}).exitCode == 2);
    CHECK(runCli({"preview", samplePhoto("coffee.png"), "-o", dir.file("o.png"), "--light", "0,0",
                  "--mask", dir.file("missing-mask.png")})
              .exitCode == 3);
}

TEST_CASE("estimate-light prints the light of a synthetic render as JSON", "[cli][light]") {
    TempDir dir;
    SceneSpec spec;
    spec.light = lightVector(60, 25);
    spec.textured = true;
    spec.noiseSigma = 2.0;
    spec.backgroundPhoto = "rocket.jpg";
    const Scene scene = renderScene(spec);
    writeRgb(dir.file("scene.png"), scene.image);
    REQUIRE(cv::imwrite(dir.file("mask.png"), scene.mask));

    const auto r =
        runCli({"estimate-light", dir.file("scene.png"), "--mask", dir.file("mask.png")});
    REQUIRE(r.exitCode == 0);
    const auto json = nlohmann::json::parse(r.out);
    const double az = json["azimuth"], el = json["elevation"], confidence = json["confidence"];
    CHECK(angleDeg(lightVector(az, el), spec.light) < 10.0);
    CHECK((confidence > 0.3 && confidence <= 1.0));

    const auto whole = runCli({"estimate-light", dir.file("scene.png")});
    REQUIRE(whole.exitCode == 0);
    CHECK(nlohmann::json::parse(whole.out)["confidence"].get<double>() < confidence);
}

TEST_CASE("estimate-light returns a key and a fill as a rig that --rig reads back", "[cli][light][rig]") {
    TempDir dir;
    SceneSpec spec;
    spec.light = lightVector(300, 30);
    spec.fillLight = lightVector(70, 0);
    spec.fillIntensity = 0.5;
    spec.noiseSigma = 1.0;
    spec.backgroundPhoto = "chelsea.png";
    const Scene scene = renderScene(spec);
    writeRgb(dir.file("two.png"), scene.image);
    REQUIRE(cv::imwrite(dir.file("mask.png"), scene.mask));

    const auto r = runCli({"estimate-light", dir.file("two.png"), "--mask", dir.file("mask.png")});
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    const auto json = nlohmann::json::parse(r.out);
    CHECK(json["lights"] == 2);
    const auto lights = json["rig"]["lights"];
    REQUIRE(lights.size() == 2);
    CHECK(angleDeg(lightVector(lights[0]["azimuth"], lights[0]["elevation"]), spec.light) < 10.0);
    CHECK(angleDeg(lightVector(lights[1]["azimuth"], lights[1]["elevation"]), spec.fillLight) < 25.0);
    CHECK(lights[1]["intensity"].get<double>() < 1.0);
    std::ofstream(dir.file("rig.json")) << json["rig"].dump();
    const auto map = runCli({"lightmap", "--rig", dir.file("rig.json"), "-o", dir.file("m.png"), "--json"});
    INFO(map.err);
    CHECK(map.exitCode == 0);

    // One light stays one light.
    SceneSpec single = spec;
    single.fillIntensity = 0.0;
    writeRgb(dir.file("one.png"), renderScene(single).image);
    const auto one = runCli({"estimate-light", dir.file("one.png"), "--mask", dir.file("mask.png")});
    REQUIRE(one.exitCode == 0);
    CHECK(nlohmann::json::parse(one.out)["lights"] == 1);
}

TEST_CASE("estimate-light on a black image reports confidence 0", "[cli][light]") {
    TempDir dir;
    REQUIRE(cv::imwrite(dir.file("black.png"), cv::Mat(40, 60, CV_8UC3, cv::Scalar(0, 0, 0))));
    const auto r = runCli({"estimate-light", dir.file("black.png")});
    REQUIRE(r.exitCode == 0);
    const auto json = nlohmann::json::parse(r.out);
    CHECK(json["confidence"].get<double>() == 0.0);
    CHECK(std::isfinite(json["azimuth"].get<double>()));
    CHECK(runCli({"estimate-light", dir.file("none.png")}).exitCode == 3);
}

TEST_CASE("bench lists the light rows", "[cli][light]") {
    const auto r = runCli({"bench", "--light-only", "--repeats", "1", "--json"});
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("preview 1024x1024 (render only)") != std::string::npos);
    CHECK(r.out.find("estimate-light 1024x1024") != std::string::npos);
    CHECK(r.out.find("select subject 6000x4000") != std::string::npos);
}

TEST_CASE("preview and mask never write over their input photo or mask", "[cli][light][safety]") {
    TempDir dir;
    const std::string photo = dir.file("photo.png");
    const std::string mask = dir.file("photo_mask.png");
    std::filesystem::copy_file(samplePhoto("coffee.png"), photo);
    const cv::Mat original = readRgb(photo);
    cv::Mat maskImage(original.size(), CV_8UC1, cv::Scalar(255));
    REQUIRE(cv::imwrite(mask, maskImage));
    const auto photoSize = std::filesystem::file_size(photo);

    for (const auto& args : std::vector<std::vector<std::string>>{
             {"preview", photo, "-o", photo, "--light", "90,0"},
             {"preview", photo, "-o", mask, "--light", "90,0", "--mask", mask},
             {"mask", photo, "-o", photo, "--auto-mask", "grabcut"}}) {
        CAPTURE(args);
        const auto r = runCli(args);
        CHECK(r.exitCode == 2);
        CHECK_THAT(r.err, Catch::Contains("refusing to overwrite an input file"));
    }
    CHECK(std::filesystem::file_size(photo) == photoSize);
    CHECK(cv::norm(readRgb(photo), original, cv::NORM_INF) == 0.0);
    CHECK(cv::countNonZero(cv::imread(mask, cv::IMREAD_GRAYSCALE)) == static_cast<int>(maskImage.total()));

    // A different output in the same folder still works.
    CHECK(runCli({"preview", photo, "-o", dir.file("out.png"), "--light", "90,0"}).exitCode == 0);
}

TEST_CASE("lightmap and preview take a rig: several --light, --ambient, named rigs", "[cli][light][rig]") {
    TempDir dir;
    const auto key = runCli({"lightmap", "--light", "270,0", "--width", "64", "--height", "32", "-o",
                             dir.file("key.png")});
    REQUIRE(key.exitCode == 0);
    const auto three = runCli({"lightmap", "--light", "270,0", "--light", "90,0,0.5,3200,0.4",
                               "--light", "180,30,0.6", "--ambient", "0.1", "--width", "64",
                               "--height", "32", "-o", dir.file("rig.png"), "--json"});
    REQUIRE(three.exitCode == 0);
    const auto json = nlohmann::json::parse(three.out);
    CHECK(json["rig"]["lights"].size() == 3);
    CHECK(json["rig"]["ambient"] == 0.1);
    CHECK(json["exact_preset"] == "");
    const cv::Mat single = readRgb(dir.file("key.png")), withFill = readRgb(dir.file("rig.png"));
    const cv::Rect rightSide(48, 0, 16, 32);
    CHECK(meanGrey(withFill, rightSide) > meanGrey(single, rightSide) + 40.0);
    // The warm 3200 K fill shows as red over blue on its side.
    const cv::Scalar rightColour = cv::mean(withFill(rightSide));
    CHECK(rightColour[0] > rightColour[2] + 10.0);

    const auto sheet = runCli({"preview", samplePhoto("coffee.png"), "-o", dir.file("p.png"),
                               "--light-preset", "rim-only"});
    CHECK(sheet.exitCode == 0);
    CHECK(readRgb(dir.file("p.png")).size() == readRgb(samplePhoto("coffee.png")).size());
}

TEST_CASE("a rig saved as JSON drives lightmap", "[cli][light][rig]") {
    TempDir dir;
    std::ofstream(dir.file("rig.json"))
        << R"({"chiaro_rig": 1, "ambient": 0.05, "lights": [{"azimuth": 315, "elevation": 35},
             {"azimuth": 60, "elevation": 0, "intensity": 0.4, "kelvin": 4000, "size": 0.5}]})";
    const auto r = runCli({"lightmap", "--rig", dir.file("rig.json"), "-o", dir.file("m.png"), "--json"});
    REQUIRE(r.exitCode == 0);
    CHECK(nlohmann::json::parse(r.out)["rig"]["lights"].size() == 2);
}

TEST_CASE("bad rigs and light specs: one-line errors, exit 2 or 3, nothing written", "[cli][light][rig]") {
    TempDir dir;
    const std::string out = dir.file("m.png");
    std::string five = R"({"lights": [)";
    for (int i = 0; i < 5; ++i)
        five += std::string(i ? "," : "") + R"({"azimuth": )" + std::to_string(i * 40) + R"(, "elevation": 0})";
    std::ofstream(dir.file("five.json")) << five << "]}";
    std::ofstream(dir.file("negative.json")) << R"({"lights": [{"azimuth": 0, "elevation": 0, "intensity": -1}]})";
    std::ofstream(dir.file("broken.json")) << R"({"lights": [)";
    const auto expectOneLine = [&](const std::vector<std::string>& args, int code, const std::string& words) {
        const auto r = runCli(args);
        INFO(r.err);
        CHECK(r.exitCode == code);
        CHECK(r.err.find(words) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    };
    expectOneLine({"lightmap", "--rig", dir.file("five.json"), "-o", out}, 2, "5 lights, at most 4");
    expectOneLine({"lightmap", "--rig", dir.file("negative.json"), "-o", out}, 2, "intensity");
    expectOneLine({"lightmap", "--rig", dir.file("broken.json"), "-o", out}, 3, "not JSON");
    expectOneLine({"lightmap", "--rig", dir.file("missing.json"), "-o", out}, 3, "missing.json");
    expectOneLine({"lightmap", "--light", "0,0", "--light", "40,0", "--light", "80,0", "--light",
                   "120,0", "--light", "160,0", "-o", out},
                  2, "at most 4 lights");
    expectOneLine({"lightmap", "--light", "0,0,-0.5", "-o", out}, 2, "intensity");
    expectOneLine({"lightmap", "--light", "0,0", "--rig", dir.file("negative.json"), "-o", out}, 2,
                  "cannot be combined");
    expectOneLine({"lightmap", "--light", "0,0", "--ambient", "-0.2", "-o", out}, 2, "ambient");
    CHECK_FALSE(std::filesystem::exists(out));
}
