#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "chiaro/bundle/bundle_manifest.h"
#include "chiaro/bundle/sha256.h"
#include "chiaro/core/error.h"
#include "synthetic_bundle.h"
#include "test_support.h"

using namespace chiaro;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The ModelBundle message readBundleManifest() throws for `dir`, or "" when it does not throw.
std::string manifestError(const std::string& dir) {
    try {
        core::readBundleManifest(dir);
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::ModelBundle);
        return e.what();
    }
    return "";
}

// Writes a valid synthetic bundle, applies `edit` to its manifest, and returns the error.
template <typename Edit>
std::string errorAfterEdit(Edit edit) {
    test::TempDir dir;
    json manifest = test::writeSyntheticBundle(dir.path());
    edit(manifest);
    test::writeManifest(dir.path(), manifest);
    return manifestError(dir.path());
}

}  // namespace

TEST_CASE("a valid manifest is read with every field", "[bundle]") {
    test::TempDir dir;
    json written = test::writeSyntheticBundle(dir.path() + "/b", "fbc");
    core::BundleManifest m = core::readBundleManifest(dir.path() + "/b/");
    CHECK(m.dir == fs::canonical(dir.path() + "/b").string());
    CHECK(m.formatVersion == 1);
    CHECK(m.variant == "fbc");
    CHECK(m.concatChannels == 8);
    CHECK(m.latentChannels == 4);
    CHECK(m.vaeScaleFactor == 8);
    CHECK(m.scalingFactor == Approx(0.18215));
    CHECK(m.maxLength == 77);
    CHECK(m.hiddenSize == 32);
    CHECK(m.bosId == 49406);
    CHECK(m.eosId == 49407);
    CHECK(m.padId == 49407);
    REQUIRE(m.files.size() == 6);
    CHECK(m.files.at("unet").path == "unet.pt");
    CHECK(m.files.at("unet").sha256 == written["files"]["unet"]["sha256"].get<std::string>());
    CHECK(m.files.at("unet").bytes == written["files"]["unet"]["bytes"].get<uint64_t>());
    CHECK(m.filePath("vocab") == m.dir + "/tokenizer/vocab.json");
    CHECK(m.architecture["unet"]["in_channels"] == 12);
    CHECK(m.source["kind"] == "synthetic");
    CHECK_FALSE(m.hasSegmenter());
    CHECK(m.manifestSha256 == core::sha256File(dir.path() + "/b/manifest.json"));
    CHECK_THROWS_AS(m.filePath("segmenter"), core::Error);
}

TEST_CASE("an optional segmenter entry is recognised", "[bundle]") {
    test::TempDir dir;
    json manifest = test::writeSyntheticBundle(dir.path());
    manifest["files"]["segmenter"] = manifest["files"]["unet"];
    manifest["files"]["segmenter"]["path"] = "segmenter.pt";
    test::writeManifest(dir.path(), manifest);
    CHECK(core::readBundleManifest(dir.path()).hasSegmenter());
}

TEST_CASE("merged LoRAs are read from the optional loras array", "[bundle]") {
    test::TempDir dir;
    json manifest = test::writeSyntheticBundle(dir.path());
    CHECK(core::readBundleManifest(dir.path()).loras.empty());
    const std::string sha(64, 'a');
    manifest["loras"] = json::array(
        {{{"file", "style.safetensors"}, {"sha256", sha}, {"strength", 0.8},
          {"format", "kohya"}, {"layers", 12}, {"fast", false}},
         {{"file", "lcm-lora-sdv1-5.safetensors"}, {"sha256", sha}, {"strength", 1.0},
          {"format", "peft"}, {"layers", 4}, {"fast", true}}});
    test::writeManifest(dir.path(), manifest);
    core::BundleManifest m = core::readBundleManifest(dir.path());
    REQUIRE(m.loras.size() == 2);
    CHECK(m.loras[0].file == "style.safetensors");
    CHECK(m.loras[0].sha256 == sha);
    CHECK(m.loras[0].strength == Approx(0.8));
    CHECK(m.loras[0].format == "kohya");
    CHECK_FALSE(m.loras[0].fast);
    CHECK(m.loras[1].fast);
    CHECK(m.hasFastLora());
    manifest["loras"].erase(1);
    test::writeManifest(dir.path(), manifest);
    CHECK_FALSE(core::readBundleManifest(dir.path()).hasFastLora());
}

