#include "chiaro/mask/grabcut.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "grabcut_run.h"

namespace chiaro::core {

namespace {

void requireRgb(const cv::Mat& rgb) {
    if (rgb.empty() || rgb.type() != CV_8UC3)
        throw Error(ErrorCode::BadInput, "grabcut: the photo must be a non-empty 8-bit RGB image");
    if (rgb.cols < 4 || rgb.rows < 4)
        throw Error(ErrorCode::BadInput, "grabcut: the photo is too small (under 4 px)");
}

std::string rectText(const cv::Rect& r) {
    return std::to_string(r.x) + "," + std::to_string(r.y) + "," + std::to_string(r.width) + "," +
           std::to_string(r.height);
}

}  // namespace

namespace grabcut_run {

double workingScale(cv::Size size, const GrabCutOptions& options) {
    const int longest = std::max(size.width, size.height);
    if (options.maxWorkingSide <= 0 || longest <= options.maxWorkingSide) return 1.0;
    return static_cast<double>(options.maxWorkingSide) / longest;
}

cv::Mat run(const cv::Mat& rgb, cv::Mat& labels, const cv::Rect& rect, int mode, int iterations) {
    // GrabCut's colour models do not depend on the channel order, so RGB goes in as it is.
    cv::Mat bgModel, fgModel;
    cv::setRNGSeed(12345);  // GrabCut's k-means draws from OpenCV's thread RNG: same photo, same mask
    try {
        cv::grabCut(rgb, labels, rect, bgModel, fgModel, std::max(1, iterations), mode);
    } catch (const cv::Exception& e) {
        throw Error(ErrorCode::Failure, std::string("grabcut: OpenCV failed: ") + e.what());
    }
    cv::Mat subject = (labels == cv::GC_FGD) | (labels == cv::GC_PR_FGD);
    return subject;  // 0 / 255
}

cv::Mat toFullSize(const cv::Mat& small, cv::Size size) {
    if (small.size() == size) return small;
    cv::Mat big;
    cv::resize(small, big, size, 0, 0, cv::INTER_LINEAR);
    return big >= 128;
}

}  // namespace grabcut_run

using grabcut_run::toFullSize;
using grabcut_run::workingScale;

cv::Rect defaultSubjectRect(cv::Size imageSize) {
    const int dx = static_cast<int>(std::lround(imageSize.width * 0.075));
    const int dy = static_cast<int>(std::lround(imageSize.height * 0.075));
    return {dx, dy, imageSize.width - 2 * dx, imageSize.height - 2 * dy};
}

cv::Mat grabCutFromRect(const cv::Mat& rgb, const cv::Rect& rect, const GrabCutOptions& options) {
    requireRgb(rgb);
    const cv::Rect all(0, 0, rgb.cols, rgb.rows);
    if (rect.width <= 0 || rect.height <= 0)
        throw Error(ErrorCode::Usage, "grabcut: the rectangle " + rectText(rect) + " is empty");
    if ((rect & all) != rect)
        throw Error(ErrorCode::Usage, "grabcut: the rectangle " + rectText(rect) + " is not inside the " +
                                          std::to_string(rgb.cols) + "x" + std::to_string(rgb.rows) + " image");
    if (rect == all)
        throw Error(ErrorCode::Usage, "grabcut: the rectangle " + rectText(rect) + " covers the whole image; leave some background outside it");

    const double scale = workingScale(rgb.size(), options);
    cv::Mat work = rgb;
    cv::Rect workRect = rect;
    if (scale < 1.0) {
        cv::resize(rgb, work, cv::Size(), scale, scale, cv::INTER_AREA);
        const cv::Rect workAll(0, 0, work.cols, work.rows);
        workRect = cv::Rect(cv::Point(static_cast<int>(std::floor(rect.x * scale)),
                                      static_cast<int>(std::floor(rect.y * scale))),
                            cv::Point(static_cast<int>(std::ceil(rect.br().x * scale)),
                                      static_cast<int>(std::ceil(rect.br().y * scale)))) & workAll;
        if (workRect == workAll) workRect = cv::Rect(1, 1, work.cols - 2, work.rows - 2);
    }
    coreLog().debug("grabcut: rect {} at {}x{}", rectText(workRect), work.cols, work.rows);
    cv::Mat labels(work.size(), CV_8UC1, cv::Scalar(cv::GC_BGD));
    cv::Mat result = toFullSize(grabcut_run::run(work, labels, workRect, cv::GC_INIT_WITH_RECT, options.iterations),
                                rgb.size());
    cv::Mat clipped = cv::Mat::zeros(rgb.size(), CV_8UC1);
    result(rect).copyTo(clipped(rect));  // nothing outside the rectangle, whatever the scaling did
    return clipped;
}

cv::Mat grabCutFromScribbles(const cv::Mat& rgb, const cv::Mat& scribbles, const cv::Mat& prior,
                             const GrabCutOptions& options) {
    requireRgb(rgb);
    if (scribbles.type() != CV_8UC1 || scribbles.size() != rgb.size())
        throw Error(ErrorCode::Usage, "grabcut: the scribbles must be an 8-bit label image of the photo's size");
    if (!prior.empty() && (prior.type() != CV_8UC1 || prior.size() != rgb.size()))
        throw Error(ErrorCode::Usage, "grabcut: the prior mask must be 8-bit grey of the photo's size");

    const cv::Mat subjectHint = scribbles == static_cast<uint8_t>(ScribbleLabel::Subject);
    const cv::Mat backgroundHint = scribbles == static_cast<uint8_t>(ScribbleLabel::Background);
    cv::Mat labels(rgb.size(), CV_8UC1, cv::Scalar(cv::GC_PR_BGD));
    if (!prior.empty()) labels.setTo(cv::GC_PR_FGD, prior >= 128);
    labels.setTo(cv::GC_FGD, subjectHint);
    labels.setTo(cv::GC_BGD, backgroundHint);
    const bool anySubject = cv::countNonZero((labels == cv::GC_FGD) | (labels == cv::GC_PR_FGD)) > 0;
    const bool anyBackground = cv::countNonZero((labels == cv::GC_BGD) | (labels == cv::GC_PR_BGD)) > 0;
    if (!anySubject) throw Error(ErrorCode::Usage, "grabcut: mark part of the subject first");
    if (!anyBackground) throw Error(ErrorCode::Usage, "grabcut: mark part of the background first");

    const double scale = workingScale(rgb.size(), options);
    cv::Mat work = rgb, workLabels = labels;
    if (scale < 1.0) {
        cv::resize(rgb, work, cv::Size(), scale, scale, cv::INTER_AREA);
        // Nearest-neighbour would drop thin scribbles; instead keep any hint that touches a cell.
        cv::Mat prLabels, fg, bg;
        cv::resize(labels, prLabels, work.size(), 0, 0, cv::INTER_NEAREST);
        cv::resize(subjectHint, fg, work.size(), 0, 0, cv::INTER_AREA);
        cv::resize(backgroundHint, bg, work.size(), 0, 0, cv::INTER_AREA);
        prLabels.setTo(cv::GC_FGD, fg > 0);
        prLabels.setTo(cv::GC_BGD, bg > 0);
        workLabels = prLabels;
    }
    cv::Mat result = toFullSize(grabcut_run::run(work, workLabels, cv::Rect(), cv::GC_INIT_WITH_MASK, options.iterations),
                                rgb.size());
    result.setTo(255, subjectHint);  // hints are certain at full resolution too
    result.setTo(0, backgroundHint);
    return result;
}

}  // namespace chiaro::core
