#pragma once
// How a model bundle is loaded: device, precision, verification, threads. Torch-free so the CLI
// and GUI can fill it without LibTorch headers.
#include <string>

#include "chiaro/bundle/bundle_verify.h"

namespace chiaro::core {

struct LoadOptions {
    std::string device = "auto";     // auto | cpu | cuda  (auto: cuda when available)
    std::string precision = "auto";  // auto | fp32 | fp16 | bf16  (auto: fp16 on CUDA, fp32 on CPU)
    bool verify = true;              // size + sha256 of every file before loading (cached)
    VerifyOptions verifyOptions;
    int threads = 0;                 // CPU threads for LibTorch; 0: hardwareThreads()
    bool optimizeCpu = false;        // CPU: freeze + optimize_for_inference after loading (in memory;
                                     // opt-in: costs ~1 min of load time at full size, gain unproven)
};

}  // namespace chiaro::core
