#pragma once
// One-click subject selection without a model: picks GrabCut's starting hints from the photo
// instead of a fixed rectangle. Images are CV_8UC3 RGB; the result is a CV_8UC1 mask (255 = subject)
// of the image's size.
#include <opencv2/core.hpp>

#include "chiaro/mask/grabcut.h"

namespace chiaro::core {

// Selects the main subject of `rgb`. Unlike grabCutFromRect(rgb, defaultSubjectRect(...)) it lets
// the subject run out of the frame (a product cropped at the bottom, a portrait cut at the shoulders),
// and it keeps only the subject's component(s) with their holes filled. Throws Error(BadInput) for an
// image that is not 8-bit RGB; a photo under 16 px a side gives an empty mask. Runs on the calling
// thread (seconds on a 1024 px working size, see GrabCutOptions::maxWorkingSide); call it off the UI thread. Deterministic.
//
// Not yet the app's one-click selection (the callers use grabCutFromRect with defaultSubjectRect):
// on the held-out scenes of tests/core/mask/subject_selection_test.cpp it beats the rectangle where
// the subject leaves the frame (mean IoU 0.72 vs 0.49) but loses on low contrast (0.53 vs 0.71)
// and coloured light, 0.647 vs 0.662 overall. Switch the callers when it wins overall (issue #21).
cv::Mat selectSubject(const cv::Mat& rgb, const GrabCutOptions& options = {});

}  // namespace chiaro::core
