#pragma once
// Shared by the text tests: the one tokenizer loaded from the shared parity kit, and an independent
// decoder (ids -> UTF-8 bytes) built from vocab.json and CLIP's bytes_to_unicode.
#include <map>
#include <string>
#include <vector>

#include "chiaro/text/clip_tokenizer.h"

namespace chiaro::test {

std::string sharedTokenizerDir();  // <shared>/parity/tiny_sd/tokenizer
const core::ClipTokenizer& sharedTokenizer();

// Concatenated bytes of the tokens, "</w>" dropped: what the pre-tokens were, without the spaces.
std::string decodeIds(const std::vector<int>& ids);

}  // namespace chiaro::test
