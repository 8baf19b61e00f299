#pragma once
// Samplers on tensors: the step rules of diffusers 0.27.2's schedulers as IC-Light configures them,
// with the same float32 operation order, so that a run with the reference's eps and noise lands on
// the reference's latents bit for bit on the CPU. Classifier-free guidance is the caller's
// business. Private to the pipeline.
//
// Indices run over the timetable of makeTimetable(kind, config, steps): a pass uses the entries
// [firstIndex, steps) in order (firstIndex = img2imgSkip(...) for image-to-image, 0 otherwise).
// Latents are float32 on any device; noise always comes from the caller's CPU generator, drawn with
// the latent's shape, so that a seed gives the same picture everywhere.
#include <memory>

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
    // Draws one noise tensor of the latent's shape from `generator` when drawsNoise().
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

// Throws Error(Usage) for a bad config, steps outside [1, trainTimesteps] or firstIndex outside
// [0, steps).
std::unique_ptr<Sampler> makeSampler(SamplerKind kind,
                                     const ScheduleConfig& config,
                                     int steps,
                                     int firstIndex);

// Draws standard normal noise of `shape` from the CPU `generator` in float32 (torch.randn with a
// generator), then moves it to `device`.
torch::Tensor drawSamplerNoise(at::IntArrayRef shape,
                               at::Generator& generator,
                               torch::Device device);

namespace detail {
std::unique_ptr<Sampler> makeDpmSolverSampler(bool sde, Timetable timetable, int firstIndex);
}  // namespace detail

}  // namespace chiaro::core
