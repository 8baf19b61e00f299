#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../core/bundle/selftest_bundles.h"
#include "../core/bundle/synthetic_bundle.h"
#include "test_support.h"

using namespace chiaro;
namespace fs = std::filesystem;

namespace {

// Points chiaro-cli's user data folder (and so its verification cache) at a temporary folder, so
// tests never touch the real one; restored on destruction.
class DataHome {
public:
    DataHome() {
        if (const char* old = std::getenv("XDG_DATA_HOME")) m_old = old;
        ::setenv("XDG_DATA_HOME", m_dir.path().c_str(), 1);
    }
    ~DataHome() {
        if (m_old.empty()) ::unsetenv("XDG_DATA_HOME");
        else ::setenv("XDG_DATA_HOME", m_old.c_str(), 1);
    }
    std::string cacheFile() const { return m_dir.path() + "/chiaro/verify-cache.json"; }

private:
    test::TempDir m_dir;
    std::string m_old;
};

// The whitespace-separated words of the table row that starts with `file`.
std::vector<std::string> rowOf(const std::string& out, const std::string& file) {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(file + " ", 0) != 0) continue;
        std::istringstream words(line);
        std::vector<std::string> row;
        for (std::string w; words >> w;) row.push_back(w);
        return row;
    }
    return {};
}

test::ProcessResult check(const std::string& dir, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"models", "check", dir, "--device", "cpu"};
    args.insert(args.end(), extra.begin(), extra.end());
    return test::runCli(args);
}

}  // namespace

TEST_CASE("models check passes a good bundle with a verdict table", "[cli][models]") {
    DataHome home;
    test::ProcessResult r = check(test::selftestBundle("fc"));
    CHECK(r.exitCode == 0);
    for (const char* text : {"text_encoder.pt", "unet.pt", "vae_encoder.pt", "vae_decoder.pt",
                             "tokenizer/vocab.json", "tokenizer/merges.txt", "device: cpu (fp32)"}) {
        CHECK_THAT(r.out, Catch::Contains(text));
    }
    CHECK_THAT(r.out, Catch::Contains("OK: fc bundle, 6 files verified, 4 modules probed"));
    CHECK_THAT(r.out, !Catch::Contains("FAILED"));
    const auto unetSize = std::to_string(fs::file_size(test::selftestBundle("fc") + "/unet.pt"));
    CHECK(rowOf(r.out, "unet.pt") == std::vector<std::string>{"unet.pt", unetSize, "ok", "ok"});
    CHECK(rowOf(r.out, "tokenizer/merges.txt").back() == "-");
    CHECK(r.err.empty());
}

TEST_CASE("models check --json reports files and checks", "[cli][models]") {
    DataHome home;
    test::ProcessResult r = check(test::selftestBundle("fbc"), {"--json"});
    REQUIRE(r.exitCode == 0);
    auto report = nlohmann::json::parse(r.out);
    CHECK(report["ok"] == true);
    CHECK(report["exit_code"] == 0);
    CHECK(report["variant"] == "fbc");
    REQUIRE(report["files"].size() == 6);
    for (const auto& file : report["files"]) {
        CHECK(file["ok"] == true);
        CHECK(file["bytes"].get<uint64_t>() ==
              fs::file_size(test::selftestBundle("fbc") + "/" + file["path"].get<std::string>()));
    }
    CHECK(report["checks"].size() == 7);
    for (const auto& c : report["checks"]) CHECK(c["ok"] == true);
}

TEST_CASE("models check uses the verification cache unless --no-cache", "[cli][models]") {
    DataHome home;
    const std::string dir = test::selftestBundle("fc");
    auto first = nlohmann::json::parse(check(dir, {"--json"}).out);
    CHECK(first["files_from_cache"] == false);
    CHECK(fs::exists(home.cacheFile()));
    auto second = nlohmann::json::parse(check(dir, {"--json"}).out);
    CHECK(second["files_from_cache"] == true);
    CHECK_THAT(check(dir).out, Catch::Contains("from the verification cache"));
    auto uncached = nlohmann::json::parse(check(dir, {"--json", "--no-cache"}).out);
    CHECK(uncached["files_from_cache"] == false);
}

