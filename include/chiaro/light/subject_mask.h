#pragma once
// The subject mask as the light module reads it. Masks are CV_8UC1, 255 = subject; values between
// are soft edges. Rules (documented in the README):
// - no mask, or a mask with no pixel above 127: the whole image is the subject (estimation then
//   reports a lower confidence);
// - a mask of another size than the image is resized to it (bilinear) with a warning, like
// loadMask.
#include <opencv2/core.hpp>

namespace chiaro::core {

struct SubjectMask {
    cv::Mat alpha;            // CV_8UC1, image size; all 255 when wholeImage
    bool wholeImage = false;  // true when no usable mask was given
};

// `who` names the caller in messages ("preview", "estimate-light"). Throws Error(BadInput) when the
// mask is not CV_8UC1 or `imageSize` is empty.
SubjectMask conformSubjectMask(const cv::Mat& mask, cv::Size imageSize, const char* who);

// Throws Error(BadInput) naming `who` unless `image` is a non-empty CV_8UC3 (RGB) image.
void requireRgbImage(const cv::Mat& image, const char* who);

}  // namespace chiaro::core
