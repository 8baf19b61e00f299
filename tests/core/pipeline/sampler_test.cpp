// Samplers replayed against IC-Light's recorded run (the parity traces): with the job's one seeded
// CPU generator consumed in the reference's order and the reference's guided eps, every step of
// both passes of both jobs must land on the reference's latent. Plus hand-checked properties for
// the samplers the traces do not cover.
#include <cmath>
#include <functional>

#include "chiaro/bundle/safetensors_file.h"
#include "chiaro/core/error.h"
#include "pipeline/sampler.h"
#include "pipeline/tensor_io.h"
#include "test_support.h"

// LibTorch pulls in glog, whose CHECK(cond) would silently replace Catch's (aborting instead of
// reporting, and never counted): Catch comes last and takes the name back.
#undef CHECK
#include <catch2/catch.hpp>

using namespace chiaro::core;

namespace {

struct PassPlan {
    std::string name;  // "pass1" / "pass2"
    int steps;         // the scheduler's num_inference_steps
    double strength;   // 1: text-to-image from pure noise
};

struct JobPlan {
    std::string job;
    uint64_t seed;
    std::vector<PassPlan> passes;
};

// fc_left: steps 6, lowres_denoise 0.9 -> 7 steps at 0.9, highres_denoise 0.5 -> 12 steps at 0.5.
// fbc_right: steps 5, text-to-image first pass, then 10 steps at 0.5 (see the jobs' args.json).
const JobPlan kJobs[] = {
    {"fc_left", 12345, {{"pass1", 7, 0.9}, {"pass2", 12, 0.5}}},
    {"fbc_right", 777, {{"pass1", 5, 1.0}, {"pass2", 10, 0.5}}},
};

std::string stepKey(const std::string& pass, int k, const char* what) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "step%02d", k);
    return pass + "." + buffer + "." + what;
}

double maxAbs(const torch::Tensor& t) {
    return t.abs().max().item<double>();
}

// Mean absolute difference of horizontal neighbours: large for white noise, small for image
// latents.
double roughness(const torch::Tensor& t) {
    using torch::indexing::Slice;
    return (t.index({"...", Slice(1, torch::indexing::None)}) - t.index({"...", Slice(0, -1)}))
        .abs()
        .mean()
        .item<double>();
}

// alpha_t and sigma_t of a VE sigma, in double.
std::pair<double, double> vp(double sigma) {
    const double alpha = 1.0 / std::sqrt(sigma * sigma + 1.0);
    return {alpha, sigma * alpha};
}

torch::Tensor randomTensor(std::vector<int64_t> shape, uint64_t seed) {
    auto gen = at::detail::createCPUGenerator(seed);
    return torch::randn(shape, gen, torch::kFloat32);
}

}  // namespace

TEST_CASE("DPM++ 2M SDE Karras replays both passes of both parity jobs step for step",
          "[pipeline][sampler]") {
    for (const JobPlan& plan : kJobs) {
        const auto trace = SafetensorsFile::open(chiaro::test::sharedDir() + "/parity/" + plan.job +
                                                 "/trace.safetensors");
        auto generator = at::detail::createCPUGenerator(plan.seed);
        for (const PassPlan& pass : plan.passes) {
            INFO(plan.job << " " << pass.name);
            const int first = pass.strength < 1.0 ? img2imgSkip(pass.steps, pass.strength) : 0;
            auto sampler =
                makeSampler(SamplerKind::DpmPp2mSdeKarras, ScheduleConfig{}, pass.steps, first);
            REQUIRE(sampler->drawsNoise());
            const torch::Tensor start = loadTensor(trace, pass.name + ".start_latent");
            const torch::Tensor noise = drawSamplerNoise(start.sizes(), generator, torch::kCPU);

            if (first == 0) {
                // Text-to-image: the start is the first draw itself (init_noise_sigma 1).
                CHECK(maxAbs(sampler->initialLatent(noise) - start) == 0.0);
            } else {
                // Image-to-image: the clean latent (a VAE encoding, unknown here) is recovered with
                // the first draw; with the right draw it is smooth, with any other it is noise.
                const auto [alpha, sigma] =
                    vp(sampler->timetable().sigmas[static_cast<size_t>(first)]);
                const torch::Tensor clean = (start - sigma * noise) / alpha;
                const torch::Tensor other = randomTensor(start.sizes().vec(), 4242);
                const double right = roughness(clean);
                const double wrong = roughness((start - sigma * other) / alpha);
                CHECK(right < 0.5 * wrong);
                CHECK(right < roughness(start));
                CHECK(maxAbs(sampler->noisedLatent(clean, noise, first) - start) <
                      1e-4 * maxAbs(start));
            }

            torch::Tensor latent = start;
            for (int index = first; index < pass.steps; ++index) {
                const int k = index - first;
                INFO("step " << k);
                const torch::Tensor in = loadTensor(trace, stepKey(pass.name, k, "latent_in"));
                const torch::Tensor eps = loadTensor(trace, stepKey(pass.name, k, "eps_cfg"));
                const torch::Tensor expected =
                    loadTensor(trace, stepKey(pass.name, k, "latent_out"));
                const double t = loadTensor(trace, stepKey(pass.name, k, "t")).item<double>();
                CHECK(sampler->modelTimestep(index) == t);
                CHECK(maxAbs(sampler->modelInput(in, index) - in) == 0.0);
                // Our own chain so far agrees with the reference's input to this step.
                CHECK(maxAbs(latent - in) <= 1e-5 * std::max(1.0, maxAbs(in)));
                latent = sampler->step(eps, in, index, generator);
                CHECK(maxAbs(latent - expected) <= 1e-5 * std::max(1.0, maxAbs(expected)));
            }
        }
    }
}

