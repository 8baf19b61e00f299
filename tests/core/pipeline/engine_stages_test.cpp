// Issue #24: the engine's named stages, cancel in each of them, and the VAE run layer by layer so
// that a cancel does not wait for a whole decode. Real tiny bundles from the exporter fixtures.
#include <torch/script.h>
#undef CHECK  // glog's, from LibTorch: the tests use Catch's
#include <catch2/catch.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/pipeline/engine.h"
#include "pipeline/vae_runner.h"
#include "test_support.h"

using namespace chiaro;

namespace {

core::Engine& tinyEngine() {
    return test::loadedEngine("tiny_fc");
}

// A job through every stage: fc (light map, img2img), a 1.5x second pass, photo-size output.
core::RelightJob everyStageJob() {
    core::RelightJob job;
    job.image = core::loadImageRgb(test::sharedDir() + "/parity/fc_left/input.png");
    job.mask = core::loadMask(test::sharedDir() + "/parity/fc_left/mask.png", job.image.size());
    job.prompt = "soft studio lighting";
    job.width = 256;
    job.height = 256;
    job.steps = 2;
    job.highresScale = 1.5;
    job.light.direction = core::LightDirection::normalized(270, 0);
    job.seed = 3;
    return job;
}

struct Run {
    core::RelightResult result;
    std::vector<std::string> stages;
};

// Runs the job, cancelling (Now) when stage number `cancelAt` (0-based) begins; -1 = never.
Run runCancellingAt(int cancelAt) {
    Run run;
    core::CancelToken cancel;
    core::RunHooks hooks;
    hooks.onStageStart = [&](const std::string& stage) {
        if (static_cast<int>(run.stages.size()) == cancelAt) cancel.cancel(core::CancelMode::Now);
        run.stages.push_back(stage);
    };
    run.result = tinyEngine().run(everyStageJob(), hooks, cancel);
    return run;
}

torch::jit::Module loadModule(const std::string& bundle, const std::string& file) {
    return torch::jit::load(test::bundleDir(bundle) + "/" + file);
}

}  // namespace

TEST_CASE("a job announces its stages in order, with the names the log uses", "[pipeline][cancel]") {
    const Run full = runCancellingAt(-1);
    INFO(full.result.status.message);
    REQUIRE(full.result.status.ok());
    const std::vector<std::string> expected = {"text-encode", "conditioning", "vae-encode", "vae-encode",
                                               "pass-1",      "vae-decode",   "resize",     "vae-encode",
                                               "vae-encode",  "pass-2",       "vae-decode", "finish"};
    CHECK(full.stages == expected);
}

TEST_CASE("a cancel in any stage returns Cancelled from that stage, with no image", "[pipeline][cancel]") {
    const size_t stageCount = runCancellingAt(-1).stages.size();
    REQUIRE(stageCount == 12);
    for (size_t at = 0; at < stageCount; ++at) {
        const Run run = runCancellingAt(static_cast<int>(at));
        INFO("cancelled when stage " << at << " (" << run.stages.back() << ") began");
        CHECK(run.result.status.code == core::ErrorCode::Cancelled);
        CHECK(run.result.image.empty());
        CHECK(run.stages.size() == at + 1);  // nothing after the cancelled stage began
        const bool beforeSampling = at < 4;  // text, conditioning and the first-pass encodes
        if (beforeSampling) CHECK(run.result.unetCalls == 0);
    }
}

TEST_CASE("AfterCurrentImage lets the engine finish the image it is running", "[pipeline][cancel]") {
    core::CancelToken cancel;
    core::RunHooks hooks;
    hooks.onStageStart = [&](const std::string& stage) {
        if (stage == "pass-1") cancel.cancel(core::CancelMode::AfterCurrentImage);
    };
    const auto result = tinyEngine().run(everyStageJob(), hooks, cancel);
    INFO(result.status.message);
    CHECK(result.status.ok());
    CHECK_FALSE(result.image.empty());
    CHECK(cancel.mode() == core::CancelMode::AfterCurrentImage);  // still there for the caller's loop
}

TEST_CASE("the VAE halves run layer by layer, bit for bit as forward()", "[pipeline][cancel]") {
    c10::InferenceMode guard;
    auto decoderModule = loadModule("tiny_fc", "vae_decoder.pt");
    auto encoderModule = loadModule("tiny_fc", "vae_encoder.pt");
    const auto probeLatent = torch::linspace(-1, 1, 4 * 64).reshape({1, 4, 8, 8});
    const auto probeImage = torch::linspace(-1, 1, 3 * 64 * 64).sin().reshape({1, 3, 64, 64});
    core::VaeRunner decoder(decoderModule, core::VaeRunner::Half::Decoder, probeLatent);
    core::VaeRunner encoder(encoderModule, core::VaeRunner::Half::Encoder, probeImage);
    REQUIRE(decoder.stepped());
    REQUIRE(encoder.stepped());

    // Another size and content than the self-check's.
    const auto latent = torch::randn({1, 4, 12, 20}, at::detail::createCPUGenerator(5));
    int checkpoints = 0;
    const auto image = decoder.run(latent, [&] { ++checkpoints; });
    CHECK(torch::equal(image, decoderModule.forward({latent}).toTensor()));
    CHECK(checkpoints >= 20);  // every resnet's norm/conv, the attention, the resamplers

    int encodeCheckpoints = 0;
    const auto encoded = encoder.run(image, [&] { ++encodeCheckpoints; });
    CHECK(torch::equal(encoded, encoderModule.forward({image}).toTensor()));
    CHECK(encodeCheckpoints >= 20);

    // A checkpoint that throws half-way stops the decode there.
    int calls = 0;
    const int stopAt = checkpoints / 2;
    auto stop = [&] {
        if (++calls == stopAt) throw core::Error(core::ErrorCode::Cancelled, "cancelled");
    };
    CHECK_THROWS_AS(decoder.run(latent, stop), core::Error);
    CHECK(calls == stopAt);
}

TEST_CASE("a module of another layout runs whole through forward()", "[pipeline][cancel]") {
    c10::InferenceMode guard;
    // Not our exporter's VAE: the runner must not try to walk it, and still returns forward().
    torch::jit::Module module("NotOurs");
    module.define(R"(
        def forward(self, latent):
            return latent * 2.0
    )");
    const auto probe = torch::ones({1, 4, 8, 8});
    core::VaeRunner runner(module, core::VaeRunner::Half::Decoder, probe);
    CHECK_FALSE(runner.stepped());
    int checkpoints = 0;
    const auto out = runner.run(probe, [&] { ++checkpoints; });
    CHECK(torch::equal(out, probe * 2.0));
    CHECK(checkpoints == 1);  // once before the whole call
}
