#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "chiaro/bundle/bundle_verify.h"
#include "chiaro/core/atomic_file.h"
#include "synthetic_bundle.h"
#include "test_support.h"

using namespace chiaro;
namespace fs = std::filesystem;

namespace {

struct Fixture {
    test::TempDir tmp;
    std::string dir = tmp.path() + "/bundle";
    std::string cache = tmp.path() + "/cache/verify-cache.json";

    Fixture() { test::writeSyntheticBundle(dir); }
    core::BundleManifest manifest() const { return core::readBundleManifest(dir); }
    core::BundleVerification verify(bool useCache = true) const {
        return core::verifyBundleFiles(manifest(), {useCache, cache});
    }
};

const core::FileVerdict& verdictOf(const core::BundleVerification& v, const std::string& name) {
    for (const auto& f : v.files) {
        if (f.name == name) return f;
    }
    FAIL("no verdict for " << name);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("an intact bundle verifies, every file in bundle order", "[bundle]") {
    Fixture fx;
    core::BundleVerification v = fx.verify(false);
    CHECK(v.ok);
    CHECK_FALSE(v.fromCache);
    REQUIRE(v.files.size() == 6);
    CHECK(v.files[0].name == "text_encoder");
    CHECK(v.files[1].name == "unet");
    CHECK(v.files[5].name == "merges");
    for (const auto& f : v.files) {
        CHECK(f.ok);
        CHECK(f.problem.empty());
        CHECK(f.bytes == fs::file_size(fx.dir + "/" + f.path));
    }
    CHECK(v.problemMessage(fx.manifest()).empty());
    CHECK_FALSE(fs::exists(fx.cache));  // useCache = false never writes a cache
}

TEST_CASE("one flipped byte in unet.pt is a checksum error naming unet.pt", "[bundle]") {
    Fixture fx;
    test::flipByte(fx.dir + "/unet.pt", 123456);
    core::BundleVerification v = fx.verify(false);
    CHECK_FALSE(v.ok);
    const auto& unet = verdictOf(v, "unet");
    CHECK_FALSE(unet.ok);
    CHECK_THAT(unet.problem, Catch::Contains("sha256 mismatch"));
    CHECK(verdictOf(v, "text_encoder").ok);
    CHECK(verdictOf(v, "vae_decoder").ok);
    CHECK_THAT(v.problemMessage(fx.manifest()),
               Catch::StartsWith(fx.manifest().dir + "/unet.pt: sha256 mismatch"));
}

TEST_CASE("a truncated file is a size mismatch and a missing file is missing", "[bundle]") {
    Fixture fx;
    fs::resize_file(fx.dir + "/vae_encoder.pt", 100);
    fs::remove(fx.dir + "/tokenizer/merges.txt");
    core::BundleVerification v = fx.verify(false);
    CHECK_FALSE(v.ok);
    const auto& vae = verdictOf(v, "vae_encoder");
    CHECK_FALSE(vae.ok);
    CHECK(vae.bytes == 100);
    CHECK_THAT(vae.problem, Catch::Contains("size 100 bytes, the manifest says"));
    const auto& merges = verdictOf(v, "merges");
    CHECK_FALSE(merges.ok);
    CHECK(merges.problem == "missing");
    CHECK_THAT(v.problemMessage(fx.manifest()), Catch::Contains("vae_encoder.pt: size 100 bytes"));
}

TEST_CASE("a directory where a file should be is reported", "[bundle]") {
    Fixture fx;
    fs::remove(fx.dir + "/unet.pt");
    fs::create_directory(fx.dir + "/unet.pt");
    core::BundleVerification v = fx.verify(false);
    CHECK(verdictOf(v, "unet").problem == "not a regular file");
}

TEST_CASE("the cache skips hashing on a second verification, touching a file re-hashes it",
          "[bundle]") {
    Fixture fx;
    core::BundleVerification first = fx.verify();
    CHECK(first.ok);
    CHECK_FALSE(first.fromCache);
    REQUIRE(fs::exists(fx.cache));
    auto cached = nlohmann::json::parse(core::readFileBytes(fx.cache));
    CHECK(cached["entries"].size() == 6);

    core::BundleVerification second = fx.verify();
    CHECK(second.ok);
    CHECK(second.fromCache);

    // A new mtime invalidates the entry even though the content is unchanged.
    const std::string unet = fx.dir + "/unet.pt";
    fs::last_write_time(unet, fs::last_write_time(unet) + std::chrono::seconds(2));
    core::BundleVerification third = fx.verify();
    CHECK(third.ok);
    CHECK_FALSE(third.fromCache);
    CHECK(fx.verify().fromCache);
}

TEST_CASE("a cached bundle whose file then changes is caught", "[bundle]") {
    Fixture fx;
    REQUIRE(fx.verify().ok);
    const std::string unet = fx.dir + "/unet.pt";
    test::flipByte(unet, 10);
    fs::last_write_time(unet, fs::last_write_time(unet) + std::chrono::seconds(2));
    core::BundleVerification v = fx.verify();
    CHECK_FALSE(v.ok);
    CHECK_FALSE(v.fromCache);
    CHECK_THAT(verdictOf(v, "unet").problem, Catch::Contains("sha256 mismatch"));
    // A failed file is never remembered as good.
    CHECK_FALSE(fx.verify().ok);
}

TEST_CASE("a manifest expecting a different digest does not reuse the cached verdict", "[bundle]") {
    Fixture fx;
    REQUIRE(fx.verify().ok);
    auto manifest = fx.manifest();
    manifest.files["vocab"].sha256 = std::string(64, '0');
    core::BundleVerification v = core::verifyBundleFiles(manifest, {true, fx.cache});
    CHECK_FALSE(v.ok);
    CHECK_THAT(verdictOf(v, "vocab").problem, Catch::Contains("sha256 mismatch"));
}

TEST_CASE("a corrupt cache file is ignored and replaced", "[bundle]") {
    Fixture fx;
    fs::create_directories(fs::path(fx.cache).parent_path());
    for (const char* junk : {"{not json", "{\"version\": 1, \"entries\": {\"/x\": 5}}", "[]"}) {
        std::ofstream(fx.cache) << junk;
        core::BundleVerification v = fx.verify();
        CHECK(v.ok);
        CHECK_FALSE(v.fromCache);
        auto rewritten = nlohmann::json::parse(core::readFileBytes(fx.cache));
        CHECK(rewritten["version"] == 1);
        CHECK(fx.verify().fromCache);
    }
}
