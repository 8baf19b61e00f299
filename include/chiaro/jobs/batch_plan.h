#pragma once
// Batch planning (Qt-free): which photos of a folder become which jobs, with which mask and output
// name. The plan is deterministic (sorted paths) so that `--shard I/N` splits a catalogue the same way
// on every machine, and a re-plan after a crash yields the same output names.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chiaro/light/light.h"

namespace chiaro::core {

enum class BatchMaskSource {
    None,      // relight the whole photo
    Matching,  // `<name>_mask.png` next to the photo or in BatchOptions::maskDir; none found = whole photo
    Single,    // one mask file for every photo (resized to each photo)
    GrabCut,   // automatic: GrabCut from a centred rectangle
    Segmenter, // automatic: the bundle's segmenter.pt
};

const char* batchMaskSourceName(BatchMaskSource source);
// Parses "none|match|single|grabcut|segmenter|auto" ("auto" = segmenter when the bundle has one, else
// GrabCut; resolved by the caller, returned here as Segmenter with `autoFallback` set). Throws Usage.
BatchMaskSource parseBatchMaskSource(const std::string& text, bool* autoFallback = nullptr);

struct BatchOptions {
    std::string inputDir;
    std::string outputDir;
    bool recursive = false;
    std::vector<std::string> extensions = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"};
    std::string namePattern = "{name}_{light}_{seed}.png";
    BatchMaskSource maskSource = BatchMaskSource::Matching;
    std::string maskDir;         // Matching: also look here (by relative path), besides the photo's folder
    std::string singleMaskPath;  // Single
    std::vector<std::optional<LightDirection>> lights;  // one output per entry (sweep); empty = the job's light
    bool skipExisting = true;    // a photo whose output file already exists is not planned again
    int shardIndex = 0;          // 0-based; `--shard I/N` on the CLI is 1-based
    int shardCount = 1;
};

struct BatchItem {
    std::string inputPath;     // absolute
    std::string relativeName;  // path below inputDir without extension ("shoes/red")
    std::string maskPath;      // empty: per maskSource (whole photo, or automatic)
    std::optional<LightDirection> light;  // overrides the shared light (sweep or per-image override)
    std::string outputPath;    // absolute, final name (never a temp name)
    bool outputExists = false; // skipped when BatchOptions::skipExisting
};

// Lists the photos under `inputDir` (sorted, by extension, case-insensitive; hidden files and the
// output folder are skipped). Throws BadInput when the folder does not exist.
std::vector<std::string> scanInputFolder(const std::string& inputDir, bool recursive,
                                         const std::vector<std::string>& extensions,
                                         const std::string& excludeDir = {});

// Expands {name} {stem} {light} {seed} {index} {date} in the pattern; the result has path separators
// and characters that are unsafe in file names replaced. `light` renders as "az270_el20" or "none".
std::string expandNamePattern(const std::string& pattern, const std::string& relativeName,
                              const std::optional<LightDirection>& light, uint64_t seed, int index);

// Plans the batch: one item per photo and light (sweep), shard-filtered, with masks resolved.
// Items whose output already exists are returned with outputExists = true: the caller skips them
// when BatchOptions::skipExisting (and counts them as skipped). `<stem>_mask.*` files beside a photo
// `<stem>.*` are masks, never photos. Two photos mapping to one output name is a Usage error.
// Throws Usage on a bad pattern/shard, BadInput on a missing folder or single mask.
std::vector<BatchItem> planBatch(const BatchOptions& options, const std::optional<LightDirection>& sharedLight,
                                 uint64_t seed);

// Parses "I/N" (1-based, 1 <= I <= N) into 0-based index and count. Throws Usage.
void parseShard(const std::string& text, int& index, int& count);

// Whether the photo with this relative name belongs to shard `index` of `count` (stable hash of the
// name, so adding photos to a catalogue does not move the others between shards).
bool inShard(const std::string& relativeName, int index, int count);

}  // namespace chiaro::core
