#include "tokenizer_test_support.h"

#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace chiaro::test {
namespace {

// CLIP's bytes_to_unicode() written out again here (not taken from the code under test): code
// point of the stand-in -> byte.
std::map<char32_t, unsigned char> standInToByte() {
    std::map<char32_t, unsigned char> map;
    char32_t extra = 256;
    for (int b = 0; b < 256; ++b) {
        const bool kept = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        map[kept ? static_cast<char32_t>(b) : extra++] = static_cast<unsigned char>(b);
    }
    return map;
}

// Tokens are short UTF-8 strings of stand-ins below U+0200 (two bytes at most).
std::string tokenBytes(const std::string& token) {
    static const std::map<char32_t, unsigned char> byteOf = standInToByte();
    std::string out;
    for (size_t i = 0; i < token.size();) {
        const auto lead = static_cast<unsigned char>(token[i]);
        char32_t cp = lead;
        if (lead >= 0xC0) {
            cp = ((lead & 0x1F) << 6) | (static_cast<unsigned char>(token[i + 1]) & 0x3F);
            i += 2;
        } else {
            i += 1;
        }
        out.push_back(static_cast<char>(byteOf.at(cp)));
    }
    return out;
}

std::vector<std::string> loadIdToToken() {
    std::ifstream in(sharedTokenizerDir() + "/vocab.json");
    const nlohmann::json vocab = nlohmann::json::parse(in);
    std::vector<std::string> tokens(vocab.size());
    for (const auto& [token, id] : vocab.items())
        tokens.at(id.get<size_t>()) = token;
    return tokens;
}

}  // namespace

std::string sharedTokenizerDir() {
    return sharedDir() + "/parity/tiny_sd/tokenizer";
}

const core::ClipTokenizer& sharedTokenizer() {
    static const core::ClipTokenizer tokenizer = core::ClipTokenizer::fromFiles(
        sharedTokenizerDir() + "/vocab.json", sharedTokenizerDir() + "/merges.txt");
    return tokenizer;
}

std::string decodeIds(const std::vector<int>& ids) {
    static const std::vector<std::string> tokens = loadIdToToken();
    std::string out;
    for (int id : ids) {
        std::string token = tokens.at(static_cast<size_t>(id));
        if (token.size() >= 4 && token.compare(token.size() - 4, 4, "</w>") == 0)
            token.resize(token.size() - 4);
        out += tokenBytes(token);
    }
    return out;
}

}  // namespace chiaro::test
