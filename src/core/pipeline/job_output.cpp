#include "job_output.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/logging.h"
#include "chiaro/light/colour_keep.h"
#include "chiaro/pipeline/full_resolution.h"
#include "conditioning.h"

namespace chiaro::core {
namespace {

const cv::Mat& originalOf(const RelightJob& job) { return job.original.empty() ? job.image : job.original; }

cv::Mat resizedPhoto(const cv::Mat& image, cv::Size size) {
    if (image.empty() || image.size() == size) return image;
    cv::Mat out;
    const bool shrink = size.width <= image.cols && size.height <= image.rows;
    cv::resize(image, out, size, 0, 0, shrink ? cv::INTER_AREA : cv::INTER_CUBIC);
    return out;
}

cv::Mat resizedMask(const cv::Mat& mask, cv::Size size) {
    if (mask.empty() || mask.size() == size) return mask;
    cv::Mat out;
    cv::resize(mask, out, size, 0, 0, cv::INTER_LINEAR);
    return out;
}

cv::Rect scaleRect(const cv::Rect& r, cv::Size from, cv::Size to) {
    const double sx = static_cast<double>(to.width) / from.width;
    const double sy = static_cast<double>(to.height) / from.height;
    const int x0 = static_cast<int>(std::floor(r.x * sx)), y0 = static_cast<int>(std::floor(r.y * sy));
    const int x1 = static_cast<int>(std::ceil(r.br().x * sx)), y1 = static_cast<int>(std::ceil(r.br().y * sy));
    return cv::Rect(x0, y0, x1 - x0, y1 - y0) & cv::Rect(0, 0, to.width, to.height);
}

// 8 <-> 16 bit without touching a value that needs no conversion (the kept pixels stay exact).
cv::Mat toDepth(const cv::Mat& image, int depth) {
    if (image.depth() == depth) return image.clone();
    cv::Mat out;
    image.convertTo(out, depth, depth == CV_16U ? 257.0 : 1.0 / 257.0);
    return out;
}

cv::Mat withAlpha(const cv::Mat& rgb, const cv::Mat& mask) {
    cv::Mat alpha = mask.empty() ? cv::Mat(rgb.size(), CV_8UC1, cv::Scalar(255)) : mask;
    if (rgb.depth() == CV_16U) alpha.convertTo(alpha, CV_16U, 257.0);
    cv::Mat rgba;
    cv::merge(std::vector<cv::Mat>{rgb, alpha}, rgba);
    return rgba;
}

int outputDepth(const RelightJob& job, const cv::Mat& photo) {
    if (job.outputBitDepth == 16) return CV_16U;
    if (job.outputBitDepth == 8) return CV_8U;
    return photo.depth();
}

}  // namespace

FramedJob frameJob(const RelightJob& job) {
    FramedJob framed{job, cv::Rect(0, 0, job.image.cols, job.image.rows), {}};
    framed.region = framed.frame;
    if (job.outputSize.mode == OutputSizeMode::Working) return framed;  // IC-Light's own framing
    if (job.crop) framed.frame = centerCropRect(job.image.size(), {job.width, job.height});
    framed.region = framed.frame;
    if (job.mode == RelightMode::Inpaint && !job.mask.empty()) {
        framed.region = inpaintRegion(job.mask(framed.frame)) + framed.frame.tl();
    }
    if (framed.region == cv::Rect(0, 0, job.image.cols, job.image.rows)) return framed;
    RelightJob& cut = framed.job;
    cut.image = job.image(framed.region).clone();
    if (!job.original.empty()) cut.original = job.original(framed.region).clone();
    if (!job.mask.empty()) cut.mask = job.mask(framed.region).clone();
    if (framed.region != framed.frame) {
        // The region gets the job's pixel budget at its own aspect: a small region is worked on at
        // more pixels than the photo gives it, a large one at the usual size.
        const cv::Size working = workingSizeFor(framed.region.size(), job.width * job.height);
        cut.width = working.width;
        cut.height = working.height;
        cut.crop = false;
        coreLog().debug("inpaint region {}x{} at ({}, {}), worked on at {}x{}", framed.region.width,
                        framed.region.height, framed.region.x, framed.region.y, working.width, working.height);
    }
    return framed;
}

FinishedOutput finishJob(const RelightJob& job, const FramedJob& framed, const cv::Mat& generated,
                         const std::function<void()>& checkpoint) {
    const auto check = [&checkpoint] { if (checkpoint) checkpoint(); };
    if (job.outputSize.mode == OutputSizeMode::Working) return {finishOutput(framed.job, generated), ""};
    cv::Mat photo = originalOf(job)(framed.frame);
    cv::Mat mask = job.mask.empty() ? cv::Mat() : job.mask(framed.frame);
    cv::Rect region = framed.region - framed.frame.tl();
    const cv::Size outSize = resolveOutputSize(job.outputSize, framed.frame.size(), generated.size());
    if (outSize != photo.size()) {
        region = scaleRect(region, photo.size(), outSize);
        photo = resizedPhoto(photo, outSize);
        mask = resizedMask(mask, outSize);
        check();
    }
    const cv::Mat regionMask = mask.empty() ? cv::Mat() : mask(region);
    FullResolutionInputs in;
    in.photo = photo(region);
    in.iccProfile = job.iccProfile;
    in.generated = generated;
    in.outputDepth = outputDepth(job, photo);
    in.detailSigma = 1.5 + 3.0 * job.detailPreserve;
    if (regionMask.empty()) in.detailMatte = cv::Mat(region.size(), CV_8UC1, cv::Scalar(255));
    else in.detailMatte = job.mode == RelightMode::Inpaint ? cv::Mat(255 - regionMask) : regionMask.clone();
    const bool keep = job.keepUnmasked || job.mode == RelightMode::Inpaint;
    if (keep && !regionMask.empty()) in.keepWeight = featherOutwardByDistance(regionMask, keepFeatherRadius(outSize));
    check();
    // The compositor polls without throwing from its worker threads; the checkpoint's own error
    // (with its message) is raised here, on the calling thread, once the rows have stopped.
    if (checkpoint) {
        in.cancelled = [&checkpoint] {
            try {
                checkpoint();
                return false;
            } catch (...) {
                return true;
            }
        };
    }
    cv::Mat composed = composeFullResolution(in);
    if (region.size() != outSize) {  // an inpaint region goes back into the untouched photo
        cv::Mat whole = toDepth(photo, in.outputDepth);
        composed.copyTo(whole(region));
        composed = whole;
    }
    check();
    if (job.keepColour > 0.0 && job.mode == RelightMode::Subject) {
        // At the output's size, in its own colour space, so the product's colours are the file's.
        keepSubjectColours(composed, photo, mask, job.keepColour, rigColour(job.light));
        check();
    }
    if (job.transparent) composed = withAlpha(composed, mask);
    return {composed, job.iccProfile};
}

}  // namespace chiaro::core
