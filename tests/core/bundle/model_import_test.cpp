// The parts of `models import` that need no exporter run: input checks on the parity kit's real
// files, the exporter's argument list and output lines, the staging folder, and how a model folder
// resolves to its fc and fbc bundles.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "chiaro/bundle/model_import.h"
#include "chiaro/bundle/model_set.h"
#include "chiaro/core/atomic_file.h"
#include "synthetic_bundle.h"
#include "test_support.h"

using namespace chiaro;
namespace fs = std::filesystem;

namespace {

std::string parity(const std::string& name) { return test::sharedDir() + "/parity/" + name; }

core::ErrorCode codeOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const core::Error& e) {
        return e.code();
    }
    return core::ErrorCode::Ok;
}

std::string messageOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const core::Error& e) {
        return e.what();
    }
    return {};
}

core::ImportRequest parityRequest(const std::string& out) {
    core::ImportRequest r;
    r.base = parity("tiny_sd");
    r.iclight = {parity("iclight_fc_offset.safetensors"), parity("iclight_fbc_offset.safetensors")};
    r.outDir = out;
    return r;
}

}  // namespace

TEST_CASE("PROGRESS lines are parsed and clamped, other lines are not progress", "[core][import]") {
    auto p = core::parseProgressLine("PROGRESS 0.25 exporting the UNet");
    REQUIRE(p);
    CHECK(p->fraction == Approx(0.25));
    CHECK(p->message == "exporting the UNet");
    CHECK(core::parseProgressLine("PROGRESS 1.70 done")->fraction == 1.0);
    CHECK(core::parseProgressLine("PROGRESS -1 x")->fraction == 0.0);
    CHECK(core::parseProgressLine("PROGRESS 1")->message.empty());
    CHECK_FALSE(core::parseProgressLine("PROGRESS nan x"));
    CHECK_FALSE(core::parseProgressLine("PROGRESS abc"));
    CHECK_FALSE(core::parseProgressLine("PROGRESS 0.5x"));
    CHECK_FALSE(core::parseProgressLine("text_encoder.pt  6.46  1,608,992"));
    CHECK_FALSE(core::parseProgressLine(" PROGRESS 0.5 x"));
}

TEST_CASE("the import's fraction spreads the exports over 0..0.95", "[core][import]") {
    CHECK(core::importFraction(0, 1, 0.0) == 0.0);
    CHECK(core::importFraction(0, 1, 1.0) == Approx(0.95));
    CHECK(core::importFraction(0, 2, 0.5) == Approx(0.2375));
    CHECK(core::importFraction(1, 2, 0.0) == Approx(0.475));
    CHECK(core::importFraction(2, 2, 0.0) == Approx(0.95));
    CHECK(core::importFraction(1, 2, 2.0) == Approx(0.95));
}

TEST_CASE("the exporter's error comes back as its one line, in plain words", "[core][import]") {
    CHECK(core::exporterErrorMessage("note: x\nerror: /a/b: truncated\n", 3) == "/a/b: truncated");
    CHECK(core::exporterErrorMessage("error: export.py: --base is required (see --help)\n", 2) ==
          "--base is required (see --help)");
    CHECK(core::exporterErrorMessage("export.py: /x: base model not found\n", 2) == "/x: base model not found");
    CHECK(core::exporterErrorMessage("Traceback\n  File ...\nOSError: [Errno 28] No space left on device\n\n", 1) ==
          "the exporter failed: OSError: [Errno 28] No space left on device");
    CHECK(core::exporterErrorMessage("", 9) == "the exporter failed with exit code 9");
    CHECK(core::exporterErrorCode(3) == core::ErrorCode::BadInput);
    CHECK(core::exporterErrorCode(2) == core::ErrorCode::BadInput);
    CHECK(core::exporterErrorCode(1) == core::ErrorCode::Failure);
}

TEST_CASE("the exporter's arguments name absolute inputs, the segmenter goes with the first file", "[core][import]") {
    core::ExporterLocation exporter{"/usr/bin/python3", "/opt/x/export.py", "installed"};
    core::ImportRequest r = parityRequest("out");
    r.segmenter = "seg.safetensors";
    r.vae = parity("tiny_sd/vae");
    const auto first = core::exporterArguments(exporter, r, 0, "/o/fc", true);
    const std::vector<std::string> expected = {
        "/opt/x/export.py", "--base", parity("tiny_sd"), "--iclight", parity("iclight_fc_offset.safetensors"),
        "--out", "/o/fc", "--segmenter", (fs::current_path() / "seg.safetensors").string(),
        "--vae", parity("tiny_sd/vae"), "--progress"};
    CHECK(first == expected);
    const auto second = core::exporterArguments(exporter, r, 1, "/o/fbc", false);
    CHECK(std::find(second.begin(), second.end(), "--segmenter") == second.end());
    CHECK(std::find(second.begin(), second.end(), "--progress") == second.end());
    CHECK(second[4] == parity("iclight_fbc_offset.safetensors"));
}

