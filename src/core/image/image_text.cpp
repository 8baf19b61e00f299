// readImageTextChunksFromFile (photo.h): the metadata saveImage wrote, from a PNG or a TIFF.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/image/photo.h"
#include "image/png_chunks.h"
#include "image/tiff_tags.h"

namespace chiaro::core {
namespace {

constexpr uint16_t kImageDescriptionTag = 270;

// saveImage puts the job JSON in ImageDescription, or the infotext when there is no job.
PngTextChunks tiffTextChunks(std::string_view tiff) {
    PngTextChunks chunks;
    const auto description = readTiffTagBytes(tiff, kImageDescriptionTag);
    if (!description)
        return chunks;
    std::string text(*description);
    text.resize(std::min(text.size(), text.find('\0')));  // ASCII tags end with a NUL
    const bool isJob = nlohmann::json::accept(text) && nlohmann::json::parse(text).is_object();
    chunks.utf8[isJob ? "chiaro" : "parameters"] = text;
    return chunks;
}

}  // namespace

PngTextChunks readImageTextChunksFromFile(const std::string& path) {
    const std::string bytes = readFileBytes(path);
    if (png::hasSignature(bytes)) {
        try {
            return readPngTextChunks(bytes);
        } catch (const Error& e) {
            throw Error(e.code(), path + ": " + e.what());
        }
    }
    if (hasTiffSignature(bytes))
        return tiffTextChunks(bytes);
    return {};
}

}  // namespace chiaro::core
