// Issue #17 through the real chiaro-cli: photos of the sizes, depths and colour spaces users have
// come back at their own size, framing, bit depth and profile.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "../core/image/icc_test_files.h"
#include "chiaro/image/image_io.h"
#include "chiaro/image/photo.h"
#include "test_photos.h"
#include "test_support.h"

using namespace chiaro;
using chiaro::test::runCli;

namespace {

// The relight options every test here shares: tiny bundle, two steps, no second-pass upscale, a
// small working budget so the diffusion stays quick.
std::vector<std::string> relightArgs(const std::string& in, const std::string& out,
                                     std::vector<std::string> extra) {
    std::vector<std::string> args = {"relight", in, "-o", out, "--models", test::bundleDir("tiny_fc"),
                                     "--steps", "2", "--highres-scale", "1.0", "--light-preset", "right",
                                     "--threads", "2", "--width", "320"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

cv::Mat rectMask(cv::Size size, cv::Rect r) {
    cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
    cv::rectangle(mask, r, cv::Scalar(255), cv::FILLED);
    return mask;
}

// Pixels that differ between two same-size pictures, where `where` is non-zero.
int changedPixels(const cv::Mat& a, const cv::Mat& b, const cv::Mat& where) {
    cv::Mat diff, changed;
    cv::absdiff(a, b, diff);
    cv::transform(diff, changed, cv::Matx13f(1, 1, 1));
    return cv::countNonZero((changed > 0) & where);
}

cv::Mat farFrom(const cv::Mat& mask, int distance) {
    cv::Mat grown;
    cv::dilate(mask, grown, cv::getStructuringElement(cv::MORPH_RECT, {2 * distance + 1, 2 * distance + 1}));
    return grown == 0;
}

}  // namespace

TEST_CASE("a 4500x3000 JPEG inpainted with --keep-unmasked comes back 4500x3000, untouched off the mask",
          "[cli][fullres]") {
    test::TempDir dir;
    cv::Mat photo = test::printedLabelPhoto({4500, 3000});
    cv::Mat bgr;
    cv::cvtColor(photo, bgr, cv::COLOR_RGB2BGR);
    REQUIRE(cv::imwrite(dir.file("shot.jpg"), bgr, {cv::IMWRITE_JPEG_QUALITY, 92}));
    const cv::Mat mask = rectMask(photo.size(), {3400, 300, 600, 500});
    REQUIRE(cv::imwrite(dir.file("shot_mask.png"), mask));
    const auto r = runCli(relightArgs(dir.file("shot.jpg"), dir.file("out.png"),
                                      {"--mode", "inpaint", "--mask", dir.file("shot_mask.png"), "--keep-unmasked", "--json"}));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto json = nlohmann::json::parse(r.out);
    CHECK(json.at("width") == 4500);
    CHECK(json.at("height") == 3000);
    const cv::Mat input = core::loadImageRgb(dir.file("shot.jpg"));
    const cv::Mat out = core::loadImageRgb(dir.file("out.png"));
    REQUIRE(out.size() == input.size());
    CHECK(changedPixels(out, input, farFrom(mask, 40)) == 0);  // the feather reaches 18 px
    CHECK(changedPixels(out, input, mask) > 0.9 * cv::countNonZero(mask));
    // The parameters say how it was made, and `info` gives them back.
    const auto info = runCli({"info", dir.file("out.png")});
    REQUIRE(info.exitCode == 0);
    const auto job = nlohmann::json::parse(info.out).at("chiaro");
    CHECK(job.at("output_size") == "photo");
    CHECK(job.at("result_size") == nlohmann::json::array({4500, 3000}));
    CHECK(job.contains("inpaint_region"));
}

TEST_CASE("output size working gives the diffusion's size, sizes over twice the photo are refused",
          "[cli][fullres]") {
    test::TempDir dir;
    REQUIRE(cv::imwrite(dir.file("p.png"), test::printedLabelPhoto({1200, 800})));
    auto r = runCli(relightArgs(dir.file("p.png"), dir.file("w.png"), {"--output-size", "working", "--json"}));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto json = nlohmann::json::parse(r.out);
    CHECK(json.at("width") == 320);
    CHECK(json.at("height") == 256);  // 320 / 1.5 = 213, rounded to 64 and raised to the 256 minimum

    r = runCli(relightArgs(dir.file("p.png"), dir.file("x.png"), {"--output-size", "2401x1000"}));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("twice") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    r = runCli(relightArgs(dir.file("p.png"), dir.file("x.png"), {"--output-size", "big"}));
    CHECK(r.exitCode == 2);
    r = runCli(relightArgs(dir.file("p.png"), dir.file("x.jpg"), {}));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find(".jpg") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.file("x.png")));
}

