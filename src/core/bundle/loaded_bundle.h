#pragma once
// A model bundle loaded into LibTorch (private to chiaro_core: only bundle/ and pipeline/ sources
// may include it, since it pulls in Torch). Modules are in eval mode on `device`, validated by a
// tiny probe forward each, and are safe to call from one worker thread at a time.
#include <memory>
#include <string>

#include <torch/script.h>

#include "chiaro/bundle/bundle_manifest.h"
#include "chiaro/bundle/load_options.h"

namespace chiaro::core {

struct LoadedBundle {
    BundleManifest manifest;
    torch::jit::Module textEncoder;
    torch::jit::Module unet;
    torch::jit::Module vaeEncoder;
    torch::jit::Module vaeDecoder;
    torch::Device device{torch::kCPU};
    torch::ScalarType dtype = torch::kFloat;     // text encoder, UNet
    torch::ScalarType vaeDtype = torch::kFloat;  // bf16 when dtype is fp16, as IC-Light does
};

// Reads the manifest, verifies the files (unless options.verify is false), loads the four diffusion
// TorchScript modules (never a pickle), moves them to the device and precision, and probes their
// signatures. An optional segmenter.pt is verified with the rest but not loaded here: only
// SubjectSegmenter uses it, through loadBundleModule, so relighting never pays for it. Throws Error(ModelBundle) naming the file and the failed check, or Error(Usage) for
// invalid options. Sets LibTorch's CPU thread count (options.threads, else hardwareThreads()).
std::shared_ptr<LoadedBundle> loadBundle(const std::string& dir, const LoadOptions& options = {});

// One module of a bundle, loaded alone (e.g. the segmenter for `chiaro-cli mask`): the manifest is
// read, only that file is verified (unless options.verify is false), then loaded and probed.
struct LoadedModule {
    torch::jit::Module module;
    torch::Device device{torch::kCPU};
    torch::ScalarType dtype = torch::kFloat;
};
LoadedModule loadBundleModule(const std::string& dir, const std::string& name, const LoadOptions& options = {});

}  // namespace chiaro::core
