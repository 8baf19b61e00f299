#pragma once
// Internal: the checks and sample conversion the PNG and TIFF writers share.
#include <string>

#include <opencv2/core.hpp>

namespace chiaro::core {

// Throws Error(Usage) for a bit depth other than 8 or 16, and for an ICC profile whose colour
// space does not fit the channels (RGB for 3/4 channels, grey for 1); Error(Failure) for an empty
// image, or one that is not 8/16-bit with 1, 3 or 4 channels. `format` prefixes the message.
void checkEncodable(const cv::Mat& image,
                    int bitDepth,
                    const std::string& iccProfile,
                    const char* format);

// The samples at `bitDepth`: 8 -> 16 multiplies by 257 (255 -> 65535), 16 -> 8 divides by 257 and
// rounds; a Mat already at that depth is returned as is.
cv::Mat toBitDepth(const cv::Mat& image, int bitDepth);

}  // namespace chiaro::core
