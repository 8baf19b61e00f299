#include "chiaro/text/clip_tokenizer.h"

#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "text/byte_level_bpe.h"
#include "text/pre_tokenizer.h"
#include "text/text_clean.h"
#include "text/tokenizer_files.h"
#include "text/utf8.h"

namespace chiaro::core {
namespace {

const std::string kStartOfText = "<|startoftext|>";
const std::string kEndOfText = "<|endoftext|>";
// Prompts repeat words, so the cache stays small in practice; the cap only bounds hostile input.
constexpr size_t kMaxCachedWords = 1 << 16;

int requireId(const std::unordered_map<std::string, int>& vocab,
              const std::string& token,
              const std::string& path) {
    const auto it = vocab.find(token);
    if (it == vocab.end()) {
        throw Error(ErrorCode::ModelBundle, path + ": no id for token \"" + token + "\"");
    }
    return it->second;
}

}  // namespace

struct ClipTokenizer::Impl {
    std::string vocabPath;
    std::unordered_map<std::string, int> vocab;
    text::ByteLevelBpe bpe;
    int bos = 0;
    int eos = 0;

    // BPE ids per pre-token (its UTF-8 bytes). Readers share the lock; a miss computes outside it.
    mutable std::shared_mutex cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int>> cache;

    std::vector<int> wordIds(const std::string& utf8) const;
};

std::vector<int> ClipTokenizer::Impl::wordIds(const std::string& utf8) const {
    {
        std::shared_lock lock(cacheMutex);
        const auto it = cache.find(utf8);
        if (it != cache.end())
            return it->second;
    }
    std::vector<int> ids;
    for (const std::string& symbol : bpe.apply(utf8))
        ids.push_back(requireId(vocab, symbol, vocabPath));
    std::unique_lock lock(cacheMutex);
    if (cache.size() >= kMaxCachedWords)
        cache.clear();
    cache.emplace(utf8, ids);
    return ids;
}

ClipTokenizer::ClipTokenizer() : m_impl(std::make_unique<Impl>()) {}
ClipTokenizer::ClipTokenizer(ClipTokenizer&&) noexcept = default;
ClipTokenizer& ClipTokenizer::operator=(ClipTokenizer&&) noexcept = default;
ClipTokenizer::~ClipTokenizer() = default;

ClipTokenizer ClipTokenizer::fromFiles(const std::string& vocabJsonPath,
                                       const std::string& mergesPath) {
    ClipTokenizer tokenizer;
    Impl& impl = *tokenizer.m_impl;
    impl.vocabPath = vocabJsonPath;
    impl.vocab = text::readVocabJson(vocabJsonPath);
    impl.bpe = text::readMerges(mergesPath);
    impl.bos = requireId(impl.vocab, kStartOfText, vocabJsonPath);
    impl.eos = requireId(impl.vocab, kEndOfText, vocabJsonPath);
    for (const std::string& symbol : text::ByteLevelBpe::byteSymbols()) {
        // Every byte must have a token, or some input could not be encoded at all.
        requireId(impl.vocab, symbol + "</w>", vocabJsonPath);
        requireId(impl.vocab, symbol, vocabJsonPath);
    }
    coreLog().debug("tokenizer: {} tokens, {} merges from {}", impl.vocab.size(),
                    impl.bpe.mergeCount(), mergesPath);
    return tokenizer;
}

ClipTokenizer ClipTokenizer::fromBundleDir(const std::string& bundleDir) {
    return fromFiles(bundleDir + "/tokenizer/vocab.json", bundleDir + "/tokenizer/merges.txt");
}

std::vector<int> ClipTokenizer::encode(const std::string& text) const {
    const std::u32string cleaned = text::cleanPromptText(text::decodeUtf8(text));
    std::vector<int> ids;
    for (const text::PreToken& token : text::splitPreTokens(cleaned)) {
        const std::string utf8 = text::encodeUtf8(token.text);
        // SimpleTokenizer seeds its BPE cache with the two special tokens, so exactly these texts
        // map straight to their ids (a case-folded match such as "<|ſtartoftext|>" goes through
        // BPE).
        if (token.special && (utf8 == kStartOfText || utf8 == kEndOfText)) {
            ids.push_back(utf8 == kStartOfText ? m_impl->bos : m_impl->eos);
            continue;
        }
        const std::vector<int> wordIds = m_impl->wordIds(utf8);
        ids.insert(ids.end(), wordIds.begin(), wordIds.end());
    }
    return ids;
}

int ClipTokenizer::bosId() const {
    return m_impl->bos;
}
int ClipTokenizer::eosId() const {
    return m_impl->eos;
}
size_t ClipTokenizer::vocabSize() const {
    return m_impl->vocab.size();
}

}  // namespace chiaro::core