TEST_CASE("models check exits 4 naming unet.pt when one of its bytes changed", "[cli][models]") {
    DataHome home;
    test::TempDir tmp;
    const std::string dir = test::copySelftestBundle("fc", tmp.path());
    test::flipByte(dir + "/unet.pt", 500);
    test::ProcessResult r = check(dir);
    CHECK(r.exitCode == 4);
    CHECK_THAT(r.out, Catch::Contains("FAILED: ") && Catch::Contains("unet.pt: sha256 mismatch"));
    CHECK_THAT(r.err, Catch::Contains("unet.pt: sha256 mismatch"));
}

TEST_CASE("models check exits 4 for a missing file, a newer format and a wrong UNet",
          "[cli][models]") {
    DataHome home;
    test::TempDir tmp;
    const std::string missing = test::copySelftestBundle("fc", tmp.path());
    fs::remove(missing + "/vae_encoder.pt");
    test::ProcessResult r = check(missing);
    CHECK(r.exitCode == 4);
    CHECK_THAT(r.err, Catch::Contains("vae_encoder.pt: missing"));

    const std::string newer = tmp.path() + "/newer";
    auto manifest = test::writeSyntheticBundle(newer);
    manifest["format_version"] = 2;
    test::writeManifest(newer, manifest);
    r = check(newer);
    CHECK(r.exitCode == 4);
    CHECK_THAT(r.err, Catch::Contains("made by a newer Chiaro: format_version 2, this build reads 1"));

    r = check(test::selftestBundle("fc_wide_unet"));
    CHECK(r.exitCode == 4);
    CHECK(rowOf(r.out, "unet.pt").at(2) == "ok");
    CHECK(rowOf(r.out, "unet.pt").at(3) == "FAILED");
    CHECK(rowOf(r.out, "vae_decoder.pt").at(3) == "ok");
    CHECK_THAT(r.out, Catch::Contains("problems:\n  unet: unet.pt expects 12 input channels"));

    r = check(test::selftestBundle("fc_wide_unet"), {"--json"});
    CHECK(r.exitCode == 4);
    auto report = nlohmann::json::parse(r.out);
    CHECK(report["ok"] == false);
    CHECK(report["exit_code"] == 4);
    CHECK_THAT(report["summary"].get<std::string>(),
               Catch::StartsWith("unet.pt expects 12 input channels but the manifest says "
                                 "concat_channels 4"));

    r = check(tmp.file("no-such-bundle"));
    CHECK(r.exitCode == 4);
    CHECK_THAT(r.err, Catch::Contains("model bundle folder not found"));
}

TEST_CASE("models usage errors exit 2", "[cli][models]") {
    DataHome home;
    const std::string dir = test::selftestBundle("fc");
    CHECK(test::runCli({"models"}).exitCode == 2);
    CHECK(test::runCli({"models", "check"}).exitCode == 2);
    test::ProcessResult unknown = test::runCli({"models", "frobnicate", dir});
    CHECK(unknown.exitCode == 2);
    CHECK_THAT(unknown.err, Catch::Contains("unknown action 'frobnicate'"));
    CHECK(test::runCli({"models", "check", dir, "--bogus"}).exitCode == 2);
    test::ProcessResult device = test::runCli({"models", "check", dir, "--device", "tpu"});
    CHECK(device.exitCode == 2);
    CHECK_THAT(device.err, Catch::Contains("device 'tpu'"));
    CHECK(test::runCli({"models", "check", dir, "extra"}).exitCode == 2);
    test::ProcessResult help = test::runCli({"models", "--help"});
    CHECK(help.exitCode == 0);
    CHECK_THAT(help.out, Catch::Contains("--no-cache"));
}
