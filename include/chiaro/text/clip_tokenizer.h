#pragma once
// CLIP BPE tokenizer (OpenAI's SimpleTokenizer behaviour) from a bundle's tokenizer/vocab.json and
// merges.txt (Hugging Face layout). Thread-safe for concurrent encode() calls (the BPE cache is
// guarded).
#include <memory>
#include <string>
#include <vector>

namespace chiaro::core {

class ClipTokenizer {
public:
    // Throws Error(ModelBundle) naming the file when either is missing or malformed.
    static ClipTokenizer fromFiles(const std::string& vocabJsonPath, const std::string& mergesPath);
    // Convenience: DIR/tokenizer/vocab.json + DIR/tokenizer/merges.txt of a bundle folder.
    static ClipTokenizer fromBundleDir(const std::string& bundleDir);

    ClipTokenizer(ClipTokenizer&&) noexcept;
    ClipTokenizer& operator=(ClipTokenizer&&) noexcept;
    ~ClipTokenizer();

    // Token ids of `text` WITHOUT BOS/EOS: whitespace cleaning, HTML unescaping, lower-casing, the
    // CLIP pre-tokenisation pattern, byte-to-unicode and BPE. Accepts any UTF-8 (invalid bytes are
    // replaced, never a crash).
    std::vector<int> encode(const std::string& text) const;

    int bosId() const;  // 49406 for CLIP
    int eosId() const;  // 49407 for CLIP
    size_t vocabSize() const;

private:
    ClipTokenizer();
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace chiaro::core
