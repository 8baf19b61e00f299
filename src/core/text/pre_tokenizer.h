#pragma once
// CLIP's pre-tokenisation pattern, applied with findall (regex module, IGNORECASE):
//   <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
// as a hand-written scanner over code points: at each position the alternatives are tried in
// order; a position none matches (white space) is skipped. Internal to the text module.
#include <string>
#include <vector>

namespace chiaro::core::text {

struct PreToken {
    std::u32string text;
    bool special = false;  // <|startoftext|> or <|endoftext|>: mapped to its id without BPE
};

// `text` is already cleaned and lower-cased (cleanPromptText).
std::vector<PreToken> splitPreTokens(const std::u32string& text);

}  // namespace chiaro::core::text
