#pragma once
// manifest.json of a model bundle (CONTRACTS.md §2), parsed and validated. Reading a manifest
// touches no weights: it is cheap and safe to call on any folder the user points at.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace chiaro::core {

// The highest manifest format_version this build understands.
inline constexpr int kBundleFormatVersion = 1;

// The files every bundle has (keys of the manifest's "files"); "segmenter" is optional.
inline constexpr const char* kRequiredBundleFiles[] = {"text_encoder", "unet",  "vae_encoder",
                                                       "vae_decoder",  "vocab", "merges"};

struct BundleFile {
    std::string name;    // key in "files", e.g. "unet"
    std::string path;    // relative to the bundle folder, never absolute, never "..": checked
    std::string sha256;  // lower-case hex, 64 characters
    uint64_t bytes = 0;
};

// One LoRA merged into the bundle's weights at export (manifest "loras", in merge order). The
// weights already contain it: this is provenance, and `fast` tells a few-step LoRA (LCM-LoRA,
// Hyper-SD, TCD: by file name or safetensors metadata) so the app can offer a "Fast" preset.
struct BundleLora {
    std::string file;    // base name of the LoRA file, as given to the exporter
    std::string sha256;  // of the LoRA file, lower-case hex
    std::string format;  // "kohya" | "peft" | "diffusers-old" | "locon"
    double strength = 1.0;  // in [-2, 2], never 0 (strength-0 LoRAs are skipped, not recorded)
    bool fast = false;
};

struct BundleManifest {
    std::string dir;  // absolute, normalised bundle folder
    int formatVersion = 0;
    std::string variant;  // "fc" | "fbc"
    int concatChannels = 0;
    int latentChannels = 0;
    int vaeScaleFactor = 0;
    double scalingFactor = 0.0;
    int maxLength = 0;
    int hiddenSize = 0;
    // The special token ids come from the bundle's tokenizer/vocab.json (<|startoftext|>,
    // <|endoftext|>, pad = <|endoftext|> as IC-Light's tokenizer pads), not from the manifest's
    // "text" fields when the two disagree: exporters before 1.3 copied them from the base's
    // text_encoder/config.json, which says bos 0 / eos 2 / pad 1 in the real SD1.5 folders.
    int bosId = 0;
    int eosId = 0;
    int padId = 0;
    bool specialIdsCorrected = false;  // the manifest's ids were wrong and replaced (a warning said so)
    std::map<std::string, BundleFile> files;
    nlohmann::json architecture;  // diffusers-style configs; an empty object when absent
    nlohmann::json source;        // what the bundle was exported from; an empty object when absent
    std::string manifestSha256;   // of manifest.json's bytes: identifies the bundle in outputs
    std::vector<BundleLora> loras;  // optional "loras" array; empty when absent (no LoRA merged)

    bool hasSegmenter() const { return files.count("segmenter") != 0; }
    // True when a merged LoRA is a few-step one (LCM / Hyper-SD / TCD).
    bool hasFastLora() const;
    // Absolute path of a listed file; throws Error(ModelBundle) when the manifest lists no `name`.
    std::string filePath(const std::string& name) const;
};

// Reads and validates DIR/manifest.json, then takes the special token ids from the listed
// vocab.json (a cheap scan for the two special tokens; when the file is missing or lacks them the
// manifest's ids stay, and verification or the tokenizer reports the file). Throws Error(ModelBundle) with a message naming the folder
// or manifest and the field at fault (missing folder or manifest, malformed JSON, wrong format,
// newer format_version, missing/mistyped fields, paths leaving the folder, variant/concat mismatch).
BundleManifest readBundleManifest(const std::string& dir);

// The same validation on an already parsed manifest (dir is recorded as given); for tests and tools.
BundleManifest parseBundleManifest(const nlohmann::json& json, const std::string& dir,
                                   const std::string& manifestPath);

// The id of `token` in the text of a vocab.json ("token": id), or -1 when it is not there.
int findVocabId(const std::string& vocabJson, const std::string& token);

}  // namespace chiaro::core
