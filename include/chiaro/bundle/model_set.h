#pragma once
// A model folder as the app and the CLI see it: either one bundle (manifest.json), or a folder of
// bundles paired by an import (pair.json, model_import.h): OUT/fc for relighting a subject, OUT/fbc
// for "Match background". Resolution only reads small JSON files; it never throws.
#include <string>

namespace chiaro::core {

inline constexpr const char* kPairFileName = "pair.json";

struct ModelSet {
    std::string fc;         // absolute bundle folders; empty when the set has none of that variant
    std::string fbc;
    std::string segmenter;  // the bundle with segmenter.pt (fc preferred); empty when none

    bool empty() const { return fc.empty() && fbc.empty(); }
};

// `dir` is a bundle (its variant's slot; the partner comes from the parent's pair.json when that
// lists this bundle), a folder with pair.json (the bundles it lists that exist), or a folder with
// fc/ and fbc/ bundles. Unreadable or missing parts are left empty.
ModelSet resolveModelSet(const std::string& dir);

// The bundle for a variant ("fc" | "fbc"); falls back to the other variant when the set has only
// that one (the engine then reports what the job needs); empty when the folder holds no bundle.
std::string bundleForVariant(const std::string& dir, const std::string& variant);

}  // namespace chiaro::core
