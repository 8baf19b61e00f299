// One-click subject selection with a bundle's segmenter.pt (the tiny random-weight fixture).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <opencv2/core.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/pipeline/subject_segmenter.h"
#include "test_support.h"

using namespace chiaro;
namespace fs = std::filesystem;

namespace {

core::EngineOptions cpuOptions() {
    core::EngineOptions options;
    options.device = "cpu";
    options.threads = 2;
    return options;
}

// A private copy of a bundle (so a test may damage files) with its own verification cache.
std::string copyBundle(const test::TempDir& dir, const std::string& name) {
    const std::string out = dir.file(name);
    fs::copy(test::bundleDir(name), out, fs::copy_options::recursive);
    return out;
}

void flipByte(const std::string& path, std::streamoff offset) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(offset);
    char c = 0;
    f.get(c);
    f.seekp(offset);
    f.put(static_cast<char>(c ^ 0x5a));
}

}  // namespace

TEST_CASE("the segmenter returns a full-size matte, deterministically", "[pipeline][segmenter]") {
    REQUIRE(core::SubjectSegmenter::bundleHasSegmenter(test::bundleDir("tiny_seg")));
    REQUIRE_FALSE(core::SubjectSegmenter::bundleHasSegmenter(test::bundleDir("tiny_fc")));
    REQUIRE_FALSE(core::SubjectSegmenter::bundleHasSegmenter("/nonexistent/bundle"));

    core::SubjectSegmenter segmenter;
    segmenter.load(test::bundleDir("tiny_seg"), cpuOptions());
    REQUIRE(segmenter.isLoaded());
    CHECK(segmenter.inputSize() == 64);

    const cv::Mat photo = core::loadImageRgb(test::sharedDir() + "/parity/fc_left/input.png");
    const cv::Mat matte = segmenter.segment(photo);
    REQUIRE(matte.type() == CV_8UC1);
    REQUIRE(matte.size() == photo.size());
    double lo = 0, hi = 0;
    cv::minMaxLoc(matte, &lo, &hi);
    CHECK(lo == 0);    // stretched to the full range, as RMBG's post-processing does
    CHECK(hi == 255);
    CHECK(cv::norm(matte, segmenter.segment(photo), cv::NORM_INF) == 0);

    // A different photo gives a different matte (the model looks at the pixels).
    cv::Mat flipped;
    cv::flip(photo, flipped, 1);
    CHECK(cv::norm(matte, segmenter.segment(flipped), cv::NORM_L1) > 0);

    CHECK_THROWS_AS(segmenter.segment(cv::Mat()), core::Error);
    CHECK_THROWS_AS(segmenter.segment(cv::Mat(8, 8, CV_8UC1, cv::Scalar(1))), core::Error);
}

TEST_CASE("a bundle without a usable segmenter is a bundle error naming the problem", "[pipeline][segmenter]") {
    test::TempDir dir;
    core::EngineOptions options = cpuOptions();
    options.verify = true;

    core::SubjectSegmenter none;
    try {
        none.load(test::bundleDir("tiny_fc"), options);
        FAIL("loaded a segmenter from a bundle that has none");
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::ModelBundle);
        CHECK(std::string(e.what()).find("no segmenter.pt") != std::string::npos);
    }

    // A damaged UNet does not matter to selection (only segmenter.pt is verified) ...
    const std::string bundle = copyBundle(dir, "tiny_seg");
    flipByte(bundle + "/unet.pt", 100);
    core::SubjectSegmenter fine;
    CHECK_NOTHROW(fine.load(bundle, options));

    // ... but a damaged segmenter.pt is refused by its checksum.
    flipByte(bundle + "/segmenter.pt", 100);
    core::SubjectSegmenter broken;
    try {
        broken.load(bundle, options);
        FAIL("loaded a damaged segmenter");
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::ModelBundle);
        CHECK(std::string(e.what()).find("segmenter.pt") != std::string::npos);
    }
}
