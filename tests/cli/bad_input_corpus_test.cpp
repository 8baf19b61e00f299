// Issue #9: every chiaro-cli command that reads files, run over the bad-input corpus that
// tests/data/bad/make_bad_corpus.py writes (ctest fixture fixture.bad_corpus). A bad file must end
// with its documented exit code, exactly one error line on stderr naming the file, no signal, and
// nothing (neither the output nor a temporary file) left in the output folder. The valid but unusual
// inputs (16-bit, grey, palette, CMYK, EXIF-rotated) must work.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "chiaro/bundle/safetensors_file.h"
#include "chiaro/core/error.h"
#include "test_support.h"

using chiaro::test::ProcessResult;
using chiaro::test::runCli;
using chiaro::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string corpus(const std::string& sub) { return std::string(CHIARO_BAD_CORPUS_DIR) + "/" + sub; }

std::vector<std::string> filesIn(const std::string& dir) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    REQUIRE_FALSE(files.empty());  // the fixture ran
    return files;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// stderr lines other than logged warnings ("[cli warning] ...", e.g. a resized mask).
std::vector<std::string> errorLines(const std::string& err) {
    std::vector<std::string> out;
    for (const auto& line : lines(err)) {
        if (line.rfind("[", 0) == 0 && line.find(" warning]") != std::string::npos) continue;
        out.push_back(line);
    }
    return out;
}

// The documented failure: exit code, one stderr line naming `named`, no signal, `outDir` empty.
void requireCleanFailure(const ProcessResult& r, int code, const std::string& named, const std::string& outDir,
                         const std::string& program = "chiaro-cli ") {
    INFO("stderr: " << r.err);
    CHECK(r.signal == 0);
    CHECK(r.exitCode == code);
    const auto errors = errorLines(r.err);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].rfind(program, 0) == 0);
    CHECK(errors[0].find(named) != std::string::npos);
    CHECK(fs::is_empty(outDir));
}

void requireSuccess(const ProcessResult& r) {
    INFO("stderr: " << r.err);
    CHECK(r.signal == 0);
    REQUIRE(r.exitCode == 0);
    CHECK(errorLines(r.err).empty());
}

std::string tinyFc() { return chiaro::test::bundleDir("tiny_fc"); }

// A fast relight with the tiny bundle: smallest size, two steps, no high-resolution growth.
std::vector<std::string> relightArgs(const std::string& input, const std::string& out) {
    return {"relight", input, "-o", out, "--models", tinyFc(), "--light-preset", "left", "--steps", "2",
            "--width", "256", "--height", "256", "--highres-scale", "1", "--device", "cpu"};
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

}  // namespace

TEST_CASE("every command that reads an image refuses each bad image cleanly", "[cli][corpus]") {
    const std::string photo = corpus("images/photo.png");
    for (const auto& bad : filesIn(corpus("images/bad"))) {
        const std::string name = fs::path(bad).filename().string();
        TempDir out;
        const std::string o = out.file("out.png");
        const std::vector<std::vector<std::string>> runs = {
            {"preview", bad, "-o", o, "--light", "90,0"},
            {"preview", photo, "-o", o, "--light", "90,0", "--mask", bad},
            {"estimate-light", bad},
            {"estimate-light", photo, "--mask", bad},
            {"mask", bad, "-o", o},
            {"info", bad},
            relightArgs(bad, o),
            with(relightArgs(photo, o), {"--mask", bad}),
            with(relightArgs(photo, o), {"--background", bad}),
        };
        for (const auto& args : runs) {
            INFO(args[0] << " with " << name);
            requireCleanFailure(runCli(args), 3, name, out.path());
        }
    }
}

TEST_CASE("16-bit, grey, palette, CMYK and EXIF-rotated inputs work in every image command",
          "[cli][corpus]") {
    const auto expected = nlohmann::json::parse(std::ifstream(corpus("expected.json")));
    for (const auto& file : filesIn(corpus("images/valid"))) {
        const std::string name = fs::path(file).filename().string();
        INFO(name);
        TempDir out;
        requireSuccess(runCli({"preview", file, "-o", out.file("p.png"), "--light", "270,0"}));
        const cv::Mat preview = cv::imread(out.file("p.png"), cv::IMREAD_UNCHANGED);
        // The upright size: the EXIF-rotated JPEG comes out rotated (stored 96x64, shown 64x96).
        CHECK(preview.cols == expected.at(name).at("width").get<int>());
        CHECK(preview.rows == expected.at(name).at("height").get<int>());
        requireSuccess(runCli({"estimate-light", file}));
        requireSuccess(runCli({"mask", file, "-o", out.file("m.png")}));
        CHECK(cv::imread(out.file("m.png"), cv::IMREAD_UNCHANGED).size() == preview.size());
    }
}

