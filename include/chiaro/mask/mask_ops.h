#pragma once
// Whole-mask and region edits on CV_8UC1 masks (255 = selected). Each returns the rectangle it may
// have changed so callers can record undo tiles and repaint only that area.
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace chiaro::core {

// Mask sizes and values at this boundary: CV_8UC1, non-empty. Throws Error(Usage) otherwise.
void requireMask(const cv::Mat& mask, const char* what);

void invertMask(cv::Mat& mask);
void fillMask(cv::Mat& mask, uint8_t value);  // 0 clears, 255 selects everything

// Grow (pixels > 0) or shrink (pixels < 0) the selection (mask >= 128) by a Euclidean distance,
// with a 1 px antialiased edge. Soft edges are re-made, so feather after growing.
void growMask(cv::Mat& mask, int pixels);
// Gaussian blur of the edge, sigma = pixels / 2; 0 does nothing.
void featherMask(cv::Mat& mask, int pixels);

// Flood fill from `seed`: with an RGB image (CV_8UC3), the 4-connected region whose colours lie
// within `tolerance` (0..255 per channel) of the seed's colour; without one, the region of the
// mask with the seed's value. Sets that region to `value` and returns its bounding box.
cv::Rect bucketFill(cv::Mat& mask, const cv::Mat& rgb, cv::Point seed, int tolerance,
                    uint8_t value);

// Fills a closed polygon (image pixel coordinates, sub-pixel, antialiased edge) with `value`;
// fewer than 3 points do nothing. Returns the changed area, clipped to the mask.
cv::Rect fillPolygon(cv::Mat& mask, const std::vector<cv::Point2f>& points, uint8_t value);

// Fraction of the mask that is selected (mean / 255).
double maskCoverage(const cv::Mat& mask);

}  // namespace chiaro::core
