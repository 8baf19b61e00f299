// saveImage / imageFormatForPath and the float colour conversions: PNG and TIFF written here are
// read back by loadPhoto and checked with libtiff / the PNG chunk reader directly.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <functional>

#include <lcms2.h>
#include <tiffio.h>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/image/photo.h"
#include "icc_test_files.h"
#include "image_fixtures.h"
#include "test_support.h"

using namespace chiaro;
using test::maxDifference;

namespace {

cv::Mat random16(int channels) {
    cv::Mat image(37, 53, CV_16UC(channels));
    test::fillUniform(image, 0, 65536);
    return image;
}

struct TiffFacts {
    uint16_t bits = 0, samples = 0, compression = 0, extraCount = 0, extra = 0;
    std::string icc, description;
};

// What libtiff itself reads from the file.
TiffFacts readTiffFacts(const std::string& path) {
    TIFF* tiff = TIFFOpen(path.c_str(), "r");
    REQUIRE(tiff != nullptr);
    TiffFacts facts;
    TIFFGetField(tiff, TIFFTAG_BITSPERSAMPLE, &facts.bits);
    TIFFGetField(tiff, TIFFTAG_SAMPLESPERPIXEL, &facts.samples);
    TIFFGetField(tiff, TIFFTAG_COMPRESSION, &facts.compression);
    uint16_t* extra = nullptr;
    if (TIFFGetField(tiff, TIFFTAG_EXTRASAMPLES, &facts.extraCount, &extra) && facts.extraCount > 0)
        facts.extra = extra[0];
    uint32_t iccSize = 0;
    void* icc = nullptr;
    if (TIFFGetField(tiff, TIFFTAG_ICCPROFILE, &iccSize, &icc))
        facts.icc.assign(static_cast<char*>(icc), iccSize);
    char* description = nullptr;
    if (TIFFGetField(tiff, TIFFTAG_IMAGEDESCRIPTION, &description))
        facts.description = description;
    TIFFClose(tiff);
    return facts;
}

void requireUsage(const std::function<void()>& call, const std::string& detail) {
    try {
        call();
        FAIL("no error");
    } catch (const core::Error& e) {
        INFO(e.what());
        CHECK(e.code() == core::ErrorCode::Usage);
        CHECK(std::string(e.what()).find(detail) != std::string::npos);
    }
}

}  // namespace

TEST_CASE("imageFormatForPath knows .png, .tif and .tiff in any case", "[image][write]") {
    CHECK(core::imageFormatForPath("/a/b.png") == core::ImageFileFormat::Png);
    CHECK(core::imageFormatForPath("x.PNG") == core::ImageFileFormat::Png);
    CHECK(core::imageFormatForPath("x.tif") == core::ImageFileFormat::Tiff);
    CHECK(core::imageFormatForPath("x.TiFf") == core::ImageFileFormat::Tiff);
    requireUsage([] { core::imageFormatForPath("out.jpg"); }, "'.jpg'");
    requireUsage([] { core::imageFormatForPath("out"); }, "out");
    test::TempDir dir;
    requireUsage([&] { core::saveImage(dir.file("out.webp"), cv::Mat(4, 4, CV_8UC3)); }, "'.webp'");
    CHECK_FALSE(std::filesystem::exists(dir.file("out.webp")));
}

TEST_CASE("16-bit PNG and TIFF round-trip bit-exact with their profile", "[image][write]") {
    test::TempDir dir;
    const std::string profile = test::adobeRgbProfile();
    core::ImageWriteOptions options;
    options.bitDepth = 16;
    options.iccProfile = profile;
    for (const char* name : {"out.png", "out.tif"}) {
        for (int channels : {3, 4}) {
            INFO(name << " channels " << channels);
            const cv::Mat image = random16(channels);
            core::saveImage(dir.file(name), image, options);
            const core::Photo photo = core::loadPhoto(dir.file(name));
            CHECK(photo.iccProfile == profile);
            cv::Mat expected = image;
            if (channels == 4) {
                cv::Mat alpha;
                cv::extractChannel(image, alpha, 3);
                REQUIRE(photo.alpha.type() == CV_16UC1);
                CHECK(maxDifference(photo.alpha, alpha) == 0);
                cv::cvtColor(image, expected, cv::COLOR_RGBA2RGB);
            }
            REQUIRE(photo.pixels.type() == CV_16UC3);
            CHECK(maxDifference(photo.pixels, expected) == 0);
        }
    }
    const TiffFacts facts = readTiffFacts(dir.file("out.tif"));
    CHECK(facts.bits == 16);
    CHECK(facts.samples == 4);
    CHECK(facts.compression == COMPRESSION_ADOBE_DEFLATE);
    CHECK(facts.extraCount == 1);
    CHECK(facts.extra == EXTRASAMPLE_UNASSALPHA);
    CHECK(facts.icc == profile);
}

TEST_CASE("saveImage converts the bit depth: x257 up, /257 rounded down", "[image][write]") {
    test::TempDir dir;
    cv::Mat image8(9, 11, CV_8UC3);
    test::fillUniform(image8, 0, 256);
    core::ImageWriteOptions sixteen;
    sixteen.bitDepth = 16;
    for (const char* name : {"up.png", "up.tiff"}) {
        core::saveImage(dir.file(name), image8, sixteen);
        cv::Mat expected;
        image8.convertTo(expected, CV_16U, 257.0);
        CHECK(maxDifference(core::loadPhoto(dir.file(name)).pixels, expected) == 0);
    }
    const cv::Mat image16 = random16(3);
    core::saveImage(dir.file("down.tif"), image16);
    const core::Photo down = core::loadPhoto(dir.file("down.tif"));
    REQUIRE(down.pixels.type() == CV_8UC3);
    for (int i = 0; i < 200; ++i) {
        const int y = i % image16.rows, x = (i * 7) % image16.cols, c = i % 3;
        REQUIRE(down.pixels.at<cv::Vec3b>(y, x)[c] ==
                std::lround(image16.at<cv::Vec3w>(y, x)[c] / 257.0));
    }
    CHECK(down.isSrgb());
    CHECK(readTiffFacts(dir.file("down.tif")).icc.empty());
}