TEST_CASE("a 16-bit PNG comes back as a 16-bit TIFF with the kept pixels' exact values", "[cli][fullres]") {
    test::TempDir dir;
    cv::Mat photo8 = test::printedLabelPhoto({1500, 1000});
    cv::Mat photo16;
    photo8.convertTo(photo16, CV_16U, 257.0);
    cv::Mat noise(photo16.size(), CV_16UC3);
    test::fillUniform(noise, 0, 250);  // low bits an 8-bit detour would lose
    photo16 += noise;
    cv::Mat bgr16;
    cv::cvtColor(photo16, bgr16, cv::COLOR_RGB2BGR);
    REQUIRE(cv::imwrite(dir.file("deep.png"), bgr16));
    const cv::Mat mask = rectMask(photo16.size(), {200, 200, 300, 200});
    REQUIRE(cv::imwrite(dir.file("m.png"), mask));
    const auto r = runCli(relightArgs(dir.file("deep.png"), dir.file("out.tif"),
                                      {"--mode", "inpaint", "--mask", dir.file("m.png"), "--keep-unmasked"}));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const core::Photo out = core::loadPhoto(dir.file("out.tif"));
    REQUIRE(out.pixels.type() == CV_16UC3);
    const auto info = runCli({"info", dir.file("out.tif")});  // the job travels in the TIFF too
    REQUIRE(info.exitCode == 0);
    CHECK(nlohmann::json::parse(info.out).at("chiaro").at("output_size") == "photo");
    REQUIRE(out.pixels.size() == photo16.size());
    CHECK(changedPixels(out.pixels, photo16, farFrom(mask, 20)) == 0);
    CHECK(changedPixels(out.pixels, photo16, mask) > 0.9 * cv::countNonZero(mask));
    // --bit-depth 8 still writes 8 bits.
    const auto r8 = runCli(relightArgs(dir.file("deep.png"), dir.file("out8.png"), {"--bit-depth", "8"}));
    REQUIRE(r8.exitCode == 0);
    CHECK(core::loadPhoto(dir.file("out8.png")).pixels.type() == CV_8UC3);
}

TEST_CASE("an Adobe RGB JPEG keeps its profile and its colours where the job keeps the photo",
          "[cli][fullres]") {
    test::TempDir dir;
    cv::Mat photo = test::printedLabelPhoto({1200, 800});
    cv::rectangle(photo, cv::Rect(900, 50, 250, 150), cv::Scalar(20, 200, 40), cv::FILLED);  // a saturated green
    const std::string profile = test::adobeRgbProfile();
    test::writeFile(dir.file("adobe.jpg"), test::withJpegIcc(test::encodeJpeg(photo, 95), profile, 1));
    const cv::Mat subject = rectMask(photo.size(), {150, 130, 600, 500});
    REQUIRE(cv::imwrite(dir.file("subject.png"), subject));
    const auto r = runCli(relightArgs(dir.file("adobe.jpg"), dir.file("out.png"),
                                      {"--mask", dir.file("subject.png"), "--keep-unmasked"}));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const core::Photo input = core::loadPhoto(dir.file("adobe.jpg"));
    const core::Photo out = core::loadPhoto(dir.file("out.png"));
    REQUIRE(input.iccProfile == profile);
    CHECK(out.iccProfile == profile);
    REQUIRE(out.pixels.size() == input.pixels.size());
    // Away from the subject: the file's own Adobe RGB values, so the green does not shift.
    CHECK(changedPixels(out.pixels, input.pixels, farFrom(subject, 20)) == 0);
    const cv::Rect green(920, 70, 210, 110);
    CHECK(cv::norm(cv::mean(out.pixels(green)) - cv::mean(input.pixels(green))) < 0.5);
    // And what a colour-managed viewer shows there is the input's sRGB rendering, not a
    // desaturated one (the Adobe values read as sRGB would be).
    CHECK(cv::norm(cv::mean(core::photoToSrgb8(out)(green)) - cv::mean(core::photoToSrgb8(input)(green))) < 0.5);
}
