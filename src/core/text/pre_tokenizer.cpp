#include "text/pre_tokenizer.h"

#include "text/unicode_props.h"

namespace chiaro::core::text {
namespace {

constexpr char32_t kLongS = 0x017F;  // ſ: IGNORECASE makes it match 's' (simple case folding)

bool sameIgnoringCase(char32_t actual, char32_t expectedLower) {
    if (actual == expectedLower)
        return true;
    if (expectedLower == U's' && (actual == kLongS || actual == U'S'))
        return true;
    return expectedLower >= U'a' && expectedLower <= U'z' && actual == expectedLower - 32;
}

// Length of `literal` matched at text[pos], or 0.
size_t matchLiteral(const std::u32string& text, size_t pos, const std::u32string& literal) {
    if (text.size() - pos < literal.size())
        return 0;
    for (size_t i = 0; i < literal.size(); ++i) {
        if (!sameIgnoringCase(text[pos + i], literal[i]))
            return 0;
    }
    return literal.size();
}

size_t matchSpecial(const std::u32string& text, size_t pos) {
    if (size_t n = matchLiteral(text, pos, U"<|startoftext|>"))
        return n;
    return matchLiteral(text, pos, U"<|endoftext|>");
}

size_t matchContraction(const std::u32string& text, size_t pos) {
    static const std::u32string kSuffixes[] = {U"'s", U"'t", U"'re", U"'ve", U"'m", U"'ll", U"'d"};
    for (const std::u32string& suffix : kSuffixes) {
        if (size_t n = matchLiteral(text, pos, suffix))
            return n;
    }
    return 0;
}

template <typename Pred>
size_t runLength(const std::u32string& text, size_t pos, Pred pred) {
    size_t end = pos;
    while (end < text.size() && pred(text[end]))
        ++end;
    return end - pos;
}

bool isOther(char32_t c) {
    return !isRegexSpace(c) && !isLetter(c) && !isNumber(c);
}

// Length of the first alternative that matches at text[pos] (0 on white space).
size_t matchAt(const std::u32string& text, size_t pos, bool& special) {
    const char32_t c = text[pos];
    special = false;
    if (c == U'<') {
        if (size_t n = matchSpecial(text, pos)) {
            special = true;
            return n;
        }
    }
    if (c == U'\'') {
        if (size_t n = matchContraction(text, pos))
            return n;
    }
    if (isLetter(c))
        return runLength(text, pos, isLetter);
    if (isNumber(c))
        return 1;
    if (isOther(c))
        return runLength(text, pos, isOther);
    return 0;
}

}  // namespace

std::vector<PreToken> splitPreTokens(const std::u32string& text) {
    std::vector<PreToken> tokens;
    size_t pos = 0;
    while (pos < text.size()) {
        bool special = false;
        const size_t length = matchAt(text, pos, special);
        if (length == 0) {
            ++pos;
            continue;
        }
        tokens.push_back({text.substr(pos, length), special});
        pos += length;
    }
    return tokens;
}

}  // namespace chiaro::core::text
