#pragma once
// Integrity check of a bundle's files against its manifest: existence, size and sha256 of every
// listed file. Hashing a full SD1.5 bundle takes seconds, so successful results are cached per file,
// keyed by (absolute path, size, mtime in ns, expected sha256): a second start is instant, and a
// modified or merely touched file is hashed again.
#include <cstdint>
#include <string>
#include <vector>

#include "chiaro/bundle/bundle_manifest.h"

namespace chiaro::core {

struct VerifyOptions {
    bool useCache = true;
    std::string cachePath;  // empty: defaultVerifyCachePath()
};

struct FileVerdict {
    std::string name;  // manifest key, e.g. "unet"
    std::string path;  // as listed in the manifest, relative to the bundle folder
    uint64_t bytes = 0;  // actual size on disk (0 when missing)
    bool ok = false;
    std::string problem;  // empty when ok, else e.g. "sha256 mismatch (...)"
};

struct BundleVerification {
    bool ok = false;
    bool fromCache = false;  // every file was accepted from the cache, none was hashed
    std::vector<FileVerdict> files;  // bundle order: text_encoder, unet, vae_*, vocab, merges, rest

    const FileVerdict* firstProblem() const;
    // "DIR/unet.pt: sha256 mismatch (...)" for the first failed file; empty when ok.
    std::string problemMessage(const BundleManifest& manifest) const;
};

// userDataDir()/verify-cache.json
std::string defaultVerifyCachePath();

// Checks every file the manifest lists. Never throws for bundle problems (they are verdicts); an
// unreadable or corrupt cache is ignored with a warning, and cache writes are atomic.
BundleVerification verifyBundleFiles(const BundleManifest& manifest, const VerifyOptions& options = {});

}  // namespace chiaro::core
