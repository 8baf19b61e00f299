// The timetables of diffusers 0.27.2's set_timesteps() for the schedulers IC-Light configures.
#include <algorithm>
#include <cmath>
#include <string>

#include "chiaro/core/error.h"
#include "chiaro/sampling/noise_schedule.h"
#include "reference_numerics.h"

namespace chiaro::core {
namespace {

constexpr double kKarrasRho = 7.0;

// DPMSolverMultistepScheduler with use_karras_sigmas: Karras et al.'s rho-7 ramp between the
// smallest and largest training sigma, timesteps mapped back through log-sigma interpolation and
// rounded, a final sigma of zero ("zero" final_sigmas_type).
Timetable karrasTimetable(const ScheduleConfig& config, int steps) {
    const std::vector<float> sigmas = trainingSigmas(config);
    std::vector<float> logSigmas(sigmas.size());
    for (size_t i = 0; i < sigmas.size(); ++i)
        logSigmas[i] = std::log(sigmas[i]);

    const double sigmaMin = sigmas.front();  // float32 values read as Python floats
    const double sigmaMax = sigmas.back();
    const double minInvRho = std::pow(sigmaMin, 1.0 / kKarrasRho);
    const double maxInvRho = std::pow(sigmaMax, 1.0 / kKarrasRho);
    const std::vector<double> ramp = numerics::numpyLinspace(0.0, 1.0, steps);

    Timetable table;
    for (double r : ramp) {
        const double sigma = std::pow(maxInvRho + r * (minInvRho - maxInvRho), kKarrasRho);
        table.timesteps.push_back(
            numerics::roundHalfEven(numerics::sigmaToTimestep(sigma, logSigmas)));
        table.sigmas.push_back(static_cast<float>(sigma));
    }
    table.sigmas.push_back(0.0f);
    return table;
}

// EulerAncestralDiscreteScheduler, "linspace" spacing: float32 timesteps from T-1 down to 0,
// sigmas interpolated linearly (in float64) in the training table, then a final zero.
Timetable eulerTimetable(const ScheduleConfig& config, int steps) {
    const std::vector<float> sigmas = trainingSigmas(config);
    const std::vector<double> spaced =
        numerics::numpyLinspace(0.0, static_cast<double>(config.trainTimesteps - 1), steps);
    Timetable table;
    for (auto it = spaced.rbegin(); it != spaced.rend(); ++it) {
        const float timestep = static_cast<float>(*it);  // np.linspace(..., dtype=np.float32)
        table.timesteps.push_back(timestep);
        table.sigmas.push_back(static_cast<float>(numerics::numpyInterpIndex(timestep, sigmas)));
    }
    table.sigmas.push_back(0.0f);
    return table;
}

// DDIMScheduler, "leading" spacing: multiples of T // steps, shifted by steps_offset. The last step
// goes to final_alpha_cumprod = alphas_cumprod[0] (set_alpha_to_one false).
Timetable ddimTimetable(const ScheduleConfig& config, int steps) {
    const std::vector<float> sigmas = trainingSigmas(config);
    const int ratio = config.trainTimesteps / steps;
    Timetable table;
    for (int i = steps - 1; i >= 0; --i) {
        const int timestep = i * ratio + config.stepsOffset;
        if (timestep >= config.trainTimesteps) {
            throw Error(ErrorCode::Usage, "ddim: " + std::to_string(steps) +
                                              " steps with steps offset " +
                                              std::to_string(config.stepsOffset) +
                                              " reach past the training timesteps");
        }
        table.timesteps.push_back(timestep);
        table.sigmas.push_back(sigmas[static_cast<size_t>(timestep)]);
    }
    table.sigmas.push_back(sigmas.front());
    return table;
}

}  // namespace

Timetable fewStepTimetable(const ScheduleConfig& config, int steps, double strength,
                           int originalSteps) {
    validateScheduleConfig(config);
    const int trainSteps = config.trainTimesteps;
    if (originalSteps < 1 || originalSteps > trainSteps) {
        throw Error(ErrorCode::Usage, "few-step schedule: original steps must be in [1, " +
                                          std::to_string(trainSteps) + "], got " +
                                          std::to_string(originalSteps));
    }
    if (!(strength > 0.0 && strength <= 1.0)) {  // also refuses NaN
        throw Error(ErrorCode::Usage,
                    "denoise strength must be in (0, 1], got " + std::to_string(strength));
    }
    if (steps < 1 || steps > originalSteps) {
        throw Error(ErrorCode::Usage, "lcm/tcd steps must be in [1, " +
                                          std::to_string(originalSteps) +
                                          "] (the distillation schedule's length), got " +
                                          std::to_string(steps));
    }
    // The skipping step k and the distillation timesteps k*i - 1, i = 1..int(original * strength)
    // (a Python float product truncated), largest first.
    const int k = trainSteps / originalSteps;
    const int kept = static_cast<int>(static_cast<double>(originalSteps) * strength);
    if (kept / steps < 1) {  // the reference's skipping_step < 1
        throw Error(ErrorCode::Usage,
                    "lcm/tcd: " + std::to_string(steps) + " steps at denoise " +
                        std::to_string(strength) + " need more than the " + std::to_string(kept) +
                        " distillation timesteps that strength keeps; lower the steps or raise "
                        "the denoise");
    }
    // np.floor(np.linspace(0, kept, steps, endpoint=False)): i * (kept / steps) in float64.
    const double spacing = static_cast<double>(kept) / static_cast<double>(steps);
    const std::vector<float> sigmas = trainingSigmas(config);
    Timetable table;
    for (int i = 0; i < steps; ++i) {
        const auto position = static_cast<int>(std::floor(static_cast<double>(i) * spacing));
        const int timestep = (kept - position) * k - 1;  // reversed[position] = origin[kept-1-pos]
        table.timesteps.push_back(timestep);
        table.sigmas.push_back(sigmas[static_cast<size_t>(timestep)]);
    }
    table.sigmas.push_back(0.0f);
    return table;
}

Timetable makeTimetable(SamplerKind kind, const ScheduleConfig& config, int steps) {
    validateScheduleConfig(config);
    if (steps < 1 || steps > config.trainTimesteps) {
        throw Error(ErrorCode::Usage, "sampler steps must be in [1, " +
                                          std::to_string(config.trainTimesteps) + "], got " +
                                          std::to_string(steps));
    }
    switch (kind) {
        case SamplerKind::DpmPp2mSdeKarras:
        case SamplerKind::DpmPp2mKarras:
            return karrasTimetable(config, steps);
        case SamplerKind::EulerAncestral:
            return eulerTimetable(config, steps);
        case SamplerKind::Ddim:
            return ddimTimetable(config, steps);
        case SamplerKind::Lcm:
        case SamplerKind::Tcd:
            return fewStepTimetable(config, steps, 1.0);
    }
    throw Error(ErrorCode::Usage, "unknown sampler kind");
}

double initNoiseSigma(SamplerKind kind, const Timetable& timetable) {
    if (kind != SamplerKind::EulerAncestral || timetable.sigmas.empty())
        return 1.0;
    return *std::max_element(timetable.sigmas.begin(), timetable.sigmas.end());
}

}  // namespace chiaro::core
