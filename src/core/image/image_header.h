#pragma once
// Internal: what an image file's header says, read without decoding any pixel, so oversized pictures
// (decompression bombs) are refused before a decoder allocates memory for them. Every read is bounds
// checked; problems throw Error(BadInput) with a message that the caller prefixes with the path.
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

namespace chiaro::core {

enum class ImageFormat { Png, Jpeg, WebP, Bmp, Tiff };

struct ImageHeader {
    ImageFormat format = ImageFormat::Png;
    cv::Size storedSize;      // as stored, before the EXIF orientation
    int exifOrientation = 1;  // 1..8 (JPEG only; 1 elsewhere)
    // JPEG only: the frame's sample precision (8, 12, 16) and component count (1 grey, 3, 4 CMYK),
    // and the APP2 segments (views into the parsed bytes: valid while those live) for the ICC profile.
    int jpegPrecision = 8;
    int jpegComponents = 3;
    std::vector<std::string_view> jpegApp2;
};

// Throws Error(BadInput) when the format is not one of ImageFormat, or the header is truncated or
// malformed. For JPEG it also checks that an end-of-image marker follows the scan data, because
// libjpeg silently pads a truncated file with grey.
ImageHeader readImageHeader(std::string_view bytes);

// The size a viewer shows: width and height swapped for the orientations 5..8.
cv::Size orientedSize(const ImageHeader& header);

}  // namespace chiaro::core
