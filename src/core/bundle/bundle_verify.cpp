#include "chiaro/bundle/bundle_verify.h"

#include <chrono>
#include <filesystem>
#include <optional>

#include "chiaro/bundle/sha256.h"
#include "chiaro/core/logging.h"
#include "chiaro/core/paths.h"
#include "verify_cache.h"

namespace chiaro::core {
namespace fs = std::filesystem;
namespace {

// Display and check order: models first (the expensive, most likely damaged files), then tokenizer.
std::vector<const BundleFile*> orderedFiles(const BundleManifest& manifest) {
    std::vector<const BundleFile*> ordered;
    for (const char* name : {"text_encoder", "unet", "vae_encoder", "vae_decoder", "vocab", "merges",
                             "segmenter"}) {
        if (auto it = manifest.files.find(name); it != manifest.files.end()) {
            ordered.push_back(&it->second);
        }
    }
    for (const auto& [name, file] : manifest.files) {
        bool listed = false;
        for (const BundleFile* f : ordered) listed = listed || f == &file;
        if (!listed) ordered.push_back(&file);
    }
    return ordered;
}

std::string shortDigest(const std::string& hex) { return hex.substr(0, 12) + "..."; }

// Size and existence first: both are free and catch truncated downloads without hashing.
FileVerdict checkFile(const BundleManifest& manifest, const BundleFile& file, VerifyCache* cache,
                      bool& hashed) {
    FileVerdict verdict{file.name, file.path, 0, false, ""};
    const std::string path = manifest.filePath(file.name);
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (!fs::exists(status)) {
        verdict.problem = "missing";
        return verdict;
    }
    if (!fs::is_regular_file(status)) {
        verdict.problem = "not a regular file";
        return verdict;
    }
    verdict.bytes = fs::file_size(path, ec);
    if (ec) {
        verdict.problem = "cannot read its size (" + ec.message() + ")";
        return verdict;
    }
    if (verdict.bytes != file.bytes) {
        verdict.problem = "size " + std::to_string(verdict.bytes) + " bytes, the manifest says " +
                          std::to_string(file.bytes) + " (truncated or replaced?)";
        return verdict;
    }
    FileStamp stamp{verdict.bytes, fileModificationTimeNs(path), file.sha256};
    if (stamp.mtimeNs < 0) ec = std::make_error_code(std::errc::io_error);
    if (cache && !ec && cache->contains(path, stamp)) {
        verdict.ok = true;
        return verdict;
    }
    hashed = true;
    std::string actual;
    try {
        actual = sha256File(path);
    } catch (const std::exception& e) {
        verdict.problem = std::string("cannot be read: ") + e.what();
        return verdict;
    }
    if (actual != file.sha256) {
        verdict.problem = "sha256 mismatch: the file has " + shortDigest(actual) + ", the manifest says " +
                          shortDigest(file.sha256) + " (corrupt or modified)";
        return verdict;
    }
    verdict.ok = true;
    if (cache && !ec) cache->remember(path, stamp);
    return verdict;
}

}  // namespace

const FileVerdict* BundleVerification::firstProblem() const {
    for (const auto& f : files) {
        if (!f.ok) return &f;
    }
    return nullptr;
}

std::string BundleVerification::problemMessage(const BundleManifest& manifest) const {
    const FileVerdict* bad = firstProblem();
    if (!bad) return "";
    return (fs::path(manifest.dir) / bad->path).string() + ": " + bad->problem;
}

std::string defaultVerifyCachePath() { return userDataDir() + "/verify-cache.json"; }

BundleVerification verifyBundleFiles(const BundleManifest& manifest, const VerifyOptions& options) {
    auto start = std::chrono::steady_clock::now();
    std::optional<VerifyCache> cache;
    if (options.useCache) {
        cache.emplace(options.cachePath.empty() ? defaultVerifyCachePath() : options.cachePath);
        cache->load();
    }
    BundleVerification result;
    bool anyHashed = false;
    for (const BundleFile* file : orderedFiles(manifest)) {
        result.files.push_back(checkFile(manifest, *file, cache ? &*cache : nullptr, anyHashed));
    }
    result.ok = result.firstProblem() == nullptr;
    result.fromCache = cache.has_value() && !anyHashed && result.ok;
    if (cache) cache->saveIfChanged();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    coreLog().debug("{}: verified {} files in {:.3f} s ({})", manifest.dir, result.files.size(),
                    seconds, result.fromCache ? "from cache" : "hashed");
    return result;
}

}  // namespace chiaro::core
