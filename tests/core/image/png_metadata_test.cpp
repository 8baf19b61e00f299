// The PNG text-chunk reader and writer, including hostile input: truncations, byte flips, and
// corrupt chunk contents behind valid CRCs must parse or throw Error(BadInput), never crash.
#include <catch2/catch.hpp>

#include <random>

#include <zlib.h>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/image/png_metadata.h"
#include "python_reference.h"
#include "test_support.h"

using namespace chiaro;

namespace {

// Chunk building with zlib's CRC, independent of the code under test.
std::string bigEndian(uint32_t v) {
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

std::string chunk(const std::string& type, const std::string& data) {
    const std::string body = type + data;
    const auto crc = static_cast<uint32_t>(::crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size()));
    return bigEndian(static_cast<uint32_t>(data.size())) + body + bigEndian(crc);
}

std::string deflate(const std::string& text) {
    uLongf size = compressBound(text.size());
    std::string out(size, '\0');
    REQUIRE(compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(text.data()),
                     text.size()) == Z_OK);
    out.resize(size);
    return out;
}

// A small PNG (8x8 grey) with the given chunks inserted after IHDR by hand.
std::string pngWith(const std::string& extraChunks) {
    const std::string plain = core::encodePng(cv::Mat(8, 8, CV_8UC1, cv::Scalar(77)));
    return plain.substr(0, 33) + extraChunks + plain.substr(33);
}

// Parses or throws BadInput; anything else fails the test.
void requireParsesOrBadInput(const std::string& bytes) {
    try {
        core::readPngTextChunks(bytes);
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::BadInput);
    }
}

// Recomputes every chunk CRC so a mutation reaches the chunk parsers instead of the CRC check.
std::string withFixedCrcs(std::string png) {
    size_t pos = 8;
    while (pos + 12 <= png.size()) {
        const uint32_t length = (uint32_t(uint8_t(png[pos])) << 24) | (uint32_t(uint8_t(png[pos + 1])) << 16) |
                                (uint32_t(uint8_t(png[pos + 2])) << 8) | uint8_t(png[pos + 3]);
        if (length > png.size() - pos - 12) break;
        const auto crc = static_cast<uint32_t>(
            ::crc32(0, reinterpret_cast<const Bytef*>(png.data() + pos + 4), length + 4));
        png.replace(pos + 8 + length, 4, bigEndian(crc));
        pos += 12 + length;
    }
    return png;
}

}  // namespace

TEST_CASE("uncompressed and compressed text chunks written by hand are read", "[image][png]") {
    const std::string png = pngWith(
        chunk("tEXt", std::string("Comment\0hello", 13)) +
        chunk("zTXt", std::string("Story\0\0", 7) + deflate("once upon a time")) +
        chunk("iTXt", std::string("chiaro\0\0\0en\0chiaro\0", 19) + "{\"a\":\"\xc3\xa9\"}") +
        chunk("iTXt", std::string("packed\0\1\0\0\0", 11) + deflate("\xe5\x85\x89 light")));
    const core::PngTextChunks chunks = core::readPngTextChunks(png);
    CHECK(chunks.latin1.at("Comment") == "hello");
    CHECK(chunks.latin1.at("Story") == "once upon a time");
    CHECK(chunks.utf8.at("chiaro") == "{\"a\":\"\xc3\xa9\"}");
    CHECK(chunks.utf8.at("packed") == "\xe5\x85\x89 light");
}

TEST_CASE("text chunks of the shared photos match what Pillow reads", "[image][png]") {
    test::TempDir dir;
    for (const char* name : {"astronaut.png", "chelsea.png", "coffee.png"}) {
        const std::string path = test::sharedDir() + "/data/photos/" + name;
        test::runPython("import sys\nfrom PIL import Image\nim = Image.open(sys.argv[1])\n"
                        "open(sys.argv[2], 'w').write('\\n'.join(sorted(im.text.keys())))",
                        {path, dir.file("keys.txt")});
        const core::PngTextChunks chunks = core::readPngTextChunksFromFile(path);
        std::string keys;
        std::vector<std::string> all;
        for (const auto& entry : chunks.latin1) all.push_back(entry.first);
        for (const auto& entry : chunks.utf8) all.push_back(entry.first);
        std::sort(all.begin(), all.end());
        for (const auto& key : all) keys += (keys.empty() ? "" : "\n") + key;
        INFO(name);
        CHECK(keys == core::readFileBytes(dir.file("keys.txt")));
    }
}

