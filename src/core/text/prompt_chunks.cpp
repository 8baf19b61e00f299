#include "chiaro/text/prompt_chunks.h"

#include <algorithm>

#include "chiaro/core/error.h"

namespace chiaro::core {

std::vector<TokenChunk> chunkPrompt(const std::vector<int>& ids, int bosId, int eosId, int padId) {
    // An empty prompt still gives one chunk, so the text encoder always has a context to read.
    const size_t count =
        std::max<size_t>(1, (ids.size() + kClipChunkTokens - 1) / kClipChunkTokens);
    if (count > static_cast<size_t>(kMaxPromptChunks)) {
        throw Error(ErrorCode::Usage, "prompt too long: " + std::to_string(count) +
                                          " chunks (max " + std::to_string(kMaxPromptChunks) + ")");
    }
    std::vector<TokenChunk> chunks(count);
    for (size_t c = 0; c < count; ++c) {
        TokenChunk& chunk = chunks[c];
        chunk.fill(padId);
        const size_t begin = c * kClipChunkTokens;
        const size_t end = std::min(ids.size(), begin + kClipChunkTokens);
        chunk[0] = bosId;
        std::copy(ids.begin() + static_cast<std::ptrdiff_t>(begin),
                  ids.begin() + static_cast<std::ptrdiff_t>(end), chunk.begin() + 1);
        chunk[1 + end - begin] = eosId;
    }
    return chunks;
}

void pairChunkCounts(std::vector<TokenChunk>& positive, std::vector<TokenChunk>& negative) {
    if (positive.size() == negative.size())
        return;
    if (positive.empty() || negative.empty()) {
        throw Error(ErrorCode::Failure, "pairChunkCounts: a chunk list is empty (use chunkPrompt)");
    }
    std::vector<TokenChunk>& shorter = positive.size() < negative.size() ? positive : negative;
    const size_t target = std::max(positive.size(), negative.size());
    // IC-Light: shorter * ceil(target / len), then cut to target; i.e. cycle through the list.
    const size_t original = shorter.size();
    shorter.reserve(target);
    for (size_t i = original; i < target; ++i)
        shorter.push_back(shorter[i % original]);
}

}  // namespace chiaro::core
