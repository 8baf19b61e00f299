#pragma once
// IC-Light's prompt handling: 75-token chunks wrapped as [BOS] + chunk + [EOS] and padded with the
// pad id to 77; positive and negative chunk lists paired to the same count by repetition.
#include <array>
#include <vector>

namespace chiaro::core {

constexpr int kClipContextLength = 77;
constexpr int kClipChunkTokens = 75;
constexpr int kMaxPromptChunks = 20;  // longer prompts are refused (Error(Usage))

using TokenChunk = std::array<int, kClipContextLength>;

// ids: the prompt's tokens without BOS/EOS. An empty prompt gives one chunk [BOS, EOS, pad...].
std::vector<TokenChunk> chunkPrompt(const std::vector<int>& ids, int bosId, int eosId, int padId);

// If the counts differ, the shorter list is repeated ceil(max/len) times and cut to the longer count.
void pairChunkCounts(std::vector<TokenChunk>& positive, std::vector<TokenChunk>& negative);

}  // namespace chiaro::core
