#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include "bundle/loaded_bundle.h"
#include "bundle/probe_memo.h"
#include "chiaro/core/error.h"
#include "selftest_bundles.h"
#include "synthetic_bundle.h"
#include "test_support.h"

// LibTorch pulls in glog, whose CHECK(cond) would silently replace Catch's (aborting instead of
// reporting, and never counted): Catch comes last and takes the name back.
#undef CHECK
#include <catch2/catch.hpp>

using namespace chiaro;
namespace fs = std::filesystem;

namespace {

core::LoadOptions cpuOptions(const test::TempDir& tmp) {
    core::LoadOptions options;
    options.device = "cpu";
    options.verifyOptions.cachePath = tmp.file("verify-cache.json");
    return options;
}

// The message of the Error loadBundle() throws, checking its category.
std::string loadError(const std::string& dir, const core::LoadOptions& options,
                      core::ErrorCode expected = core::ErrorCode::ModelBundle) {
    try {
        core::loadBundle(dir, options);
    } catch (const core::Error& e) {
        CHECK(e.code() == expected);
        return e.what();
    }
    FAIL("loadBundle did not throw for " << dir);
    return "";
}

// Runs the loaded modules at a size other than the probe's, as the pipeline will.
void checkModulesRun(core::LoadedBundle& b) {
    torch::InferenceMode guard;
    const int64_t channels = 4 + b.manifest.concatChannels;
    auto ids = torch::full({2, 77}, 49407, torch::kLong);
    auto context = b.textEncoder.forward({ids}).toTensor();
    CHECK(context.sizes() == at::IntArrayRef({2, 77, b.manifest.hiddenSize}));
    auto eps = b.unet.forward({torch::randn({2, channels, 16, 24}), torch::tensor({999.0f, 1.0f}),
                               context}).toTensor();
    CHECK(eps.sizes() == at::IntArrayRef({2, 4, 16, 24}));
    auto latent = b.vaeEncoder.forward({torch::rand({1, 3, 128, 192}) * 2 - 1}).toTensor();
    CHECK(latent.sizes() == at::IntArrayRef({1, 4, 16, 24}));
    auto image = b.vaeDecoder.forward({latent}).toTensor();
    CHECK(image.sizes() == at::IntArrayRef({1, 3, 128, 192}));
    CHECK(torch::isfinite(image).all().item<bool>());
}

}  // namespace

TEST_CASE("good fc and fbc bundles load on the CPU in fp32 and their modules run", "[bundle]") {
    test::TempDir tmp;
    for (const char* variant : {"fc", "fbc"}) {
        INFO(variant);
        auto bundle = core::loadBundle(test::selftestBundle(variant), cpuOptions(tmp));
        REQUIRE(bundle);
        CHECK(bundle->manifest.variant == variant);
        CHECK(bundle->device.is_cpu());
        CHECK(bundle->dtype == torch::kFloat);
        CHECK(bundle->vaeDtype == torch::kFloat);
        checkModulesRun(*bundle);
    }
}

TEST_CASE("loadBundle sets the LibTorch thread count", "[bundle]") {
    test::TempDir tmp;
    core::LoadOptions options = cpuOptions(tmp);
    options.threads = 1;
    core::loadBundle(test::selftestBundle("fc"), options);
    CHECK(torch::get_num_threads() == 1);
    options.threads = 2;
    core::loadBundle(test::selftestBundle("fc"), options);
    CHECK(torch::get_num_threads() == 2);
}

TEST_CASE("a UNet whose conv_in width does not fit concat_channels is refused precisely",
          "[bundle]") {
    test::TempDir tmp;
    CHECK(loadError(test::selftestBundle("fc_wide_unet"), cpuOptions(tmp)) ==
          "unet.pt expects 12 input channels but the manifest says concat_channels 4 (a fc UNet "
          "takes 4 + 4)");
}

TEST_CASE("a frozen UNet of the wrong width is recognised from LibTorch's error", "[bundle]") {
    test::TempDir tmp;
    CHECK_THAT(loadError(test::selftestBundle("fc_wide_frozen"), cpuOptions(tmp)),
               Catch::StartsWith("unet.pt expects 12 input channels but the manifest says "
                                 "concat_channels 4"));
}

TEST_CASE("a pickled state dict is not loaded as a module", "[bundle]") {
    test::TempDir tmp;
    CHECK_THAT(loadError(test::selftestBundle("fc_pickle_unet"), cpuOptions(tmp)),
               Catch::StartsWith("unet.pt: not a TorchScript archive ("));
}

TEST_CASE("a module returning the wrong shape fails its signature check, naming it", "[bundle]") {
    test::TempDir tmp;
    CHECK_THAT(loadError(test::selftestBundle("fc_bad_decoder"), cpuOptions(tmp)),
               Catch::StartsWith("vae_decoder.pt: signature check failed") &&
                   Catch::Contains("returned [1,3,32,32], expected [1,3,64,64]"));
}

