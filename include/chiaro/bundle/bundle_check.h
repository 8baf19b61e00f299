#pragma once
// A full health check of a model bundle for `chiaro-cli models check` and the app's model panel:
// manifest, every file's size and sha256, then each TorchScript module loaded and probed with a
// tiny forward pass. Torch-free interface; the work happens in the bundle module's Torch sources.
#include <string>
#include <utility>
#include <vector>

#include "chiaro/bundle/bundle_verify.h"
#include "chiaro/bundle/load_options.h"
#include "chiaro/core/error.h"

namespace chiaro::core {

struct BundleCheckReport {
    std::vector<FileVerdict> files;  // empty when the manifest could not be read
    bool filesFromCache = false;     // no file needed hashing (see verifyBundleFiles)
    // In check order: "manifest", "files", "device", then one per module ("text_encoder", "unet",
    // "vae_encoder", "vae_decoder", ["segmenter"]); value "ok" or the problem.
    std::vector<std::pair<std::string, std::string>> checks;
    bool ok = false;
    ErrorCode code = ErrorCode::Ok;  // of the first failed check
    std::string summary;             // one line: the verdict, or the first problem naming its file
    std::string variant;             // from the manifest, when it could be read
    std::string device;              // e.g. "cpu (fp32)" once resolved
};

// Never throws for bundle problems (it reports them with code ModelBundle); throws Error(Usage) only
// for invalid options (e.g. device "tpu"). Every module is checked even after one fails, except
// modules whose file failed verification (reported as skipped).
BundleCheckReport checkBundle(const std::string& dir, const LoadOptions& options = {});

}  // namespace chiaro::core
