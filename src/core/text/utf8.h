#pragma once
// UTF-8 <-> code points for the tokenizer. Decoding never fails: each maximal ill-formed
// subsequence becomes one U+FFFD, as Python's bytes.decode("utf-8", "replace") does.
#include <string>

namespace chiaro::core::text {

constexpr char32_t kReplacementChar = 0xFFFD;

std::u32string decodeUtf8(const std::string& bytes);
void appendUtf8(char32_t c, std::string& out);
std::string encodeUtf8(const std::u32string& text);

}  // namespace chiaro::core::text
