#pragma once
// Noise schedules and sampler timetables, in plain C++ (no LibTorch), reproducing diffusers 0.27.2
// bit for bit where the reference computes in float32 (see ICLIGHT_PIPELINE.md "Sampling").
#include <string>
#include <vector>

namespace chiaro::core {

enum class BetaSchedule {
    Linear,        // IC-Light's default for DPM++ and Euler a (diffusers' default: sigma_max 25.146)
    ScaledLinear,  // SD's own; IC-Light passes it only to DDIM
};

enum class SamplerKind {
    DpmPp2mSdeKarras,  // default: DPM-Solver++ 2M SDE, Karras sigmas
    DpmPp2mKarras,     // DPM-Solver++ 2M (no noise), Karras sigmas
    EulerAncestral,
    Ddim,
    Lcm,  // diffusers' LCMScheduler: few-step sampling with an LCM-LoRA (CFG 1 by default)
    Tcd,  // diffusers' TCDScheduler: the same timesteps, a gamma-controlled stochastic step
};

SamplerKind parseSamplerKind(const std::string& name);  // "dpmpp-2m-sde-karras", "dpmpp-2m-karras", "euler-a", "ddim", "lcm", "tcd"; throws Error(Usage)
std::string samplerName(SamplerKind kind);
// As IC-Light configures each scheduler; lcm and tcd: SD1.5's own scaled_linear, the schedule
// LCM-LoRA and TCD-LoRA were distilled with (and what LCMScheduler/TCDScheduler.from_config of an
// SD1.5 pipeline get).
BetaSchedule defaultBetaSchedule(SamplerKind kind);
// Every kind, in the order a user interface lists them.
const std::vector<SamplerKind>& allSamplerKinds();

// lcm and tcd: few-step samplers distilled for guidance 1 (a caller defaults CFG to 1 for them),
// whose image-to-image is defined by set_timesteps(steps, strength) rather than by skipping leading
// entries of a longer timetable (see fewStepTimetable).
bool isFewStepSampler(SamplerKind kind);
// LCMScheduler / TCDScheduler's original_inference_steps (the distillation schedule's length).
constexpr int kFewStepOriginalSteps = 50;
// TCD's default gamma (the pipeline's `eta`): 0 deterministic, 1 fully stochastic.
constexpr double kDefaultTcdGamma = 0.3;

struct ScheduleConfig {
    int trainTimesteps = 1000;
    double betaStart = 0.00085;
    double betaEnd = 0.012;
    BetaSchedule betaSchedule = BetaSchedule::Linear;
    int stepsOffset = 1;
};

// Throws Error(Usage) unless 2 <= trainTimesteps <= 100000, 0 < betaStart <= betaEnd < 1 and
// 0 <= stepsOffset < trainTimesteps.
void validateScheduleConfig(const ScheduleConfig& config);

// alphas_cumprod as diffusers computes it (float32 betas, cumulative product).
std::vector<float> alphasCumprod(const ScheduleConfig& config);

// The training noise levels sqrt((1 - a) / a), float32, indexed by training timestep.
std::vector<float> trainingSigmas(const ScheduleConfig& config);

// The full timetable after scheduler.set_timesteps(steps), before any img2img skip:
// `timesteps` (steps entries) and `sigmas` (steps + 1 entries; the last one is 0 for the
// Karras/Euler schedules, and for DDIM the level of its final alpha, alphas_cumprod[0]). Sigmas are
// in the "VE" sense: sqrt((1 - a) / a). DPM-Solver: Karras sigmas, timesteps rounded from them;
// Euler ancestral: "linspace" spacing (fractional timesteps); DDIM: "leading" spacing plus
// stepsOffset.
struct Timetable {
    std::vector<double> timesteps;
    std::vector<float> sigmas;
};
// Throws Error(Usage) when steps < 1, steps > trainTimesteps or the config is invalid. lcm / tcd:
// fewStepTimetable(config, steps, 1.0).
Timetable makeTimetable(SamplerKind kind, const ScheduleConfig& config, int steps);

// The scheduler's init_noise_sigma: the factor on pure noise for a text-to-image start. 1 for the
// DPM-Solver and DDIM schedules; the largest sigma for Euler ancestral (diffusers returns
// sigma_max, not sqrt(sigma_max^2 + 1), with "linspace" spacing).
double initNoiseSigma(SamplerKind kind, const Timetable& timetable);

// LCMScheduler.set_timesteps(steps, strength=strength) (TCDScheduler's is the same): the
// distillation schedule k*i - 1 for i = 1..int(originalSteps * strength), k = T // originalSteps,
// reversed, and `steps` entries of it at floor(linspace(0, len, steps, endpoint=False)). Timesteps
// are integers; sigmas are the training sigmas at them plus a final 0. Every entry is run
// (firstIndex 0): strength truncates the distillation schedule instead. stepsOffset is not used (the
// reference ignores it). Throws Error(Usage), as the reference raises, when steps < 1,
// steps > originalSteps, len // steps < 1 (strength too low for that many steps), strength outside
// (0, 1], or originalSteps outside [1, T].
Timetable fewStepTimetable(const ScheduleConfig& config,
                           int steps,
                           double strength,
                           int originalSteps = kFewStepOriginalSteps);

// Image-to-image: the number of leading entries to skip, steps - int(steps * strength), clamped.
// Throws Error(Usage) unless 0 <= strength <= 1.
int img2imgSkip(int steps, double strength);

}  // namespace chiaro::core
