// Queue job specs of a batch plan (batch_specs.h).
#include "chiaro/jobs/batch_specs.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "chiaro/jobs/queued_job.h"

namespace chiaro::jobs {

std::string newBatchId() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    std::random_device random;
    char text[48];
    std::snprintf(text, sizeof(text), "%lld-%06x",
                  static_cast<long long>(
                      std::chrono::duration_cast<std::chrono::milliseconds>(now).count()),
                  random() & 0xFFFFFFu);
    return text;
}

std::string batchLabel(const std::string& inputPath,
                       const std::optional<core::LightDirection>& light) {
    const std::string name = std::filesystem::path(inputPath).filename().string();
    if (!light)
        return name + " \xC2\xB7 no light";
    char text[64];
    std::snprintf(text, sizeof(text), " \xC2\xB7 %.0f\xC2\xB0/%.0f\xC2\xB0", light->azimuth,
                  light->elevation);
    return name + text;
}

JobSpec batchJobSpec(const core::BatchItem& item, const core::RelightJob& job,
                     const BatchSpecOptions& options) {
    JobSpec spec;
    spec.params = core::jobToJson(job);
    spec.params[kBatchParamsKey] = {
        {"mask_method", item.maskPath.empty() ? options.maskMethod : "file"},
        {"bit_depth", options.bitDepth}};
    spec.inputPath = item.inputPath;
    spec.maskPath = item.maskPath;
    spec.backgroundPath = options.backgroundPath;
    spec.outputPath = item.outputPath;
    spec.bundleDir = options.bundleDir;
    spec.batchId = options.batchId;
    spec.label = batchLabel(item.inputPath, job.light.direction);
    return spec;
}

}  // namespace chiaro::jobs
