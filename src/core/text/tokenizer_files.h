#pragma once
// Readers of a Hugging Face CLIP tokenizer folder: vocab.json (token -> id) and merges.txt (one
// "first second" pair per line, by rank, after a "#version" line). Errors are Error(ModelBundle)
// naming the file. Internal to the text module.
#include <string>
#include <unordered_map>

#include "text/byte_level_bpe.h"

namespace chiaro::core::text {

std::unordered_map<std::string, int> readVocabJson(const std::string& path);
ByteLevelBpe readMerges(const std::string& path);

}  // namespace chiaro::core::text
