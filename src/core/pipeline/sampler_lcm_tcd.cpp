// The few-step samplers: diffusers 0.27.2's LCMScheduler and TCDScheduler (epsilon prediction, no
// clipping or thresholding, init_noise_sigma 1, scale_model_input the identity). Their timetable is
// fewStepTimetable(config, steps, strength): image-to-image is defined by the strength given to
// set_timesteps, so every entry of the timetable is run (firstIndex 0) and the start latent is
// add_noise at its first timestep, as LatentConsistencyModelImg2ImgPipeline does. Scalars are 0-dim
// float32 tensors (timesteps 0-dim int64) combined in the reference's order.
#include <string>

#include "chiaro/core/error.h"
#include "sampler.h"

namespace chiaro::core {
namespace {

// What both schedulers add to the alphas_cumprod base: the last step and the x0 prediction.
class FewStepSampler : public detail::AlphasCumprodSampler {
  public:
    FewStepSampler(Timetable timetable, std::vector<float> alphasCumprod)
        : AlphasCumprodSampler(std::move(timetable), 0, std::move(alphasCumprod)) {}

  protected:
    bool isLast(int index) const { return index == steps() - 1; }
    // The x0 prediction of epsilon parameterisation.
    torch::Tensor predictClean(const torch::Tensor& eps,
                               const torch::Tensor& sample,
                               const torch::Tensor& alpha) const {
        const torch::Tensor beta = 1 - alpha;
        return (sample - beta.sqrt() * eps) / alpha.sqrt();
    }
};

// LCMScheduler: the consistency function's boundary condition (sigma_data 0.5, timestep_scaling
// 10) on the x0 prediction, then, on every step but the last, a fresh noise tensor to the next
// timestep's level.
class LcmSampler final : public FewStepSampler {
  public:
    using FewStepSampler::FewStepSampler;

    torch::Tensor step(const torch::Tensor& eps,
                       const torch::Tensor& latent,
                       int index,
                       at::Generator& generator) override {
        advance(index);
        const int timestep = timestepAt(index);
        // The last step's "previous" timestep is its own (only the noise term, unused, needs it).
        const int previous = isLast(index) ? timestep : timestepAt(index + 1);
        const torch::Tensor alpha = alphaAt(timestep);
        const torch::Tensor alphaPrev = alphaAt(previous);
        const torch::Tensor betaPrev = 1 - alphaPrev;

        // get_scalings_for_boundary_condition_discrete: the int64 timestep times 10.0 is float32;
        // Python's `0.25 / x` is x.reciprocal() * 0.25.
        const torch::Tensor scaled = torch::scalar_tensor(timestep, torch::kInt64) * 10.0;
        const torch::Tensor cSkip = (scaled.pow(2) + 0.25).reciprocal() * 0.25;
        const torch::Tensor cOut = scaled / (scaled.pow(2) + 0.25).pow(0.5);

        const torch::Tensor predictedClean = predictClean(eps, latent, alpha);
        const torch::Tensor denoised = cOut * predictedClean + cSkip * latent;
        if (isLast(index))
            return denoised;  // no noise on the final step (nor for one-step sampling)
        const torch::Tensor noise = drawSamplerNoise(eps.sizes(), generator, eps.device());
        return alphaPrev.sqrt() * denoised + betaPrev.sqrt() * noise;
    }

    bool drawsNoise() const override { return steps() > 1; }
};

// TCDScheduler with gamma (the pipeline's `eta`): the x0 prediction re-noised to the intermediate
// timestep s = floor((1 - gamma) * t_prev), then, when gamma > 0 and not on the last step, forward
// diffused from s to t_prev with a fresh noise tensor. The last step's t_prev is 0.
class TcdSampler final : public FewStepSampler {
  public:
    TcdSampler(Timetable timetable, std::vector<float> alphasCumprod, double gamma)
        : FewStepSampler(std::move(timetable), std::move(alphasCumprod)), m_gamma(gamma) {}

    torch::Tensor step(const torch::Tensor& eps,
                       const torch::Tensor& latent,
                       int index,
                       at::Generator& generator) override {
        advance(index);
        const int timestep = timestepAt(index);
        const int previous = isLast(index) ? 0 : timestepAt(index + 1);
        // (1 - eta) * prev_timestep: a Python float times an int64 tensor, computed in float32.
        const int64_t timestepS =
            torch::floor((1.0 - m_gamma) * torch::scalar_tensor(previous, torch::kInt64))
                .to(torch::kInt64)
                .item<int64_t>();
        const torch::Tensor alpha = alphaAt(timestep);
        const torch::Tensor alphaPrev = alphaAt(previous);
        const torch::Tensor alphaS = alphaAt(timestepS);
        const torch::Tensor betaS = 1 - alphaS;

        const torch::Tensor predictedClean = predictClean(eps, latent, alpha);
        const torch::Tensor predictedNoised = alphaS.sqrt() * predictedClean + betaS.sqrt() * eps;
        if (!(m_gamma > 0.0) || isLast(index))
            return predictedNoised;
        const torch::Tensor noise = drawSamplerNoise(eps.sizes(), generator, eps.device());
        return (alphaPrev / alphaS).sqrt() * predictedNoised +
               (1 - alphaPrev / alphaS).sqrt() * noise;
    }

    bool drawsNoise() const override { return m_gamma > 0.0 && steps() > 1; }

  private:
    double m_gamma;
};

}  // namespace

namespace detail {
std::unique_ptr<Sampler> makeFewStepSampler(SamplerKind kind,
                                            const ScheduleConfig& config,
                                            int steps,
                                            const SamplerOptions& options) {
    if (!(options.tcdGamma >= 0.0 && options.tcdGamma <= 1.0)) {
        throw Error(ErrorCode::Usage,
                    "tcd gamma must be in [0, 1], got " + std::to_string(options.tcdGamma));
    }
    Timetable timetable = fewStepTimetable(config, steps, options.strength);
    if (kind == SamplerKind::Lcm)
        return std::make_unique<LcmSampler>(std::move(timetable), alphasCumprod(config));
    return std::make_unique<TcdSampler>(std::move(timetable), alphasCumprod(config),
                                        options.tcdGamma);
}
}  // namespace detail

}  // namespace chiaro::core
