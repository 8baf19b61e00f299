#pragma once
// Internal: libtiff encoder for saveImage: one strip-organised, deflate-compressed image
// (horizontal predictor), contiguous samples, RGB / RGBA (unassociated alpha) or grey, 8 or 16
// bits.
#include <string>

#include <opencv2/core.hpp>

namespace chiaro::core {

struct TiffWriteOptions {
    std::string description;  // ImageDescription (tag 270) when non-empty; must contain no NUL
    std::string iccProfile;   // ICC profile (tag 34675) when non-empty
};

// Writes `image` (Chiaro's RGB(A) or grey order, CV_8U or CV_16U, 1/3/4 channels: checked by the
// caller) to the file `path`. Throws Error(Failure) with libtiff's message when writing fails.
void writeTiffFile(const std::string& path, const cv::Mat& image, const TiffWriteOptions& options);

}  // namespace chiaro::core
