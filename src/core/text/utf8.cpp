#include "text/utf8.h"

namespace chiaro::core::text {
namespace {

struct LeadInfo {
    int length;  // total bytes of the sequence, 0 for a byte that cannot start one
    unsigned char secondLow;
    unsigned char secondHigh;
};

// Unicode Table 3-7 (well-formed UTF-8): the second byte's range depends on the lead byte, which
// rules out overlong forms, surrogates and values past U+10FFFF.
LeadInfo leadInfo(unsigned char b) {
    if (b >= 0xC2 && b <= 0xDF)
        return {2, 0x80, 0xBF};
    if (b == 0xE0)
        return {3, 0xA0, 0xBF};
    if (b == 0xED)
        return {3, 0x80, 0x9F};
    if (b >= 0xE1 && b <= 0xEF)
        return {3, 0x80, 0xBF};
    if (b == 0xF0)
        return {4, 0x90, 0xBF};
    if (b >= 0xF1 && b <= 0xF3)
        return {4, 0x80, 0xBF};
    if (b == 0xF4)
        return {4, 0x80, 0x8F};
    return {0, 0, 0};
}

}  // namespace

std::u32string decodeUtf8(const std::string& bytes) {
    std::u32string out;
    out.reserve(bytes.size());
    const size_t n = bytes.size();
    size_t i = 0;
    while (i < n) {
        const auto lead = static_cast<unsigned char>(bytes[i]);
        if (lead < 0x80) {
            out.push_back(lead);
            ++i;
            continue;
        }
        const LeadInfo info = leadInfo(lead);
        char32_t value = lead & (0xFF >> (info.length + 1));
        int taken = 1;
        for (; taken < info.length && i + taken < n; ++taken) {
            const auto b = static_cast<unsigned char>(bytes[i + taken]);
            const unsigned char low = taken == 1 ? info.secondLow : 0x80;
            const unsigned char high = taken == 1 ? info.secondHigh : 0xBF;
            if (b < low || b > high)
                break;
            value = (value << 6) | (b & 0x3F);
        }
        // A complete sequence gives its code point; anything shorter is one maximal ill-formed
        // subsequence, replaced once, and decoding resumes at the byte that broke it.
        out.push_back(info.length != 0 && taken == info.length ? value : kReplacementChar);
        i += taken;
    }
    return out;
}

void appendUtf8(char32_t c, std::string& out) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::string encodeUtf8(const std::u32string& text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text)
        appendUtf8(c, out);
    return out;
}

}  // namespace chiaro::core::text
