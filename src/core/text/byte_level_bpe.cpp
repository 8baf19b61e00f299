#include "text/byte_level_bpe.h"

#include <climits>

#include "text/utf8.h"

namespace chiaro::core::text {
namespace {

const std::string kEndOfWord = "</w>";

std::array<std::string, 256> makeByteSymbols() {
    // Printable Latin-1 bytes stand for themselves; the others take 256, 257, ... in byte order, so
    // no symbol is white space or a control character (and ' ' can separate a merge pair).
    std::array<std::string, 256> symbols;
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
        appendUtf8(printable ? static_cast<char32_t>(b) : next++, symbols[b]);
    }
    return symbols;
}

// Merges every non-overlapping occurrence of (first, second), left to right.
std::vector<std::string> mergePair(const std::vector<std::string>& word,
                                   const std::string& first,
                                   const std::string& second) {
    std::vector<std::string> merged;
    merged.reserve(word.size());
    for (size_t i = 0; i < word.size(); ++i) {
        if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
            merged.push_back(first + second);
            ++i;
        } else {
            merged.push_back(word[i]);
        }
    }
    return merged;
}

}  // namespace

const std::array<std::string, 256>& ByteLevelBpe::byteSymbols() {
    static const std::array<std::string, 256> symbols = makeByteSymbols();
    return symbols;
}

void ByteLevelBpe::addMerge(const std::string& first, const std::string& second) {
    // A repeated pair keeps its later rank, as Python's dict(zip(merges, range(n))) does.
    m_ranks[first + ' ' + second] = m_nextRank++;
}

int ByteLevelBpe::rankOf(const std::string& first, const std::string& second) const {
    std::string key;
    key.reserve(first.size() + second.size() + 1);
    key.append(first).append(1, ' ').append(second);
    const auto it = m_ranks.find(key);
    return it == m_ranks.end() ? INT_MAX : it->second;
}

std::vector<std::string> ByteLevelBpe::apply(const std::string& utf8) const {
    const auto& symbols = byteSymbols();
    std::vector<std::string> word;
    word.reserve(utf8.size());
    for (char byte : utf8)
        word.push_back(symbols[static_cast<unsigned char>(byte)]);
    if (word.empty())
        return word;
    word.back() += kEndOfWord;
    while (word.size() > 1) {
        int bestRank = INT_MAX;
        size_t best = 0;
        for (size_t i = 0; i + 1 < word.size(); ++i) {
            const int rank = rankOf(word[i], word[i + 1]);
            if (rank < bestRank) {
                bestRank = rank;
                best = i;
            }
        }
        if (bestRank == INT_MAX)
            break;
        const std::string first = word[best];
        const std::string second = word[best + 1];
        word = mergePair(word, first, second);
    }
    return word;
}

}  // namespace chiaro::core::text
