#pragma once
// Internal: the first steps every loader shares: the header read from the file's bytes with the
// pixel limit applied before any decoding, then OpenCV's decode of the pixels as stored. Problems
// throw Error(BadInput) with the path in front.
#include <string>

#include <opencv2/core.hpp>

#include "image/image_header.h"

namespace chiaro::core {

[[noreturn]] void badImageFile(const std::string& path, const std::string& problem);

// Throws when the header is malformed or the picture exceeds kMaxImagePixels.
ImageHeader checkedHeader(const std::string& path, const std::string& bytes);

// Decodes as stored: BGR(A) or grey, 8/16-bit or float, no EXIF orientation applied yet.
cv::Mat decodeStored(const std::string& path, const std::string& bytes, const ImageHeader& header);

}  // namespace chiaro::core
