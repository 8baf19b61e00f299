// savePng / encodePng: pixels read back by OpenCV's decoder and metadata read back by Pillow, so a
// wrong byte order, chunk layout or CRC would show.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "python_reference.h"
#include "test_support.h"

using namespace chiaro;
namespace fs = std::filesystem;

namespace {

const char* kInfotext =
    "beautiful woman, detailed face, sunshine from window\n"
    "Negative prompt: lowres, bad anatomy, bad hands, cropped, worst quality\n"
    "Steps: 25, Sampler: DPM++ 2M SDE Karras, CFG scale: 2, Seed: 12345, Size: 512x640, Caf\xe9: 1";
const char* kJobJson = R"({"light":{"azimuth":-45.5,"elevation":10},"prompt":"café ☀ 光","version":"0.1.0"})";

cv::Mat testImage(int channels) {
    cv::Mat image(37, 53, CV_8UC(channels));
    cv::randu(image, 0, 256);
    return image;
}

cv::Mat readBack(const std::string& path, int flags) {
    cv::Mat image = cv::imread(path, flags);
    REQUIRE_FALSE(image.empty());
    if (image.channels() == 3) cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
    if (image.channels() == 4) cv::cvtColor(image, image, cv::COLOR_BGRA2RGBA);
    return image;
}

std::vector<std::string> folderEntries(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    return names;
}

core::PngWriteOptions withMetadata() {
    core::PngWriteOptions options;
    options.metadata.latin1["parameters"] = kInfotext;
    options.metadata.utf8["chiaro"] = kJobJson;
    return options;
}

}  // namespace

TEST_CASE("savePng writes 8-bit RGB, RGBA and grey that decode to the same pixels", "[image][png]") {
    test::TempDir dir;
    for (int channels : {1, 3, 4}) {
        INFO(channels << " channels");
        const cv::Mat image = testImage(channels);
        const std::string path = dir.file("out" + std::to_string(channels) + ".png");
        core::savePng(path, image);
        const cv::Mat back = readBack(path, cv::IMREAD_UNCHANGED);
        REQUIRE(back.type() == image.type());
        CHECK(cv::norm(back, image, cv::NORM_INF) == 0);
    }
}

TEST_CASE("16-bit PNGs scale 8-bit values by 257", "[image][png]") {
    test::TempDir dir;
    const cv::Mat image = testImage(3);
    core::PngWriteOptions options;
    options.bitDepth = 16;
    core::savePng(dir.file("deep.png"), image, options);
    const cv::Mat back = readBack(dir.file("deep.png"), cv::IMREAD_UNCHANGED);
    REQUIRE(back.type() == CV_16UC3);
    cv::Mat expected;
    image.convertTo(expected, CV_16U, 257.0);
    CHECK(cv::norm(back, expected, cv::NORM_INF) == 0);
    CHECK(cv::norm(core::loadImageRgb(dir.file("deep.png")), image, cv::NORM_INF) == 0);
}

TEST_CASE("metadata round-trips through our reader and through Pillow", "[image][png]") {
    test::TempDir dir;
    const std::string path = dir.file("meta.png");
    const cv::Mat image = testImage(3);
    core::savePng(path, image, withMetadata());

    const core::PngTextChunks chunks = core::readPngTextChunksFromFile(path);
    CHECK(chunks.latin1.at("parameters") == kInfotext);
    CHECK(chunks.utf8.at("chiaro") == kJobJson);
    CHECK(cv::norm(readBack(path, cv::IMREAD_UNCHANGED), image, cv::NORM_INF) == 0);

    // Pillow checks every CRC while opening and decodes tEXt as Latin-1, iTXt as UTF-8.
    test::runPython(R"PY(
import json, sys
from PIL import Image
im = Image.open(sys.argv[1])
im.load()
json.dump({k: str(v) for k, v in im.text.items()}, open(sys.argv[2], 'w', encoding='utf-8'))
)PY",
                    {path, dir.file("pillow.json")});
    const auto pillow = nlohmann::json::parse(core::readFileBytes(dir.file("pillow.json")));
    CHECK(pillow.at("parameters").get<std::string>() == core::latin1ToUtf8(kInfotext));
    CHECK(pillow.at("chiaro").get<std::string>() == kJobJson);
}

TEST_CASE("addTextChunk picks tEXt for Latin-1 text and iTXt otherwise", "[image][png]") {
    core::PngTextChunks chunks;
    core::addTextChunk(chunks, "parameters", "caf\xc3\xa9");  // UTF-8 é
    CHECK(chunks.latin1.at("parameters") == "caf\xe9");
    core::addTextChunk(chunks, "parameters", "sun \xe2\x98\x80");  // UTF-8 ☀: not Latin-1
    CHECK(chunks.latin1.count("parameters") == 0);
    CHECK(chunks.utf8.at("parameters") == "sun \xe2\x98\x80");
}

TEST_CASE("savePng leaves no temporary file and replaces the previous file", "[image][png]") {
    test::TempDir dir;
    const std::string path = dir.file("result.png");
    core::savePng(path, testImage(3));
    core::savePng(path, testImage(4), withMetadata());
    CHECK(folderEntries(dir.path()) == std::vector<std::string>{"result.png"});
    CHECK(readBack(path, cv::IMREAD_UNCHANGED).channels() == 4);
}

TEST_CASE("a failed savePng names the path and keeps the previous file", "[image][png]") {
    test::TempDir dir;
    const std::string path = dir.file("keep.png");
    core::savePng(path, testImage(1));
    const std::string before = core::readFileBytes(path);

    // Writes fail with EFBIG past this size, even for root (whom chmod would not stop).
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit saved{};
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved) == 0);
    rlimit small = saved;
    small.rlim_cur = 512;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
    bool threw = false;
    try {
        cv::Mat big(300, 300, CV_8UC3);
        cv::randu(big, 0, 256);
        core::savePng(path, big);
    } catch (const core::Error& e) {
        threw = true;
        CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
    REQUIRE(setrlimit(RLIMIT_FSIZE, &saved) == 0);
    CHECK(threw);
    CHECK(core::readFileBytes(path) == before);
    CHECK(folderEntries(dir.path()) == std::vector<std::string>{"keep.png"});

    // A folder that does not exist: an Error naming the path, nothing created.
    const std::string nowhere = dir.file("no/such/folder/out.png");
    try {
        core::savePng(nowhere, testImage(3));
        FAIL("no error");
    } catch (const core::Error& e) {
        CHECK(std::string(e.what()).find(nowhere) != std::string::npos);
    }
    // An image that cannot be encoded fails before the file is touched.
    CHECK_THROWS_AS(core::savePng(path, cv::Mat()), core::Error);
    CHECK_THROWS_AS(core::savePng(path, cv::Mat(4, 4, CV_32FC3)), core::Error);
    CHECK_THROWS_AS(core::savePng(path, cv::Mat(4, 4, CV_8UC2)), core::Error);
    core::PngWriteOptions bad;
    bad.bitDepth = 12;
    CHECK_THROWS_AS(core::savePng(path, testImage(3), bad), core::Error);
    CHECK(core::readFileBytes(path) == before);
}
