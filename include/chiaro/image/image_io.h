#pragma once
// Reading photos and masks from disk, and writing PNG results. Colour order at every Chiaro boundary:
// cv::Mat 8-bit RGB (CV_8UC3) or RGBA (CV_8UC4), rows top to bottom. Masks are CV_8UC1, 255 = selected.
#include <string>

#include <opencv2/core.hpp>

#include "chiaro/image/png_metadata.h"

namespace chiaro::core {

// Pictures larger than this are refused before decoding (decompression bombs). 100 MP covers every
// current camera; documented in the README.
constexpr long long kMaxImagePixels = 100LL * 1000 * 1000;

// Loads PNG, JPEG, WebP, BMP or TIFF as 8-bit sRGB: photoToSrgb8(loadPhoto(path)) (photo.h), so a
// file with an ICC profile is colour managed. Honours EXIF orientation, converts 16-bit, grey,
// palette and CMYK inputs; composites nothing (alpha is dropped). Throws Error(BadInput) naming the
// file: missing, empty, truncated, not an image, or over kMaxImagePixels (checked from the header).
cv::Mat loadImageRgb(const std::string& path);

// Same, but keeps an alpha channel when the file has one (CV_8UC4), else returns CV_8UC3. Not colour
// managed: the samples as stored, 16-bit ones divided by 257.
cv::Mat loadImageAny(const std::string& path);

// Reads the width and height from the file header without decoding the pixels (PNG, JPEG, WebP, BMP,
// TIFF; parsed by Chiaro, bounds checked). Throws Error(BadInput), also for a picture over
// kMaxImagePixels. JPEG sizes are given upright (EXIF orientations 5..8 swap width and height).
cv::Size probeImageSize(const std::string& path);

// Loads a mask: a grey PNG (0..255), or the alpha channel of an RGBA PNG, or the luminance of an RGB
// image. When `expected` is non-empty and differs, the mask is resized to it (bilinear) and a warning
// is logged. Returns CV_8UC1.
cv::Mat loadMask(const std::string& path, cv::Size expected = {});

struct PngWriteOptions {
    int bitDepth = 8;           // 8 or 16
    PngTextChunks metadata;     // tEXt / iTXt chunks to embed
    std::string iccProfile;     // embedded as iCCP when non-empty (RGB profile for RGB(A), grey for grey)
};

// Encodes RGB / RGBA / grey images, 8- or 16-bit, as PNG at options.bitDepth (8 -> 16: values
// scaled by 257; 16 -> 8: divided by 257, rounded). Error(Usage) for a bad depth or a profile that
// does not fit the channels.
std::string encodePng(const cv::Mat& image, const PngWriteOptions& options = {});

// encodePng + atomic write (temp file in the same folder, then rename). Never leaves a partial file.
void savePng(const std::string& path, const cv::Mat& image, const PngWriteOptions& options = {});

}  // namespace chiaro::core
