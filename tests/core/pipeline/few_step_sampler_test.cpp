// The lcm and tcd step rules on known tensors against values worked out from diffusers'
// LCMScheduler.step / TCDScheduler.step by hand (in double, from the float32 alphas_cumprod), and
// their noise draws: one tensor per step, after the prediction, none on the last step.
#include <cmath>

#include "chiaro/core/error.h"
#include "pipeline/sampler.h"

// LibTorch pulls in glog, whose CHECK(cond) would replace Catch's: Catch comes last.
#undef CHECK
#include <catch2/catch.hpp>

using namespace chiaro::core;

namespace {

ScheduleConfig scaledLinear() {
    ScheduleConfig config;
    config.betaSchedule = BetaSchedule::ScaledLinear;
    return config;
}

double alphaAt(int timestep) {
    return alphasCumprod(scaledLinear())[static_cast<size_t>(timestep)];
}

torch::Tensor filled(double value) {
    return torch::full({1, 4, 2, 3}, value, torch::kFloat32);
}

torch::Tensor randomTensor(uint64_t seed) {
    auto gen = at::detail::createCPUGenerator(seed);
    return torch::randn({1, 4, 2, 3}, gen, torch::kFloat32);
}

// The n-th standard normal draw of latent shape from a fresh generator with `seed`.
torch::Tensor nthDraw(uint64_t seed, int n) {
    auto gen = at::detail::createCPUGenerator(seed);
    torch::Tensor draw;
    for (int i = 0; i <= n; ++i)
        draw = drawSamplerNoise({1, 4, 2, 3}, gen, torch::kCPU);
    return draw;
}

double maxAbs(const torch::Tensor& t) {
    return t.abs().max().item<double>();
}

// LCM's boundary condition at a timestep: sigma_data 0.5, timestep_scaling 10.
std::pair<double, double> lcmScalings(int timestep) {
    const double scaled = timestep * 10.0;
    return {0.25 / (scaled * scaled + 0.25), scaled / std::sqrt(scaled * scaled + 0.25)};
}

}  // namespace

TEST_CASE("scaled_linear alphas_cumprod at the ends, as SD1.5 has them",
          "[pipeline][sampler][few-step]") {
    // beta_0 = 0.00085 (linspace(sqrt .00085, sqrt .012) squared), so alphas_cumprod[0] = 0.99915;
    // SD1.5's alphas_cumprod[999] is 0.0046 (sigma_max 14.6).
    CHECK(alphaAt(0) == Approx(0.99915).epsilon(1e-6));
    CHECK(alphaAt(999) == Approx(0.00466).epsilon(0.01));
}

TEST_CASE("one lcm step on known tensors", "[pipeline][sampler][few-step]") {
    // 4 steps: 999, 759, 499, 259. Sample x = 0.8, eps = 0.3 everywhere.
    auto sampler = makeSampler(SamplerKind::Lcm, scaledLinear(), 4, 0);
    REQUIRE(sampler->drawsNoise());
    CHECK(sampler->modelTimestep(1) == 759);
    CHECK(maxAbs(sampler->modelInput(filled(0.8), 0) - filled(0.8)) == 0.0);
    CHECK(maxAbs(sampler->initialLatent(filled(0.8)) - filled(0.8)) == 0.0);  // init_noise_sigma 1

    auto generator = at::detail::createCPUGenerator(5);
    const double x = 0.8, e = 0.3;
    // Step 0 (t 999 -> 759): x0 = (x - sqrt(1 - a999) e) / sqrt(a999), denoised = c_out x0 +
    // c_skip x, then sqrt(a759) denoised + sqrt(1 - a759) z with z the generator's first draw.
    const double a999 = alphaAt(999), a759 = alphaAt(759);
    const auto [skip0, out0] = lcmScalings(999);
    const double x0 = (x - std::sqrt(1 - a999) * e) / std::sqrt(a999);
    const double denoised0 = out0 * x0 + skip0 * x;
    const torch::Tensor z = nthDraw(5, 0);
    const torch::Tensor expected0 = std::sqrt(a759) * denoised0 + std::sqrt(1 - a759) * z;
    const torch::Tensor got0 = sampler->step(filled(e), filled(x), 0, generator);
    CHECK(maxAbs(got0 - expected0) <= 1e-5 * maxAbs(expected0));

    // Steps 1 and 2 draw the second and third tensors; step 3 (t 259, the last) returns denoised
    // and draws nothing: the generator's next tensor is its fourth.
    sampler->step(filled(e), filled(x), 1, generator);
    sampler->step(filled(e), filled(x), 2, generator);
    const double a259 = alphaAt(259);
    const auto [skip3, out3] = lcmScalings(259);  // 0.25 / 6708100.25 = 3.73e-8, 0.99999998
    const double x03 = (x - std::sqrt(1 - a259) * e) / std::sqrt(a259);
    const double expected3 = out3 * x03 + skip3 * x;
    const torch::Tensor got3 = sampler->step(filled(e), filled(x), 3, generator);
    CHECK(maxAbs(got3 - filled(expected3)) <= 1e-5 * std::abs(expected3));
    CHECK(maxAbs(drawSamplerNoise({1, 4, 2, 3}, generator, torch::kCPU) - nthDraw(5, 3)) == 0.0);

    // A single-step schedule draws no noise at all.
    CHECK_FALSE(makeSampler(SamplerKind::Lcm, scaledLinear(), 1, 0)->drawsNoise());
}

