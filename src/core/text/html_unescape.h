#pragma once
// Python's html.unescape(): named (HTML5, with and without ';') and numeric character references,
// with the same longest-prefix rule and invalid-reference replacements. Internal to the text
// module.
#include <string>

namespace chiaro::core::text {

std::u32string htmlUnescape(const std::u32string& text);

}  // namespace chiaro::core::text
