#pragma once
// The text preparation of CLIP's SimpleTokenizer.encode():
//   whitespace_clean(basic_clean(text)).lower()
// basic_clean is ftfy.fix_text + html.unescape twice + strip. Chiaro does not carry ftfy: only the
// two html.unescape passes and the strip are reproduced. ftfy leaves plain prompts unchanged, but it
// would uncurl quotes, split Latin ligatures, narrow full-width forms and NFC-compose decomposed
// accents; such text tokenizes differently here than in CLIP. whitespace_clean turns every run of
// regex \s into one space and strips.
#include <string>

namespace chiaro::core::text {

// Python str.strip() with no argument (removes str.isspace() characters at both ends).
std::u32string pythonStrip(const std::u32string& text);

// regex.sub(r"\s+", " ", text).strip()
std::u32string collapseWhitespace(const std::u32string& text);

// The full preparation: unescape, strip, collapse whitespace, lower-case.
std::u32string cleanPromptText(const std::u32string& text);

}  // namespace chiaro::core::text
