#include "chiaro/pipeline/presets.h"

#include <cmath>

#include "chiaro/bundle/bundle_manifest.h"
#include "chiaro/bundle/model_set.h"
#include "chiaro/core/error.h"

namespace chiaro::core {

RelightJob applyFastPreset(RelightJob job) {
    job.sampler = SamplerKind::Lcm;
    job.steps = kFastSteps;
    job.cfg = kFastCfg;
    job.highresSteps = kFastHighresSteps;
    job.betaSchedule.reset();  // the sampler's own (scaled_linear), which the LoRA was distilled on
    return job;
}

bool isFastPreset(const RelightJob& job) {
    return job.sampler == SamplerKind::Lcm && job.steps == kFastSteps &&
           std::abs(job.cfg - kFastCfg) < 1e-9 && job.highresSteps == kFastHighresSteps;
}

RelightJob applyNamedPreset(const std::string& name, RelightJob job) {
    if (name == "fast")
        return applyFastPreset(std::move(job));
    if (name.empty() || name == "default")
        return job;
    throw Error(ErrorCode::Usage, "unknown preset '" + name + "' (expected one of: default, fast)");
}

bool fastPresetAvailable(const std::string& modelsDir, const std::string& variant) {
    try {
        const std::string dir = bundleForVariant(modelsDir, variant);
        return !dir.empty() && readBundleManifest(dir).hasFastLora();
    } catch (const std::exception&) {
        return false;  // no bundle, or one the engine will report when a job needs it
    }
}

}  // namespace chiaro::core
