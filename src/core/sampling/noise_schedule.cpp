#include "chiaro/sampling/noise_schedule.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "chiaro/core/error.h"
#include "reference_numerics.h"

namespace chiaro::core {
namespace {

struct SamplerNameEntry {
    SamplerKind kind;
    const char* name;
};

constexpr SamplerNameEntry kSamplerNames[] = {
    {SamplerKind::DpmPp2mSdeKarras, "dpmpp-2m-sde-karras"},
    {SamplerKind::DpmPp2mKarras, "dpmpp-2m-karras"},
    {SamplerKind::EulerAncestral, "euler-a"},
    {SamplerKind::Ddim, "ddim"},
    {SamplerKind::Lcm, "lcm"},
    {SamplerKind::Tcd, "tcd"},
};

constexpr int kMaxTrainTimesteps = 100000;

}  // namespace

SamplerKind parseSamplerKind(const std::string& name) {
    for (const auto& entry : kSamplerNames) {
        if (name == entry.name)
            return entry.kind;
    }
    std::string known;
    for (const auto& entry : kSamplerNames)
        known += std::string(known.empty() ? "" : ", ") + entry.name;
    throw Error(ErrorCode::Usage,
                "unknown sampler '" + name + "' (expected one of: " + known + ")");
}

std::string samplerName(SamplerKind kind) {
    for (const auto& entry : kSamplerNames) {
        if (entry.kind == kind)
            return entry.name;
    }
    return "unknown";
}

BetaSchedule defaultBetaSchedule(SamplerKind kind) {
    // IC-Light passes beta_schedule="scaled_linear" to its DDIM scheduler only; the others take the
    // diffusers default, "linear".
    // LCM-LoRA and TCD were distilled on SD1.5's scaled_linear schedule, which is also the
    // default of diffusers' LCMScheduler and TCDScheduler.
    if (kind == SamplerKind::Ddim || isFewStepSampler(kind))
        return BetaSchedule::ScaledLinear;
    return BetaSchedule::Linear;
}

const std::vector<SamplerKind>& allSamplerKinds() {
    static const std::vector<SamplerKind> kinds = [] {
        std::vector<SamplerKind> out;
        for (const auto& entry : kSamplerNames)
            out.push_back(entry.kind);
        return out;
    }();
    return kinds;
}

bool isFewStepSampler(SamplerKind kind) {
    return kind == SamplerKind::Lcm || kind == SamplerKind::Tcd;
}

void validateScheduleConfig(const ScheduleConfig& config) {
    if (config.trainTimesteps < 2 || config.trainTimesteps > kMaxTrainTimesteps) {
        throw Error(ErrorCode::Usage, "noise schedule: trainTimesteps must be in [2, " +
                                          std::to_string(kMaxTrainTimesteps) + "], got " +
                                          std::to_string(config.trainTimesteps));
    }
    const bool finite = std::isfinite(config.betaStart) && std::isfinite(config.betaEnd);
    if (!finite || config.betaStart <= 0.0 || config.betaEnd >= 1.0 ||
        config.betaStart > config.betaEnd) {
        throw Error(ErrorCode::Usage,
                    "noise schedule: betas must satisfy 0 < betaStart <= betaEnd < 1");
    }
    if (config.stepsOffset < 0 || config.stepsOffset >= config.trainTimesteps) {
        throw Error(ErrorCode::Usage, "noise schedule: stepsOffset out of range");
    }
}

std::vector<float> alphasCumprod(const ScheduleConfig& config) {
    validateScheduleConfig(config);
    std::vector<float> betas;
    if (config.betaSchedule == BetaSchedule::Linear) {
        betas = numerics::torchLinspaceF32(config.betaStart, config.betaEnd, config.trainTimesteps);
    } else {
        // linspace(sqrt(start), sqrt(end)) ** 2, squared in float like the reference tensor op.
        betas = numerics::torchLinspaceF32(std::sqrt(config.betaStart), std::sqrt(config.betaEnd),
                                           config.trainTimesteps);
        for (float& beta : betas)
            beta = beta * beta;
    }
    // ATen's CPU cumprod accumulates in double and stores each partial product as float.
    std::vector<float> cumprod(betas.size());
    double product = 1.0;
    for (size_t i = 0; i < betas.size(); ++i) {
        product *= static_cast<double>(1.0f - betas[i]);
        cumprod[i] = static_cast<float>(product);
    }
    return cumprod;
}

std::vector<float> trainingSigmas(const ScheduleConfig& config) {
    std::vector<float> sigmas = alphasCumprod(config);
    for (float& value : sigmas)
        value = std::sqrt((1.0f - value) / value);  // float32 tensor ops
    return sigmas;
}

int img2imgSkip(int steps, double strength) {
    if (!(strength >= 0.0 && strength <= 1.0)) {  // also refuses NaN
        throw Error(ErrorCode::Usage,
                    "denoise strength must be in [0, 1], got " + std::to_string(strength));
    }
    if (steps <= 0)
        return 0;
    // diffusers: init_timestep = min(int(steps * strength), steps); t_start = max(steps - init, 0).
    const double scaled = static_cast<double>(steps) * strength;
    const int kept = std::min(static_cast<int>(scaled), steps);
    return std::clamp(steps - kept, 0, steps);
}

}  // namespace chiaro::core
