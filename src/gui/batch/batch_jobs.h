#pragma once
// Turns the Batch tab's choices into queue job specs: core::planBatch for the photos, masks and output
// names, then the per-photo include/override table and the studio's job as the shared parameters.
// No widgets here, so the planning is tested without the tab.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "chiaro/jobs/batch_plan.h"
#include "chiaro/pipeline/relight_job.h"
#include "chiaro/jobs/job_store.h"

namespace chiaro::gui {

struct BatchOverride {
    bool include = true;
    std::string light;   // "az,el" (degrees) or empty; ignored when a sweep is on
    std::string prompt;  // empty = the shared prompt
};

struct BatchRequest {
    core::BatchOptions options;  // lights are filled from `sweep`
    int sweep = 0;               // 0 = the shared light; N = N directions at the shared elevation
    core::RelightJob job;        // the shared parameters (no pixels)
    std::string bundleDir;
    int bitDepth = 0;            // of the output files: 8, 16, or 0 = each result's own (the photo's)
    std::map<std::string, BatchOverride> overrides;  // by absolute input path
};

struct BatchJobs {
    std::vector<jobs::JobSpec> specs;
    int skipped = 0;   // output already exists
    int excluded = 0;  // unticked in the table
};

// Throws core::Error (Usage: a bad pattern or light override; BadInput: a missing folder).
BatchJobs buildBatchJobs(const BatchRequest& request);

// "270,20" -> {270, 20}. Throws core::Error(Usage) naming the text.
core::LightDirection parseLightOverride(const std::string& text);

}  // namespace chiaro::gui
