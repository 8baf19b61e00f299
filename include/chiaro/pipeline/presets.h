#pragma once
// Named job presets: a few fields of a job set at once, everything else kept. Shared by the CLI's
// `--preset` and the app's Fast check box, so both mean the same job.
#include <string>

#include "chiaro/pipeline/relight_job.h"

namespace chiaro::core {

// The Fast preset, for a bundle that carries a few-step LoRA (LCM / Hyper-SD, see
// BundleManifest::hasFastLora): the lcm sampler, 6 steps, CFG 1.2 (a little guidance, which
// LCM-LoRA tolerates up to ~2), 4 steps for the high-resolution pass. The light, prompts, seed,
// sizes and denoise strengths stay the job's.
constexpr int kFastSteps = 6;
constexpr double kFastCfg = 1.2;
constexpr int kFastHighresSteps = 4;
RelightJob applyFastPreset(RelightJob job);

// True when the job has the Fast preset's sampler settings (what the app shows as checked).
bool isFastPreset(const RelightJob& job);

// "fast" -> applyFastPreset; "default" (or "") -> the job unchanged. Throws Error(Usage) naming
// the known presets otherwise.
RelightJob applyNamedPreset(const std::string& name, RelightJob job);

// Whether the app offers the Fast preset: the bundle for `variant` ("fc" | "fbc") in the models
// folder `modelsDir` (a bundle or a model set, see resolveModelSet) records a merged few-step LoRA
// (BundleManifest::hasFastLora). False, never an error, when there is no readable bundle.
bool fastPresetAvailable(const std::string& modelsDir, const std::string& variant);

}  // namespace chiaro::core
