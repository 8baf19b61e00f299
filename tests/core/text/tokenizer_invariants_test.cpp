// Properties that hold for any input, checked on generated text: the ids decode back to the cleaned
// text, white space and ASCII case do not matter, threads agree, and no byte sequence breaks it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <thread>

#include "chiaro/text/clip_tokenizer.h"
#include "tokenizer_test_support.h"

using chiaro::test::decodeIds;
using chiaro::test::sharedTokenizer;

namespace {

std::string randomText(std::mt19937& rng, const std::string& alphabet, size_t maxLength) {
    std::uniform_int_distribution<size_t> length(0, maxLength);
    std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
    std::string text(length(rng), ' ');
    for (char& c : text)
        c = alphabet[pick(rng)];
    return text;
}

// Lower-cased ASCII with the white space removed: what the pre-tokens concatenate to.
std::string withoutSpaceLowered(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
            continue;
        out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    }
    return out;
}

bool idsInVocab(const std::vector<int>& ids) {
    const int size = static_cast<int>(sharedTokenizer().vocabSize());
    return std::all_of(ids.begin(), ids.end(), [size](int id) { return id >= 0 && id < size; });
}

}  // namespace

TEST_CASE("ids decode back to the lower-cased text without its white space", "[text]") {
    // No '&' (entities would change the text) and no C0 separators (kept inside, stripped at ends).
    const std::string alphabet =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
        "\t\n.,;:!?'\"-_()[]<>|/@$%^*+=~`";
    std::mt19937 rng(1234);
    for (int i = 0; i < 500; ++i) {
        const std::string text = randomText(rng, alphabet, 60);
        INFO(text);
        const std::vector<int> ids = sharedTokenizer().encode(text);
        REQUIRE(idsInVocab(ids));
        CHECK(decodeIds(ids) == withoutSpaceLowered(text));
    }
}

TEST_CASE("emoji, CJK and accented words round-trip through the byte-level BPE", "[text]") {
    for (const std::string text :
         {"kyoto 京都 temple 🏮✨", "서울의 밤 夜景", "👨‍👩‍👧 🇯🇵 👍🏽",
          "smörgåsbord jalapeño"}) {
        INFO(text);
        const std::vector<int> ids = sharedTokenizer().encode(text);
        CHECK(!ids.empty());
        CHECK(idsInVocab(ids));
        std::string noSpaces = text;
        noSpaces.erase(std::remove(noSpaces.begin(), noSpaces.end(), ' '), noSpaces.end());
        CHECK(decodeIds(ids) == noSpaces);
    }
    // Upper-case Greek lower-cases, final sigma included (CPython str.lower).
    CHECK(
        decodeIds(sharedTokenizer().encode("\u03a9\u03bc\u03ad\u03b3\u03b1 \u03a6\u03a9\u03a3")) ==
        "\u03c9\u03bc\u03ad\u03b3\u03b1\u03c6\u03c9\u03c2");
    CHECK(decodeIds(sharedTokenizer().encode("SMÖRGÅSBORD")) == "smörgåsbord");
}

TEST_CASE("white space variants and ASCII case give the same ids", "[text]") {
    const auto& tok = sharedTokenizer();
    const std::vector<int> base = tok.encode("soft light, warm atmosphere");
    CHECK(tok.encode("  soft   light,\twarm\n\natmosphere \r\n") == base);
    CHECK(tok.encode("soft\u00a0light,\u3000warm\u2003atmosphere\u2028") == base);
    CHECK(tok.encode("SOFT Light, WARM Atmosphere") == base);
    CHECK(tok.encode("soft light, warm atmosphere").size() == 5);
    CHECK(tok.encode("").empty());
    CHECK(tok.encode(" \t\n\u00a0 ").empty());
}

TEST_CASE("HTML entities are unescaped twice, like basic_clean", "[text]") {
    const auto& tok = sharedTokenizer();
    CHECK(tok.encode("fish &amp; chips") == tok.encode("fish & chips"));
    CHECK(tok.encode("fish &amp;amp; chips") == tok.encode("fish & chips"));
    CHECK(decodeIds(tok.encode("fish &amp;amp;amp; chips")) ==
          "fish&amp;chips");  // not a third pass
    CHECK(tok.encode("&#72;&#x49;") == tok.encode("hi"));
}

TEST_CASE("long prompts encode word by word", "[text]") {
    std::string text;
    for (int i = 0; i < 2000; ++i)
        text += (i % 2 != 0) ? "light " : "shadow ";
    const std::vector<int> ids = sharedTokenizer().encode(text);
    REQUIRE(ids.size() == 2000);
    const std::vector<int> light = sharedTokenizer().encode("light");
    const std::vector<int> shadow = sharedTokenizer().encode("shadow");
    REQUIRE(light.size() == 1);
    REQUIRE(shadow.size() == 1);
    CHECK(ids[0] == shadow[0]);
    CHECK(ids[1999] == light[0]);
    CHECK(std::count(ids.begin(), ids.end(), light[0]) == 1000);
}

TEST_CASE("concurrent encode calls agree with a single thread", "[text]") {
    std::mt19937 rng(99);
    std::vector<std::string> texts;
    for (int i = 0; i < 200; ++i)
        texts.push_back(randomText(rng, "abcdefghijklmnopqrstuvwxyz  ,.'", 80));
    // A fresh tokenizer so the threads fill its cache together.
    const auto dir = chiaro::test::sharedTokenizerDir();
    const auto tokenizer =
        chiaro::core::ClipTokenizer::fromFiles(dir + "/vocab.json", dir + "/merges.txt");
    std::vector<std::vector<std::vector<int>>> results(6);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < results.size(); ++t) {
        threads.emplace_back([&, t] {
            for (size_t k = 0; k < texts.size(); ++k) {
                results[t].push_back(tokenizer.encode(texts[(k + t * 37) % texts.size()]));
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    for (size_t t = 0; t < results.size(); ++t) {
        for (size_t k = 0; k < texts.size(); ++k) {
            REQUIRE(results[t][k] == sharedTokenizer().encode(texts[(k + t * 37) % texts.size()]));
        }
    }
}

TEST_CASE("arbitrary bytes never crash and give valid ids", "[text]") {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> length(0, 64);
    for (int i = 0; i < 2000; ++i) {
        std::string bytes(static_cast<size_t>(length(rng)), '\0');
        for (char& c : bytes)
            c = static_cast<char>(byte(rng));
        CHECK(idsInVocab(sharedTokenizer().encode(bytes)));
    }
    // An invalid byte becomes U+FFFD ("\xef\xbf\xbd") before BPE.
    CHECK(decodeIds(sharedTokenizer().encode("a\xff")) == "a\xef\xbf\xbd");
    CHECK(sharedTokenizer().encode(std::string("a\0b", 3)).size() == 3);
}
