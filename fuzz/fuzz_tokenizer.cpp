// libFuzzer: the CLIP tokenizer and prompt chunking on arbitrary bytes (any UTF-8, valid or not,
// must encode without a crash; chunking refuses long prompts with Error(Usage) only).
// The vocabulary is the shared parity kit's (CHIARO_SHARED_DIR at run time, else the build's).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "chiaro/core/error.h"
#include "chiaro/text/clip_tokenizer.h"
#include "chiaro/text/prompt_chunks.h"

namespace {

const chiaro::core::ClipTokenizer& tokenizer() {
    static const chiaro::core::ClipTokenizer instance = [] {
        const char* env = std::getenv("CHIARO_SHARED_DIR");
        const std::string dir = std::string(env ? env : CHIARO_SHARED_DIR_DEFAULT) + "/parity/tiny_sd/tokenizer";
        return chiaro::core::ClipTokenizer::fromFiles(dir + "/vocab.json", dir + "/merges.txt");
    }();
    return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto& t = tokenizer();
    const std::vector<int> ids = t.encode(text);
    for (int id : ids) {
        if (id < 0 || static_cast<size_t>(id) >= t.vocabSize()) std::abort();
    }
    try {
        const auto chunks = chiaro::core::chunkPrompt(ids, t.bosId(), t.eosId(), t.eosId());
        if (chunks.empty()) std::abort();
    } catch (const chiaro::core::Error& e) {
        if (e.code() != chiaro::core::ErrorCode::Usage) std::abort();
    }
    return 0;
}
