#pragma once
// Samplers on tensors: the step rules of diffusers 0.27.2's schedulers as IC-Light configures them,
// with the same float32 operation order, so that a run with the reference's eps and noise lands on
// the reference's latents bit for bit on the CPU. Classifier-free guidance is the caller's
// business. Private to the pipeline.
//
// Indices run over the timetable of makeTimetable(kind, config, steps): a pass uses the entries
// [firstIndex, steps) in order (firstIndex = img2imgSkip(...) for image-to-image, 0 otherwise).
// The few-step samplers (lcm, tcd) define image-to-image as their reference does instead: the
// timetable is fewStepTimetable(config, steps, strength) and every entry is run (firstIndex 0).
// Latents are float32 on any device; noise always comes from the caller's CPU generator, drawn with
// the latent's shape, so that a seed gives the same picture everywhere.
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "chiaro/sampling/noise_schedule.h"

namespace chiaro::core {

class Sampler {
  public:
    virtual ~Sampler();

    // Text-to-image start: noise * init_noise_sigma.
    virtual torch::Tensor initialLatent(const torch::Tensor& noise) const = 0;
    // Image-to-image start: scheduler.add_noise(clean, noise) at entry `index` (the first kept
    // one).
    virtual torch::Tensor noisedLatent(const torch::Tensor& clean,
                                       const torch::Tensor& noise,
                                       int index) const = 0;
    // scale_model_input: what the UNet sees at entry `index`.
    virtual torch::Tensor modelInput(const torch::Tensor& latent, int index) const = 0;
    // The timestep passed to the UNet at entry `index`.
    virtual double modelTimestep(int index) const = 0;
    // One step from entry `index` to the next, given the guided eps. Indices must come in order,
    // starting at firstIndex (multistep solvers keep history); throws Error(Failure) otherwise.
    // Draws one noise tensor of the latent's shape from `generator` when drawsNoise(), after
    // computing the step's prediction; lcm and tcd draw none on their last step.
    virtual torch::Tensor step(const torch::Tensor& eps,
                               const torch::Tensor& latent,
                               int index,
                               at::Generator& generator) = 0;
    virtual bool drawsNoise() const = 0;

    const Timetable& timetable() const { return m_timetable; }
    int steps() const { return static_cast<int>(m_timetable.timesteps.size()); }
    int firstIndex() const { return m_firstIndex; }

  protected:
    Sampler(Timetable timetable, int firstIndex);
    // Checks `index` is the next entry to step from and advances; throws Error(Failure) if not.
    void advance(int index);
    // Throws Error(Failure) unless 0 <= index < steps().
    void requireIndex(int index) const;
    // The float32 sigma of entry `index` as a 0-dim CPU tensor (the reference's scalar type).
    torch::Tensor sigmaAt(int index) const;

  private:
    Timetable m_timetable;
    int m_firstIndex = 0;
    int m_nextIndex = 0;
};

// What only some samplers read.
struct SamplerOptions {
    double strength = 1.0;                // lcm / tcd: set_timesteps(steps, strength)
    double tcdGamma = kDefaultTcdGamma;   // tcd: its gamma (eta), in [0, 1]
};

// Throws Error(Usage) for a bad config, steps outside [1, trainTimesteps] or firstIndex outside
// [0, steps); for lcm / tcd, a firstIndex other than 0, steps or strength fewStepTimetable refuses,
// or a gamma outside [0, 1].
std::unique_ptr<Sampler> makeSampler(SamplerKind kind,
                                     const ScheduleConfig& config,
                                     int steps,
                                     int firstIndex,
                                     const SamplerOptions& options = {});

// Draws standard normal noise of `shape` from the CPU `generator` in float32 (torch.randn with a
// generator), then moves it to `device`.
torch::Tensor drawSamplerNoise(at::IntArrayRef shape,
                               at::Generator& generator,
                               torch::Device device);

namespace detail {

// A float32 scalar as the reference's 0-dim tensors.
inline torch::Tensor scalarF32(double value) { return torch::scalar_tensor(value, torch::kFloat32); }

// The schedulers indexed by integer training timesteps over alphas_cumprod (DDIM, LCM, TCD): the
// model sees the latent as it is, text-to-image starts from the noise itself, image-to-image is
// DDPM's add_noise at the first kept entry.
class AlphasCumprodSampler : public Sampler {
  public:
    AlphasCumprodSampler(Timetable timetable, int firstIndex, std::vector<float> alphasCumprod)
        : Sampler(std::move(timetable), firstIndex), m_alphas(std::move(alphasCumprod)) {}

    torch::Tensor initialLatent(const torch::Tensor& noise) const override { return noise * 1.0; }

    // add_noise: alphas_cumprod[t] ** 0.5 * x0 + (1 - alphas_cumprod[t]) ** 0.5 * n.
    torch::Tensor noisedLatent(const torch::Tensor& clean, const torch::Tensor& noise, int index) const override {
        const torch::Tensor alpha = alphaAt(timestepAt(index));
        return alpha.pow(0.5) * clean + (1 - alpha).pow(0.5) * noise;
    }

    torch::Tensor modelInput(const torch::Tensor& latent, int index) const override {
        requireIndex(index);
        return latent;
    }

    double modelTimestep(int index) const override { return timestepAt(index); }

  protected:
    int timestepAt(int index) const {
        requireIndex(index);
        return static_cast<int>(timetable().timesteps[static_cast<size_t>(index)]);
    }
    torch::Tensor alphaAt(int64_t timestep) const { return scalarF32(m_alphas.at(static_cast<size_t>(timestep))); }
    int trainTimesteps() const { return static_cast<int>(m_alphas.size()); }

  private:
    std::vector<float> m_alphas;
};

std::unique_ptr<Sampler> makeDpmSolverSampler(bool sde, Timetable timetable, int firstIndex);
std::unique_ptr<Sampler> makeFewStepSampler(SamplerKind kind,
                                            const ScheduleConfig& config,
                                            int steps,
                                            const SamplerOptions& options);
}  // namespace detail

}  // namespace chiaro::core
