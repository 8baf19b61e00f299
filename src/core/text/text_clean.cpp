#include "text/text_clean.h"

#include "text/html_unescape.h"
#include "text/unicode_props.h"

namespace chiaro::core::text {

std::u32string pythonStrip(const std::u32string& text) {
    size_t begin = 0;
    size_t end = text.size();
    while (begin < end && isPythonSpace(text[begin]))
        ++begin;
    while (end > begin && isPythonSpace(text[end - 1]))
        --end;
    return text.substr(begin, end - begin);
}

std::u32string collapseWhitespace(const std::u32string& text) {
    std::u32string out;
    out.reserve(text.size());
    bool inRun = false;
    for (char32_t c : text) {
        if (isRegexSpace(c)) {
            if (!inRun)
                out.push_back(U' ');
            inRun = true;
        } else {
            out.push_back(c);
            inRun = false;
        }
    }
    return pythonStrip(out);
}

std::u32string cleanPromptText(const std::u32string& text) {
    const std::u32string unescaped = pythonStrip(htmlUnescape(htmlUnescape(text)));
    return pythonLower(collapseWhitespace(unescaped));
}

}  // namespace chiaro::core::text
