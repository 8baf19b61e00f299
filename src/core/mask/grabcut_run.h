#pragma once
// The GrabCut steps grabcut.cpp and subject_selection.cpp share. Private to src/core/mask.
#include <opencv2/core.hpp>

#include "chiaro/mask/grabcut.h"

namespace chiaro::core::grabcut_run {

// The factor that brings `size` down to options.maxWorkingSide (1 when it already fits).
double workingScale(cv::Size size, const GrabCutOptions& options);

// cv::grabCut on a prepared label image (GC_* values, updated in place), with OpenCV's thread RNG
// seeded so the same photo gives the same mask; returns 255 where it says subject. Throws
// Error(Failure) when OpenCV fails.
cv::Mat run(const cv::Mat& rgb, cv::Mat& labels, const cv::Rect& rect, int mode, int iterations);

// A working-size 0/255 mask brought back to `size` with a smooth, thresholded edge.
cv::Mat toFullSize(const cv::Mat& small, cv::Size size);

}  // namespace chiaro::core::grabcut_run
