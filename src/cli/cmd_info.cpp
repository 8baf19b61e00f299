// chiaro-cli info OUT.png|OUT.tif: prints the job embedded in a Chiaro result (CONTRACTS.md §5) as JSON, so a
// script can read back the parameters and the full job of any output.
#include <nlohmann/json.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/image/photo.h"
#include "chiaro/image/png_metadata.h"
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {
namespace {

using nlohmann::json;

constexpr const char* kChiaroKey = "chiaro";
constexpr const char* kParametersKey = "parameters";

// `parameters` is tEXt (Latin-1) when Chiaro writes it; the web UI uses iTXt for non-Latin-1 prompts.
json parametersOf(const core::PngTextChunks& chunks) {
    if (auto it = chunks.utf8.find(kParametersKey); it != chunks.utf8.end()) return it->second;
    if (auto it = chunks.latin1.find(kParametersKey); it != chunks.latin1.end()) {
        return core::latin1ToUtf8(it->second);
    }
    return nullptr;
}

json chiaroJobOf(const std::string& path, const core::PngTextChunks& chunks) {
    auto it = chunks.utf8.find(kChiaroKey);
    if (it == chunks.utf8.end()) {
        throw core::Error(core::ErrorCode::BadInput, path + ": no Chiaro metadata (no 'chiaro' iTXt chunk)");
    }
    json job = json::parse(it->second, nullptr, false);
    if (job.is_discarded() || !job.is_object()) {
        throw core::Error(core::ErrorCode::BadInput, path + ": the 'chiaro' metadata is not a JSON object");
    }
    return job;
}

}  // namespace

int runInfo(const Args& args) {
    ArgParser parser("info", "prints the parameters embedded in a Chiaro PNG or TIFF as JSON");
    parser.addPositional("image", "a PNG or TIFF written by Chiaro");
    if (!parser.parse(args)) return printHelp(parser);
    applyCommonOptions(parser);

    const std::string path = parser.positional(0);
    const core::PngTextChunks chunks = core::readImageTextChunksFromFile(path);  // PNG chunks or TIFF description
    const cv::Size size = core::probeImageSize(path);
    json out;
    out[kParametersKey] = parametersOf(chunks);
    out[kChiaroKey] = chiaroJobOf(path, chunks);
    out["width"] = size.width;
    out["height"] = size.height;
    printLine(out.dump(2, ' ', false, json::error_handler_t::replace));
    return 0;
}

}  // namespace chiaro::cli