TEST_CASE("relight runs on a CMYK and an EXIF-rotated photo", "[cli][corpus]") {
    for (const char* name : {"cmyk.jpg", "exif6.jpg"}) {
        INFO(name);
        TempDir out;
        requireSuccess(runCli(relightArgs(corpus("images/valid/") + name, out.file("r.png"))));
        CHECK(fs::exists(out.file("r.png")));
    }
}

TEST_CASE("a mask of another size is resized with a warning, not refused", "[cli][corpus]") {
    TempDir out;
    const std::string photo = corpus("images/photo.png"), mask = corpus("masks/other_size.png");
    const auto r = runCli({"preview", photo, "-o", out.file("p.png"), "--light", "90,0", "--mask", mask});
    requireSuccess(r);
    CHECK(r.err.find("resized") != std::string::npos);
    requireSuccess(runCli({"estimate-light", photo, "--mask", mask}));
}

TEST_CASE("info refuses broken Chiaro metadata with exit code 3 naming the file", "[cli][corpus]") {
    TempDir out;
    for (const auto& file : filesIn(corpus("metadata"))) {
        INFO(file);
        requireCleanFailure(runCli({"info", file}), 3, fs::path(file).filename().string(), out.path());
    }
}

TEST_CASE("damaged bundles give exit code 4 naming the faulty file", "[cli][corpus]") {
    TempDir out;
    const std::string flipped = corpus("bundles/flipped_byte"), future = corpus("bundles/future_version");
    const std::string photo = corpus("images/photo.png");
    requireCleanFailure(runCli({"models", "check", flipped}), 4, "unet.pt", out.path());
    requireCleanFailure(runCli({"models", "check", future}), 4, "manifest.json", out.path());
    const auto relight = relightArgs(photo, out.file("r.png"));
    requireCleanFailure(runCli(with(relight, {"--models", flipped})), 4, "unet.pt", out.path());
    requireCleanFailure(runCli(with(relight, {"--models", future})), 4, "manifest.json", out.path());
    requireCleanFailure(runCli({"tokenize", "--models", corpus("bundles/bad_vocab"), "a cat"}), 4, "vocab.json",
                        out.path());
}

// Issue #5: relight's own list of bad jobs.
TEST_CASE("relight answers bad jobs with the documented exit codes", "[cli][corpus][relight]") {
    TempDir out;
    const std::string photo = corpus("images/photo.png");
    const auto base = relightArgs(photo, out.file("r.png"));
    SECTION("sizes outside 256..2048 after rounding to 64 are usage errors") {
        for (const char* width : {"100", "3000", "0", "-64"}) {
            INFO(width);
            requireCleanFailure(runCli(with(base, {"--width", width})), 2, "width", out.path());
        }
    }
    SECTION("a prompt over 20 chunks of 75 tokens is a usage error") {
        std::string prompt;
        for (int i = 0; i < 1600; ++i) prompt += "cat ";
        requireCleanFailure(runCli(with(base, {"--prompt", prompt})), 2, "prompt too long", out.path());
    }
    SECTION("a background (fbc mode) with an fc bundle is a bundle error") {
        requireCleanFailure(runCli(with(base, {"--background", photo})), 4, "fbc", out.path());
    }
    SECTION("a missing bundle folder is a bundle error naming it") {
        requireCleanFailure(runCli(with(base, {"--models", out.file("nowhere")})), 4, "nowhere", out.path());
    }
}

