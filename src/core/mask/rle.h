#pragma once
// Byte run-length coding for undo tiles (private to the mask module). Masks are mostly long runs of
// 0 and 255, so a tile typically shrinks from 4 KiB to a few dozen bytes.
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace chiaro::core::rle {

// Encodes the pixels of a CV_8UC1 matrix (any step) row after row as (count - 1, value) pairs.
std::vector<uint8_t> encode(const cv::Mat& pixels);

// Decodes into `out`, which must have exactly as many pixels as were encoded.
void decode(const std::vector<uint8_t>& runs, cv::Mat& out);

}  // namespace chiaro::core::rle