TEST_CASE("a --lora FILE[:STRENGTH] spec splits at the last colon only before a number", "[core][import][lora]") {
    test::TempDir dir;
    const std::string lora = dir.file("style.safetensors");
    core::writeFileAtomic(lora, "x");
    auto parsed = core::parseLoraSpec(lora);
    CHECK((parsed.path == lora && parsed.strength == 1.0));
    parsed = core::parseLoraSpec(lora + ":-0.75");
    CHECK((parsed.path == lora && parsed.strength == -0.75));
    parsed = core::parseLoraSpec("C:\\loras\\x.safetensors");
    CHECK((parsed.path == "C:\\loras\\x.safetensors" && parsed.strength == 1.0));
    parsed = core::parseLoraSpec("C:\\loras\\x.safetensors:2");
    CHECK((parsed.path == "C:\\loras\\x.safetensors" && parsed.strength == 2.0));
    CHECK(codeOf([&] { core::parseLoraSpec(lora + ":2.5"); }) == core::ErrorCode::Usage);
    CHECK(codeOf([&] { core::parseLoraSpec(lora + ":nan"); }) == core::ErrorCode::Usage);
    CHECK(codeOf([&] { core::parseLoraSpec(lora + ":strong"); }) == core::ErrorCode::Usage);
    try {
        core::parseLoraSpec(lora + ":3");
    } catch (const core::Error& e) {
        CHECK(std::string(e.what()) == lora + ": LoRA strength 3 is outside -2..2");
    }
}

TEST_CASE("LoRAs go to every export with their strength, a missing one is refused first", "[core][import][lora]") {
    core::ExporterLocation exporter{"/usr/bin/python3", "/x/export.py", "test"};
    core::ImportRequest r;
    r.base = parity("tiny_sd");
    r.iclight = {parity("iclight_fc_offset.safetensors"), parity("iclight_fbc_offset.safetensors")};
    r.outDir = "/o";
    r.loras = {{"/l/a:b.safetensors", 0.5}, {"/l/c.safetensors", -1.25}};
    for (size_t i = 0; i < 2; ++i) {
        const auto args = core::exporterArguments(exporter, r, i, "/o/x", false);
        const auto at = std::find(args.begin(), args.end(), "--lora");
        REQUIRE(std::distance(at, args.end()) >= 4);
        CHECK(at[1] == "/l/a:b.safetensors:0.5");
        CHECK(at[2] == "--lora");
        CHECK(at[3] == "/l/c.safetensors:-1.25");
    }
    CHECK(codeOf([&] { core::checkImportInputs(r); }) == core::ErrorCode::BadInput);
    r.loras = {{parity("iclight_fc_offset.safetensors"), 3.0}};
    CHECK(codeOf([&] { core::checkImportInputs(r); }) == core::ErrorCode::Usage);
    r.loras = {{parity("tiny_sd/model_index.json"), 1.0}};  // not safetensors
    CHECK(codeOf([&] { core::checkImportInputs(r); }) == core::ErrorCode::BadInput);
    CHECK_FALSE(core::isLoraFile(parity("iclight_fc_offset.safetensors")));
}

TEST_CASE("IC-Light files are told apart from bases, UNets and broken files", "[core][import]") {
    test::TempDir dir;
    CHECK(core::iclightVariant(parity("iclight_fc_offset.safetensors")) == "fc");
    CHECK(core::iclightVariant(parity("iclight_fbc_offset.safetensors")) == "fbc");
    CHECK(messageOf([&] { core::iclightVariant(parity("tiny_sd")); }).find("is a folder") != std::string::npos);
    CHECK(messageOf([&] { core::iclightVariant(parity("tiny_sd/unet/diffusion_pytorch_model.safetensors")); })
              .find("plain Stable Diffusion UNet") != std::string::npos);
    const std::string bytes = core::readFileBytes(parity("iclight_fc_offset.safetensors"));
    core::writeFileAtomic(dir.file("cut.safetensors"), bytes.substr(0, bytes.size() / 2));
    CHECK(codeOf([&] { core::iclightVariant(dir.file("cut.safetensors")); }) == core::ErrorCode::BadInput);
    core::writeFileAtomic(dir.file("photo.safetensors"), "\x89PNG not at all a safetensors file");
    CHECK(codeOf([&] { core::iclightVariant(dir.file("photo.safetensors")); }) == core::ErrorCode::BadInput);
}

