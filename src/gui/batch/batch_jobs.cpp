#include "batch/batch_jobs.h"

#include <cstdio>
#include <filesystem>

#include "chiaro/core/error.h"
#include "chiaro/jobs/batch_specs.h"
#include "result/variants_sheet.h"

namespace chiaro::gui {

core::LightDirection parseLightOverride(const std::string& text) {
    double az = 0, el = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), " %lf , %lf %c", &az, &el, &tail) != 2 || el < -90 || el > 90) {
        throw core::Error(core::ErrorCode::Usage, "light override \"" + text + "\": expected AZ,EL (EL in -90..90)");
    }
    return core::LightDirection{az, el};
}

BatchJobs buildBatchJobs(const BatchRequest& request) {
    core::BatchOptions options = request.options;
    const std::optional<core::LightDirection> shared = request.job.light.direction;
    if (request.sweep > 0) {
        for (const auto& d : variantDirections(request.sweep, shared ? shared->elevation : 0.0)) options.lights.push_back(d);
    }
    const auto items = core::planBatch(options, shared, request.job.seed);
    jobs::BatchSpecOptions specOptions;
    specOptions.batchId = jobs::newBatchId();
    specOptions.bundleDir = request.bundleDir;
    specOptions.bitDepth = request.bitDepth;
    // The Batch tab's automatic choice is "auto" (the runner uses the bundle's segmenter when it has
    // one at run time, else GrabCut), so a queue made before the segmenter was exported still runs.
    specOptions.maskMethod = options.maskSource == core::BatchMaskSource::GrabCut     ? "grabcut"
                             : options.maskSource == core::BatchMaskSource::Segmenter ? "auto"
                                                                                      : "none";
    BatchJobs result;
    int index = 0;
    for (const core::BatchItem& item : items) {
        const auto found = request.overrides.find(item.inputPath);
        const BatchOverride o = found == request.overrides.end() ? BatchOverride{} : found->second;
        if (!o.include) {
            ++result.excluded;
            continue;
        }
        core::RelightJob job = request.job;
        std::optional<core::LightDirection> light = item.light ? item.light : shared;
        std::string output = item.outputPath;
        bool exists = item.outputExists;
        if (!o.light.empty() && request.sweep == 0) {
            light = parseLightOverride(o.light);
            const std::string name = core::expandNamePattern(options.namePattern, item.relativeName, light,
                                                             job.seed, index);
            output = (std::filesystem::path(options.outputDir) / name).string();
            exists = std::filesystem::exists(output);
        }
        ++index;
        if (exists && options.skipExisting) {
            ++result.skipped;
            continue;
        }
        job.light.direction = light;
        if (!o.prompt.empty()) job.prompt = o.prompt;
        core::BatchItem planned = item;
        planned.outputPath = output;
        result.specs.push_back(jobs::batchJobSpec(planned, job, specOptions));
    }
    return result;
}

}  // namespace chiaro::gui
