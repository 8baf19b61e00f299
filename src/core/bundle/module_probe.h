#pragma once
// Device/precision resolution and the signature probes of bundle modules (private, Torch).
#include <string>

#include <torch/script.h>

#include "chiaro/bundle/bundle_manifest.h"
#include "chiaro/bundle/load_options.h"

namespace chiaro::core {

struct ComputeTarget {
    torch::Device device{torch::kCPU};
    torch::ScalarType dtype = torch::kFloat;
    torch::ScalarType vaeDtype = torch::kFloat;

    std::string describe() const;  // e.g. "cuda:0 (fp16, VAE bf16)"
};

// Throws Error(Usage) for unknown values, Error(ModelBundle) when CUDA is asked for but missing.
ComputeTarget resolveComputeTarget(const LoadOptions& options);

// The precision a module runs in: the VAE halves use target.vaeDtype.
torch::ScalarType moduleDtype(const std::string& name, const ComputeTarget& target);

// Runs one tiny forward pass with the contract's input layout at the smallest size valid for any
// SD1.x architecture (image 64, latent 8) and checks the output shape and finiteness. Throws
// Error(ModelBundle) "FILE: <check> ..." on any mismatch or exception.
void probeModule(const std::string& name, torch::jit::Module& module, const BundleManifest& manifest,
                 const ComputeTarget& target);

// The probe's input for "vae_encoder" (an image [1,3,64,64]) or "vae_decoder" (a latent
// [1,C,8,8]): deterministic smooth values, no RNG. The engine's VaeRunner checks itself on it.
torch::Tensor vaeProbeInput(const std::string& name, const BundleManifest& manifest, torch::Device device,
                            torch::ScalarType dtype);

// The useful line of a LibTorch exception (the TorchScript interpreter wraps it in a traceback).
std::string torchErrorSummary(const std::exception& e);

}  // namespace chiaro::core
