#pragma once
// Importing models: what `chiaro-cli models import` and the app's Settings › Import… share. The
// exporter (models/export.py, Python) does the work in a child process that the caller runs (the
// CLI with posix_spawn, the app with QProcess); this header decides everything around it: where the
// exporter and Python are, the cheap checks of the inputs before minutes of export, the argument
// lists, the exporter's `PROGRESS` lines and error lines, and the commit of the new bundles.
//
// Layout of a model folder OUT after an import: OUT/fc and/or OUT/fbc (one bundle per IC-Light
// file, named by its variant) and OUT/pair.json pairing them (model_set.h). Exports go to a hidden
// staging folder OUT/.chiaro-import-*; only when every export succeeded are the bundles moved into
// place (an old bundle of the same variant is replaced only then, and restored if the new one fails
// verification). A cancel, a crash or a full disk leaves the old bundles untouched and, once
// abandonImport() ran, nothing else behind.
#include <optional>
#include <string>
#include <vector>

#include "chiaro/bundle/load_options.h"
#include "chiaro/core/error.h"

namespace chiaro::core {

// A LoRA merged into the new bundles at export (models/export.py --lora FILE:STRENGTH): on top of
// the IC-Light merge, into the UNet and the text encoder of every bundle of the import.
struct ImportLora {
    std::string path;
    double strength = 1.0;  // -2..2 (kLoraStrengthLimit); 0 is checked but not merged
};

inline constexpr double kLoraStrengthLimit = 2.0;

struct ImportRequest {
    std::string base;                  // diffusers SD1.5 folder or single-file .safetensors
    std::vector<std::string> iclight;  // one or two IC-Light files (one fc, one fbc)
    std::string segmenter;             // optional: BriaRMBG-1.4 / BiRefNet model.safetensors
    std::string vae;                   // optional: a replacement VAE
    std::string vocab;                 // optional: CLIP vocabulary (default: BASE/tokenizer)
    std::string outDir;                // the model folder; bundles go to OUT/<variant>
    std::vector<ImportLora> loras;     // optional, merged in this order
};

// `FILE[:STRENGTH]` as the exporter reads it: split on the last colon only when what follows is a
// number (so C:\x.safetensors stays a path). Throws Error(Usage) when the strength is not finite
// or outside -2..2, or is not a number while FILE before the colon exists.
ImportLora parseLoraSpec(const std::string& spec);

// The one-line Usage message for a strength outside -2..2 (also the exporter's wording).
void checkLoraStrength(const ImportLora& lora);

struct ExporterLocation {
    std::string python;  // interpreter with torch + numpy
    std::string script;  // absolute path of export.py
    std::string origin;  // "CHIARO_EXPORTER", "installed" or "source tree"
};

// CHIARO_EXPORTER (a path to export.py) first, then <exe>/../share/chiaro/models/export.py next to
// the running binary, then the source tree this build came from. Python: CHIARO_PYTHON, else
// /usr/bin/python3. Throws Error(Failure) saying where it looked when nothing is found.
ExporterLocation locateExporter();

// The variant an IC-Light offset file holds, from its conv_in width (8: fc, 12: fbc), checked
// without the exporter. Throws Error(BadInput) naming the file when it is not an IC-Light file: a
// folder, a truncated or non-safetensors file, a full SD checkpoint, a plain UNet or a VAE.
std::string iclightVariant(const std::string& path);

// True when `path` is a safetensors file whose names are a LoRA's (kohya `lora_unet_*` /
// `lora_te*_`, or `.lora_A.` / `.lora_down.` / `lora.down` style); reads only the header, never throws.
bool isLoraFile(const std::string& path);

// Seconds-cheap checks before the export: the base is an existing diffusers folder with every
// part, or a single-file checkpoint (not IC-Light offsets); one or two IC-Light files of distinct
// variants; optional files exist; each LoRA exists, is a safetensors file and has a strength in
// -2..2 (Usage); OUT is not a file. Throws Error(BadInput) or Error(Usage) with
// one line naming the file at fault. Returns the variant of each IC-Light file, in order.
std::vector<std::string> checkImportInputs(const ImportRequest& request);

struct ExportStep {
    std::string variant;            // "fc" | "fbc"
    std::string stagingDir;         // where this export writes its bundle
    std::vector<std::string> argv;  // argv[0] is the Python interpreter
};

struct ImportPlan {
    ImportRequest request;
    ExporterLocation exporter;
    std::string outDir;      // absolute
    std::string stagingDir;  // OUT/.chiaro-import-<unique>, created by planImport
    std::vector<ExportStep> steps;
};

// Checks the inputs (checkImportInputs), creates OUT and the staging folder and builds one export
// step per IC-Light file; the segmenter goes with the first one only. `progress` adds the
// exporter's --progress flag. Throws like checkImportInputs, or Error(Failure) when OUT cannot be
// created.
ImportPlan planImport(const ImportRequest& request, const ExporterLocation& exporter, bool progress = true);

// The exporter's arguments for one IC-Light file (without the interpreter).
std::vector<std::string> exporterArguments(const ExporterLocation& exporter, const ImportRequest& request,
                                           size_t iclightIndex, const std::string& out, bool progress);

struct ExportProgress {
    double fraction = 0.0;  // 0..1 within one export
    std::string message;
};

// Parses `PROGRESS <fraction> <message>`; nullopt for any other line (or a fraction that is not a
// finite number). The fraction is clamped to 0..1.
std::optional<ExportProgress> parseProgressLine(const std::string& line);

// The whole import's fraction when export `step` of `steps` is at `fraction`: the exports share
// 0..0.95, verification takes the rest.
double importFraction(size_t step, size_t steps, double fraction);

// The exporter's failure in one line: its last `error: ` line (prefix removed), else its last
// `export.py: ` line, else the last non-empty line of stderr (e.g. a Python exception), else a
// line with the exit status.
std::string exporterErrorMessage(const std::string& stderrText, int exitCode);
// The CLI exit code for an exporter's exit code: 2 and 3 (refused inputs) are BadInput.
ErrorCode exporterErrorCode(int exitCode);

// exporterErrorMessage for step `step` of a plan, with the staging folder's paths spelled as the
// final ones (OUT/<variant>): what the user asked for, and what stays unchanged.
std::string exportFailureMessage(const ImportPlan& plan, size_t step, const std::string& stderrText,
                                 int exitCode);

struct ImportedBundle {
    std::string variant;
    std::string dir;  // absolute, OUT/<variant>
    bool hasSegmenter = false;
    std::string summary;  // the verification verdict
};

struct ImportResult {
    std::string outDir;
    std::string pairFile;  // OUT/pair.json
    std::vector<ImportedBundle> bundles;
};

// After every step exited with 0: moves the bundles into place, verifies each with checkBundle
// (`options`; an old bundle is restored when the new one fails), writes pair.json and removes the
// staging folder. Throws Error(ModelBundle) naming the bundle at fault. Slow (hashes and probes
// every module): call it off any UI thread.
ImportResult finishImport(const ImportPlan& plan, const LoadOptions& options = {});

// Removes the staging folder and whatever the exports left in it; never throws. Call it after a
// failed or cancelled step (once the child process has exited).
void abandonImport(const ImportPlan& plan) noexcept;

}  // namespace chiaro::core
