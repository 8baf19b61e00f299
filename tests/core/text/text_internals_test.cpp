// The text module's building blocks against behaviour worked out by hand from Python's docs and
// CPython (html.unescape, str.lower, bytes.decode(errors="replace"), the CLIP pattern).
#include <catch2/catch.hpp>

#include "text/html_unescape.h"
#include "text/pre_tokenizer.h"
#include "text/text_clean.h"
#include "text/unicode_props.h"
#include "text/utf8.h"

using namespace chiaro::core::text;

namespace {

std::string unescape(const std::string& text) {
    return encodeUtf8(htmlUnescape(decodeUtf8(text)));
}
std::string lower(const std::string& text) {
    return encodeUtf8(pythonLower(decodeUtf8(text)));
}
std::string clean(const std::string& text) {
    return encodeUtf8(cleanPromptText(decodeUtf8(text)));
}

std::vector<std::string> preTokens(const std::string& text) {
    std::vector<std::string> out;
    for (const PreToken& token : splitPreTokens(cleanPromptText(decodeUtf8(text)))) {
        out.push_back(encodeUtf8(token.text));
    }
    return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("invalid UTF-8 becomes one U+FFFD per maximal ill-formed subsequence", "[text]") {
    const char32_t r = kReplacementChar;
    CHECK(decodeUtf8("a\xc3\xa9z") == std::u32string{U'a', 0xE9, U'z'});
    CHECK(decodeUtf8("\xf0\x9f\x8f\xae") == std::u32string{0x1F3EE});
    CHECK(decodeUtf8("\xff") == std::u32string{r});
    CHECK(decodeUtf8("\xe2\x82") == std::u32string{r});  // truncated: one
    CHECK(decodeUtf8("\xe2\x82z") == std::u32string{r, U'z'});
    CHECK(decodeUtf8("\xed\xa0\x80") == std::u32string{r, r, r});         // surrogate: three
    CHECK(decodeUtf8("\xf4\x90\x80\x80") == std::u32string{r, r, r, r});  // > U+10FFFF
    CHECK(decodeUtf8("\xc0\xaf") == std::u32string{r, r});                // overlong
    CHECK(encodeUtf8(std::u32string{0x24, 0xA2, 0x20AC, 0x10348}) ==
          "$\xc2\xa2\xe2\x82\xac\xf0\x90\x8d\x88");
}

TEST_CASE("html unescape follows Python's html.unescape", "[text]") {
    CHECK(unescape("a &amp; b &lt;&gt; &quot;&#39;&apos;") == "a & b <> \"''");
    CHECK(unescape("&amp;amp;") == "&amp;");  // one pass
    CHECK(unescape("&ampx &AMP &copy2024") ==
          "&x & \xc2\xa9"
          "2024");                                // prefixes without ';'
    CHECK(unescape("&notit;") == "\xc2\xacit;");  // longest known prefix "not"
    CHECK(unescape("&notin;") == "\xe2\x88\x89");
    CHECK(unescape("&nbsp;") == "\xc2\xa0");
    CHECK(unescape("&unknown; & && &") == "&unknown; & && &");
    CHECK(unescape("&#65;&#x42;&#X43;&#68") == "ABCD");
    CHECK(unescape("&#0;&#xD800;&#x110000;&#99999999999999999999;") ==
          "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    CHECK(unescape("&#128;&#150;") == "\xe2\x82\xac\xe2\x80\x93");  // Windows-1252 fix-ups
    CHECK(unescape("x&#1;y&#x7f;z") == "xyz");                      // invalid code points vanish
    CHECK(unescape("&#; &#x; &#xg;") == "&#; &#x; &#xg;");
}

TEST_CASE("lower-casing is CPython's str.lower", "[text]") {
    CHECK(lower("ABC xyz 123") == "abc xyz 123");
    CHECK(lower("\xc3\x89\xc3\x86\xc3\x98") == "\xc3\xa9\xc3\xa6\xc3\xb8");  // ÉÆØ
    CHECK(lower("\xc4\xb0") == "i\xcc\x87");                                 // İ -> i + U+0307
    CHECK(lower("\xd0\x96\xd0\xaf") == "\xd0\xb6\xd1\x8f");                  // ЖЯ
    // Σ is final (ς) after a cased letter when no cased letter follows, else σ.
    CHECK(lower("\xce\x91\xce\xa3") == "\xce\xb1\xcf\x82");                    // ΑΣ -> ας
    CHECK(lower("\xce\xa3\xce\x91") == "\xcf\x83\xce\xb1");                    // ΣΑ -> σα
    CHECK(lower("\xce\xa3") == "\xcf\x83");                                    // lone Σ -> σ
    CHECK(lower("\xce\x91\xce\xa3.") == "\xce\xb1\xcf\x82.");                  // ΑΣ. -> ας.
    CHECK(lower("\xce\x91\xce\xa3'\xce\x92") == "\xce\xb1\xcf\x83'\xce\xb2");  // ' is ignorable
    CHECK(lower("\xe2\x85\xab") == "\xe2\x85\xbb");                            // Ⅻ -> ⅻ
}

TEST_CASE("cleaning strips, collapses white space and unescapes twice", "[text]") {
    CHECK(clean("  Hello\t\tWorld \n") == "hello world");
    CHECK(clean("a\xc2\xa0\xe3\x80\x80"
                "b") == "a b");  // NBSP + ideographic space
    CHECK(clean("a\xe2\x80\x8b"
                "b") ==
          "a\xe2\x80\x8b"
          "b");  // zero-width space is not space
    CHECK(clean("\x1c"
                "a\x1c"
                "b\x1f") ==
          "a\x1c"
          "b");  // separators: stripped, not collapsed
    CHECK(clean("&amp;amp;  &lt;") == "& <");
    CHECK(clean("&nbsp;x&nbsp;") == "x");
}

TEST_CASE("pre-tokens follow the CLIP pattern", "[text]") {
    CHECK(preTokens("we're sure they'll, isn't it") ==
          Strings{"we", "'re", "sure", "they", "'ll", ",", "isn", "'t", "it"});
    CHECK(preTokens("it's 'start") == Strings{"it", "'s", "'s", "tart"});
    CHECK(preTokens("a''s b") == Strings{"a", "''", "s", "b"});
    CHECK(preTokens("1.5x 100%") == Strings{"1", ".", "5", "x", "1", "0", "0", "%"});
    CHECK(preTokens("sci-fi, f/2.8") == Strings{"sci", "-", "fi", ",", "f", "/", "2", ".", "8"});
    CHECK(preTokens("<|startoftext|>hi<|ENDOFTEXT|>!") ==
          Strings{"<|startoftext|>", "hi", "<|endoftext|>", "!"});
    CHECK(preTokens("!<|endoftext|>") == Strings{"!<|", "endoftext", "|>"});
    CHECK(preTokens("\xe4\xba\xac\xe9\x83\xbd \xf0\x9f\x8f\xae\xe2\x9c\xa8") ==
          Strings{"\xe4\xba\xac\xe9\x83\xbd", "\xf0\x9f\x8f\xae\xe2\x9c\xa8"});  // 京都 🏮✨
    CHECK(preTokens("\xc2\xbd\xe2\x85\xab") ==
          Strings{"\xc2\xbd", "\xe2\x85\xbb"});                 // ½ Ⅻ: numbers
    CHECK(preTokens("it\xc5\xbf") == Strings{"it\xc5\xbf"});    // ſ is a letter
    CHECK(preTokens("'\xc5\xbf") == Strings{"'\xc5\xbf"});      // 's under IGNORECASE
    CHECK(preTokens("e\xcc\x81") == Strings{"e", "\xcc\x81"});  // a combining mark is no letter
    CHECK(preTokens("") == Strings{});
}

TEST_CASE("character classes", "[text]") {
    CHECK(isLetter(U'a'));
    CHECK(isLetter(0x4EAC));  // 京
    CHECK(isLetter(0x02B0));  // ʰ (Lm)
    CHECK_FALSE(isLetter(U'1'));
    CHECK_FALSE(isLetter(0x0301));
    CHECK(isNumber(0x0663));  // Arabic-Indic 3
    CHECK(isNumber(0x00BD));  // ½ (No)
    CHECK_FALSE(isNumber(U'x'));
    CHECK(isRegexSpace(0x3000));
    CHECK_FALSE(isRegexSpace(0x1C));
    CHECK(isPythonSpace(0x1C));
    CHECK_FALSE(isRegexSpace(0x200B));
}
