#pragma once
// What running one queued job means, the same for the app's queue dock and `chiaro-cli batch`:
// how its mask is made, how its photo is loaded, when its output counts as already written, and
// how its result is saved — the save only while the runner still holds the job's lease, so a
// runner that lost its job (stalled past the lease, another runner took over) never writes it.
// The engine call between loading and saving is each front end's own: the CLI runs it on its main
// thread (QueueExecutor), the app on its engine thread.
#include <string>

#include "chiaro/jobs/job_store.h"
#include "chiaro/pipeline/engine.h"

namespace chiaro::jobs {

// Keys batch jobs keep under params["batch"] besides the relight job of core::jobToJson:
// mask_method, bit_depth, and in the output's metadata job_key / queue_job_id / batch_id.
constexpr const char* kBatchParamsKey = "batch";

enum class MaskPlan {
    None,
    File,       // the job's mask file
    GrabCut,    // GrabCut from a centred box (no model)
    Segmenter,  // the bundle's segmenter.pt, run by the thread that owns the models
};

// "file" when the job names a mask file; "segmenter"; "auto" = the segmenter when the bundle has
// one, else GrabCut; "grabcut"; anything else none.
MaskPlan maskPlanFor(const StoredJob& job, bool bundleHasSegmenter);

// The relight job a queue row describes with its pixels: the photo, the mask file or the GrabCut
// mask, the fbc background. A Segmenter plan leaves the mask empty (maskSource "segmenter") for
// the model thread. Throws core::Error (BadInput naming the file).
core::RelightJob loadQueuedJob(const StoredJob& job, MaskPlan plan);

// The key a job's output carries in its `chiaro` metadata: "<batch id>/<queue job id>".
std::string jobKey(const StoredJob& job);

enum class OutputState {
    Missing,
    WrittenByThisJob,  // complete and carrying this job's key: written before a kill, not marked done
    Foreign,           // a file the job did not write: never overwritten
};
OutputState outputState(const StoredJob& job);
// The error a job fails with when a Foreign file sits at its output path.
std::string foreignOutputError(const StoredJob& job);

// Removes `.<stem>.tmp-XXXXXX<ext>` files a killed writer left next to this job's output. Call it
// only for a job this runner has just claimed: another runner's temporary belongs to a live lease.
int removeInterruptedTemporaries(const StoredJob& job);

enum class SaveOutcome {
    Saved,        // written and marked done
    LeaseLost,    // the job is no longer this runner's: nothing written
    Foreign,      // a file the job did not write sits at the output path: job marked failed
};

// Checks the lease (renewing it), refuses to replace a foreign file, adds the job key to the
// result's metadata, writes the output atomically (creating its folder) at the job's bit depth,
// and marks the job done with `seconds`. Throws core::Error when the write fails (the caller marks
// the job failed; the queue stays consistent).
SaveOutcome saveQueuedResult(JobStore& store,
                             const StoredJob& job,
                             const RunnerIdentity& owner,
                             int leaseSeconds,
                             core::RelightResult& result,
                             double seconds);

}  // namespace chiaro::jobs
