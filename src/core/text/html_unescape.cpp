#include "text/html_unescape.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "text/utf8.h"

namespace chiaro::core::text {
namespace {

struct HtmlEntity {
    const char* name;
    const char* value;  // UTF-8
};
struct InvalidCharref {
    char32_t number;
    char32_t replacement;
};

#include "text/html_entities.inc"

constexpr size_t kMaxNameLength = 32;          // Python: [^\t\n\f <&#;]{1,32}
constexpr char32_t kBeyondUnicode = 0x110000;  // saturated value of an over-long numeric reference

const char* findEntity(const std::string& name) {
    const auto* it = std::lower_bound(std::begin(kHtmlEntities), std::end(kHtmlEntities), name,
                                      [](const HtmlEntity& e, const std::string& key) {
                                          return std::strcmp(e.name, key.c_str()) < 0;
                                      });
    if (it == std::end(kHtmlEntities) || name != it->name)
        return nullptr;
    return it->value;
}

bool isNameChar(char32_t c) {
    return c != '\t' && c != '\n' && c != '\f' && c != ' ' && c != '<' && c != '&' && c != '#' &&
           c != ';';
}

int digitValue(char32_t c, bool hex) {
    if (c >= '0' && c <= '9')
        return static_cast<int>(c - '0');
    if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return static_cast<int>((c | 0x20) - 'a' + 10);
    return -1;
}

// What Python's _replace_charref returns for a number.
void appendNumeric(char32_t number, std::u32string& out) {
    for (const InvalidCharref& invalid : kInvalidCharrefs) {
        if (invalid.number == number) {
            out.push_back(invalid.replacement);
            return;
        }
    }
    if ((number >= 0xD800 && number <= 0xDFFF) || number > 0x10FFFF) {
        out.push_back(kReplacementChar);
        return;
    }
    if (std::find(std::begin(kInvalidCodepoints), std::end(kInvalidCodepoints), number) !=
        std::end(kInvalidCodepoints)) {
        return;
    }
    out.push_back(number);
}

// `&#NNN;?` or `&#xHH;?` starting at text[pos] == '#'. Returns the index after the reference, or
// pos when no digits follow (then the '&' is literal: the name pattern cannot start with '#').
size_t replaceNumeric(const std::u32string& text, size_t pos, std::u32string& out) {
    size_t i = pos + 1;
    const bool hex = i + 1 < text.size() && (text[i] == 'x' || text[i] == 'X') &&
                     digitValue(text[i + 1], true) >= 0;
    if (hex)
        ++i;
    const size_t digitsBegin = i;
    char32_t number = 0;
    for (; i < text.size() && digitValue(text[i], hex) >= 0; ++i) {
        const char32_t next =
            number * (hex ? 16 : 10) + static_cast<char32_t>(digitValue(text[i], hex));
        number = std::min(next, kBeyondUnicode);
    }
    if (i == digitsBegin)
        return pos;
    if (i < text.size() && text[i] == ';')
        ++i;
    appendNumeric(number, out);
    return i;
}

// `&name;?`: the whole name, else its longest known prefix (>= 2 chars), else the text unchanged.
size_t replaceNamed(const std::u32string& text, size_t pos, std::u32string& out) {
    size_t end = pos;
    while (end < text.size() && end - pos < kMaxNameLength && isNameChar(text[end]))
        ++end;
    if (end == pos)
        return pos;
    if (end < text.size() && text[end] == ';')
        ++end;
    const std::u32string name = text.substr(pos, end - pos);
    // Python tries the full name, then its prefixes from len-1 down to 2 characters.
    for (size_t length = name.size(); length >= 2 || length == name.size(); --length) {
        if (const char* value = findEntity(encodeUtf8(name.substr(0, length)))) {
            out += decodeUtf8(value);
            out.append(name, length, std::u32string::npos);
            return end;
        }
    }
    out.push_back('&');
    out += name;
    return end;
}

}  // namespace

std::u32string htmlUnescape(const std::u32string& text) {
    if (text.find(U'&') == std::u32string::npos)
        return text;
    std::u32string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        if (text[i] != '&' || i + 1 >= text.size()) {
            out.push_back(text[i++]);
            continue;
        }
        const size_t next =
            text[i + 1] == '#' ? replaceNumeric(text, i + 1, out) : replaceNamed(text, i + 1, out);
        if (next == i + 1) {
            out.push_back('&');
            ++i;
        } else {
            i = next;
        }
    }
    return out;
}

}  // namespace chiaro::core::text
