#pragma once
// Full-resolution photo input/output (issue #17): the user's file as it is (its size, framing, bit
// depth and colour space), the 8-bit sRGB view the model needs, and writers that give the result
// back in the same form. Colour order at this boundary: RGB (never OpenCV's BGR), rows top to
// bottom. Colour conversions use LittleCMS with the relative colorimetric intent and black point
// compensation.
#include <string>

#include <opencv2/core.hpp>

#include "chiaro/image/png_metadata.h"

namespace chiaro::core {

// A photo as the user's file has it: upright (EXIF orientation applied), RGB order, 8- or 16-bit,
// pixels in the file's own colour space, plus that space's ICC profile.
struct Photo {
    cv::Mat pixels;  // CV_8UC3 or CV_16UC3, RGB, upright
    cv::Mat alpha;   // CV_8UC1 or CV_16UC1 (same depth as pixels) when not fully opaque, else empty
    std::string iccProfile;   // the embedded RGB ICC profile; empty = sRGB
    std::string colourSpace;  // for logs and metadata: "sRGB", or the profile's description
    int bitDepth() const;     // 8 or 16
    bool isSrgb() const;      // iccProfile empty
};

// Loads PNG, JPEG, WebP, TIFF or BMP with the checks of loadImageRgb (pixel limit from the header
// before decoding; missing, truncated or corrupt files throw Error(BadInput) naming the file).
// 16-bit files stay 16-bit; float TIFFs become 16-bit (0..1 -> 0..65535, clamped).
// The ICC profile comes from JPEG APP2 "ICC_PROFILE" segments (in sequence order), PNG iCCP, TIFF
// tag 34675 or the WebP "ICCP" chunk (BMP: always sRGB). It is dropped, with one warning naming the
// file, when it is incomplete, unreadable, or not for the image's colours (say a grey profile on an
// RGB image); the photo is then sRGB. A profile equivalent to sRGB is dropped silently (sRGB, and
// the model input stays bit-exact). Grey images with a grey profile are converted to sRGB at their
// own bit depth. A CMYK JPEG with a CMYK profile is refused (Error(BadInput), convert it to RGB
// first); one without a profile loads with OpenCV's naive CMYK->RGB conversion and a warning.
Photo loadPhoto(const std::string& path);

// What the model sees: 8-bit sRGB (CV_8UC3, RGB), alpha dropped. For an sRGB photo this is exactly
// what loadImageRgb always gave (16-bit: value / 257, rounded); otherwise a LittleCMS conversion.
cv::Mat photoToSrgb8(const Photo& photo);

// Colour conversion of a (small) float image between sRGB and an RGB profile's space: CV_32FC3,
// RGB, values 0..1 as each space encodes them (gamma-encoded, not linear). Out-of-gamut results are
// not clamped. An empty profile is sRGB: the result is a copy. Throws Error(BadInput) for a profile
// that is not a readable RGB profile.
cv::Mat srgbToProfileFloat(const cv::Mat& srgb, const std::string& iccProfile);
cv::Mat profileToSrgbFloat(const cv::Mat& encoded, const std::string& iccProfile);

enum class ImageFileFormat { Png, Tiff };

// From the file name's extension (.png, .tif, .tiff; any case). Anything else: Error(Usage) naming
// the extension.
ImageFileFormat imageFormatForPath(const std::string& path);

struct ImageWriteOptions {
    int bitDepth =
        8;  // 8 or 16: an 8-bit Mat written at 16 is scaled by 257, 16 at 8 is /257 rounded
    PngTextChunks metadata;  // PNG: tEXt / iTXt chunks. TIFF: the "chiaro" text (else "parameters")
                             // becomes ImageDescription (tag 270); other keys are not written
    std::string iccProfile;  // embedded when non-empty (PNG iCCP, TIFF tag 34675); must match the
                             // channels (RGB profile for RGB(A), grey profile for grey)
};

// Writes RGB / RGBA (CV_8UC3/4, CV_16UC3/4) or grey (CV_8UC1, CV_16UC1) as PNG or TIFF (chosen by
// imageFormatForPath; TIFF: deflate, unassociated alpha), atomically: a temporary file in the same
// folder, synced, renamed over `path`. Throws Error(Usage) for a bad extension, depth or profile,
// Error(Failure) naming the path when writing fails.
void saveImage(const std::string& path,
               const cv::Mat& image,
               const ImageWriteOptions& options = {});

// The metadata of a file written by saveImage: a PNG's text chunks, or a TIFF's ImageDescription
// (in utf8, under "chiaro" when it is a JSON object, else under "parameters"). Other formats give
// no chunks. Throws Error(BadInput) naming the file when it cannot be read or its chunks are
// broken.
PngTextChunks readImageTextChunksFromFile(const std::string& path);

}  // namespace chiaro::core
