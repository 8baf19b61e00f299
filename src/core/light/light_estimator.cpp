// estimateLight: subject mask -> silhouette normals -> luminance -> fitLightToNormals, at a working
// size of at most kEstimationSide.
#include "chiaro/light/light_estimator.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "chiaro/light/normal_field.h"
#include "chiaro/light/subject_mask.h"
#include "srgb_lut.h"

namespace chiaro::core {
namespace {

// Clipped pixels (any channel at or above this) do not follow the shading model.
constexpr int kSaturatedLevel = 250;
constexpr double kLuminanceBlurSigma = 1.5;  // at the working size: averages noise and fine texture
constexpr double kWholeImagePenalty = 0.5;

cv::Mat shrink(const cv::Mat& image, double scale, int interpolation) {
    if (scale >= 1.0)
        return image;
    cv::Mat small;
    const cv::Size size(std::max(1, cvRound(image.cols * scale)),
                        std::max(1, cvRound(image.rows * scale)));
    cv::resize(image, small, size, 0, 0, interpolation);
    return small;
}

// Inside the (slightly eroded: edge pixels mix in the background) mask and not clipped.
cv::Mat fitSelection(const cv::Mat& imageRgb, const cv::Mat& mask) {
    cv::Mat inside, eroded, maxChannel, unclipped;
    cv::compare(mask, 127, inside, cv::CMP_GT);
    cv::erode(inside, eroded, cv::Mat(), cv::Point(-1, -1), 1, cv::BORDER_CONSTANT,
              cv::Scalar(255));
    if (cv::countNonZero(eroded) < 8)
        eroded = inside;  // tiny subjects keep their edge pixels
    cv::Mat channels[3];
    cv::split(imageRgb, channels);
    cv::max(channels[0], channels[1], maxChannel);
    cv::max(maxChannel, channels[2], maxChannel);
    cv::compare(maxChannel, kSaturatedLevel, unclipped, cv::CMP_LT);
    return eroded & unclipped;
}

// Gaussian blur of `values` that only averages pixels inside `mask` (no background bleeding into
// the subject's rim, where the shading says the most about a side light).
cv::Mat maskedBlur(const cv::Mat& values, const cv::Mat& mask, double sigma) {
    cv::Mat weight, weighted, num, den, result;
    cv::compare(mask, 127, weight, cv::CMP_GT);
    weight.convertTo(weight, CV_32F, 1.0 / 255.0);
    cv::multiply(values, weight, weighted);
    cv::GaussianBlur(weighted, num, cv::Size(), sigma);
    cv::GaussianBlur(weight, den, cv::Size(), sigma);
    cv::divide(num, cv::max(den, 1e-6), result);
    return result;
}

}  // namespace

cv::Mat linearLuminance(const cv::Mat& imageRgb) {
    CV_Assert(imageRgb.type() == CV_8UC3);
    const auto& lut = srgbToLinear();
    cv::Mat lum(imageRgb.size(), CV_32F);
    for (int y = 0; y < imageRgb.rows; ++y) {
        const auto* px = imageRgb.ptr<cv::Vec3b>(y);
        float* out = lum.ptr<float>(y);
        for (int x = 0; x < imageRgb.cols; ++x) {
            out[x] = 0.2126f * lut[px[x][0]] + 0.7152f * lut[px[x][1]] + 0.0722f * lut[px[x][2]];
        }
    }
    return lum;
}

LightEstimate estimateLight(const cv::Mat& imageRgb, const cv::Mat& mask) {
    requireRgbImage(imageRgb, "estimate-light");
    const SubjectMask subject = conformSubjectMask(mask, imageRgb.size(), "estimate-light");
    const double scale = double(kEstimationSide) / std::max(imageRgb.cols, imageRgb.rows);
    const cv::Mat image = shrink(imageRgb, scale, cv::INTER_AREA);
    const cv::Mat alpha = shrink(subject.alpha, scale, cv::INTER_AREA);

    const cv::Mat luminance = maskedBlur(linearLuminance(image), alpha, kLuminanceBlurSigma);
    LightEstimate estimate =
        fitLightToNormals(luminance, silhouetteNormals(alpha), fitSelection(image, alpha));
    estimate.wholeImage = subject.wholeImage;
    if (subject.wholeImage)
        estimate.confidence *= kWholeImagePenalty;
    return estimate;
}

}  // namespace chiaro::core
