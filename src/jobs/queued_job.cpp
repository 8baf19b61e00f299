// One queued job's shared steps (queued_job.h): mask plan, loading, the already-written check, the
// lease-guarded save.
#include "chiaro/jobs/queued_job.h"

#include <filesystem>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"
#include "chiaro/image/photo.h"
#include "chiaro/image/png_metadata.h"
#include "chiaro/mask/subject_selection.h"

namespace chiaro::jobs {
namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;

namespace {

nlohmann::json batchParams(const StoredJob& job) {
    const auto it = job.spec.params.find(kBatchParamsKey);
    return it != job.spec.params.end() && it->is_object() ? *it : nlohmann::json::object();
}

// The job key in a PNG's `chiaro` chunk, or "" when the file has none (or is not readable).
std::string keyInOutput(const std::string& path) {
    try {
        const auto chunks = core::readPngTextChunksFromFile(path);
        const auto it = chunks.utf8.find("chiaro");
        if (it == chunks.utf8.end())
            return {};
        const auto json = nlohmann::json::parse(it->second, nullptr, false);
        if (!json.is_object() || !json.contains(kBatchParamsKey) || !json[kBatchParamsKey].is_object())
            return {};
        return json[kBatchParamsKey].value("job_key", "");
    } catch (const std::exception&) {
        return {};  // unreadable, truncated, or a TIFF: not a finished output of a job
    }
}

}  // namespace

MaskPlan maskPlanFor(const StoredJob& job, bool bundleHasSegmenter) {
    if (!job.spec.maskPath.empty())
        return MaskPlan::File;
    const std::string method = batchParams(job).value("mask_method", "none");
    if (method == "segmenter" || (method == "auto" && bundleHasSegmenter))
        return MaskPlan::Segmenter;
    if (method == "grabcut" || method == "auto")
        return MaskPlan::GrabCut;
    return MaskPlan::None;
}

core::RelightJob loadQueuedJob(const StoredJob& stored, MaskPlan plan) {
    core::RelightJob job;
    core::jobFromJson(stored.spec.params, job);
    core::setJobPhoto(job, core::loadPhoto(stored.spec.inputPath));
    switch (plan) {
        case MaskPlan::File:
            job.mask = core::loadMask(stored.spec.maskPath, job.image.size());
            job.maskSource = "file";
            break;
        case MaskPlan::GrabCut:
            job.mask = core::selectSubject(job.image);
            job.maskSource = "grabcut";
            break;
        case MaskPlan::Segmenter:
            job.maskSource = "segmenter";
            break;
        case MaskPlan::None:
            job.maskSource = "none";
            break;
    }
    if (!stored.spec.backgroundPath.empty())
        job.background = core::loadImageRgb(stored.spec.backgroundPath);
    job.previewEvery = 0;  // nobody watches a queued job's latents
    return job;
}

std::string jobKey(const StoredJob& job) {
    return job.spec.batchId + "/" + std::to_string(job.id);
}

OutputState outputState(const StoredJob& job) {
    std::error_code ec;
    if (!fs::exists(job.spec.outputPath, ec))
        return OutputState::Missing;
    return keyInOutput(job.spec.outputPath) == jobKey(job) ? OutputState::WrittenByThisJob
                                                           : OutputState::Foreign;
}

std::string foreignOutputError(const StoredJob& job) {
    return job.spec.outputPath +
           " already exists and was not written by this job; it is not overwritten (move it away, "
           "then retry the job)";
}

int removeInterruptedTemporaries(const StoredJob& job) {
    const fs::path out(job.spec.outputPath);
    const std::string prefix = "." + out.stem().string() + ".tmp-";
    const std::string extension = out.extension().string();
    std::error_code ec;
    int removed = 0;
    for (const auto& entry : fs::directory_iterator(out.parent_path(), ec)) {
        const std::string name = entry.path().filename().string();
        // core::writeFileAtomic's names: the prefix, six hex digits, the output's extension.
        if (name.size() == prefix.size() + 6 + extension.size() && name.rfind(prefix, 0) == 0 &&
            name.compare(name.size() - extension.size(), extension.size(), extension) == 0) {
            core::namedLogger("jobs")->info("removing an interrupted temporary file {}",
                                            entry.path().string());
            if (fs::remove(entry.path(), ec))
                ++removed;
        }
    }
    return removed;
}

SaveOutcome saveQueuedResult(JobStore& store,
                             const StoredJob& job,
                             const RunnerIdentity& owner,
                             int leaseSeconds,
                             core::RelightResult& result,
                             double seconds) {
    // A fresh lease covers the write; a runner that lost the job leaves the output to the new owner.
    if (store.renewLease(job.id, owner, leaseSeconds) == LeaseState::Lost)
        return SaveOutcome::LeaseLost;
    if (outputState(job) == OutputState::Foreign) {
        store.markFailed(job.id, owner, foreignOutputError(job));
        return SaveOutcome::Foreign;
    }
    const fs::path folder = fs::path(job.spec.outputPath).parent_path();
    std::error_code ec;
    if (!folder.empty())
        fs::create_directories(folder, ec);
    result.job[kBatchParamsKey] = {
        {"job_key", jobKey(job)}, {"queue_job_id", job.id}, {"batch_id", job.spec.batchId}};
    core::saveRelightResult(job.spec.outputPath, result, batchParams(job).value("bit_depth", 0));
    if (!store.markDone(job.id, owner, seconds)) {
        // Lost between the renewal and now (a stall longer than the lease): the file is this job's
        // complete output, and the new owner will find it written and mark the job done.
        core::namedLogger("jobs")->warn("job {}: the lease was lost while its output was written",
                                        job.id);
        return SaveOutcome::LeaseLost;
    }
    return SaveOutcome::Saved;
}

}  // namespace chiaro::jobs
