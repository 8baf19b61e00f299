#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "chiaro/bundle/sha256.h"
#include "chiaro/core/error.h"
#include "test_support.h"

using namespace chiaro;
namespace fs = std::filesystem;

namespace {

// The digest printed by coreutils' sha256sum: an independent implementation to compare with.
std::string sha256sumOf(const std::string& path) {
    test::ProcessResult r = test::runProcess({"/usr/bin/sha256sum", path});
    REQUIRE(r.exitCode == 0);
    return r.out.substr(0, 64);
}

std::string randomText(size_t size, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string s(size, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
}

}  // namespace

TEST_CASE("sha256 matches the FIPS 180-2 test vectors", "[bundle]") {
    CHECK(core::sha256Hex("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(core::sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(core::sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(core::sha256Hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmno"
                          "pqklmnopqrlmnopqrsmnopqrstnopqrstu") ==
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    CHECK(core::sha256Hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 streaming in uneven pieces equals hashing at once", "[bundle]") {
    const std::string data = randomText(200003, 7);
    // Piece sizes around the 64-byte block and the 55/56-byte padding edge.
    for (size_t piece : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 1000u, 4097u}) {
        core::Sha256 hasher;
        for (size_t at = 0; at < data.size(); at += piece) {
            hasher.update(std::string_view(data).substr(at, piece));
        }
        CHECK(hasher.finishHex() == core::sha256Hex(data));
    }
    // Message lengths that end right before, at and after the padding boundary.
    for (size_t length = 50; length < 140; ++length) {
        core::Sha256 split;
        split.update(std::string_view(data).substr(0, length / 2));
        split.update(std::string_view(data).substr(length / 2, length - length / 2));
        CHECK(split.finishHex() == core::sha256Hex(data.substr(0, length)));
    }
}

TEST_CASE("sha256File agrees with sha256sum on real and multi-chunk files", "[bundle]") {
    test::TempDir dir;
    // 3 MiB + 17 bytes: several 1 MiB reads and a partial last one.
    const std::string big = dir.file("big.bin");
    std::ofstream(big, std::ios::binary) << randomText((3u << 20) + 17, 11);
    CHECK(core::sha256File(big) == sha256sumOf(big));
    const std::string exact = dir.file("exact.bin");
    std::ofstream(exact, std::ios::binary) << randomText(1u << 20, 12);
    CHECK(core::sha256File(exact) == sha256sumOf(exact));
    const std::string empty = dir.file("empty.bin");
    std::ofstream(empty, std::ios::binary).flush();
    CHECK(core::sha256File(empty) == sha256sumOf(empty));
    int photos = 0;
    for (const auto& entry : fs::directory_iterator(test::sharedDir() + "/data/photos")) {
        if (entry.path().extension() != ".png" || photos >= 3) continue;
        CHECK(core::sha256File(entry.path().string()) == sha256sumOf(entry.path().string()));
        ++photos;
    }
    CHECK(photos > 0);
}

TEST_CASE("sha256File of a missing file throws BadInput naming it", "[bundle]") {
    test::TempDir dir;
    const std::string missing = dir.file("nope.pt");
    try {
        core::sha256File(missing);
        FAIL("no exception");
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::BadInput);
        CHECK_THAT(e.what(), Catch::Contains(missing));
    }
}