TEST_CASE("one tcd step on known tensors, gamma 0.3 and 0", "[pipeline][sampler][few-step]") {
    const torch::Tensor x = randomTensor(21);
    const torch::Tensor eps = randomTensor(22);
    SamplerOptions options;
    options.tcdGamma = 0.3;
    auto sampler = makeSampler(SamplerKind::Tcd, scaledLinear(), 4, 0, options);
    REQUIRE(sampler->drawsNoise());
    auto generator = at::detail::createCPUGenerator(9);
    sampler->step(eps, x, 0, generator);  // first draw

    // Step 1: t 759, t_prev 499, s = floor(0.7 * 499) = floor(349.3) = 349.
    // x0 = (x - sqrt(1 - a759) eps) / sqrt(a759); x_s = sqrt(a349) x0 + sqrt(1 - a349) eps;
    // prev = sqrt(a499 / a349) x_s + sqrt(1 - a499 / a349) z, z the second draw.
    const double a759 = alphaAt(759), a499 = alphaAt(499), a349 = alphaAt(349);
    const torch::Tensor x0 = (x - std::sqrt(1 - a759) * eps) / std::sqrt(a759);
    const torch::Tensor xs = std::sqrt(a349) * x0 + std::sqrt(1 - a349) * eps;
    const torch::Tensor expected1 =
        std::sqrt(a499 / a349) * xs + std::sqrt(1 - a499 / a349) * nthDraw(9, 1);
    const torch::Tensor got1 = sampler->step(eps, x, 1, generator);
    CHECK(maxAbs(got1 - expected1) <= 1e-5 * maxAbs(expected1));

    // Last step: t 259, t_prev 0, s 0: x_s with alphas_cumprod[0], no draw.
    sampler->step(eps, x, 2, generator);  // third draw
    const double a259 = alphaAt(259), a0 = alphaAt(0);
    const torch::Tensor x03 = (x - std::sqrt(1 - a259) * eps) / std::sqrt(a259);
    const torch::Tensor expected3 = std::sqrt(a0) * x03 + std::sqrt(1 - a0) * eps;
    const torch::Tensor got3 = sampler->step(eps, x, 3, generator);
    CHECK(maxAbs(got3 - expected3) <= 1e-5 * maxAbs(expected3));
    CHECK(maxAbs(drawSamplerNoise({1, 4, 2, 3}, generator, torch::kCPU) - nthDraw(9, 3)) == 0.0);

    // gamma 0: deterministic, s = t_prev, i.e. DDIM's eta-0 step, and no draws at all.
    options.tcdGamma = 0.0;
    auto ddimLike = makeSampler(SamplerKind::Tcd, scaledLinear(), 4, 0, options);
    CHECK_FALSE(ddimLike->drawsNoise());
    auto untouched = at::detail::createCPUGenerator(9);
    ddimLike->step(eps, x, 0, untouched);
    const torch::Tensor got = ddimLike->step(eps, x, 1, untouched);
    const torch::Tensor expected = std::sqrt(a499) * x0 + std::sqrt(1 - a499) * eps;
    CHECK(maxAbs(got - expected) <= 1e-5 * maxAbs(expected));
    CHECK(maxAbs(drawSamplerNoise({1, 4, 2, 3}, untouched, torch::kCPU) - nthDraw(9, 0)) == 0.0);
}

TEST_CASE("few-step img2img: the strength's timetable, all entries run, DDPM add_noise",
          "[pipeline][sampler][few-step]") {
    SamplerOptions options;
    options.strength = 0.5;
    auto sampler = makeSampler(SamplerKind::Lcm, scaledLinear(), 4, 0, options);
    CHECK(sampler->timetable().timesteps == std::vector<double>{499, 379, 259, 139});
    CHECK(sampler->firstIndex() == 0);
    const torch::Tensor clean = randomTensor(31);
    const torch::Tensor noise = randomTensor(32);
    const double a = alphaAt(499);
    const torch::Tensor expected = std::sqrt(a) * clean + std::sqrt(1 - a) * noise;
    CHECK(maxAbs(sampler->noisedLatent(clean, noise, 0) - expected) <= 1e-6 * maxAbs(expected));

    // Skipping entries is not how these samplers do img2img; bad gamma and strength are refused.
    for (int first : {1, 3}) {
        try {
            makeSampler(SamplerKind::Tcd, scaledLinear(), 4, first);
            FAIL("expected a usage error");
        } catch (const Error& e) {
            CHECK(e.code() == ErrorCode::Usage);
        }
    }
    SamplerOptions badGamma;
    badGamma.tcdGamma = 1.5;
    CHECK_THROWS_AS(makeSampler(SamplerKind::Tcd, scaledLinear(), 4, 0, badGamma), Error);
    SamplerOptions lowStrength;
    lowStrength.strength = 0.1;  // 5 distillation timesteps for 6 steps
    CHECK_THROWS_AS(makeSampler(SamplerKind::Lcm, scaledLinear(), 6, 0, lowStrength), Error);
}
