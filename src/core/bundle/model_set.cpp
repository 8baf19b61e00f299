#include "chiaro/bundle/model_set.h"

#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "chiaro/bundle/bundle_manifest.h"
#include "chiaro/core/logging.h"

namespace chiaro::core {
namespace {

namespace fs = std::filesystem;

// Absolute, normalised, without a trailing separator (so two spellings of a folder compare equal).
fs::path normal(const fs::path& path) {
    fs::path p = fs::absolute(path).lexically_normal();
    return p.has_filename() ? p : p.parent_path();
}

bool isBundle(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / "manifest.json", ec);
}

// The bundle's variant and whether it has a segmenter; false when its manifest is unusable.
bool readBundle(const fs::path& dir, std::string& variant, bool& segmenter) {
    try {
        const BundleManifest manifest = readBundleManifest(dir.string());
        variant = manifest.variant;
        segmenter = manifest.hasSegmenter();
        return true;
    } catch (const std::exception& e) {
        namedLogger("core")->debug("model set: {}: {}", dir.string(), e.what());
        return false;
    }
}

void addBundle(ModelSet& set, const fs::path& dir) {
    std::string variant;
    bool segmenter = false;
    if (!readBundle(dir, variant, segmenter)) return;
    std::string& slot = variant == "fbc" ? set.fbc : set.fc;
    if (!slot.empty()) return;  // the first one listed wins
    slot = normal(dir).string();
    if (segmenter && (set.segmenter.empty() || variant == "fc")) set.segmenter = slot;
}

// The bundle folders pair.json in `dir` lists; empty when it is missing or malformed.
std::vector<fs::path> pairedBundles(const fs::path& dir) {
    std::ifstream in(dir / kPairFileName);
    if (!in) return {};
    const nlohmann::json pair = nlohmann::json::parse(in, nullptr, false);
    if (!pair.is_object() || !pair.contains("bundles") || !pair["bundles"].is_object()) {
        namedLogger("core")->warn("model set: {} is malformed; ignored", (dir / kPairFileName).string());
        return {};
    }
    std::vector<fs::path> bundles;
    for (const char* variant : {"fc", "fbc"}) {
        const auto it = pair["bundles"].find(variant);
        if (it == pair["bundles"].end() || !it->is_object() || !it->contains("path")) continue;
        if (!(*it)["path"].is_string()) continue;
        const fs::path rel = (*it)["path"].get<std::string>();
        if (rel.is_absolute() || rel.lexically_normal().string().rfind("..", 0) == 0) continue;
        bundles.push_back(dir / rel);
    }
    return bundles;
}

}  // namespace

ModelSet resolveModelSet(const std::string& dirName) {
    ModelSet set;
    if (dirName.empty()) return set;
    const fs::path dir = normal(dirName);
    if (isBundle(dir)) {
        addBundle(set, dir);
        // A bundle picked inside an imported pair: its partner from the same base comes along.
        const fs::path parent = dir.parent_path();
        for (const fs::path& bundle : pairedBundles(parent)) {
            if (normal(bundle) == dir) {
                for (const fs::path& partner : pairedBundles(parent)) addBundle(set, partner);
                break;
            }
        }
        return set;
    }
    std::vector<fs::path> bundles = pairedBundles(dir);
    if (bundles.empty()) bundles = {dir / "fc", dir / "fbc"};
    for (const fs::path& bundle : bundles) {
        if (isBundle(bundle)) addBundle(set, bundle);
    }
    return set;
}

std::string bundleForVariant(const std::string& dir, const std::string& variant) {
    const ModelSet set = resolveModelSet(dir);
    const std::string& wanted = variant == "fbc" ? set.fbc : set.fc;
    const std::string& other = variant == "fbc" ? set.fc : set.fbc;
    return wanted.empty() ? other : wanted;
}

}  // namespace chiaro::core