TEST_CASE("import inputs are checked before any export", "[core][import]") {
    test::TempDir dir;
    core::ImportRequest r = parityRequest(dir.file("models"));
    CHECK(core::checkImportInputs(r) == std::vector<std::string>{"fc", "fbc"});

    auto swapped = r;
    swapped.base = parity("iclight_fc_offset.safetensors");
    CHECK(messageOf([&] { core::checkImportInputs(swapped); }).find("not a base model") != std::string::npos);
    auto same = r;
    same.iclight = {r.iclight[0], r.iclight[0]};
    CHECK(codeOf([&] { core::checkImportInputs(same); }) == core::ErrorCode::Usage);
    auto missing = r;
    missing.base = dir.file("nothing");
    CHECK(codeOf([&] { core::checkImportInputs(missing); }) == core::ErrorCode::BadInput);

    // Half a diffusers model: model_index.json and unet/, but no vae/.
    const fs::path half = dir.file("half");
    fs::create_directories(half);
    fs::copy(parity("tiny_sd/model_index.json"), half / "model_index.json");
    fs::copy(parity("tiny_sd/unet"), half / "unet", fs::copy_options::recursive);
    auto partial = r;
    partial.base = half.string();
    const std::string why = messageOf([&] { core::checkImportInputs(partial); });
    CHECK(why == half.string() + ": incomplete diffusers model: no vae/ folder");
}

TEST_CASE("planImport stages each export in a hidden folder that abandonImport removes", "[core][import]") {
    test::TempDir dir;
    const core::ExporterLocation exporter{"/usr/bin/python3", "/x/export.py", "test"};
    const core::ImportPlan plan = core::planImport(parityRequest(dir.file("models")), exporter);
    REQUIRE(plan.steps.size() == 2);
    CHECK(fs::is_directory(plan.stagingDir));
    CHECK(fs::path(plan.stagingDir).parent_path() == fs::path(dir.file("models")));
    CHECK(fs::path(plan.stagingDir).filename().string().rfind(".chiaro-import-", 0) == 0);
    CHECK(plan.steps[0].stagingDir == plan.stagingDir + "/fc");
    CHECK(plan.steps[1].stagingDir == plan.stagingDir + "/fbc");
    CHECK(plan.steps[0].argv[0] == "/usr/bin/python3");
    CHECK(plan.steps[0].argv.back() == "--progress");
    core::abandonImport(plan);
    CHECK_FALSE(fs::exists(plan.stagingDir));
    CHECK(fs::is_empty(dir.file("models")));
}

TEST_CASE("a model folder resolves to its fc and fbc bundles", "[core][import]") {
    test::TempDir dir;
    const std::string root = dir.file("models");
    test::writeSyntheticBundle(root + "/fc", "fc");
    test::writeSyntheticBundle(root + "/fbc", "fbc");
    // Without pair.json the fc/ and fbc/ folders are found; with it, what it lists.
    core::ModelSet set = core::resolveModelSet(root);
    CHECK(set.fc == root + "/fc");
    CHECK(set.fbc == root + "/fbc");
    core::writeFileAtomic(root + "/pair.json", R"({"bundles": {"fc": {"path": "fc"}}})");
    set = core::resolveModelSet(root + "/");
    CHECK(set.fc == root + "/fc");
    CHECK(set.fbc.empty());
    CHECK(core::bundleForVariant(root, "fbc") == root + "/fc");  // the only one there is

    core::writeFileAtomic(root + "/pair.json", R"({"bundles": {"fc": {"path": "fc"}, "fbc": {"path": "fbc"}}})");
    // A bundle picked inside a pair brings its partner; a lone bundle stays alone.
    set = core::resolveModelSet(root + "/fc");
    CHECK(set.fc == root + "/fc");
    CHECK(set.fbc == root + "/fbc");
    CHECK(core::bundleForVariant(root + "/fc", "fbc") == root + "/fbc");
    test::writeSyntheticBundle(dir.file("lone"), "fbc");
    set = core::resolveModelSet(dir.file("lone"));
    CHECK(set.fbc == dir.file("lone"));
    CHECK(set.fc.empty());
    // Paths leaving the folder and malformed files are ignored (the fc/ and fbc/ folders count then).
    core::writeFileAtomic(root + "/pair.json", R"({"bundles": {"fc": {"path": "../lone"}}})");
    CHECK(core::resolveModelSet(root).fc == root + "/fc");
    core::writeFileAtomic(root + "/pair.json", "{not json");
    CHECK(core::resolveModelSet(root).fbc == root + "/fbc");
    CHECK(core::resolveModelSet(dir.file("nothing")).empty());
}

TEST_CASE("an export's failure names the final folder, not the staging one", "[core][import]") {
    core::ImportPlan plan;
    plan.outDir = "/m";
    plan.steps.push_back({"fc", "/m/.chiaro-import-abc/fc", {}});
    CHECK(core::exportFailureMessage(plan, 0, "error: /m/.chiaro-import-abc/fc/unet.pt: cannot write (x); "
                                              "nothing at /m/.chiaro-import-abc/fc changed\n", 1) ==
          "/m/fc/unet.pt: cannot write (x); nothing at /m/fc changed");
}
