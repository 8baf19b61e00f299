// DPMSolverMultistepScheduler as IC-Light configures it: solver order 2, midpoint, Karras sigmas,
// epsilon prediction, lower_order_final, final sigma zero; algorithm "sde-dpmsolver++" (a fresh
// noise tensor every step) or "dpmsolver++" (deterministic).
#include <deque>

#include "chiaro/core/error.h"
#include "sampler.h"

namespace chiaro::core {
namespace {

// The VP coefficients of a VE sigma: alpha_t = 1 / sqrt(sigma^2 + 1), sigma_t = sigma * alpha_t,
// and the half log-SNR lambda = log(alpha_t) - log(sigma_t) (+inf at sigma 0).
struct NoiseLevel {
    torch::Tensor alpha;
    torch::Tensor sigma;
    torch::Tensor lambda;
};

NoiseLevel noiseLevel(const torch::Tensor& sigma) {
    NoiseLevel level;
    level.alpha = 1 / (sigma.pow(2) + 1).pow(0.5);
    level.sigma = sigma * level.alpha;
    level.lambda = torch::log(level.alpha) - torch::log(level.sigma);
    return level;
}

class DpmSolverSampler final : public Sampler {
  public:
    DpmSolverSampler(bool sde, Timetable timetable, int firstIndex)
        : Sampler(std::move(timetable), firstIndex), m_sde(sde) {}

    // init_noise_sigma is 1 for this scheduler.
    torch::Tensor initialLatent(const torch::Tensor& noise) const override { return noise * 1.0; }

    // add_noise at the begin index: alpha_t * clean + sigma_t * noise.
    torch::Tensor noisedLatent(const torch::Tensor& clean,
                               const torch::Tensor& noise,
                               int index) const override {
        const NoiseLevel level = noiseLevel(sigmaAt(index));
        return level.alpha * clean + level.sigma * noise;
    }

    torch::Tensor modelInput(const torch::Tensor& latent, int index) const override {
        requireIndex(index);
        return latent;
    }

    double modelTimestep(int index) const override {
        requireIndex(index);
        return timetable().timesteps[static_cast<size_t>(index)];
    }

    torch::Tensor step(const torch::Tensor& eps,
                       const torch::Tensor& latent,
                       int index,
                       at::Generator& generator) override;

    bool drawsNoise() const override { return m_sde; }

  private:
    torch::Tensor firstOrder(const torch::Tensor& latent,
                             int index,
                             const torch::Tensor& noise) const;
    torch::Tensor secondOrder(const torch::Tensor& latent,
                              int index,
                              const torch::Tensor& noise) const;

    bool m_sde;
    std::deque<torch::Tensor> m_cleanHistory;  // the last two x0 predictions, newest at the back
    int m_lowerOrderCount = 0;                 // diffusers' lower_order_nums, capped at the order
};

torch::Tensor DpmSolverSampler::step(const torch::Tensor& eps,
                                     const torch::Tensor& latent,
                                     int index,
                                     at::Generator& generator) {
    advance(index);
    // convert_model_output: the data prediction x0 = (x - sigma_t * eps) / alpha_t.
    const NoiseLevel level = noiseLevel(sigmaAt(index));
    m_cleanHistory.push_back((latent - level.sigma * eps) / level.alpha);
    if (m_cleanHistory.size() > 2)
        m_cleanHistory.pop_front();

    torch::Tensor noise;
    if (m_sde)
        noise = drawSamplerNoise(latent.sizes(), generator, latent.device());

    // The first step of a pass has no history (even mid-schedule for img2img); the last one is
    // first order because the final sigma is zero.
    const bool last = index == steps() - 1;
    torch::Tensor next = (m_lowerOrderCount < 1 || last) ? firstOrder(latent, index, noise)
                                                         : secondOrder(latent, index, noise);
    if (m_lowerOrderCount < 2)
        ++m_lowerOrderCount;
    return next;
}

torch::Tensor DpmSolverSampler::firstOrder(const torch::Tensor& latent,
                                           int index,
                                           const torch::Tensor& noise) const {
    const NoiseLevel s = noiseLevel(sigmaAt(index));
    const NoiseLevel t = noiseLevel(sigmaAt(index + 1));
    const torch::Tensor h = t.lambda - s.lambda;
    const torch::Tensor& x0 = m_cleanHistory.back();
    if (!m_sde) {
        return (t.sigma / s.sigma) * latent - (t.alpha * (torch::exp(-h) - 1.0)) * x0;
    }
    return (t.sigma / s.sigma * torch::exp(-h)) * latent +
           (t.alpha * (1 - torch::exp(-2.0 * h))) * x0 +
           t.sigma * torch::sqrt(1.0 - torch::exp(-2 * h)) * noise;
}

torch::Tensor DpmSolverSampler::secondOrder(const torch::Tensor& latent,
                                            int index,
                                            const torch::Tensor& noise) const {
    const NoiseLevel t = noiseLevel(sigmaAt(index + 1));
    const NoiseLevel s0 = noiseLevel(sigmaAt(index));
    const NoiseLevel s1 = noiseLevel(sigmaAt(index - 1));
    const torch::Tensor& m0 = m_cleanHistory.back();
    const torch::Tensor& m1 = m_cleanHistory.front();
    const torch::Tensor h = t.lambda - s0.lambda;
    const torch::Tensor r0 = (s0.lambda - s1.lambda) / h;
    const torch::Tensor d1 = (1.0 / r0) * (m0 - m1);  // midpoint rule: D0 = m0
    if (!m_sde) {
        return (t.sigma / s0.sigma) * latent - (t.alpha * (torch::exp(-h) - 1.0)) * m0 -
               0.5 * (t.alpha * (torch::exp(-h) - 1.0)) * d1;
    }
    return (t.sigma / s0.sigma * torch::exp(-h)) * latent +
           (t.alpha * (1 - torch::exp(-2.0 * h))) * m0 +
           0.5 * (t.alpha * (1 - torch::exp(-2.0 * h))) * d1 +
           t.sigma * torch::sqrt(1.0 - torch::exp(-2 * h)) * noise;
}

}  // namespace

namespace detail {
std::unique_ptr<Sampler> makeDpmSolverSampler(bool sde, Timetable timetable, int firstIndex) {
    return std::make_unique<DpmSolverSampler>(sde, std::move(timetable), firstIndex);
}
}  // namespace detail

}  // namespace chiaro::core
