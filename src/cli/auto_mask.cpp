#include "auto_mask.h"

#include <memory>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/mask/grabcut.h"
#include "chiaro/mask/subject_selection.h"
#include "chiaro/pipeline/subject_segmenter.h"

namespace chiaro::cli {
namespace {

core::SubjectSegmenter& processSegmenter() {
    static core::SubjectSegmenter segmenter;  // one per process: the CLI is single-threaded
    return segmenter;
}

}  // namespace

cv::Mat computeAutoMask(const std::string& method, const cv::Mat& rgb, const std::string& modelsDir,
                        const core::EngineOptions& engineOptions, std::string* usedMethod, cv::Rect box,
                        int grabCutIterations) {
    using core::Error;
    using core::ErrorCode;
    std::string chosen = method;
    if (chosen == "auto") {
        chosen = core::SubjectSegmenter::bundleHasSegmenter(modelsDir) ? "segmenter" : "grabcut";
        core::namedLogger("cli")->debug("auto mask: using {}", chosen);
    }
    if (usedMethod) *usedMethod = chosen;
    if (chosen == "segmenter") {
        auto& segmenter = processSegmenter();
        segmenter.load(modelsDir, engineOptions);
        return segmenter.segment(rgb);
    }
    if (chosen != "grabcut") {
        throw Error(ErrorCode::Usage, "unknown automatic mask method '" + method + "' (grabcut, segmenter, auto)");
    }
    core::GrabCutOptions options;
    options.iterations = grabCutIterations;
    if (box.area() > 0) return core::grabCutFromRect(rgb, box, options);
    return core::selectSubject(rgb, options);  // no box: find the subject, it may leave the frame
}

}  // namespace chiaro::cli
