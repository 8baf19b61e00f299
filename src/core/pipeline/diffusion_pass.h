#pragma once
// One sampling pass of IC-Light's pipeline (text-to-image or image-to-image), with classifier-free
// guidance as one batched UNet call, the concat conditioning appended to the UNet input, and the
// job's single CPU generator consumed in the reference's order (initial noise, then the sampler's
// per-step noise). Private to the pipeline.
#include <functional>
#include <optional>

#include <torch/script.h>
#include <torch/torch.h>

#include "chiaro/pipeline/engine.h"
#include "chiaro/sampling/noise_schedule.h"

namespace chiaro::core {

struct PassInputs {
    torch::jit::Module* unet = nullptr;
    torch::ScalarType unetDtype = torch::kFloat32;
    torch::Device device = torch::kCPU;
    SamplerKind sampler = SamplerKind::DpmPp2mSdeKarras;
    ScheduleConfig schedule;
    int inferenceSteps = 25;                 // the scheduler's step count for this pass
    std::optional<torch::Tensor> cleanLatent;  // set: image-to-image from it with `strength`
    double strength = 1.0;
    double tcdGamma = kDefaultTcdGamma;      // the tcd sampler's gamma
    std::vector<int64_t> latentShape;        // [1, 4, h, w] for text-to-image
    torch::Tensor concatCond;                // [1, C, h, w]
    torch::Tensor context;                   // [2, 77k, hidden] as [uncond, cond], or [1, ...] without CFG
    double cfg = 1.0;
};

struct PassProgress {
    int stepsBefore = 0;   // steps of earlier passes (for overall progress)
    int totalSteps = 0;    // steps over all passes
    int previewEvery = 1;
    std::function<double()> elapsed;
};

// Number of sampler steps the pass will run (after the img2img skip). The few-step samplers (lcm,
// tcd) run that same number, on the timetable of set_timesteps(count, strength) instead of the tail
// of an inferenceSteps-long one (their reference's image-to-image; see sampler.h).
int passStepCount(const PassInputs& in);

// Runs the pass and returns the final latent (float32, on the device). Throws Error(Cancelled) when
// the token asks to stop now, Error(Failure) on non-finite UNet output naming the step.
torch::Tensor runDiffusionPass(const PassInputs& in, at::Generator& generator, const RunHooks& hooks,
                               const CancelToken& cancel, const PassProgress& progress, int* unetCalls);

}  // namespace chiaro::core
