// estimateLight: subject mask -> silhouette normals -> luminance -> fitLightToNormals, at a working
// size of at most kEstimationSide.
#include "chiaro/light/light_estimator.h"

#include <algorithm>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "chiaro/light/normal_field.h"
#include "chiaro/light/subject_mask.h"
#include "light_fit_two.h"
#include "srgb_lut.h"

namespace chiaro::core {
namespace {

// Clipped pixels (any channel at or above this) do not follow the shading model.
constexpr int kSaturatedLevel = 250;
constexpr double kLuminanceBlurSigma = 1.5;  // at the working size: averages noise and fine texture
constexpr double kWholeImagePenalty = 0.5;
// A subject cut by the frame: its mask is continued this far past the frame (fraction of the
// working side) before inflating, and pixels this close to a cut border are left out of the fit
// (their shape is a guess either way). Tuned on estimation_robustness_test.cpp's tuning seeds.
constexpr double kFrameMargin = 0.25;
constexpr double kFrameCutBand = 0.12;

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

// Pixels within `width` of a frame border that the subject touches: their silhouette normals come
// from where the photo ends, not from the subject's outline.
cv::Mat frameCutBand(const cv::Mat& alpha, int width) {
    cv::Mat band(alpha.size(), CV_8UC1, cv::Scalar(0));
    const int w = std::min({width, alpha.cols, alpha.rows});
    const auto touches = [&](const cv::Mat& line) { return cv::countNonZero(line > 127) > 0; };
    if (touches(alpha.col(0)))
        band.colRange(0, w).setTo(255);
    if (touches(alpha.col(alpha.cols - 1)))
        band.colRange(alpha.cols - w, alpha.cols).setTo(255);
    if (touches(alpha.row(0)))
        band.rowRange(0, w).setTo(255);
    if (touches(alpha.row(alpha.rows - 1)))
        band.rowRange(alpha.rows - w, alpha.rows).setTo(255);
    return band;
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

namespace {

struct Analysis {
    LightEstimate estimate;          // the one-light fit, its direction replaced by a found key's
    std::optional<TwoLightFit> two;  // a key and a fill, when the photo clearly shows two
};

Analysis analyse(const cv::Mat& imageRgb, const cv::Mat& mask) {
    requireRgbImage(imageRgb, "estimate-light");
    const SubjectMask subject = conformSubjectMask(mask, imageRgb.size(), "estimate-light");
    const double scale = double(kEstimationSide) / std::max(imageRgb.cols, imageRgb.rows);
    const cv::Mat image = shrink(imageRgb, scale, cv::INTER_AREA);
    const cv::Mat alpha = shrink(subject.alpha, scale, cv::INTER_AREA);

    const cv::Mat luminance = maskedBlur(linearLuminance(image), alpha, kLuminanceBlurSigma);
    const int side = std::max(alpha.cols, alpha.rows);
    const cv::Mat normals = silhouetteNormalsOpenFrame(alpha, int(side * kFrameMargin));
    const cv::Mat selection =
        fitSelection(image, alpha) & ~frameCutBand(alpha, int(side * kFrameCutBand));
    Analysis result{fitLightToNormals(luminance, normals, selection), std::nullopt};
    LightEstimate& estimate = result.estimate;
    estimate.wholeImage = subject.wholeImage;
    if (subject.wholeImage)
        estimate.confidence *= kWholeImagePenalty;
    if (estimate.confidence > 0.0 && !subject.wholeImage)
        result.two = fitTwoLightsToNormals(luminance, normals, selection);
    if (result.two) {
        const cv::Vec3d& key = result.two->key;
        estimate.direction = LightDirection::fromVector({key[0], key[1], key[2]});
        const double a = std::max(result.two->ambient, 0.0);
        estimate.ambientFraction = a / (a + cv::norm(key));
    }
    return result;
}

LightSource sourceFrom(const cv::Vec3d& m, double intensity) {
    LightSource source;
    source.direction = LightDirection::fromVector({m[0], m[1], m[2]});
    source.intensity = intensity;
    return source;
}

}  // namespace

LightEstimate estimateLight(const cv::Mat& imageRgb, const cv::Mat& mask) {
    const Analysis analysis = analyse(imageRgb, mask);
    LightEstimate estimate = analysis.estimate;
    LightSettings& rig = estimate.rig;
    rig.direction = estimate.direction;
    const double f = std::min(estimate.ambientFraction, 1.0 - 1e-9);
    rig.ambient = std::clamp(f / (1.0 - f), 0.0, kMaxAmbient);  // a / |m_key|
    if (analysis.two) {
        const double ratio = cv::norm(analysis.two->fill) / cv::norm(analysis.two->key);
        rig.otherLights.push_back(sourceFrom(analysis.two->fill, std::clamp(ratio, 0.0, 1.0)));
    }
    return estimate;
}

LightSettings estimateLightRig(const cv::Mat& imageRgb, const cv::Mat& mask) {
    return estimateLight(imageRgb, mask).rig;
}

}  // namespace chiaro::core