TEST_CASE("inserting text chunks checks its input", "[image][png]") {
    core::PngTextChunks chunks;
    chunks.latin1["parameters"] = "x";
    CHECK_THROWS_AS(core::insertPngTextChunks("not a png at all, definitely not", chunks), core::Error);
    CHECK_THROWS_AS(core::insertPngTextChunks("", chunks), core::Error);
    const std::string png = core::encodePng(cv::Mat(4, 4, CV_8UC3, cv::Scalar::all(1)));
    for (const std::string& keyword : {std::string(), std::string(80, 'k'), std::string("tab\there")}) {
        core::PngTextChunks bad;
        bad.latin1[keyword] = "x";
        CHECK_THROWS_AS(core::insertPngTextChunks(png, bad), core::Error);
    }
    core::PngTextChunks nul;
    nul.utf8["chiaro"] = std::string("a\0b", 3);
    CHECK_THROWS_AS(core::insertPngTextChunks(png, nul), core::Error);
    core::PngTextChunks longest;
    longest.latin1[std::string(79, 'k')] = "ok";
    CHECK(core::readPngTextChunks(core::insertPngTextChunks(png, longest)).latin1.at(std::string(79, 'k')) == "ok");
}

TEST_CASE("bad PNG streams are BadInput errors", "[image][png]") {
    const std::string good = pngWith(chunk("tEXt", std::string("k\0v", 3)));
    auto requireBad = [](const std::string& bytes) {
        try {
            core::readPngTextChunks(bytes);
            FAIL("no error");
        } catch (const core::Error& e) {
            CHECK(e.code() == core::ErrorCode::BadInput);
        }
    };
    requireBad("");
    requireBad("\x89PNG");
    requireBad(good.substr(0, good.size() - 1));  // IEND cut
    std::string badCrc = good;
    badCrc[36] ^= 0x01;  // inside the tEXt chunk
    requireBad(badCrc);
    std::string hugeLength = good;
    hugeLength.replace(33, 4, "\xff\xff\xff\xf0");  // tEXt length past the end
    requireBad(hugeLength);
    requireBad(pngWith(chunk("tEXt", "no separator")));
    requireBad(pngWith(chunk("tEXt", std::string("\0empty keyword", 14))));
    requireBad(pngWith(chunk("iTXt", std::string("k\0\0", 3))));
    requireBad(pngWith(chunk("zTXt", std::string("k\0\0", 3) + "not zlib data")));
    requireBad(pngWith(chunk("iTXt", std::string("k\0\1\0\0\0", 6) + deflate("cut").substr(0, 4))));
}

TEST_CASE("random truncations and byte flips never crash the text-chunk parser", "[image][png]") {
    core::PngWriteOptions options;
    options.metadata.latin1["parameters"] = "prompt\nNegative prompt: bad\nSteps: 25, Seed: 1";
    options.metadata.utf8["chiaro"] = "{\"light\":\"\xe2\x98\x80\"}";
    const std::string png = core::encodePng(cv::Mat(16, 16, CV_8UC3, cv::Scalar(1, 2, 3)), options) +
                            std::string();
    const std::string extra = pngWith(chunk("zTXt", std::string("z\0\0", 3) + deflate("compressed text")) +
                                      chunk("iTXt", std::string("c\0\1\0\0\0", 6) + deflate("more")));
    std::mt19937 rng(42);
    int parsed = 0;
    for (const std::string* base : {&png, &extra}) {
        for (int i = 0; i < 1500; ++i) {
            std::string bytes = *base;
            if (i % 3 == 0) {
                bytes.resize(std::uniform_int_distribution<size_t>(0, bytes.size())(rng));
            } else {
                for (int flips = 0; flips < 1 + i % 4; ++flips) {
                    // Most flips land in the header and text chunks, where the parsing is.
                    const size_t limit = std::min<size_t>(bytes.size(), 200);
                    bytes[std::uniform_int_distribution<size_t>(0, limit - 1)(rng)] ^= static_cast<char>(1 << (rng() % 8));
                }
                if (i % 3 == 2) bytes = withFixedCrcs(bytes);
            }
            INFO("mutation " << i);
            requireParsesOrBadInput(bytes);
            try {
                core::readPngTextChunks(bytes);
                ++parsed;
            } catch (const core::Error&) {
            }
        }
    }
    CHECK(parsed > 0);  // the CRC-fixed mutations do reach the chunk parsers
}
