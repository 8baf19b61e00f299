#pragma once
// Internal: turns pixels decoded as stored into the picture a viewer shows, following the EXIF
// Orientation tag (1..8), the same way OpenCV's imread(IMREAD_COLOR) does. OpenCV skips this step
// for IMREAD_UNCHANGED, which Chiaro needs to keep alpha and 16-bit samples.
#include <opencv2/core.hpp>

namespace chiaro::core {

cv::Mat applyExifOrientation(const cv::Mat& image, int orientation);

}  // namespace chiaro::core
