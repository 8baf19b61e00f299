// IC-Light's chunking and pairing against hand-built expectations.
#include <catch2/catch.hpp>

#include <numeric>

#include "chiaro/core/error.h"
#include "chiaro/text/prompt_chunks.h"

using namespace chiaro::core;

namespace {

constexpr int kBos = 49406;
constexpr int kEos = 49407;
constexpr int kPad = 49407;

std::vector<int> iota(int count, int first = 1) {
    std::vector<int> ids(static_cast<size_t>(count));
    std::iota(ids.begin(), ids.end(), first);
    return ids;
}

TokenChunk marked(int value) {
    TokenChunk chunk{};
    chunk.fill(value);
    return chunk;
}

}  // namespace

TEST_CASE("an empty prompt is one chunk of BOS, EOS and padding", "[text]") {
    const auto chunks = chunkPrompt({}, kBos, kEos, 0);
    REQUIRE(chunks.size() == 1);
    CHECK(chunks[0][0] == kBos);
    CHECK(chunks[0][1] == kEos);
    for (size_t i = 2; i < 77; ++i)
        CHECK(chunks[0][i] == 0);
}

TEST_CASE("75 tokens fill one chunk exactly, 76 start a second", "[text]") {
    auto chunks = chunkPrompt(iota(75), kBos, kEos, kPad);
    REQUIRE(chunks.size() == 1);
    CHECK(chunks[0][0] == kBos);
    for (int i = 1; i <= 75; ++i)
        CHECK(chunks[0][static_cast<size_t>(i)] == i);
    CHECK(chunks[0][76] == kEos);

    chunks = chunkPrompt(iota(76), kBos, kEos, -1);
    REQUIRE(chunks.size() == 2);
    CHECK(chunks[0][75] == 75);
    CHECK(chunks[0][76] == kEos);
    CHECK(chunks[1][0] == kBos);
    CHECK(chunks[1][1] == 76);
    CHECK(chunks[1][2] == kEos);
    CHECK(chunks[1][3] == -1);
    CHECK(chunks[1][76] == -1);
}

TEST_CASE("chunks keep every token in order", "[text]") {
    const auto chunks = chunkPrompt(iota(200), kBos, kEos, kPad);
    REQUIRE(chunks.size() == 3);  // 75 + 75 + 50
    std::vector<int> joined;
    for (const auto& chunk : chunks) {
        CHECK(chunk[0] == kBos);
        for (size_t i = 1; i < 77 && chunk[i] != kEos; ++i)
            joined.push_back(chunk[i]);
    }
    CHECK(joined == iota(200));
    CHECK(chunks[2][51] == kEos);
}

TEST_CASE("more than 20 chunks is refused as a usage error", "[text]") {
    CHECK(chunkPrompt(iota(20 * 75), kBos, kEos, kPad).size() == 20);
    try {
        chunkPrompt(iota(20 * 75 + 1), kBos, kEos, kPad);
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::Usage);
        CHECK(std::string(e.what()) == "prompt too long: 21 chunks (max 20)");
    }
}

TEST_CASE("the shorter chunk list is repeated and cut to the longer count", "[text]") {
    std::vector<TokenChunk> positive{marked(1), marked(2)};
    std::vector<TokenChunk> negative{marked(7), marked(8), marked(9), marked(10), marked(11)};
    pairChunkCounts(positive, negative);  // [1,2] * ceil(5/2)=3 -> [1,2,1,2,1,2] -> cut to 5
    REQUIRE(positive.size() == 5);
    REQUIRE(negative.size() == 5);
    const int expected[] = {1, 2, 1, 2, 1};
    for (size_t i = 0; i < 5; ++i)
        CHECK(positive[i][0] == expected[i]);
    CHECK(negative[4][0] == 11);

    std::vector<TokenChunk> longPositive{marked(1), marked(2), marked(3)};
    std::vector<TokenChunk> oneNegative{marked(9)};
    pairChunkCounts(longPositive, oneNegative);
    REQUIRE(oneNegative.size() == 3);
    for (const auto& chunk : oneNegative)
        CHECK(chunk[40] == 9);
    CHECK(longPositive[2][0] == 3);

    std::vector<TokenChunk> same{marked(4)};
    std::vector<TokenChunk> other{marked(5)};
    pairChunkCounts(same, other);
    CHECK(same.size() == 1);
    CHECK(other.size() == 1);

    std::vector<TokenChunk> none;
    CHECK_THROWS_AS(pairChunkCounts(none, other), Error);
}
