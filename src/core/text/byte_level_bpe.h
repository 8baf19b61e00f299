#pragma once
// CLIP's byte-level BPE: a pre-token's UTF-8 bytes become printable symbols (bytes_to_unicode), the
// last one gets "</w>", and the lowest-ranked adjacent pair is merged until no ranked pair is left.
// Immutable after loading, so apply() is safe from any thread. Internal to the text module.
#include <array>
#include <string>
#include <unordered_map>
#include <vector>

namespace chiaro::core::text {

class ByteLevelBpe {
  public:
    // Merges are added in rank order (rank = the order of merges.txt, version line excluded).
    void addMerge(const std::string& first, const std::string& second);
    size_t mergeCount() const { return static_cast<size_t>(m_nextRank); }

    // The BPE symbols of one pre-token given as its UTF-8 bytes (not empty).
    std::vector<std::string> apply(const std::string& utf8) const;

    // bytes_to_unicode(): byte -> UTF-8 of its printable stand-in code point.
    static const std::array<std::string, 256>& byteSymbols();

  private:
    int rankOf(const std::string& first, const std::string& second) const;

    std::unordered_map<std::string, int> m_ranks;  // key: first + ' ' + second
    int m_nextRank = 0;
};

}  // namespace chiaro::core::text
