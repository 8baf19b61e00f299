// Bad input files: each must give core::Error(BadInput) naming the file, never a crash or a
// silently grey image.
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <random>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "image_fixtures.h"
#include "test_support.h"

using namespace chiaro;
using test::fixturePath;

namespace {

void writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// Runs `load` and requires an Error(BadInput) whose message names `path` (and `detail` if given).
void requireBadInput(const std::function<void()>& load, const std::string& path, const std::string& detail = "") {
    try {
        load();
        FAIL("no error for " << path);
    } catch (const core::Error& e) {
        INFO(e.what());
        CHECK(e.code() == core::ErrorCode::BadInput);
        CHECK(std::string(e.what()).find(path) != std::string::npos);
        if (!detail.empty()) CHECK(std::string(e.what()).find(detail) != std::string::npos);
    }
}

void requireEveryLoaderRefuses(const std::string& path, const std::string& detail = "") {
    requireBadInput([&] { core::loadImageRgb(path); }, path, detail);
    requireBadInput([&] { core::loadImageAny(path); }, path, detail);
    requireBadInput([&] { core::loadMask(path); }, path, detail);
}

}  // namespace

TEST_CASE("missing, empty and non-image files are BadInput errors naming the file", "[image][io]") {
    test::TempDir dir;
    requireEveryLoaderRefuses(dir.file("missing.png"));
    requireBadInput([&] { core::probeImageSize(dir.file("missing.png")); }, dir.file("missing.png"));

    writeBytes(dir.file("empty.png"), "");
    requireEveryLoaderRefuses(dir.file("empty.png"), "empty");
    requireBadInput([&] { core::probeImageSize(dir.file("empty.png")); }, dir.file("empty.png"));

    writeBytes(dir.file("text.png"), "this is not a picture, just some text\n");
    requireEveryLoaderRefuses(dir.file("text.png"), "not a supported image");
    requireBadInput([&] { core::probeImageSize(dir.file("text.png")); }, dir.file("text.png"));

    requireEveryLoaderRefuses(dir.path());  // a folder
}

TEST_CASE("truncated PNG, JPEG and WebP files are refused", "[image][io]") {
    test::TempDir dir;
    for (const char* name : {"rgb.png", "rgb.jpg", "rgb.webp", "grey16.png", "exif6.jpg"}) {
        const std::string bytes = core::readFileBytes(fixturePath(name));
        for (double fraction : {0.1, 0.5, 0.9, 0.99}) {
            const std::string path = dir.file("cut_" + std::to_string(int(fraction * 100)) + "_" + name);
            writeBytes(path, bytes.substr(0, static_cast<size_t>(bytes.size() * fraction)));
            INFO(path);
            requireEveryLoaderRefuses(path);
        }
    }
}

TEST_CASE("a PNG header claiming 100000 x 100000 pixels is refused before decoding", "[image][io]") {
    const std::string path = fixturePath("huge.png");
    // The message names the limit: the refusal came from the header check, not from a failed decode.
    requireBadInput([&] { core::probeImageSize(path); }, path, "exceeds the limit");
    requireEveryLoaderRefuses(path, "exceeds the limit");
}

TEST_CASE("random truncations and corruptions never crash the loaders", "[image][io]") {
    test::TempDir dir;
    std::mt19937 rng(1234);
    for (const char* name : {"rgb.png", "rgb.jpg", "rgb.webp", "rgb.bmp", "rgb.tif", "palette.png"}) {
        const std::string original = core::readFileBytes(fixturePath(name));
        const std::string path = dir.file(std::string("mutant_") + name);
        for (int i = 0; i < 40; ++i) {
            std::string bytes = original;
            if (i % 2 == 0) {
                bytes.resize(std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng));
            } else {
                for (int flips = 0; flips < 1 + i % 5; ++flips) {
                    bytes[std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng)] ^=
                        static_cast<char>(1 << (rng() % 8));
                }
            }
            writeBytes(path, bytes);
            INFO(name << " mutation " << i);
            try {
                const cv::Mat image = core::loadImageAny(path);
                CHECK(!image.empty());  // a flip in pixel data can still decode
            } catch (const core::Error& e) {
                CHECK(e.code() == core::ErrorCode::BadInput);
            }
        }
    }
}

TEST_CASE("HDR, EXR, HEIC, AVIF and other formats Chiaro does not read are named", "[image][io]") {
    test::TempDir dir;
    const std::vector<std::pair<std::string, std::string>> files = {
        {"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 2 +X 2\n", "a Radiance HDR image"},
        {std::string("\x76\x2f\x31\x01\x02\x00\x00\x00", 8), "an OpenEXR image"},
        {std::string("\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24), "a HEIC/HEIF photo"},
        {std::string("\0\0\0\x1c" "ftypavif\0\0\0\0avifmif1", 24), "an AVIF image"},
        {"8BPS\x00\x01", "a Photoshop document"},
        {"GIF89a\x01\x00\x01\x00", "a GIF"},
    };
    for (const auto& [bytes, name] : files) {
        const std::string path = dir.file("photo.png");  // the extension must not matter
        writeBytes(path, bytes);
        requireBadInput([&] { core::loadImageRgb(path); }, path, name + ", which Chiaro does not read");
    }
}
