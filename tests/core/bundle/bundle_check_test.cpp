#include <catch2/catch.hpp>

#include <filesystem>

#include "chiaro/bundle/bundle_check.h"
#include "selftest_bundles.h"
#include "synthetic_bundle.h"
#include "test_support.h"

using namespace chiaro;
namespace fs = std::filesystem;

namespace {

core::LoadOptions cpuOptions(const test::TempDir& tmp) {
    core::LoadOptions options;
    options.device = "cpu";
    options.verifyOptions.cachePath = tmp.file("verify-cache.json");
    return options;
}

std::string resultOf(const core::BundleCheckReport& report, const std::string& check) {
    for (const auto& [name, result] : report.checks) {
        if (name == check) return result;
    }
    return "<absent>";
}

}  // namespace

TEST_CASE("checkBundle passes a good bundle with every check ok", "[bundle]") {
    test::TempDir tmp;
    core::BundleCheckReport report = core::checkBundle(test::selftestBundle("fbc"), cpuOptions(tmp));
    CHECK(report.ok);
    CHECK(report.code == core::ErrorCode::Ok);
    CHECK(report.variant == "fbc");
    CHECK(report.device == "cpu (fp32)");
    CHECK(report.files.size() == 6);
    CHECK_FALSE(report.filesFromCache);
    for (const char* check : {"manifest", "files", "device", "text_encoder", "unet", "vae_encoder",
                              "vae_decoder"}) {
        CHECK(resultOf(report, check) == "ok");
    }
    CHECK_THAT(report.summary, Catch::StartsWith("OK: fbc bundle, 6 files verified, 4 modules"));
    CHECK(core::checkBundle(test::selftestBundle("fbc"), cpuOptions(tmp)).filesFromCache);
}

TEST_CASE("checkBundle reports a wrong UNet and still checks the other modules", "[bundle]") {
    test::TempDir tmp;
    core::BundleCheckReport report = core::checkBundle(test::selftestBundle("fc_wide_unet"), cpuOptions(tmp));
    CHECK_FALSE(report.ok);
    CHECK(report.code == core::ErrorCode::ModelBundle);
    CHECK(resultOf(report, "files") == "ok");
    CHECK_THAT(resultOf(report, "unet"), Catch::StartsWith("unet.pt expects 12 input channels"));
    CHECK(resultOf(report, "text_encoder") == "ok");
    CHECK(resultOf(report, "vae_decoder") == "ok");
    CHECK(report.summary == resultOf(report, "unet"));
}

TEST_CASE("checkBundle skips modules whose file failed verification", "[bundle]") {
    test::TempDir tmp;
    const std::string dir = test::copySelftestBundle("fc", tmp.path());
    test::flipByte(dir + "/unet.pt", 300);
    core::BundleCheckReport report = core::checkBundle(dir, cpuOptions(tmp));
    CHECK_FALSE(report.ok);
    CHECK(report.code == core::ErrorCode::ModelBundle);
    CHECK_THAT(report.summary, Catch::Contains("unet.pt: sha256 mismatch"));
    CHECK_THAT(resultOf(report, "unet"), Catch::StartsWith("skipped"));
    CHECK(resultOf(report, "vae_encoder") == "ok");
}

TEST_CASE("checkBundle reports an unreadable manifest without throwing", "[bundle]") {
    test::TempDir tmp;
    core::BundleCheckReport missing = core::checkBundle(tmp.file("absent"), cpuOptions(tmp));
    CHECK_FALSE(missing.ok);
    CHECK(missing.code == core::ErrorCode::ModelBundle);
    CHECK(missing.files.empty());
    CHECK_THAT(resultOf(missing, "manifest"), Catch::Contains("folder not found"));

    const std::string dir = tmp.path() + "/newer";
    auto manifest = test::writeSyntheticBundle(dir);
    manifest["format_version"] = 2;
    test::writeManifest(dir, manifest);
    core::BundleCheckReport newer = core::checkBundle(dir, cpuOptions(tmp));
    CHECK_FALSE(newer.ok);
    CHECK_THAT(newer.summary, Catch::Contains("made by a newer Chiaro: format_version 2"));
}
