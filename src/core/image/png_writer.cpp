// encodePng and savePng (declared in image_io.h): OpenCV writes the pixels, Chiaro adds the text
// chunks, and the file is replaced atomically.
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"

namespace chiaro::core {
namespace {

// zlib level 3: close to level 6 in size for photos, about twice as fast.
constexpr int kPngCompression = 3;

// RGB(A)/grey in Chiaro's order -> OpenCV's BGR(A)/grey, same depth.
cv::Mat toOpenCvOrder(const cv::Mat& image) {
    cv::Mat out;
    switch (image.channels()) {
        case 1: return image;
        case 3: cv::cvtColor(image, out, cv::COLOR_RGB2BGR); return out;
        case 4: cv::cvtColor(image, out, cv::COLOR_RGBA2BGRA); return out;
        default: throw Error(ErrorCode::Failure, "png: cannot encode an image with " +
                                                      std::to_string(image.channels()) + " channels");
    }
}

cv::Mat toDepth(const cv::Mat& image, int bitDepth) {
    cv::Mat out;
    if (bitDepth == 16 && image.depth() == CV_8U) image.convertTo(out, CV_16U, 257.0);
    else if (bitDepth == 8 && image.depth() == CV_16U) image.convertTo(out, CV_8U, 1.0 / 257.0);
    else out = image;
    return out;
}

}  // namespace

std::string encodePng(const cv::Mat& image, const PngWriteOptions& options) {
    if (options.bitDepth != 8 && options.bitDepth != 16) {
        throw Error(ErrorCode::Usage, "png: bit depth must be 8 or 16, not " + std::to_string(options.bitDepth));
    }
    if (image.empty() || (image.depth() != CV_8U && image.depth() != CV_16U)) {
        throw Error(ErrorCode::Failure, "png: expects a non-empty 8-bit (or 16-bit) image");
    }
    const cv::Mat pixels = toDepth(toOpenCvOrder(image), options.bitDepth);
    std::vector<uchar> encoded;
    if (!cv::imencode(".png", pixels, encoded, {cv::IMWRITE_PNG_COMPRESSION, kPngCompression})) {
        throw Error(ErrorCode::Failure, "png: OpenCV could not encode the image");
    }
    std::string png(encoded.begin(), encoded.end());
    return options.metadata.empty() ? png : insertPngTextChunks(png, options.metadata);
}

void savePng(const std::string& path, const cv::Mat& image, const PngWriteOptions& options) {
    writeFileAtomic(path, encodePng(image, options));
}

}  // namespace chiaro::core
