#pragma once
// Queue job specs for the items of a batch plan (core::planBatch), made the same way by the app's
// Batch tab and `chiaro-cli batch`: one batch id, one label format, the `batch` parameters the
// executor reads (mask_method, bit_depth).
#include <optional>
#include <string>

#include "chiaro/jobs/batch_plan.h"
#include "chiaro/jobs/job_store.h"
#include "chiaro/pipeline/relight_job.h"

namespace chiaro::jobs {

struct BatchSpecOptions {
    std::string batchId;         // newBatchId()
    std::string bundleDir;       // absolute
    std::string backgroundPath;  // fbc upload, absolute; empty: none
    // How photos without a mask file get one: none | grabcut | segmenter | auto (the bundle's
    // segmenter at run time when it has one, else GrabCut).
    std::string maskMethod = "none";
    int bitDepth = 0;  // of the output files: 8, 16, or 0 = each result's own (the photo's)
};

// "<unix ms>-<6 random hex digits>": unique across runners started in the same millisecond.
std::string newBatchId();

// "red_shoe.jpg · 270°/20°", or "red_shoe.jpg · no light".
std::string batchLabel(const std::string& inputPath, const std::optional<core::LightDirection>& light);

// The spec of one planned item; `job` is the shared job with this item's light and prompt set.
JobSpec batchJobSpec(const core::BatchItem& item, const core::RelightJob& job,
                     const BatchSpecOptions& options);

}  // namespace chiaro::jobs