TEST_CASE("a malformed loras array is named with its field", "[bundle]") {
    const json good = {{"file", "a.safetensors"}, {"sha256", std::string(64, 'b')},
                       {"strength", 1.0}, {"format", "kohya"}, {"fast", false}};
    CHECK_THAT(errorAfterEdit([](json& m) { m["loras"] = "x"; }),
               Catch::Contains("field 'loras' must be an array"));
    CHECK_THAT(errorAfterEdit([&](json& m) { m["loras"] = json::array({good, 3}); }),
               Catch::Contains("field 'loras[1]' must be an object"));
    json bad = good;
    bad["strength"] = 2.5;
    CHECK_THAT(errorAfterEdit([&](json& m) { m["loras"] = json::array({bad}); }),
               Catch::Contains("field 'loras[0].strength' must be a number in -2..2"));
    bad = good;
    bad["sha256"] = "abc";
    CHECK_THAT(errorAfterEdit([&](json& m) { m["loras"] = json::array({bad}); }),
               Catch::Contains("field 'loras[0].sha256' is not 64 hex digits"));
    bad = good;
    bad.erase("file");
    CHECK_THAT(errorAfterEdit([&](json& m) { m["loras"] = json::array({bad}); }),
               Catch::Contains("missing field 'loras[0].file'"));
    bad = good;
    bad["fast"] = "yes";
    CHECK_THAT(errorAfterEdit([&](json& m) { m["loras"] = json::array({bad}); }),
               Catch::Contains("field 'loras[0].fast' must be true or false"));
}

TEST_CASE("a missing folder, a file instead of a folder and a missing manifest are named",
          "[bundle]") {
    test::TempDir dir;
    CHECK_THAT(manifestError(dir.file("absent")),
               Catch::Contains(dir.file("absent")) && Catch::Contains("folder not found"));
    std::ofstream(dir.file("plain.txt")) << "x";
    CHECK_THAT(manifestError(dir.file("plain.txt")), Catch::Contains("not a folder"));
    CHECK_THAT(manifestError(dir.path()),
               Catch::Contains(dir.file("manifest.json")) && Catch::Contains("not found"));
}

TEST_CASE("malformed JSON names the manifest and the parse position", "[bundle]") {
    test::TempDir dir;
    std::ofstream(dir.file("manifest.json")) << "{\"format\": \"chiaro-bundle\",";
    CHECK_THAT(manifestError(dir.path()), Catch::Contains(dir.file("manifest.json")) &&
                                              Catch::Contains("malformed JSON") &&
                                              Catch::Contains("line 1"));
    std::ofstream(dir.file("manifest.json")) << "[1, 2]";
    CHECK_THAT(manifestError(dir.path()), Catch::Contains("expected a JSON object"));
}

TEST_CASE("a wrong format or a newer format_version is refused", "[bundle]") {
    CHECK_THAT(errorAfterEdit([](json& m) { m["format"] = "diffusers"; }),
               Catch::Contains("field 'format' is 'diffusers', expected 'chiaro-bundle'"));
    CHECK_THAT(errorAfterEdit([](json& m) { m.erase("format"); }),
               Catch::Contains("missing field 'format'"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["format_version"] = 2; }),
               Catch::Contains("manifest.json: made by a newer Chiaro: format_version 2, this "
                               "build reads 1"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["format_version"] = 0; }),
               Catch::Contains("format_version 0 is not valid"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["format_version"] = "1"; }),
               Catch::Contains("'format_version' must be an integer"));
}

TEST_CASE("missing or mistyped fields are named with their path", "[bundle]") {
    CHECK_THAT(errorAfterEdit([](json& m) { m["text"].erase("hidden_size"); }),
               Catch::Contains("missing field 'text.hidden_size'"));
    CHECK_THAT(errorAfterEdit([](json& m) { m.erase("text"); }), Catch::Contains("missing field 'text'"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["files"].erase("unet"); }),
               Catch::Contains("missing field 'files.unet'"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["files"]["merges"].erase("sha256"); }),
               Catch::Contains("missing field 'files.merges.sha256'"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["files"]["vocab"]["sha256"] = "abc"; }),
               Catch::Contains("'files.vocab.sha256' is not 64 hex digits"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["files"]["unet"]["bytes"] = -5; }),
               Catch::Contains("'files.unet.bytes' is -5"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["concat_channels"] = 4.5; }),
               Catch::Contains("'concat_channels' must be an integer"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["scaling_factor"] = "0.18"; }),
               Catch::Contains("'scaling_factor' must be a positive number"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["latent_channels"] = 16; }),
               Catch::Contains("latent_channels must be 4"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["architecture"] = 3; }),
               Catch::Contains("'architecture' must be an object"));
}

