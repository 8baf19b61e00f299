#include "text/unicode_props.h"

#include <algorithm>
#include <iterator>

namespace chiaro::core::text {
namespace {

struct CodepointRange {
    char32_t first;
    char32_t last;
};
struct LowerSingle {
    char32_t from;
    char32_t to;
};
struct LowerMulti {
    char32_t from;
    char32_t to[3];
    int count;
};

#include "text/unicode_tables.inc"

constexpr char32_t kCapitalSigma = 0x03A3;
constexpr char32_t kSmallSigma = 0x03C3;
constexpr char32_t kFinalSigma = 0x03C2;

template <size_t N>
bool inRanges(const CodepointRange (&table)[N], char32_t c) {
    // The first range whose end is >= c is the only one that can hold c.
    const auto* it =
        std::lower_bound(std::begin(table), std::end(table), c,
                         [](const CodepointRange& r, char32_t v) { return r.last < v; });
    return it != std::end(table) && it->first <= c;
}

// CPython: \p{cased}\p{case-ignorable}* SIGMA !(\p{case-ignorable}*\p{cased}).
bool isFinalSigma(const std::u32string& text, size_t index) {
    size_t j = index;
    while (j > 0 && isCaseIgnorable(text[j - 1]))
        --j;
    if (j == 0 || !isCased(text[j - 1]))
        return false;
    size_t k = index + 1;
    while (k < text.size() && isCaseIgnorable(text[k]))
        ++k;
    return k == text.size() || !isCased(text[k]);
}

}  // namespace

bool isLetter(char32_t c) {
    if (c < 0x80)
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    return inRanges(kLetterRanges, c);
}

bool isNumber(char32_t c) {
    if (c < 0x80)
        return c >= '0' && c <= '9';
    return inRanges(kNumberRanges, c);
}

bool isRegexSpace(char32_t c) {
    return inRanges(kRegexSpaceRanges, c);
}
bool isPythonSpace(char32_t c) {
    return inRanges(kPythonSpaceRanges, c);
}
bool isCased(char32_t c) {
    return inRanges(kCasedRanges, c);
}
bool isCaseIgnorable(char32_t c) {
    return inRanges(kCaseIgnorableRanges, c);
}

void appendLower(char32_t c, std::u32string& out) {
    if (c < 0x80) {
        out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
        return;
    }
    if (c == kCapitalSigma) {
        out.push_back(kSmallSigma);
        return;
    }
    const auto* single =
        std::lower_bound(std::begin(kLowerSingles), std::end(kLowerSingles), c,
                         [](const LowerSingle& m, char32_t v) { return m.from < v; });
    if (single != std::end(kLowerSingles) && single->from == c) {
        out.push_back(single->to);
        return;
    }
    for (const LowerMulti& multi : kLowerMultis) {
        if (multi.from == c) {
            out.append(multi.to, multi.to + multi.count);
            return;
        }
    }
    out.push_back(c);
}

std::u32string pythonLower(const std::u32string& text) {
    std::u32string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == kCapitalSigma) {
            out.push_back(isFinalSigma(text, i) ? kFinalSigma : kSmallSigma);
        } else {
            appendLower(text[i], out);
        }
    }
    return out;
}

}  // namespace chiaro::core::text
