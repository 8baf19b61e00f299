// chiaro-cli tokenize: the CLIP token ids of a text, [BOS, ids..., EOS] (unchunked, unpadded), as
// one JSON array on stdout (CONTRACTS.md §4). Useful to check how a prompt will be cut into chunks.
#include <nlohmann/json.hpp>

#include "chiaro/core/paths.h"
#include "chiaro/text/clip_tokenizer.h"
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {

int runTokenize(const Args& args) {
    ArgParser parser("tokenize", "print the CLIP token ids of TEXT as a JSON array");
    parser.addOption("models", "DIR",
                     "model bundle folder (reads DIR/tokenizer/vocab.json and merges.txt)",
                     core::defaultModelsDir());
    parser.addPositional("TEXT", "the prompt to tokenize");
    if (!parser.parse(args))
        return printHelp(parser);
    applyCommonOptions(parser);

    const auto tokenizer = core::ClipTokenizer::fromBundleDir(parser.value("models"));
    nlohmann::json ids = nlohmann::json::array();
    ids.push_back(tokenizer.bosId());
    for (int id : tokenizer.encode(parser.positional(0)))
        ids.push_back(id);
    ids.push_back(tokenizer.eosId());
    printLine(ids.dump());
    return 0;
}

}  // namespace chiaro::cli