TEST_CASE("files are verified before anything is loaded", "[bundle]") {
    test::TempDir tmp;
    const std::string dir = test::copySelftestBundle("fc", tmp.path());
    test::flipByte(dir + "/unet.pt", 200);
    CHECK_THAT(loadError(dir, cpuOptions(tmp)), Catch::Contains("unet.pt: sha256 mismatch"));
    fs::remove(dir + "/vae_decoder.pt");
    CHECK_THAT(loadError(dir, cpuOptions(tmp)), Catch::Contains("unet.pt: sha256 mismatch"));
    // With verification off the damage is found by LibTorch or the probe instead.
    core::LoadOptions unchecked = cpuOptions(tmp);
    unchecked.verify = false;
    CHECK_THROWS_AS(core::loadBundle(dir, unchecked), core::Error);
}

TEST_CASE("a file that is not a zip archive is refused before LibTorch reads it", "[bundle]") {
    test::TempDir tmp;
    const std::string dir = tmp.path() + "/b";
    test::writeSyntheticBundle(dir);  // random bytes under the module names
    CHECK(loadError(dir, cpuOptions(tmp)) == "text_encoder.pt: not a TorchScript archive (no zip header)");
}

TEST_CASE("invalid device and precision options are usage errors", "[bundle]") {
    test::TempDir tmp;
    const std::string dir = test::selftestBundle("fc");
    core::LoadOptions options = cpuOptions(tmp);
    options.device = "tpu";
    CHECK_THAT(loadError(dir, options, core::ErrorCode::Usage), Catch::Contains("device 'tpu'"));
    options.device = "cpu";
    options.precision = "fp8";
    CHECK_THAT(loadError(dir, options, core::ErrorCode::Usage), Catch::Contains("precision 'fp8'"));
    options.precision = "fp16";
    CHECK_THAT(loadError(dir, options, core::ErrorCode::Usage), Catch::Contains("needs CUDA"));
    if (!torch::cuda::is_available()) {
        options.device = "cuda";
        options.precision = "auto";
        CHECK_THAT(loadError(dir, options), Catch::Contains("CUDA is not available") &&
                                                Catch::Contains("--device cpu"));
    }
}

TEST_CASE("bf16 on the CPU loads and keeps the VAE in bf16", "[bundle]") {
    test::TempDir tmp;
    core::LoadOptions options = cpuOptions(tmp);
    options.precision = "bf16";
    auto bundle = core::loadBundle(test::selftestBundle("fbc"), options);
    CHECK(bundle->dtype == torch::kBFloat16);
    CHECK(bundle->vaeDtype == torch::kBFloat16);
    for (const auto& p : bundle->unet.parameters()) CHECK(p.scalar_type() == torch::kBFloat16);
}

TEST_CASE("the exporter's tiny bundles load when their fixtures exist", "[bundle]") {
    test::TempDir tmp;
    int loaded = 0;
    for (const char* name : {"tiny_fc", "tiny_fbc"}) {
        const std::string dir = test::bundleDir(name);
        if (!fs::exists(dir + "/manifest.json")) continue;
        auto bundle = core::loadBundle(dir, cpuOptions(tmp));
        CHECK(bundle->manifest.variant == std::string(name).substr(5));
        checkModulesRun(*bundle);
        ++loaded;
    }
    if (loaded == 0) WARN("no exporter bundles in " << test::bundleDir("") << ": nothing checked");
}

TEST_CASE("a probe that passed before is skipped only while files, manifest and target are the same",
          "[bundle]") {
    test::TempDir tmp;
    const std::string dir = test::copySelftestBundle("fc_bad_decoder", tmp.path());
    const core::LoadOptions options = cpuOptions(tmp);
    CHECK_THAT(loadError(dir, options), Catch::StartsWith("vae_decoder.pt: signature check failed"));

    // Pretend the decoder passed on this target: the next load trusts the memo and skips its probe.
    {
        const core::BundleManifest manifest = core::readBundleManifest(dir);
        core::ProbeMemo memo(manifest, options.verifyOptions, "cpu (fp32)", true);
        CHECK_FALSE(memo.passed("vae_decoder"));
        CHECK(memo.passed("unet"));  // the good modules were remembered by the first load
        memo.remember("vae_decoder");
        memo.save();
    }
    CHECK_NOTHROW(core::loadBundle(dir, options));

    // Without verification nothing is trusted; another cache file starts empty.
    core::LoadOptions unverified = options;
    unverified.verify = false;
    CHECK_THAT(loadError(dir, unverified), Catch::StartsWith("vae_decoder.pt: signature check failed"));
    // An edited manifest (same files) probes again.
    {
        std::ofstream(dir + "/manifest.json", std::ios::app) << "\n";
    }
    CHECK_THAT(loadError(dir, options), Catch::StartsWith("vae_decoder.pt: signature check failed"));
}
