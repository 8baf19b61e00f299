// "Keep product colours" (issue #21) through the real chiaro-cli with the tiny bundle, on the real
// photos of ../shared/data/photos: under a neutral light the subject's chroma is the photo's
// (mean CIEDE2000 over the subject ≤ 3) while its lightness follows the relit result.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/image/image_io.h"
#include "chiaro/image/png_metadata.h"
#include "chiaro/light/colour_keep.h"
#include "test_support.h"

using namespace chiaro;
using chiaro::test::runCli;

namespace {

std::string sharedPhoto(const std::string& name) { return test::sharedDir() + "/data/photos/" + name; }

// The subject: a centred ellipse, written as a mask file the CLI reads.
cv::Mat ellipseMask(cv::Size size) {
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, {size.width / 2, size.height / 2}, {size.width / 3, size.height * 2 / 5}, 0, 0, 360,
                cv::Scalar(255), cv::FILLED);
    return mask;
}

std::vector<std::string> relightArgs(const std::string& in, const std::string& mask, const std::string& out) {
    return {"relight", in, "-o", out, "--models", test::bundleDir("tiny_fc"), "--mask", mask, "--steps", "2",
            "--highres-scale", "1.0", "--light", "300,30", "--threads", "2", "--width", "256"};
}

}  // namespace

TEST_CASE("relight --keep-colour 1 keeps the subject's chroma on real photos, the lightness follows the light",
          "[cli][colour]") {
    test::TempDir dir;
    for (const char* name : {"coffee.png", "chelsea.png", "rocket.jpg"}) {
        INFO(name);
        const cv::Mat photo = core::loadImageRgb(sharedPhoto(name));
        const cv::Mat mask = ellipseMask(photo.size());
        REQUIRE(cv::imwrite(dir.file("mask.png"), mask));
        auto plain = relightArgs(sharedPhoto(name), dir.file("mask.png"), dir.file("plain.png"));
        auto kept = relightArgs(sharedPhoto(name), dir.file("mask.png"), dir.file("kept.png"));
        kept.insert(kept.end(), {"--keep-colour", "1"});
        const auto a = runCli(plain), b = runCli(kept);
        INFO(a.err << b.err);
        REQUIRE(a.exitCode == 0);
        REQUIRE(b.exitCode == 0);
        const cv::Mat relit = core::loadImageRgb(dir.file("plain.png"));
        const cv::Mat keptOut = core::loadImageRgb(dir.file("kept.png"));
        REQUIRE(keptOut.size() == photo.size());
        // The random tiny model paints colours of its own; keep-colour brings the photo's back.
        const core::SubjectColourDifference before = core::subjectColourDifference(relit, photo, mask);
        const core::SubjectColourDifference after = core::subjectColourDifference(keptOut, photo, mask);
        CHECK(before.meanChroma > 6.0);
        CHECK(after.meanChroma <= 3.0);
        // The lightness is the relit result's, not the photo's.
        CHECK(core::subjectColourDifference(keptOut, relit, mask).lightnessCorrelation >= 0.95);
        // The job in the PNG says so (and re-running it from the PNG keeps it).
        const core::PngTextChunks chunks = core::readPngTextChunksFromFile(dir.file("kept.png"));
        const auto job = nlohmann::json::parse(chunks.latin1.count("chiaro") ? chunks.latin1.at("chiaro")
                                                                             : chunks.utf8.at("chiaro"));
        CHECK(job.at("keep_colour") == 1.0);
    }
}

TEST_CASE("relight --keep-colour out of range is a one-line usage error", "[cli][colour]") {
    test::TempDir dir;
    const cv::Mat mask = ellipseMask({512, 512});
    REQUIRE(cv::imwrite(dir.file("mask.png"), mask));
    for (const char* bad : {"1.5", "-0.2", "lots"}) {
        auto args = relightArgs(sharedPhoto("coffee.png"), dir.file("mask.png"), dir.file("out.png"));
        args.insert(args.end(), {"--keep-colour", bad});
        const auto r = runCli(args);
        INFO(r.err);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("keep-colour") != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
}
