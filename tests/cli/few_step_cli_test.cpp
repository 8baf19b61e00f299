// Issue #23 through the real chiaro-cli: the lcm / tcd samplers end to end on the tiny bundle,
// their CFG-1 default, and --preset fast resolving to the Fast job (read back with `info`).
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "chiaro/image/image_io.h"
#include "test_support.h"

using namespace chiaro;
using chiaro::test::runCli;

namespace {

std::string writePhoto(const test::TempDir& dir) {
    cv::Mat photo(320, 256, CV_8UC3, cv::Scalar(40, 120, 200));
    const std::string path = dir.file("photo.png");
    core::savePng(path, photo);
    return path;
}

// Relights on the tiny fc bundle and returns the job recorded in the output (`info`'s "chiaro").
nlohmann::json relightJob(const test::TempDir& dir, std::vector<std::string> extra) {
    const std::string out = dir.file("out.png");
    std::vector<std::string> args = {"relight",
                                     writePhoto(dir),
                                     "-o",
                                     out,
                                     "--models",
                                     test::bundleDir("tiny_fc"),
                                     "--light-preset",
                                     "left",
                                     "--threads",
                                     "2",
                                     "--width",
                                     "256",
                                     "--height",
                                     "320",
                                     "--highres-scale",
                                     "1.0"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = runCli(args);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto info = runCli({"info", out});
    INFO(info.err);
    REQUIRE(info.exitCode == 0);
    return nlohmann::json::parse(info.out);
}

}  // namespace

TEST_CASE("relight --sampler lcm runs both passes with CFG 1 by default", "[cli][few-step]") {
    test::TempDir dir;
    const auto info = relightJob(dir, {"--sampler", "lcm", "--steps", "3"});
    const auto& job = info.at("chiaro");
    CHECK(job.at("sampler") == "lcm");
    CHECK(job.at("steps") == 3);
    CHECK(job.at("cfg") == 1.0);
    CHECK(job.at("highres_steps") == 0);
    CHECK(info.at("parameters").get<std::string>().find("Sampler: lcm") != std::string::npos);
}

TEST_CASE("relight --sampler tcd takes --tcd-gamma and an explicit --cfg", "[cli][few-step]") {
    test::TempDir dir;
    const auto info =
        relightJob(dir, {"--sampler", "tcd", "--steps", "2", "--tcd-gamma", "0.5", "--cfg", "1.5"});
    const auto& job = info.at("chiaro");
    CHECK(job.at("sampler") == "tcd");
    CHECK(job.at("tcd_gamma") == 0.5);
    CHECK(job.at("cfg") == 1.5);
}

TEST_CASE("relight --preset fast is lcm, 6 steps, CFG 1.2, 4 high-resolution steps",
          "[cli][few-step]") {
    test::TempDir dir;
    const auto info = relightJob(dir, {"--preset", "fast", "--seed", "5"});
    const auto& job = info.at("chiaro");
    CHECK(job.at("sampler") == "lcm");
    CHECK(job.at("steps") == 6);
    CHECK(job.at("cfg") == 1.2);
    CHECK(job.at("highres_steps") == 4);
    CHECK(job.at("seed") == 5);  // the rest stays the user's
    CHECK(info.at("parameters").get<std::string>().find("Hires steps: 4") != std::string::npos);
}

TEST_CASE("few-step options are checked on the command line", "[cli][few-step]") {
    test::TempDir dir;
    const std::string photo = writePhoto(dir);
    const std::string bundle = test::bundleDir("tiny_fc");
    auto run = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {
            "relight", photo,       "-o", dir.file("x.png"), "--models", bundle, "--light-preset",
            "left",    "--threads", "2"};
        args.insert(args.end(), extra.begin(), extra.end());
        return runCli(args);
    };
    auto r = run({"--sampler", "tcd", "--tcd-gamma", "1.5"});
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("gamma") != std::string::npos);
    r = run({"--preset", "turbo"});
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("turbo") != std::string::npos);
    r = run({"--sampler", "lcm", "--steps", "60"});
    CHECK(r.exitCode == 2);
    const auto help = runCli({"relight", "--help"});
    CHECK(help.out.find("--tcd-gamma") != std::string::npos);
    CHECK(help.out.find("--preset") != std::string::npos);
    CHECK(help.out.find("lcm and tcd: 1 unless given") != std::string::npos);
}

TEST_CASE("batch takes the few-step sampler and the Fast preset like relight", "[cli][few-step][batch]") {
    test::TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out");
    std::filesystem::create_directories(in);
    for (int i = 0; i < 2; ++i) {
        core::savePng(in + "/photo" + std::to_string(i + 1) + ".png",
                      cv::Mat(96, 80, CV_8UC3, cv::Scalar(30 + 60 * i, 120, 200)));
    }
    const auto r = runCli({"batch", in, "-o", out, "--models", test::bundleDir("tiny_fc"), "--width",
                           "256", "--height", "256", "--highres-scale", "1", "--light", "270,0",
                           "--threads", "2", "--preset", "fast", "--steps", "2", "--json"});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(nlohmann::json::parse(r.out)["done"] == 2);
    int checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(out)) {
        if (entry.path().extension() != ".png" || entry.path().filename().string()[0] == '.') continue;
        const auto info = runCli({"info", entry.path().string()});
        REQUIRE(info.exitCode == 0);
        const auto job = nlohmann::json::parse(info.out).at("chiaro");
        CHECK(job.at("sampler") == "lcm");
        CHECK(job.at("steps") == 2);  // given explicitly: over the preset's 6
        CHECK(job.at("cfg") == 1.2);
        CHECK(job.at("highres_steps") == 4);
        ++checked;
    }
    CHECK(checked == 2);
}
