// The Sampler base, the factory, and the two single-step samplers (Euler ancestral, DDIM). The
// DPM-Solver++ family lives in sampler_dpm_solver.cpp. Scalars are 0-dim float32 tensors combined
// in the reference's order, since diffusers computes them that way.
#include "sampler.h"

#include <string>

#include "chiaro/core/error.h"

namespace chiaro::core {
namespace {

using detail::scalarF32;

// EulerAncestralDiscreteScheduler ("linspace" spacing, epsilon prediction).
class EulerAncestralSampler final : public Sampler {
  public:
    EulerAncestralSampler(Timetable timetable, int firstIndex)
        : Sampler(std::move(timetable), firstIndex),
          m_initSigma(scalarF32(initNoiseSigma(SamplerKind::EulerAncestral, this->timetable()))) {}

    torch::Tensor initialLatent(const torch::Tensor& noise) const override {
        return noise * m_initSigma;
    }

    torch::Tensor noisedLatent(const torch::Tensor& clean,
                               const torch::Tensor& noise,
                               int index) const override {
        return clean + noise * sigmaAt(index);
    }

    torch::Tensor modelInput(const torch::Tensor& latent, int index) const override {
        return latent / (sigmaAt(index).pow(2) + 1).pow(0.5);
    }

    double modelTimestep(int index) const override {
        requireIndex(index);
        return timetable().timesteps[static_cast<size_t>(index)];
    }

    torch::Tensor step(const torch::Tensor& eps,
                       const torch::Tensor& latent,
                       int index,
                       at::Generator& generator) override {
        advance(index);
        const torch::Tensor sigma = sigmaAt(index);
        const torch::Tensor sigmaTo = sigmaAt(index + 1);
        const torch::Tensor predictedClean = latent - sigma * eps;
        const torch::Tensor sigmaUp =
            (sigmaTo.pow(2) * (sigma.pow(2) - sigmaTo.pow(2)) / sigma.pow(2)).pow(0.5);
        const torch::Tensor sigmaDown = (sigmaTo.pow(2) - sigmaUp.pow(2)).pow(0.5);
        const torch::Tensor derivative = (latent - predictedClean) / sigma;
        const torch::Tensor next = latent + derivative * (sigmaDown - sigma);
        // Drawn at every step, the last one (sigma_up = 0) included, as the reference does.
        const torch::Tensor noise = drawSamplerNoise(latent.sizes(), generator, latent.device());
        return next + noise * sigmaUp;
    }

    bool drawsNoise() const override { return true; }

  private:
    torch::Tensor m_initSigma;
};

// DDIMScheduler with eta 0 ("leading" spacing, set_alpha_to_one false, no clipping): deterministic.
class DdimSampler final : public detail::AlphasCumprodSampler {
  public:
    using AlphasCumprodSampler::AlphasCumprodSampler;

    torch::Tensor step(const torch::Tensor& eps,
                       const torch::Tensor& latent,
                       int index,
                       at::Generator& /*generator*/) override {
        advance(index);
        const int timestep = timestepAt(index);
        const int previous = timestep - trainTimesteps() / steps();
        const torch::Tensor alpha = alphaAt(timestep);
        // set_alpha_to_one false: past the schedule the reference uses alphas_cumprod[0].
        const torch::Tensor alphaPrev = alphaAt(previous >= 0 ? previous : 0);
        const torch::Tensor beta = 1 - alpha;
        const torch::Tensor predictedClean = (latent - beta.pow(0.5) * eps) / alpha.pow(0.5);
        const torch::Tensor direction = (1 - alphaPrev).pow(0.5) * eps;  // eta 0: no variance term
        return alphaPrev.pow(0.5) * predictedClean + direction;
    }

    bool drawsNoise() const override { return false; }
};

}  // namespace

Sampler::~Sampler() = default;

Sampler::Sampler(Timetable timetable, int firstIndex)
    : m_timetable(std::move(timetable)), m_firstIndex(firstIndex), m_nextIndex(firstIndex) {}

void Sampler::requireIndex(int index) const {
    if (index < 0 || index >= steps()) {
        throw Error(ErrorCode::Failure, "sampler: entry " + std::to_string(index) +
                                            " is outside the " + std::to_string(steps()) +
                                            "-step timetable");
    }
}

void Sampler::advance(int index) {
    requireIndex(index);
    if (index != m_nextIndex) {
        throw Error(ErrorCode::Failure, "sampler: stepped from entry " + std::to_string(index) +
                                            " where entry " + std::to_string(m_nextIndex) +
                                            " was next");
    }
    ++m_nextIndex;
}

torch::Tensor Sampler::sigmaAt(int index) const {
    if (index < 0 || index > steps())
        requireIndex(index);  // sigmas has steps + 1 entries
    return scalarF32(m_timetable.sigmas[static_cast<size_t>(index)]);
}

torch::Tensor drawSamplerNoise(at::IntArrayRef shape,
                               at::Generator& generator,
                               torch::Device device) {
    return torch::randn(shape, generator, torch::TensorOptions().dtype(torch::kFloat32)).to(device);
}

std::unique_ptr<Sampler> makeSampler(SamplerKind kind,
                                     const ScheduleConfig& config,
                                     int steps,
                                     int firstIndex,
                                     const SamplerOptions& options) {
    if (isFewStepSampler(kind)) {
        if (firstIndex != 0) {
            throw Error(ErrorCode::Usage, samplerName(kind) +
                                              ": image-to-image is set by the strength; the first "
                                              "entry must be 0, got " +
                                              std::to_string(firstIndex));
        }
        return detail::makeFewStepSampler(kind, config, steps, options);
    }
    Timetable timetable = makeTimetable(kind, config, steps);
    if (firstIndex < 0 || firstIndex >= steps) {
        throw Error(ErrorCode::Usage, "sampler: first entry " + std::to_string(firstIndex) +
                                          " leaves no step of " + std::to_string(steps));
    }
    switch (kind) {
        case SamplerKind::DpmPp2mSdeKarras:
            return detail::makeDpmSolverSampler(true, std::move(timetable), firstIndex);
        case SamplerKind::DpmPp2mKarras:
            return detail::makeDpmSolverSampler(false, std::move(timetable), firstIndex);
        case SamplerKind::EulerAncestral:
            return std::make_unique<EulerAncestralSampler>(std::move(timetable), firstIndex);
        case SamplerKind::Ddim:
            return std::make_unique<DdimSampler>(std::move(timetable), firstIndex,
                                                 alphasCumprod(config));
        case SamplerKind::Lcm:
        case SamplerKind::Tcd:
            break;  // handled above
    }
    throw Error(ErrorCode::Usage, "unknown sampler kind");
}

}  // namespace chiaro::core
