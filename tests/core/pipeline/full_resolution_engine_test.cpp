// Issue #17 end to end: the real engine on the tiny exported bundle, with photos of the shapes users
// have (3000x2000 landscape with fine print, a portrait, 16-bit), returning the photo's own size.
#include <catch2/catch.hpp>

#include <opencv2/imgproc.hpp>

#include "chiaro/image/image_io.h"
#include "chiaro/pipeline/engine.h"
#include "test_photos.h"
#include "test_support.h"

using namespace chiaro;
using core::RelightJob;

namespace {

core::Engine& tinyFc() {
    static std::unique_ptr<core::Engine> engine;
    if (!engine) {
        engine = std::make_unique<core::Engine>();
        core::EngineOptions options;
        options.threads = 2;
        engine->load(test::bundleDir("tiny_fc"), options);
    }
    return *engine;
}

RelightJob landscapeJob() {
    RelightJob job;
    job.image = test::printedLabelPhoto({3000, 2000});
    job.prompt = "warm light from the right";
    job.steps = 2;
    job.highresScale = 1.0;
    job.light.direction = core::LightDirection::normalized(90, 0);
    job.seed = 11;
    job.width = 384;  // the height follows the photo's aspect; small, so the suite stays fast
    return job;
}

cv::Mat grey(const cv::Mat& rgb) {
    cv::Mat out;
    cv::cvtColor(rgb, out, cv::COLOR_RGB2GRAY);
    return out;
}

}  // namespace

TEST_CASE("a 3000x2000 photo comes back at 3000x2000 with its own fine print", "[pipeline][fullres]") {
    RelightJob job = landscapeJob();
    job.width = 0;  // the default: the photo's aspect at IC-Light's pixel budget
    auto full = tinyFc().run(job, {}, core::CancelToken());
    REQUIRE(full.status.ok());
    REQUIRE(full.image.size() == cv::Size(3000, 2000));
    CHECK(full.image.type() == CV_8UC3);
    CHECK(full.job["working_size"] == nlohmann::json::array({704, 448}));  // the photo's aspect
    CHECK(full.job["output_size"] == "photo");
    // The print is the photo's: its high band correlates with the photo's.
    const double detail = test::correlation(test::highBand(grey(full.image), 1.5), test::highBand(grey(job.image), 1.5));
    CHECK(detail > 0.8);

    // The low band is the diffusion's: it agrees with the working-size result of the same job.
    job.outputSize = {core::OutputSizeMode::Working, {}};
    auto working = tinyFc().run(job, {}, core::CancelToken());
    REQUIRE(working.status.ok());
    REQUIRE(working.image.size() == cv::Size(704, 448));
    cv::Mat down, lowFull, lowWorking;
    cv::resize(full.image, down, working.image.size(), 0, 0, cv::INTER_AREA);
    cv::GaussianBlur(down, lowFull, cv::Size(0, 0), 3.0);
    cv::GaussianBlur(working.image, lowWorking, cv::Size(0, 0), 3.0);
    CHECK(test::psnr(lowFull, lowWorking) > 30.0);
    // ...and the photo-size result is not simply the working one upscaled.
    cv::Mat upscaled;
    cv::resize(working.image, upscaled, full.image.size(), 0, 0, cv::INTER_CUBIC);
    CHECK(test::correlation(test::highBand(grey(upscaled), 1.5), test::highBand(grey(job.image), 1.5)) < 0.5 * detail);
}

TEST_CASE("a portrait photo is not cropped: every edge of the frame comes back", "[pipeline][fullres]") {
    RelightJob job = landscapeJob();
    cv::rotate(job.image, job.image, cv::ROTATE_90_CLOCKWISE);  // 2000x3000
    auto result = tinyFc().run(job, {}, core::CancelToken());
    REQUIRE(result.status.ok());
    REQUIRE(result.image.size() == cv::Size(2000, 3000));
    CHECK(result.job["working_size"] == nlohmann::json::array({384, 576}));
    // Aligned pixel for pixel near the top and bottom of the label (a crop to another aspect would
    // have shifted or lost them).
    for (const cv::Rect band : {cv::Rect(0, 400, 2000, 300), cv::Rect(0, 2300, 2000, 300)}) {
        CHECK(test::correlation(test::highBand(grey(result.image(band)), 1.5),
                                test::highBand(grey(job.image(band)), 1.5)) > 0.6);
    }
    // With --crop the result is the centre of the working aspect, at full resolution.
    job.crop = true;
    job.width = 256;
    job.height = 256;
    auto cropped = tinyFc().run(job, {}, core::CancelToken());
    REQUIRE(cropped.status.ok());
    CHECK(cropped.image.size() == cv::Size(2000, 2000));
}

