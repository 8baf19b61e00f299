#pragma once
// Between the user's photo and the diffusion, and back (issue #17): which part of the photo the
// diffusion sees (the whole frame, the --crop frame, or for inpainting a region around the mask with
// context, as IOPaint and Krita do), and how its result becomes the output at the photo's own size,
// bit depth and colour space. Torch-free; the engine calls it around the diffusion passes.
#include <functional>

#include <opencv2/core.hpp>

#include "chiaro/pipeline/relight_job.h"

namespace chiaro::core {

struct FramedJob {
    RelightJob job;   // what the diffusion runs: image, original and mask cut to `region`, working
                      // size fitted to the region when it is an inpaint region
    cv::Rect frame;   // the output's frame in the photo (the whole photo, or the --crop rectangle)
    cv::Rect region;  // the part of the photo the diffusion sees (inside `frame`)
};

// Working size output keeps the job as it is (IC-Light's exact behaviour). Photo and exact sizes cut
// the --crop frame first, and inpainting works on inpaintRegion() of the mask at the job's pixel
// budget.
FramedJob frameJob(const RelightJob& job);

struct FinishedOutput {
    cv::Mat image;           // RGB or RGBA, 8- or 16-bit
    std::string iccProfile;  // the profile of image's pixels (empty = sRGB)
};

// The output from the diffusion's result (`generated`, CV_8UC3 sRGB at the working or high-res size).
// `job` is the user's job (not the framed one). `checkpoint` (may throw, e.g. Error(Cancelled)) is
// called between the steps and, through the compositor, about every 32 rows of the output.
FinishedOutput finishJob(const RelightJob& job, const FramedJob& framed, const cv::Mat& generated,
                         const std::function<void()>& checkpoint = {});

}  // namespace chiaro::core
