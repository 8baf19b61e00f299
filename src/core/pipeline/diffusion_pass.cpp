#include "diffusion_pass.h"

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "sampler.h"
#include "torch_bridge.h"

namespace chiaro::core {
namespace {

bool usesGuidance(double cfg) { return cfg > 1.0; }  // diffusers: do_classifier_free_guidance

}  // namespace

int passStepCount(const PassInputs& in) {
    const int skip = in.cleanLatent ? img2imgSkip(in.inferenceSteps, in.strength) : 0;
    return in.inferenceSteps - skip;
}

torch::Tensor runDiffusionPass(const PassInputs& in, at::Generator& generator, const RunHooks& hooks,
                               const CancelToken& cancel, const PassProgress& progress, int* unetCalls) {
    int steps = in.inferenceSteps;
    int first = in.cleanLatent ? img2imgSkip(steps, in.strength) : 0;
    if (first >= steps) {
        throw Error(ErrorCode::Usage, "the denoise strength leaves no sampler step; raise steps or denoise");
    }
    SamplerOptions options;
    options.tcdGamma = in.tcdGamma;
    if (isFewStepSampler(in.sampler)) {
        // The same step count, the reference's img2img: set_timesteps(count, strength), all run.
        steps -= first;
        first = 0;
        options.strength = in.cleanLatent ? in.strength : 1.0;
    }
    auto sampler = makeSampler(in.sampler, in.schedule, steps, first, options);

    torch::Tensor latent;
    if (in.cleanLatent) {
        torch::Tensor clean = in.cleanLatent->to(torch::kFloat32);
        torch::Tensor noise = drawSamplerNoise(clean.sizes(), generator, in.device);
        latent = sampler->noisedLatent(clean, noise, first);
    } else {
        latent = sampler->initialLatent(drawSamplerNoise(in.latentShape, generator, in.device));
    }

    const bool guided = usesGuidance(in.cfg);
    const int64_t batch = guided ? 2 : 1;
    torch::Tensor concat = in.concatCond.to(in.unetDtype).repeat({batch, 1, 1, 1});
    torch::Tensor context = in.context.to(in.unetDtype);

    for (int index = first; index < steps; ++index) {
        if (cancel.stopNow()) throw Error(ErrorCode::Cancelled, "cancelled");
        torch::Tensor x = sampler->modelInput(latent, index);
        torch::Tensor xin = guided ? torch::cat({x, x}, 0) : x;
        xin = torch::cat({xin.to(in.unetDtype), concat}, 1);
        torch::Tensor t = torch::full({batch}, sampler->modelTimestep(index),
                                      torch::TensorOptions().dtype(torch::kFloat32).device(in.device));
        torch::Tensor eps = in.unet->forward({xin, t, context}).toTensor().to(torch::kFloat32);
        if (unetCalls) ++*unetCalls;
        const int stepNumber = progress.stepsBefore + (index - first) + 1;
        requireFinite(eps, "the UNet at step " + std::to_string(stepNumber));
        if (guided) {
            auto parts = eps.chunk(2, 0);
            eps = parts[0] + in.cfg * (parts[1] - parts[0]);
        }
        latent = sampler->step(eps, latent, index, generator);

        const double elapsed = progress.elapsed ? progress.elapsed() : 0.0;
        if (hooks.onProgress) {
            const double eta = elapsed / stepNumber * (progress.totalSteps - stepNumber);
            hooks.onProgress(stepNumber, progress.totalSteps, elapsed, eta);
        }
        if (hooks.onPreview && progress.previewEvery > 0 &&
            ((index - first + 1) % progress.previewEvery == 0 || index + 1 == steps)) {
            hooks.onPreview(latentPreview(latent));
        }
    }
    return latent;
}

}  // namespace chiaro::core