TEST_CASE("sampler steps must come in order from the first kept entry", "[pipeline][sampler]") {
    auto generator = at::detail::createCPUGenerator(1);
    auto sampler = makeSampler(SamplerKind::DpmPp2mSdeKarras, ScheduleConfig{}, 10, 4);
    const torch::Tensor x = randomTensor({1, 4, 2, 2}, 2);
    CHECK_THROWS_AS(sampler->step(x, x, 5, generator), Error);
    sampler->step(x, x, 4, generator);
    CHECK_THROWS_AS(sampler->step(x, x, 4, generator), Error);
    CHECK_THROWS_AS(sampler->modelTimestep(10), Error);
    for (int first : {-1, 10}) {
        try {
            makeSampler(SamplerKind::Ddim, ScheduleConfig{}, 10, first);
            FAIL("expected a usage error");
        } catch (const Error& e) {
            CHECK(e.code() == ErrorCode::Usage);
        }
    }
}

TEST_CASE("DPM++ 2M is exact for a model that knows the clean latent", "[pipeline][sampler]") {
    // If eps is the true noise of x = alpha_t * x0 + sigma_t * eps, the data prediction is x0 at
    // every step, D1 vanishes, and both the first- and second-order updates land on alpha * x0 +
    // sigma * eps at the next level: the sampler must reach x0 exactly at sigma 0.
    const torch::Tensor x0 = randomTensor({1, 4, 3, 5}, 11);
    const torch::Tensor eps = randomTensor({1, 4, 3, 5}, 12);
    auto generator = at::detail::createCPUGenerator(3);
    const int steps = 8;
    const int first = 2;
    auto sampler = makeSampler(SamplerKind::DpmPp2mKarras, ScheduleConfig{}, steps, first);
    CHECK_FALSE(sampler->drawsNoise());
    torch::Tensor latent = sampler->noisedLatent(x0, eps, first);
    for (int index = first; index < steps; ++index) {
        latent = sampler->step(eps, latent, index, generator);
        const auto [alpha, sigma] = vp(sampler->timetable().sigmas[static_cast<size_t>(index + 1)]);
        CHECK(maxAbs(latent - (alpha * x0 + sigma * eps)) < 2e-5);
    }
    CHECK(maxAbs(latent - x0) < 2e-5);
    // A deterministic sampler leaves the generator alone.
    auto fresh = at::detail::createCPUGenerator(3);
    CHECK(maxAbs(torch::randn({8}, generator, torch::kFloat32) -
                 torch::randn({8}, fresh, torch::kFloat32)) == 0);
}

