#pragma once
// One-click subject selection without a model: finds GrabCut's starting hints in the photo instead
// of assuming a centred rectangle. Images are CV_8UC3 RGB; the result is a CV_8UC1 mask (255 =
// subject) of the image's size.
#include <opencv2/core.hpp>

#include "chiaro/mask/grabcut.h"

namespace chiaro::core {

// Selects the main subject of `rgb`. The hints come from a small copy of the photo: the region in
// focus (a product or a portrait against a defocused background), closed by the frame where the
// subject runs out of it; when the background is as sharp as the subject (clutter), the colours the
// frame's border lacks. GrabCut then cuts at that size, and on photos larger than
// options.maxWorkingSide's analysis copy the edge is cut again in a band at the working size.
// Only the subject's component(s) are kept, holes filled.
//
// Throws Error(BadInput) for an image that is not 8-bit RGB; a photo under 16 px a side gives an
// empty mask. Deterministic (OpenCV's RNG is seeded for every k-means and GrabCut). Runs on the
// calling thread, about a second on 2 cores at the default working size; call it off the UI thread.
cv::Mat selectSubject(const cv::Mat& rgb, const GrabCutOptions& options = {});

}  // namespace chiaro::core
