#pragma once
// Screen-sized copies of a photo and its mask. A 24 MP photo is four times wider than any view the
// app has, so the instant preview (and the before/after view) work on a copy whose long side fits a
// large screen: the preview's per-pixel shading then costs the same at 6 MP and at 45 MP (about
// 15 ms a frame on two cores instead of 130 ms). The full photo is still what Generate and the
// canvas's zoomed-in view use. Colour order and types are kept (RGB CV_8UC3, masks CV_8UC1).
#include <vector>

#include <opencv2/core.hpp>

namespace chiaro::core {

// 2048 px: wider than the preview area of a 4K window with its docks, so the proxy is never
// enlarged on screen by more than a little, and small enough for 30 frames/s on a 2-core laptop.
constexpr int kDisplayProxyLongSide = 2048;

// The proxy size of a photo of `size`: the same aspect ratio with the long side at most `longSide`
// (never enlarged; at least 1 px a side). Throws Error(Usage) for longSide < 1.
cv::Size displayProxySize(cv::Size size, int longSide = kDisplayProxyLongSide);

// `image` reduced to displayProxySize by area averaging (a moiré-free reduction, like the canvas's
// pyramid), or `image` itself, shared, when it is already small enough. Works for any depth and
// channel count (photos, masks).
cv::Mat displayProxy(const cv::Mat& image, int longSide = kDisplayProxyLongSide);

// `mask` (any size; typically the photo's) at exactly `size`, area-averaged so soft edges stay soft.
// An empty mask stays empty.
cv::Mat maskAtSize(const cv::Mat& mask, cv::Size size);

// `image` and its halvings (area-averaged, sizes rounded up) until the long side is at most
// 2 × `smallest`: the canvas draws a zoomed-out view from the smallest level still at least as large
// as what is shown. [0] is `image` itself, shared. Empty for an empty image.
std::vector<cv::Mat> halvingPyramid(const cv::Mat& image, int smallest = 256);

}  // namespace chiaro::core
