#pragma once
// What a file dropped from the file manager means to the studio, decided from the path and, for
// PNGs, their text chunks: a folder goes to Batch, `*_mask.png` is a mask, a PNG that Chiaro wrote
// restores its job, any other image opens as the photo; and what the drop does, given the studio's
// state (routeDrop): an image becomes the fbc background instead when Shift is held, or when a photo
// is already open and the mode is "match background". Drops onto the background slot itself are the
// slot's (it always takes the image as background).
#include <optional>
#include <vector>

#include <QString>

#include <nlohmann/json.hpp>

namespace chiaro::gui {

enum class DropKind { Photo, Mask, Folder, ChiaroResult, Unsupported };

DropKind classifyDroppedPath(const QString& path);

enum class DropAction { OpenPhoto, SetBackground, LoadMask, RestoreJob, OpenBatchFolder, Ignore };

struct DropContext {
    bool hasPhoto = false;         // a photo is open in the studio
    bool matchBackground = false;  // the mode is "match background (fbc)"
    bool shift = false;            // Shift held during the drop: images go to the background slot
};

// What one dropped item does. Within one drop of several files, the first image opens as the photo
// (when none is open and Shift is not held) and later images fill the background in fbc mode;
// routeDrop(kinds, ...) applies that: pass the kinds in drop order.
DropAction routeDrop(DropKind kind, const DropContext& context);
std::vector<DropAction> routeDrop(const std::vector<DropKind>& kinds, DropContext context);

// The job JSON of the `chiaro` chunk (iTXt, or tEXt) of a PNG written by Chiaro; empty when the file
// has none or it is not valid JSON. Never throws.
std::optional<nlohmann::json> readChiaroJob(const QString& path);

}  // namespace chiaro::gui