TEST_CASE("damaged safetensors files are refused by the C++ reader and by the exporter", "[cli][corpus]") {
    for (const auto& file : filesIn(corpus("safetensors"))) {
        INFO(file);
        try {
            chiaro::core::SafetensorsFile::open(file);
            FAIL("opened a damaged file");
        } catch (const chiaro::core::Error& e) {
            CHECK(e.code() == chiaro::core::ErrorCode::BadInput);
            CHECK(std::string(e.what()).find(file) != std::string::npos);
        }
    }
    TempDir out;
    const std::string file = corpus("safetensors/truncated.safetensors");
    const auto r = chiaro::test::runProcess({"/usr/bin/python3", chiaro::test::sourceDir() + "/models/export.py",
                                             "--base", chiaro::test::sharedDir() + "/parity/tiny_sd",
                                             "--iclight", file, "--out", out.file("bundle")});
    requireCleanFailure(r, 3, "truncated.safetensors", out.path(), "error: ");
}

// Issue #9 with `batch`: a folder holding the corpus's bad images and one good photo. Each bad image
// fails alone, named in the summary; the good photo is relit; no temporary file stays in OUT_DIR.
TEST_CASE("batch over a folder of bad images fails each one alone and relights the good one",
          "[cli][corpus][batch]") {
    TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out");
    fs::create_directories(in);
    const auto bad = filesIn(corpus("images/bad"));
    for (const auto& file : bad) fs::copy_file(file, in + "/" + fs::path(file).filename().string());
    fs::copy_file(corpus("images/photo.png"), in + "/good.png");
    const auto args = [&](std::vector<std::string> more) {
        std::vector<std::string> a = {"batch", in, "-o", out, "--mask-source", "none",
                                      "--name", "{index}_{stem}"};  // truncated.png and .jpg: one stem
        const auto relight = relightArgs("", "");
        a.insert(a.end(), relight.begin() + 4, relight.end());  // the relight options after `IN -o OUT`
        a.insert(a.end(), more.begin(), more.end());
        return a;
    };
    const auto noTemporaries = [&] {
        for (const auto& e : fs::directory_iterator(out)) {
            INFO(e.path());
            CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
        }
    };
    // The relit outputs, without the queue file.
    const auto finalPngs = [&] {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(out))
            if (e.path().extension() == ".png" && e.path().filename().string()[0] != '.')
                names.push_back(e.path().filename().string());
        return names;
    };

    SECTION("--json lists every bad image as failed, naming it") {
        const auto r = runCli(args({"--json"}));
        INFO("stderr: " << r.err);
        CHECK(r.signal == 0);
        CHECK(r.exitCode == 1);
        const auto summary = nlohmann::json::parse(r.out);
        CHECK(summary["done"] == 1);
        REQUIRE(summary["failed"].size() == bad.size());
        std::vector<std::string> failedNames;
        for (const auto& f : summary["failed"]) {
            const std::string input = f["input"].get<std::string>(), error = f["error"].get<std::string>();
            const std::string name = fs::path(input).filename().string();
            INFO(error);
            CHECK(error.find(name) != std::string::npos);
            failedNames.push_back(name);
        }
        std::sort(failedNames.begin(), failedNames.end());
        std::vector<std::string> badNames;
        for (const auto& file : bad) badNames.push_back(fs::path(file).filename().string());
        CHECK(failedNames == badNames);
        REQUIRE(finalPngs().size() == 1);
        CHECK(finalPngs()[0].find("_good.png") != std::string::npos);
        CHECK_FALSE(cv::imread(out + "/" + finalPngs()[0]).empty());
        noTemporaries();
    }
    SECTION("the text summary names each bad image on its own `failed:` line") {
        const auto r = runCli(args({}));
        INFO("stdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.signal == 0);
        CHECK(r.exitCode == 1);
        for (const auto& file : bad) {
            const std::string name = fs::path(file).filename().string();
            const auto all = lines(r.out);
            CHECK(std::count_if(all.begin(), all.end(), [&](const std::string& line) {
                      return line.rfind("  failed: ", 0) == 0 && line.find(name) != std::string::npos;
                  }) == 1);
        }
        REQUIRE(finalPngs().size() == 1);
        CHECK(finalPngs()[0].find("_good.png") != std::string::npos);
        noTemporaries();
    }
}

TEST_CASE("batch refuses a missing input folder with exit code 3 naming it", "[cli][corpus][batch]") {
    TempDir out;
    const std::string missing = out.file("no_such_folder");
    const auto relight = relightArgs("", "");
    std::vector<std::string> args = {"batch", missing, "-o", out.file("results")};
    args.insert(args.end(), relight.begin() + 4, relight.end());
    requireCleanFailure(runCli(args), 3, "no_such_folder", out.path());
}