TEST_CASE("inpainting a small region keeps every other pixel of the photo, 8 and 16 bit", "[pipeline][fullres]") {
    RelightJob job = landscapeJob();
    job.mode = core::RelightMode::Inpaint;
    job.mask = cv::Mat::zeros(job.image.size(), CV_8UC1);
    cv::rectangle(job.mask, cv::Rect(1800, 600, 400, 300), cv::Scalar(255), cv::FILLED);
    job.keepUnmasked = true;
    cv::Mat sixteen;
    job.image.convertTo(sixteen, CV_16U, 257.0);
    cv::Mat noise(sixteen.size(), CV_16UC3);
    cv::RNG(1234).fill(noise, cv::RNG::UNIFORM, 0, 200);  // local RNG (the global one seeds GrabCut elsewhere); low bits a real 16-bit file has and an 8-bit detour would lose
    sixteen += noise;
    cv::Mat grown;
    cv::dilate(job.mask, grown, cv::getStructuringElement(cv::MORPH_RECT, {61, 61}));  // feather: 12 px
    for (const cv::Mat& original : {cv::Mat(), sixteen}) {
        job.original = original;
        auto result = tinyFc().run(job, {}, core::CancelToken());
        REQUIRE(result.status.ok());
        const cv::Mat& photo = original.empty() ? job.image : original;
        REQUIRE(result.image.size() == photo.size());
        REQUIRE(result.image.type() == photo.type());
        cv::Mat diff;
        cv::absdiff(result.image, photo, diff);
        cv::Mat changed;
        cv::transform(diff, changed, cv::Matx13f(1, 1, 1));
        CHECK(cv::countNonZero((changed > 0) & (grown == 0)) == 0);
        CHECK(cv::countNonZero((changed > 0) & job.mask) > 0.9 * cv::countNonZero(job.mask));
        // The region, not the whole photo, went through the diffusion, at the job's pixel budget.
        REQUIRE(result.job.contains("inpaint_region"));
        CHECK(result.job["inpaint_region"][2].get<int>() < 1000);
        const int area = result.job["working_size"][0].get<int>() * result.job["working_size"][1].get<int>();
        CHECK(std::abs(area - 384 * 256) < 0.2 * 384 * 256);
    }
}

TEST_CASE("an exact output size and 16-bit output of an 8-bit photo", "[pipeline][fullres]") {
    RelightJob job = landscapeJob();
    job.outputSize = core::parseOutputSize("1500x1000");
    job.outputBitDepth = 16;
    auto result = tinyFc().run(job, {}, core::CancelToken());
    REQUIRE(result.status.ok());
    CHECK(result.image.size() == cv::Size(1500, 1000));
    CHECK(result.image.type() == CV_16UC3);
    job.outputSize = core::parseOutputSize("6001x4000");  // more than twice the photo
    job.outputBitDepth = 0;
    auto refused = tinyFc().run(job, {}, core::CancelToken());
    CHECK(refused.status.code == core::ErrorCode::Usage);
    CHECK(refused.status.message.find("twice") != std::string::npos);
}

TEST_CASE("transparent subject output at the photo's size carries the full-resolution mask", "[pipeline][fullres]") {
    RelightJob job = landscapeJob();
    job.mask = cv::Mat::zeros(job.image.size(), CV_8UC1);
    cv::ellipse(job.mask, {1500, 1000}, {900, 600}, 0, 0, 360, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
    job.transparent = true;
    auto result = tinyFc().run(job, {}, core::CancelToken());
    REQUIRE(result.status.ok());
    REQUIRE(result.image.type() == CV_8UC4);
    cv::Mat alpha;
    cv::extractChannel(result.image, alpha, 3);
    CHECK(cv::norm(alpha, job.mask, cv::NORM_INF) == 0);
}

TEST_CASE("fbc with an uploaded background also comes back at the photo's size", "[pipeline][fullres]") {
    static core::Engine fbc;
    if (!fbc.isLoaded()) {
        core::EngineOptions options;
        options.threads = 2;
        fbc.load(test::bundleDir("tiny_fbc"), options);
    }
    RelightJob job = landscapeJob();
    job.image = test::printedLabelPhoto({1500, 1000});
    job.mask = cv::Mat::zeros(job.image.size(), CV_8UC1);
    cv::rectangle(job.mask, cv::Rect(187, 166, 1125, 666), cv::Scalar(255), cv::FILLED);  // the label
    job.background = core::loadImageRgb(test::sharedDir() + "/data/photos/chelsea.png");
    job.fbcBackground = core::FbcBackground::Upload;
    job.cfg = 7.0;
    auto result = fbc.run(job, {}, core::CancelToken());
    REQUIRE(result.status.ok());
    REQUIRE(result.image.size() == cv::Size(1500, 1000));
    // The subject keeps its print; outside it is the model's background, not the photo.
    const cv::Rect label(220, 200, 1060, 600);
    CHECK(test::correlation(test::highBand(grey(result.image(label)), 1.5), test::highBand(grey(job.image(label)), 1.5)) > 0.8);
    const cv::Rect corner(0, 0, 150, 150);
    CHECK(cv::norm(result.image(corner), job.image(corner), cv::NORM_L1) > 0);
}
