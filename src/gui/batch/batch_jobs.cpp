#include "batch/batch_jobs.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "chiaro/core/error.h"
#include "result/variants_sheet.h"

namespace chiaro::gui {
namespace {

std::string newBatchId() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return "gui-" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

std::string labelOf(const std::string& relativeName, const std::optional<core::LightDirection>& light) {
    const std::string name = std::filesystem::path(relativeName).filename().string();
    if (!light) return name + " · no light";
    char text[64];
    std::snprintf(text, sizeof(text), " · %.0f°/%.0f°", light->azimuth, light->elevation);
    return name + text;
}

}  // namespace

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
    const std::string batchId = newBatchId();
    // The Batch tab's automatic choice is "auto" (the runner uses the bundle's segmenter when it has
    // one at run time, else GrabCut), so a queue made before the segmenter was exported still runs.
    const std::string method = options.maskSource == core::BatchMaskSource::GrabCut     ? "grabcut"
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
        jobstore::JobSpec spec;
        spec.params = core::jobToJson(job);
        spec.params["batch"] = {{"mask_method", item.maskPath.empty() ? method : "file"},
                                {"bit_depth", request.bitDepth}};
        spec.inputPath = item.inputPath;
        spec.maskPath = item.maskPath;
        spec.outputPath = output;
        spec.bundleDir = request.bundleDir;
        spec.batchId = batchId;
        spec.label = labelOf(item.relativeName, light);
        result.specs.push_back(std::move(spec));
    }
    return result;
}

}  // namespace chiaro::gui
