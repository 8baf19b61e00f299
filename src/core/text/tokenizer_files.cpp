#include "text/tokenizer_files.h"

#include <climits>
#include <fstream>

#include <nlohmann/json.hpp>

#include "chiaro/core/error.h"

namespace chiaro::core::text {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw Error(ErrorCode::ModelBundle, path + ": " + problem);
}

std::ifstream openOrFail(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path, "tokenizer file missing or unreadable");
    return in;
}

}  // namespace

std::unordered_map<std::string, int> readVocabJson(const std::string& path) {
    std::ifstream in = openOrFail(path);
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        fail(path, std::string("not valid JSON (") + e.what() + ")");
    }
    if (!json.is_object() || json.empty())
        fail(path, "expected a non-empty {token: id} object");
    std::unordered_map<std::string, int> vocab;
    vocab.reserve(json.size());
    for (const auto& [token, id] : json.items()) {
        if (!id.is_number_integer() || id.get<long long>() < 0 || id.get<long long>() > INT_MAX) {
            fail(path, "token \"" + token + "\" has no non-negative integer id");
        }
        vocab.emplace(token, id.get<int>());
    }
    return vocab;
}

ByteLevelBpe readMerges(const std::string& path) {
    std::ifstream in = openOrFail(path);
    ByteLevelBpe bpe;
    std::string line;
    int lineNumber = 0;
    while (std::getline(in, line)) {
        ++lineNumber;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || (lineNumber == 1 && line.rfind("#version", 0) == 0))
            continue;
        const size_t space = line.find(' ');
        if (space == 0 || space == std::string::npos || space + 1 == line.size() ||
            line.find(' ', space + 1) != std::string::npos) {
            fail(path, "line " + std::to_string(lineNumber) + " is not a \"first second\" pair");
        }
        bpe.addMerge(line.substr(0, space), line.substr(space + 1));
    }
    if (bpe.mergeCount() == 0)
        fail(path, "no merges");
    return bpe;
}

}  // namespace chiaro::core::text