TEST_CASE("file paths that leave the bundle folder are refused", "[bundle]") {
    CHECK_THAT(errorAfterEdit([](json& m) { m["files"]["unet"]["path"] = "../other/unet.pt"; }),
               Catch::Contains("'files.unet.path' is '../other/unet.pt', which leaves the bundle folder"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["files"]["vocab"]["path"] = "/etc/passwd"; }),
               Catch::Contains("'files.vocab.path' is '/etc/passwd', which leaves the bundle folder"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["files"]["merges"]["path"] = "tokenizer/../../x"; }),
               Catch::Contains("which leaves the bundle folder"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["files"]["merges"]["path"] = ""; }),
               Catch::Contains("which leaves the bundle folder"));
}

TEST_CASE("concat_channels must agree with the variant", "[bundle]") {
    CHECK_THAT(errorAfterEdit([](json& m) { m["concat_channels"] = 8; }),
               Catch::Contains("concat_channels 8 does not match variant 'fc' (which has 4)"));
    CHECK_THAT(errorAfterEdit([](json& m) {
                   m["variant"] = "fbc";
                   m["concat_channels"] = 4;
               }),
               Catch::Contains("concat_channels 4 does not match variant 'fbc' (which has 8)"));
    CHECK_THAT(errorAfterEdit([](json& m) { m["variant"] = "fcon"; }),
               Catch::Contains("'variant' is 'fcon', expected 'fc' or 'fbc'"));
}

// Issue #18: the real SD1.5 folders' text_encoder/config.json says bos 0 / eos 2 / pad 1, and older
// exporters copied that into the manifest. The ids come from the bundle's vocab.json instead.
TEST_CASE("special token ids come from the tokenizer's vocabulary, not a wrong manifest", "[bundle]") {
    test::TempDir dir;
    json manifest = test::writeSyntheticBundle(dir.path());
    {
        std::ofstream vocab(dir.path() + "/tokenizer/vocab.json", std::ios::binary | std::ios::trunc);
        vocab << R"({"!":0,"a</w>":320,"<|startoftext|>": 49406,"<|endoftext|>" :49407})";
    }
    manifest["text"]["bos_id"] = 0;
    manifest["text"]["eos_id"] = 2;
    manifest["text"]["pad_id"] = 1;
    test::writeManifest(dir.path(), manifest);
    core::BundleManifest m = core::readBundleManifest(dir.path());
    CHECK(m.bosId == 49406);
    CHECK(m.eosId == 49407);
    CHECK(m.padId == 49407);
    CHECK(m.specialIdsCorrected);

    manifest["text"]["bos_id"] = 49406;
    manifest["text"]["eos_id"] = 49407;
    manifest["text"]["pad_id"] = 49407;
    test::writeManifest(dir.path(), manifest);
    core::BundleManifest good = core::readBundleManifest(dir.path());
    CHECK(good.bosId == 49406);
    CHECK(good.padId == 49407);
    CHECK_FALSE(good.specialIdsCorrected);
}

TEST_CASE("a vocabulary without the special tokens leaves the manifest's ids", "[bundle]") {
    test::TempDir dir;
    json manifest = test::writeSyntheticBundle(dir.path());  // vocab.json: random bytes
    manifest["text"]["bos_id"] = 7;
    test::writeManifest(dir.path(), manifest);
    core::BundleManifest m = core::readBundleManifest(dir.path());
    CHECK(m.bosId == 7);
    CHECK_FALSE(m.specialIdsCorrected);
    fs::remove(dir.path() + "/tokenizer/vocab.json");
    CHECK(core::readBundleManifest(dir.path()).bosId == 7);
}

TEST_CASE("findVocabId reads compact and spaced vocab.json entries", "[bundle]") {
    CHECK(core::findVocabId(R"({"<|endoftext|>":49407})", "<|endoftext|>") == 49407);
    CHECK(core::findVocabId("{\n  \"<|startoftext|>\" : 12,\n}", "<|startoftext|>") == 12);
    CHECK(core::findVocabId(R"({"x<|endoftext|>":3})", "<|endoftext|>") == -1);
    CHECK(core::findVocabId(R"({"<|endoftext|>":"3"})", "<|endoftext|>") == -1);
    CHECK(core::findVocabId("", "<|endoftext|>") == -1);
}
