#pragma once
// Internal: Pillow's RGBA <-> premultiplied "RGBa" conversions (libImaging/Convert.c), used so an
// RGBA resize matches Image.resize(..., LANCZOS) byte for byte.
#include <opencv2/core.hpp>

namespace chiaro::core {

// CV_8UC4 in, CV_8UC4 out: colour = round(colour * alpha / 255), alpha unchanged.
cv::Mat premultiplyAlpha(const cv::Mat& rgba);

// Inverse: colour = min(255, colour * 255 / alpha) (truncating), untouched where alpha is 0 or 255.
cv::Mat unpremultiplyAlpha(const cv::Mat& rgba);

}  // namespace chiaro::core
