// Issue #24: PNG pixels through libpng with our handlers. Every layout decodes exactly as OpenCV's
// codec did (files written here with libpng itself), and a damaged-but-readable file or a broken
// profile no longer prints libpng's warnings to stderr: they go to the debug log.
#include <catch2/catch.hpp>

#include <png.h>

#include <opencv2/imgcodecs.hpp>
#include <zlib.h>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "decode_test_util.h"
#include "image/png_decode.h"
#include "log_capture.h"
#include "test_support.h"

using namespace chiaro;
using test::identical;
using test::opencvDecode;
using test::stderrOf;

namespace {

struct Layout {
    int colourType;
    int bitDepth;
    bool interlaced = false;
    bool colourKey = false;  // a tRNS chunk
};

void appendBytes(png_structp png, png_bytep data, png_size_t size) {
    auto* out = static_cast<std::string*>(png_get_io_ptr(png));
    out->append(reinterpret_cast<const char*>(data), size);
}

// A 37x23 PNG of `layout` with varied samples, written with libpng.
std::string writePng(const Layout& layout) {
    const int width = 37, height = 23;
    std::string out;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    REQUIRE(setjmp(png_jmpbuf(png)) == 0);
    png_set_write_fn(png, &out, appendBytes, nullptr);
    png_set_IHDR(png, info, width, height, layout.bitDepth, layout.colourType,
                 layout.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (layout.colourType == PNG_COLOR_TYPE_PALETTE) {
        std::vector<png_color> palette(16);
        for (int i = 0; i < 16; ++i) palette[i] = {png_byte(i * 16), png_byte(255 - i * 9), png_byte(i * 5)};
        png_set_PLTE(png, info, palette.data(), 16);
        if (layout.colourKey) {
            png_byte alphas[4] = {0, 80, 160, 255};
            png_set_tRNS(png, info, alphas, 4, nullptr);
        }
    } else if (layout.colourKey) {
        png_color_16 key{};
        key.gray = 3;
        key.red = 3, key.green = 5, key.blue = 7;
        png_set_tRNS(png, info, nullptr, 0, &key);
    }
    png_write_info(png, info);
    png_set_packing(png);
    const int channels = png_get_channels(png, info);
    const int bytesPerSample = layout.bitDepth == 16 ? 2 : 1;
    std::vector<png_byte> image(static_cast<size_t>(width) * height * channels * bytesPerSample);
    cv::RNG rng(layout.colourType * 100 + layout.bitDepth);
    const int maxValue = layout.colourType == PNG_COLOR_TYPE_PALETTE ? 15 : (1 << std::min(layout.bitDepth, 8)) - 1;
    for (auto& b : image) b = static_cast<png_byte>(bytesPerSample == 2 ? rng.uniform(0, 256) : rng.uniform(0, maxValue + 1));
    std::vector<png_bytep> rows(height);
    for (int y = 0; y < height; ++y) rows[y] = image.data() + static_cast<size_t>(y) * width * channels * bytesPerSample;
    png_write_image(png, rows.data());
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return out;
}

std::string chunk(const std::string& type, const std::string& data) {
    std::string out;
    const uint32_t length = static_cast<uint32_t>(data.size());
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((length >> shift) & 0xff);
    const std::string body = type + data;
    out += body;
    const uLong crc = ::crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((crc >> shift) & 0xff);
    return out;
}

// A readable PNG that makes libpng warn twice: an iCCP chunk that is no profile, and data after
// the end of the compressed image stream.
std::string warningPng() {
    const std::string good = writePng({PNG_COLOR_TYPE_RGB, 8});
    // Walk the chunks of the good file; put a bogus iCCP before IDAT and junk inside IDAT's end.
    std::string out = good.substr(0, 8);
    size_t at = 8;
    while (at < good.size()) {
        const uint32_t length = (uint8_t(good[at]) << 24) | (uint8_t(good[at + 1]) << 16) | (uint8_t(good[at + 2]) << 8) |
                                uint8_t(good[at + 3]);
        const std::string type = good.substr(at + 4, 4);
        std::string data = good.substr(at + 8, length);
        if (type == "IDAT") {
            std::string junkProfile(200, 'x');
            uLongf size = compressBound(junkProfile.size());
            std::string packed(size, '\0');
            compress(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(junkProfile.data()),
                     junkProfile.size());
            packed.resize(size);
            out += chunk("iCCP", std::string("bogus\0\0", 7) + packed);
            data += "junk";
        }
        out += chunk(type, data);
        at += 12 + length;
    }
    return out;
}

}  // namespace

TEST_CASE("PNG decoding gives OpenCV's layout for every colour type and depth", "[image][png]") {
    const std::vector<Layout> layouts = {
        {PNG_COLOR_TYPE_GRAY, 1},         {PNG_COLOR_TYPE_GRAY, 2},         {PNG_COLOR_TYPE_GRAY, 4},
        {PNG_COLOR_TYPE_GRAY, 8},         {PNG_COLOR_TYPE_GRAY, 16},        {PNG_COLOR_TYPE_GRAY, 8, false, true},
        {PNG_COLOR_TYPE_GRAY_ALPHA, 8},   {PNG_COLOR_TYPE_GRAY_ALPHA, 16},  {PNG_COLOR_TYPE_RGB, 8},
        {PNG_COLOR_TYPE_RGB, 16},         {PNG_COLOR_TYPE_RGB, 8, false, true}, {PNG_COLOR_TYPE_RGB_ALPHA, 8},
        {PNG_COLOR_TYPE_RGB_ALPHA, 16},   {PNG_COLOR_TYPE_PALETTE, 4},      {PNG_COLOR_TYPE_PALETTE, 8},
        {PNG_COLOR_TYPE_PALETTE, 8, false, true}, {PNG_COLOR_TYPE_RGB, 8, true}, {PNG_COLOR_TYPE_RGB_ALPHA, 16, true},
    };
    for (const Layout& layout : layouts) {
        INFO("colour type " << layout.colourType << ", " << layout.bitDepth << " bit"
                            << (layout.interlaced ? ", interlaced" : "") << (layout.colourKey ? ", tRNS" : ""));
        const std::string bytes = writePng(layout);
        const cv::Mat expected = opencvDecode(bytes);
        REQUIRE_FALSE(expected.empty());
        const cv::Mat ours = core::decodePng("test.png", bytes);
        CHECK(ours.channels() == expected.channels());
        CHECK(ours.depth() == expected.depth());
        CHECK(identical(ours, expected));
    }
}

TEST_CASE("libpng's warnings go to the debug log, not to stderr", "[image][png]") {
    const std::string bytes = warningPng();
    // OpenCV's codec prints them: the check below can fail.
    CHECK(stderrOf([&] { (void)opencvDecode(bytes); }).find("libpng warning") != std::string::npos);

    test::LogCapture log;
    const auto level = core::coreLog().level();
    core::coreLog().set_level(spdlog::level::debug);
    cv::Mat decoded;
    const std::string printed = stderrOf([&] { decoded = core::decodePng("damaged.png", bytes); });
    core::coreLog().set_level(level);
    CHECK(printed.empty());
    CHECK(identical(decoded, opencvDecode(writePng({PNG_COLOR_TYPE_RGB, 8}))));
    CHECK(log.text().find("damaged.png: libpng: iCCP") != std::string::npos);
    CHECK(log.warnings() == 0);
}

TEST_CASE("a PNG libpng cannot decode is one BadInput line with libpng's reason", "[image][png]") {
    std::string bytes = writePng({PNG_COLOR_TYPE_RGB, 8});
    bytes.resize(bytes.size() / 2);  // cut inside the image data
    try {
        (void)core::decodePng("cut.png", bytes);
        FAIL("decoded a file cut in half");
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::BadInput);
        const std::string message = e.what();
        CHECK_THAT(message, Catch::StartsWith("cut.png: cannot decode the PNG: "));
        CHECK(message.find('\n') == std::string::npos);
    }
}
