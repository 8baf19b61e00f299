// Environment lighting through the real chiaro-cli (issue #21): a panorama file becomes the rig of
// lightmap / relight, the rotate slider's twin --env-rotate turns it, bad panoramas are one-line
// errors, and "light from this background" drives an fbc relight with the tiny bundle.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/image/png_metadata.h"
#include "test_support.h"

using namespace chiaro;
using chiaro::test::runCli;

namespace {

constexpr double kPi = 3.14159265358979323846;

// A linear RGB panorama with a dim floor and one warm lamp at (azimuth, elevation), painted from
// the equirectangular convention written out independently: u = 1 - az/360, v = (90 - el)/180.
cv::Mat lampPanorama(int width, double azimuth, double elevation) {
    cv::Mat pano(width / 2, width, CV_32FC3, cv::Scalar::all(0.05));
    const double la = azimuth * kPi / 180.0, le = elevation * kPi / 180.0;
    const cv::Vec3d lamp(std::cos(le) * std::sin(la), std::sin(le), std::cos(le) * std::cos(la));
    for (int y = 0; y < pano.rows; ++y) {
        for (int x = 0; x < pano.cols; ++x) {
            const double a = 2.0 * kPi * (1.0 - (x + 0.5) / width), e = kPi / 2 - kPi * (y + 0.5) / pano.rows;
            const cv::Vec3d d(std::cos(e) * std::sin(a), std::sin(e), std::cos(e) * std::cos(a));
            if (d.dot(lamp) > std::cos(8.0 * kPi / 180.0))
                pano.at<cv::Vec3f>(y, x) = cv::Vec3f(40.0f, 30.0f, 20.0f);  // R, G, B: warm
        }
    }
    return pano;
}

void writeHdr(const std::string& path, const cv::Mat& rgb) {
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    REQUIRE(cv::imwrite(path, bgr));
}

double angleBetween(double az1, double el1, double az2, double el2) {
    auto v = [](double az, double el) {
        const double a = az * kPi / 180.0, e = el * kPi / 180.0;
        return cv::Vec3d(std::cos(e) * std::sin(a), std::sin(e), std::cos(e) * std::cos(a));
    };
    return std::acos(std::clamp(v(az1, el1).dot(v(az2, el2)), -1.0, 1.0)) * 180.0 / kPi;
}

void expectOneLine(const std::vector<std::string>& args, int code, const std::string& words) {
    const auto r = runCli(args);
    INFO(r.err);
    CHECK(r.exitCode == code);
    CHECK(r.err.find(words) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

}  // namespace

TEST_CASE("lightmap --env derives the rig from an HDR panorama and --env-rotate turns it", "[cli][light][env]") {
    test::TempDir dir;
    writeHdr(dir.file("lamp.hdr"), lampPanorama(512, 90.0, 30.0));
    const auto r = runCli({"lightmap", "--env", dir.file("lamp.hdr"), "-o", dir.file("m.png"), "--json"});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto rig = nlohmann::json::parse(r.out).at("rig");
    REQUIRE(rig.at("lights").size() >= 1);
    const auto key = rig.at("lights")[0];
    CHECK(angleBetween(key.at("azimuth"), key.at("elevation"), 90.0, 30.0) < 10.0);
    CHECK(key.at("color")[0].get<double>() > key.at("color")[2].get<double>());  // the lamp is warm
    // The light map is lit from the right (azimuth 90 = the subject's right = image right).
    cv::Mat map = cv::imread(dir.file("m.png"), cv::IMREAD_GRAYSCALE);
    REQUIRE_FALSE(map.empty());
    const int third = map.cols / 3;
    CHECK(cv::mean(map.colRange(2 * third, map.cols))[0] > cv::mean(map.colRange(0, third))[0] + 20.0);

    const auto turned = runCli({"lightmap", "--env", dir.file("lamp.hdr"), "--env-rotate", "180", "-o",
                                dir.file("t.png"), "--json"});
    REQUIRE(turned.exitCode == 0);
    const auto turnedKey = nlohmann::json::parse(turned.out).at("rig").at("lights")[0];
    CHECK(angleBetween(turnedKey.at("azimuth"), turnedKey.at("elevation"), 270.0, 30.0) < 10.0);
}

TEST_CASE("bad panoramas are one-line errors with exit 3 and write nothing", "[cli][light][env]") {
    test::TempDir dir;
    const std::string out = dir.file("m.png");
    writeHdr(dir.file("square.hdr"), cv::Mat(100, 100, CV_32FC3, cv::Scalar::all(1)));
    expectOneLine({"lightmap", "--env", dir.file("square.hdr"), "-o", out}, 3, "2:1");
    std::ofstream(dir.file("empty.hdr")) << "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 0 +X 0\n";
    expectOneLine({"lightmap", "--env", dir.file("empty.hdr"), "-o", out}, 3, "empty panorama");
    std::ofstream(dir.file("huge.hdr")) << "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 25000 +X 50000\n";
    expectOneLine({"lightmap", "--env", dir.file("huge.hdr"), "-o", out}, 3, "50000 px wide");
    cv::Mat nan = lampPanorama(128, 0.0, 0.0);
    nan.at<cv::Vec3f>(10, 10)[1] = std::numeric_limits<float>::quiet_NaN();
    writeHdr(dir.file("nan.pfm"), nan);
    expectOneLine({"lightmap", "--env", dir.file("nan.pfm"), "-o", out}, 3, "NaN or infinite");
    expectOneLine({"lightmap", "--env", dir.file("missing.hdr"), "-o", out}, 3, "missing.hdr");
    expectOneLine({"lightmap", "--env", dir.file("square.hdr"), "--light", "0,0", "-o", out}, 2,
                  "cannot be combined");
    CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("relight --light-from-background: usage errors, and an fbc relight lit by its background",
          "[cli][light][env]") {
    test::TempDir dir;
    const std::string photo = test::sharedDir() + "/data/photos/coffee.png";
    // A background that is bright on its left third only: the light must come from the left
    // (the background photo spans azimuth 270 at its left edge to 90 at its right edge).
    cv::Mat bg(400, 600, CV_8UC3, cv::Scalar::all(25));
    bg.colRange(0, 200).setTo(cv::Scalar::all(250));
    REQUIRE(cv::imwrite(dir.file("bg.png"), bg));
    const std::string background = dir.file("bg.png");
    const std::vector<std::string> base = {"relight", photo, "-o", dir.file("out.png"), "--models",
                                           test::bundleDir("tiny_fbc"), "--steps", "2", "--highres-scale",
                                           "1.0", "--threads", "2", "--width", "256"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };
    expectOneLine(with({"--light-from-background"}), 2, "needs --background");
    expectOneLine(with({"--light-from-background", "--background", background, "--light", "0,0"}), 2,
                  "cannot be combined");
    CHECK_FALSE(std::filesystem::exists(dir.file("out.png")));

    const auto r = runCli(with({"--light-from-background", "--background", background}));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const core::PngTextChunks chunks = core::readPngTextChunksFromFile(dir.file("out.png"));
    const auto job = nlohmann::json::parse(chunks.latin1.count("chiaro") ? chunks.latin1.at("chiaro")
                                                                         : chunks.utf8.at("chiaro"));
    INFO(job.dump());
    const auto& light = job.at("light");
    REQUIRE(light.contains("azimuth"));
    CHECK(std::sin(light.at("azimuth").get<double>() * kPi / 180.0) < -0.5);  // from the left
}
