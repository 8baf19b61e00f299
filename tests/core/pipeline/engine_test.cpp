// End-to-end engine runs on the tiny random-weight bundles the exporter fixtures make.
#include <catch2/catch.hpp>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/pipeline/engine.h"
#include "test_support.h"

using namespace chiaro;
using core::RelightJob;

namespace {

core::Engine& engineFor(const std::string& name) {
    return test::loadedEngine(name);
}

RelightJob smallJob() {
    RelightJob job;
    job.image = core::loadImageRgb(test::sharedDir() + "/parity/fc_left/input.png");
    job.mask = core::loadMask(test::sharedDir() + "/parity/fc_left/mask.png", job.image.size());
    job.prompt = "soft studio lighting";
    job.width = 256;
    job.height = 256;
    job.steps = 3;
    job.highresScale = 1.0;
    job.light.direction = core::LightDirection::normalized(270, 0);
    job.seed = 7;
    return job;
}

bool identical(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

}  // namespace

TEST_CASE("fc relight gives a finite, non-constant image of the high-resolution size", "[pipeline]") {
    RelightJob job = smallJob();
    job.highresScale = 1.5;
    job.outputSize = {core::OutputSizeMode::Working, {}};  // the diffusion's own size (IC-Light's output)
    auto result = engineFor("tiny_fc").run(job, {}, core::CancelToken());
    REQUIRE(result.status.ok());
    CHECK(result.image.type() == CV_8UC3);
    CHECK(result.image.cols == 384);
    CHECK(result.image.rows == 384);
    cv::Scalar mean, stddev;
    cv::meanStdDev(result.image, mean, stddev);
    CHECK(stddev[0] + stddev[1] + stddev[2] > 1.0);
    CHECK(result.unetCalls > 0);
    CHECK(result.vaeEncodes == 4);  // foreground, light map; second pass: its input and the foreground again
    CHECK(result.job["seed"] == 7);
    CHECK(result.infotext.find("Seed: 7") != std::string::npos);
}

TEST_CASE("the same seed gives identical bytes, another seed a different image", "[pipeline]") {
    auto& engine = engineFor("tiny_fc");
    RelightJob job = smallJob();
    auto a = engine.run(job, {}, core::CancelToken());
    auto b = engine.run(job, {}, core::CancelToken());
    job.seed = 8;
    auto c = engine.run(job, {}, core::CancelToken());
    REQUIRE(a.status.ok());
    REQUIRE(b.status.ok());
    REQUIRE(c.status.ok());
    CHECK(identical(a.image, b.image));
    CHECK_FALSE(identical(a.image, c.image));
    // At scale 1.0 the second pass reuses the first pass's conditioning latent (the parity job at
    // 1.0x checks that the output still matches IC-Light, which encodes it again).
    CHECK(a.vaeEncodes == 3);
}

TEST_CASE("text-to-image (no light) and every sampler run", "[pipeline]") {
    auto& engine = engineFor("tiny_fc");
    for (auto sampler : core::allSamplerKinds()) {  // lcm and tcd included (issue #23)
        RelightJob job = smallJob();
        job.light.direction.reset();
        job.sampler = sampler;
        auto result = engine.run(job, {}, core::CancelToken());
        INFO(core::samplerName(sampler) << ": " << result.status.message);
        CHECK(result.status.ok());
        CHECK(result.image.cols == 256);
    }
}

// Issue #23: the high-resolution pass's own step count, for every sampler; 0 keeps the steps.
// fc: pass 1 runs round(3 / 0.9) = 3 inference steps, 3 - int(2.7) = 1 skipped -> 2 steps; pass 2
// runs round(h / 0.5) = 2h inference steps, half of them -> h steps (3 when highresSteps is 0).
TEST_CASE("highres steps set the second pass's step count for every sampler", "[pipeline][few-step]") {
    auto& engine = engineFor("tiny_fc");
    for (auto sampler : core::allSamplerKinds()) {
        const bool lcm = sampler == core::SamplerKind::Lcm;
        for (int highres : lcm ? std::vector<int>{0, 1, 4} : std::vector<int>{1}) {
            RelightJob job = smallJob();
            job.sampler = sampler;
            job.highresSteps = highres;
            int steps = 0;
            core::RunHooks hooks;
            hooks.onProgress = [&](int, int total, double, double) { steps = total; };
            auto result = engine.run(job, hooks, core::CancelToken());
            INFO(core::samplerName(sampler) << " highres " << highres << ": " << result.status.message);
            REQUIRE(result.status.ok());
            CHECK(steps == 2 + (highres > 0 ? highres : 3));
            CHECK(result.unetCalls == steps);
        }
    }
}

TEST_CASE("progress and previews arrive for every step of both passes", "[pipeline]") {
    RelightJob job = smallJob();
    int lastStep = 0, total = 0, previews = 0;
    core::RunHooks hooks;
    hooks.onProgress = [&](int step, int steps, double, double) {
        CHECK(step == lastStep + 1);
        lastStep = step;
        total = steps;
    };
    hooks.onPreview = [&](const cv::Mat& preview) {
        CHECK(preview.type() == CV_8UC3);
        CHECK(preview.cols == 256);
        ++previews;
    };
    auto result = engineFor("tiny_fc").run(job, hooks, core::CancelToken());
    REQUIRE(result.status.ok());
    CHECK(lastStep == total);
    CHECK(total == result.unetCalls);
    CHECK(previews == total);
}

TEST_CASE("cancel stops within one UNet step and reports Cancelled", "[pipeline]") {
    RelightJob job = smallJob();
    job.steps = 10;
    core::CancelToken cancel;
    core::RunHooks hooks;
    hooks.onProgress = [&](int step, int, double, double) {
        if (step == 2) cancel.cancel(core::CancelMode::Now);
    };
    auto result = engineFor("tiny_fc").run(job, hooks, cancel);
    CHECK(result.status.code == core::ErrorCode::Cancelled);
    CHECK(result.unetCalls == 2);
    CHECK(result.image.empty());
}

TEST_CASE("keep-unmasked leaves the pixels outside the feathered mask identical", "[pipeline]") {
    RelightJob job = smallJob();
    job.keepUnmasked = true;
    auto result = engineFor("tiny_fc").run(job, {}, core::CancelToken());
    REQUIRE(result.status.ok());
    REQUIRE(result.image.size() == job.image.size());
    // Far from the mask (beyond the feather radius) every pixel must equal the input.
    cv::Mat grown;
    cv::dilate(job.mask, grown, cv::getStructuringElement(cv::MORPH_ELLIPSE, {15, 15}));
    cv::Mat outside = grown == 0;
    REQUIRE(cv::countNonZero(outside) > 1000);
    cv::Mat diff;
    cv::absdiff(result.image, job.image, diff);
    cv::Mat diffGrey;
    cv::cvtColor(diff, diffGrey, cv::COLOR_RGB2GRAY);
    CHECK(cv::countNonZero(diffGrey & outside) == 0);
    // Inside the subject the engine changed the picture.
    CHECK(cv::countNonZero(diffGrey & job.mask) > 100);
}

TEST_CASE("transparent output carries the subject mask as alpha", "[pipeline]") {
    RelightJob job = smallJob();
    job.transparent = true;
    auto result = engineFor("tiny_fc").run(job, {}, core::CancelToken());
    REQUIRE(result.status.ok());
    REQUIRE(result.image.type() == CV_8UC4);
    cv::Mat alpha;
    cv::extractChannel(result.image, alpha, 3);
    CHECK(cv::norm(alpha, job.mask, cv::NORM_INF) == 0);
}

TEST_CASE("fbc relights with a light background, an uploaded background and grey", "[pipeline]") {
    auto& engine = engineFor("tiny_fbc");
    RelightJob job = smallJob();
    job.steps = 2;
    job.cfg = 7.0;
    auto light = engine.run(job, {}, core::CancelToken());
    REQUIRE(light.status.ok());
    job.background = core::loadImageRgb(test::sharedDir() + "/data/photos/chelsea.png");
    job.fbcBackground = core::FbcBackground::Upload;
    auto upload = engine.run(job, {}, core::CancelToken());
    REQUIRE(upload.status.ok());
    job.fbcBackground = core::FbcBackground::Grey;
    auto grey = engine.run(job, {}, core::CancelToken());
    REQUIRE(grey.status.ok());
    CHECK_FALSE(identical(light.image, upload.image));
    CHECK_FALSE(identical(upload.image, grey.image));
}

TEST_CASE("a background with an fc bundle and bad sizes are clear errors", "[pipeline]") {
    auto& engine = engineFor("tiny_fc");
    RelightJob job = smallJob();
    job.background = job.image.clone();
    auto wrongVariant = engine.run(job, {}, core::CancelToken());
    CHECK(wrongVariant.status.code == core::ErrorCode::ModelBundle);
    CHECK(wrongVariant.status.message.find("fbc") != std::string::npos);

    job = smallJob();
    job.width = 200;
    auto badSize = engine.run(job, {}, core::CancelToken());
    CHECK(badSize.status.code == core::ErrorCode::Usage);
    job = smallJob();
    job.width = 4096;
    CHECK(engine.run(job, {}, core::CancelToken()).status.code == core::ErrorCode::Usage);
    job = smallJob();
    job.mode = core::RelightMode::Inpaint;
    job.mask.release();
    CHECK(engine.run(job, {}, core::CancelToken()).status.code == core::ErrorCode::Usage);
}

TEST_CASE("inpaint regenerates the masked region and keeps the rest", "[pipeline]") {
    RelightJob job = smallJob();
    job.mode = core::RelightMode::Inpaint;
    job.mask = cv::Mat::zeros(job.image.size(), CV_8UC1);
    cv::rectangle(job.mask, cv::Rect(96, 96, 64, 64), cv::Scalar(255), cv::FILLED);
    job.keepUnmasked = true;
    auto result = engineFor("tiny_fc").run(job, {}, core::CancelToken());
    REQUIRE(result.status.ok());
    cv::Mat diff;
    cv::absdiff(result.image, job.image, diff);
    CHECK(cv::norm(diff(cv::Rect(0, 0, 64, 64)), cv::NORM_INF) == 0);
    CHECK(cv::norm(diff(cv::Rect(112, 112, 32, 32)), cv::NORM_INF) > 0);
}

TEST_CASE("a saved result restores its job from the PNG", "[pipeline]") {
    RelightJob job = smallJob();
    job.prompt = "neon light, city — café";
    auto result = engineFor("tiny_fc").run(job, {}, core::CancelToken());
    REQUIRE(result.status.ok());
    test::TempDir dir;
    const std::string path = dir.file("result.png");
    core::saveRelightResult(path, result, 8);
    auto chunks = core::readPngTextChunksFromFile(path);
    REQUIRE(chunks.utf8.count("chiaro") == 1);
    RelightJob restored;
    core::jobFromJson(nlohmann::json::parse(chunks.utf8.at("chiaro")), restored);
    CHECK(restored.prompt == job.prompt);
    CHECK(restored.seed == job.seed);
    CHECK(restored.steps == job.steps);
    REQUIRE(restored.light.direction);
    CHECK(restored.light.direction->azimuth == Approx(270));
    CHECK(core::loadImageRgb(path).size() == result.image.size());
}
