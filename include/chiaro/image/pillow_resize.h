#pragma once
// Resizing exactly as IC-Light does with Pillow (Image.resize(..., Image.LANCZOS)): separable Lanczos
// (a = 3) whose support widens by the scale factor when shrinking, horizontal pass first, fixed-point
// coefficients and an 8-bit result per pass. OpenCV's INTER_LANCZOS4 is a different filter; parity
// with the reference needs this one. Input and output are CV_8UC1/3/4.
#include <opencv2/core.hpp>

namespace chiaro::core {

// Resizes to exactly width × height (a same-size resize is a copy).
cv::Mat pillowResizeLanczos(const cv::Mat& image, int width, int height);

// IC-Light's resize_and_center_crop: scale = max(W/w, H/h), resize to (round(w*s), round(h*s)) with
// Python's round (halves to even), then crop the centre W × H.
cv::Mat resizeAndCenterCrop(const cv::Mat& image, int width, int height);

// IC-Light's resize_without_crop: pillowResizeLanczos to exactly W × H.
cv::Mat resizeWithoutCrop(const cv::Mat& image, int width, int height);

// Python 3's round() for doubles: halves go to the even neighbour.
long long pythonRound(double value);

}  // namespace chiaro::core
