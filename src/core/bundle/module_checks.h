#pragma once
// Torch-free view of the module loading + probing for checkBundle() (private to the bundle module;
// implemented in loaded_bundle.cpp so Torch stays in few translation units).
#include <string>
#include <utility>
#include <vector>

#include "chiaro/bundle/bundle_manifest.h"
#include "chiaro/bundle/load_options.h"
#include "chiaro/core/error.h"

namespace chiaro::core {

struct ModuleCheck {
    std::string name;     // "device" or a module name ("unet", ...)
    std::string problem;  // empty when ok
    ErrorCode code = ErrorCode::Ok;
};

struct ModuleCheckResult {
    std::string device;  // resolved device and precision, empty when resolution failed
    std::vector<ModuleCheck> checks;
};

// Loads and probes each TorchScript module of the manifest one at a time (freeing it before the
// next), except those named in `skip`. Throws Error(Usage) for invalid device/precision values.
ModuleCheckResult checkBundleModules(const BundleManifest& manifest, const LoadOptions& options,
                                     const std::vector<std::string>& skip);

// The manifest's TorchScript modules in load order (segmenter last, only when listed).
std::vector<std::string> bundleModuleNames(const BundleManifest& manifest);

}  // namespace chiaro::core
