// chiaro-cli info: the real binary on PNGs written by savePng.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "chiaro/image/image_io.h"
#include "test_support.h"

using namespace chiaro;
using chiaro::test::runCli;

namespace {

const char* kInfotext =
    "a cat on a sofa, warm light\n"
    "Negative prompt: lowres, bad anatomy\n"
    "Steps: 25, Sampler: DPM++ 2M SDE Karras, CFG scale: 2, Seed: 7, Size: 64x48, Caf\xe9";

cv::Mat smallImage() { return cv::Mat(48, 64, CV_8UC3, cv::Scalar(10, 120, 230)); }

}  // namespace

TEST_CASE("info prints the embedded parameters, job and size as JSON", "[cli][info]") {
    test::TempDir dir;
    core::PngWriteOptions options;
    options.metadata.latin1["parameters"] = kInfotext;
    options.metadata.utf8["chiaro"] = R"({"seed":7,"prompt":"caf\u00e9 ☀","light":{"azimuth":30.5}})";
    core::savePng(dir.file("out.png"), smallImage(), options);

    const auto r = runCli({"info", dir.file("out.png")});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto info = nlohmann::json::parse(r.out);
    // tEXt is Latin-1: the é (0xE9) comes out as UTF-8.
    CHECK(info.at("parameters").get<std::string>() ==
          "a cat on a sofa, warm light\nNegative prompt: lowres, bad anatomy\n"
          "Steps: 25, Sampler: DPM++ 2M SDE Karras, CFG scale: 2, Seed: 7, Size: 64x48, Caf\xc3\xa9");
    CHECK(info.at("chiaro").at("seed") == 7);
    CHECK(info.at("chiaro").at("prompt") == "caf\xc3\xa9 \xe2\x98\x80");
    CHECK(info.at("chiaro").at("light").at("azimuth") == 30.5);
    CHECK(info.at("width") == 64);
    CHECK(info.at("height") == 48);
}

TEST_CASE("info on a PNG without Chiaro metadata is a bad-input error", "[cli][info]") {
    test::TempDir dir;
    core::savePng(dir.file("plain.png"), smallImage());
    auto r = runCli({"info", dir.file("plain.png")});
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("no Chiaro metadata") != std::string::npos);
    CHECK(r.out.empty());

    core::PngWriteOptions broken;
    broken.metadata.utf8["chiaro"] = "{not json";
    core::savePng(dir.file("broken.png"), smallImage(), broken);
    r = runCli({"info", dir.file("broken.png")});
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("broken.png") != std::string::npos);
}

TEST_CASE("info on a missing file or a non-PNG is a bad-input error naming it", "[cli][info]") {
    test::TempDir dir;
    auto r = runCli({"info", dir.file("missing.png")});
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("missing.png") != std::string::npos);

    std::ofstream(dir.file("notes.png")) << "just text";
    r = runCli({"info", dir.file("notes.png")});
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("notes.png") != std::string::npos);

    CHECK(runCli({"info"}).exitCode == 2);
    CHECK(runCli({"info", "--help"}).exitCode == 0);
}