TEST_CASE("Euler ancestral: sigma-scaled input, init sigma, and one hand-computed step",
          "[pipeline][sampler]") {
    const int steps = 4;
    auto sampler = makeSampler(SamplerKind::EulerAncestral, ScheduleConfig{}, steps, 0);
    const std::vector<float>& sigmas = sampler->timetable().sigmas;
    const double s0 = sigmas[0];
    const double s1 = sigmas[1];
    const torch::Tensor x = torch::tensor({0.5f, -1.0f, 2.0f, 3.0f}).reshape({1, 1, 2, 2});
    const torch::Tensor eps = torch::tensor({0.1f, 0.2f, -0.3f, 0.4f}).reshape({1, 1, 2, 2});

    CHECK(sampler->modelTimestep(0) == 999.0);
    CHECK(sampler->modelTimestep(1) == 666.0);
    CHECK(maxAbs(sampler->initialLatent(x) - x * s0) < 1e-5);
    CHECK(maxAbs(sampler->modelInput(x, 0) - x / std::sqrt(s0 * s0 + 1)) < 1e-6);
    CHECK(maxAbs(sampler->noisedLatent(x, eps, 1) - (x + eps * s1)) < 1e-6);

    // k-diffusion's ancestral split of the step from s0 to s1.
    const double up = std::sqrt(s1 * s1 * (s0 * s0 - s1 * s1) / (s0 * s0));
    const double down = std::sqrt(s1 * s1 - up * up);
    auto generator = at::detail::createCPUGenerator(99);
    auto replay = at::detail::createCPUGenerator(99);
    const torch::Tensor z = torch::randn({1, 1, 2, 2}, replay, torch::kFloat32);
    const torch::Tensor out = sampler->step(eps, x, 0, generator);
    const torch::Tensor expected = x + eps * (down - s0) + z * up;  // x0 = x - s0 * eps
    CHECK(maxAbs(out - expected) < 1e-5);
}

TEST_CASE("Euler ancestral ends on the model's clean estimate at sigma 0", "[pipeline][sampler]") {
    auto sampler = makeSampler(SamplerKind::EulerAncestral, ScheduleConfig{}, 3, 2);
    auto generator = at::detail::createCPUGenerator(5);
    const torch::Tensor x = randomTensor({1, 4, 2, 2}, 6);
    const torch::Tensor eps = randomTensor({1, 4, 2, 2}, 7);
    const double sigma = sampler->timetable().sigmas[2];
    CHECK(maxAbs(sampler->step(eps, x, 2, generator) - (x - sigma * eps)) < 1e-6);
}

TEST_CASE("DDIM (eta 0) is exact for a model that knows the clean latent", "[pipeline][sampler]") {
    ScheduleConfig config;
    config.betaSchedule = defaultBetaSchedule(SamplerKind::Ddim);
    const std::vector<float> ac = alphasCumprod(config);
    const torch::Tensor x0 = randomTensor({1, 4, 3, 3}, 21);
    const torch::Tensor eps = randomTensor({1, 4, 3, 3}, 22);
    auto generator = at::detail::createCPUGenerator(4);
    const int steps = 20;
    const int first = img2imgSkip(steps, 0.5);
    auto sampler = makeSampler(SamplerKind::Ddim, config, steps, first);
    CHECK_FALSE(sampler->drawsNoise());
    CHECK(sampler->modelTimestep(first) == 451.0);  // leading spacing: 951, 901, ..., 1

    auto mix = [&](double a) { return std::sqrt(a) * x0 + std::sqrt(1.0 - a) * eps; };
    torch::Tensor latent = sampler->noisedLatent(x0, eps, first);
    CHECK(maxAbs(latent - mix(ac[451])) < 1e-5);
    CHECK(maxAbs(sampler->modelInput(latent, first) - latent) == 0.0);
    for (int index = first; index < steps; ++index) {
        latent = sampler->step(eps, latent, index, generator);
        const int t = static_cast<int>(sampler->modelTimestep(index)) - 50;
        CHECK(maxAbs(latent - mix(ac[static_cast<size_t>(t >= 0 ? t : 0)])) < 2e-5);
    }
    // The last step goes to alphas_cumprod[0] (set_alpha_to_one false), not to a clean x0.
    CHECK(maxAbs(latent - mix(ac[0])) < 2e-5);
    CHECK(maxAbs(latent - x0) > 1e-3);
    CHECK(maxAbs(sampler->initialLatent(eps) - eps) == 0.0);
}

TEST_CASE("safetensors views become tensors of the same dtype and values", "[pipeline][sampler]") {
    const auto trace =
        SafetensorsFile::open(chiaro::test::sharedDir() + "/parity/fbc_right/trace.safetensors");
    const torch::Tensor sigmas = loadTensor(trace, "pass2.all_sigmas");
    CHECK(sigmas.scalar_type() == torch::kFloat32);
    CHECK(sigmas.sizes() == torch::IntArrayRef({11}));
    CHECK(sigmas[10].item<float>() == 0.0f);
    const torch::Tensor image = loadTensor(trace, "output_uint8");
    CHECK(image.scalar_type() == torch::kUInt8);
    CHECK(image.sizes() == torch::IntArrayRef({384, 384, 3}));
    CHECK_THROWS_AS(loadTensor(trace, "pass3.all_sigmas"), Error);
}
