#pragma once
// What a file dropped from the file manager means to the studio, decided from the path and, for
// PNGs, their text chunks: a folder goes to Batch, `*_mask.png` is a mask, a PNG that Chiaro wrote
// restores its job, any other image opens as the photo.
#include <optional>

#include <QString>

#include <nlohmann/json.hpp>

namespace chiaro::gui {

enum class DropKind { Photo, Mask, Folder, ChiaroResult, Unsupported };

DropKind classifyDroppedPath(const QString& path);

// The job JSON of the `chiaro` chunk (iTXt, or tEXt) of a PNG written by Chiaro; empty when the file
// has none or it is not valid JSON. Never throws.
std::optional<nlohmann::json> readChiaroJob(const QString& path);

}  // namespace chiaro::gui