TEST_CASE("grey images and bad profiles on save", "[image][write]") {
    test::TempDir dir;
    cv::Mat grey(20, 30, CV_8UC1);
    test::fillUniform(grey, 0, 256);
    const cv::Mat before = grey.clone();
    core::saveImage(dir.file("grey.tif"), grey);
    CHECK(maxDifference(grey, before) == 0);  // libtiff's predictor works in place: not on ours
    cv::Mat greyRgb;
    cv::cvtColor(grey, greyRgb, cv::COLOR_GRAY2RGB);
    CHECK(maxDifference(core::loadPhoto(dir.file("grey.tif")).pixels, greyRgb) == 0);

    core::ImageWriteOptions options;
    options.iccProfile = test::adobeRgbProfile();
    requireUsage([&] { core::saveImage(dir.file("bad.png"), grey, options); }, "grey");
    requireUsage([&] { core::saveImage(dir.file("bad.tif"), grey, options); }, "grey");
    options.iccProfile.clear();
    options.bitDepth = 12;
    requireUsage([&] { core::saveImage(dir.file("bad.tif"), greyRgb, options); }, "bit depth");
    CHECK_FALSE(std::filesystem::exists(dir.file("bad.tif")));
    CHECK_FALSE(std::filesystem::exists(dir.file("bad.png")));
}

TEST_CASE("metadata survives PNG (with iCCP) and TIFF", "[image][write]") {
    test::TempDir dir;
    const std::string job = R"({"prompt":"café ☀","seed":12345})";
    core::ImageWriteOptions options;
    options.iccProfile = test::adobeRgbProfile();
    core::addTextChunk(options.metadata, "parameters", "a lamp\nSteps: 25, Seed: 12345");
    core::addTextChunk(options.metadata, "chiaro", job);
    cv::Mat image(16, 16, CV_8UC3, cv::Scalar(10, 20, 30));
    core::saveImage(dir.file("meta.png"), image, options);
    core::saveImage(dir.file("meta.tif"), image, options);

    const core::PngTextChunks png = core::readPngTextChunksFromFile(dir.file("meta.png"));
    CHECK(png.latin1.at("parameters") == "a lamp\nSteps: 25, Seed: 12345");
    CHECK(png.utf8.at("chiaro") == job);
    CHECK(core::readImageTextChunksFromFile(dir.file("meta.png")).utf8.at("chiaro") == job);
    CHECK(readTiffFacts(dir.file("meta.tif")).description == job);
    const core::PngTextChunks tiff = core::readImageTextChunksFromFile(dir.file("meta.tif"));
    CHECK(tiff.utf8.at("chiaro") == job);
    CHECK(core::loadPhoto(dir.file("meta.png")).iccProfile == options.iccProfile);
}

TEST_CASE("float conversions sRGB <-> Adobe RGB round-trip and match LittleCMS",
          "[image][colour]") {
    const std::string profile = test::adobeRgbProfile();
    cv::Mat srgb(17, 23, CV_32FC3);
    test::fillUniform(srgb, 0.0f, 1.0f);
    srgb.at<cv::Vec3f>(0, 0) = cv::Vec3f(1.0f, 0.0f, 0.0f);
    const cv::Mat adobe = core::srgbToProfileFloat(srgb, profile);
    REQUIRE(adobe.type() == CV_32FC3);
    CHECK(cv::norm(core::profileToSrgbFloat(adobe, profile), srgb, cv::NORM_INF) < 1e-3);
    CHECK(cv::norm(adobe, srgb, cv::NORM_INF) > 0.05);  // it did convert

    // sRGB red in Adobe RGB numbers, by LittleCMS's own double-precision path.
    cmsHPROFILE in = cmsCreate_sRGBProfile();
    cmsHPROFILE out =
        cmsOpenProfileFromMem(profile.data(), static_cast<cmsUInt32Number>(profile.size()));
    cmsHTRANSFORM transform =
        cmsCreateTransform(in, TYPE_RGB_DBL, out, TYPE_RGB_DBL, INTENT_RELATIVE_COLORIMETRIC,
                           cmsFLAGS_BLACKPOINTCOMPENSATION | cmsFLAGS_NOOPTIMIZE);
    const double red[3] = {1.0, 0.0, 0.0};
    double expected[3] = {};
    cmsDoTransform(transform, red, expected, 1);
    cmsDeleteTransform(transform);
    cmsCloseProfile(in);
    cmsCloseProfile(out);
    const cv::Vec3f got = adobe.at<cv::Vec3f>(0, 0);
    for (int c = 0; c < 3; ++c)
        CHECK(std::abs(got[c] - expected[c]) < 1e-3);
    CHECK(got[0] < 0.9f);  // sRGB red is inside Adobe RGB's gamut

    CHECK(cv::norm(core::srgbToProfileFloat(srgb, ""), srgb, cv::NORM_INF) == 0);
    CHECK(cv::norm(core::profileToSrgbFloat(srgb, ""), srgb, cv::NORM_INF) == 0);
}
