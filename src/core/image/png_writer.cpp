// encodePng and savePng (declared in image_io.h): OpenCV writes the pixels, Chiaro adds the ICC
// profile and text chunks, and the file is replaced atomically.
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "image/image_encode.h"
#include "image/png_chunks.h"
#include "image/zlib_codec.h"

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

// PNG 11.3.3.3: profile name, NUL, compression method 0, zlib stream; placed right after IHDR
// (it must precede PLTE and IDAT).
std::string insertIccChunk(const std::string& png, const std::string& iccProfile) {
    constexpr size_t kIhdrEnd = 8 + 12 + 13;
    std::string data("ICC profile\0\0", 13);
    data += deflateZlib(iccProfile);
    std::string out = png.substr(0, kIhdrEnd);
    out += png::makeChunk("iCCP", data);
    out.append(png, kIhdrEnd, std::string::npos);
    return out;
}

}  // namespace

std::string encodePng(const cv::Mat& image, const PngWriteOptions& options) {
    checkEncodable(image, options.bitDepth, options.iccProfile, "png");
    const cv::Mat pixels = toBitDepth(toOpenCvOrder(image), options.bitDepth);
    std::vector<uchar> encoded;
    if (!cv::imencode(".png", pixels, encoded, {cv::IMWRITE_PNG_COMPRESSION, kPngCompression})) {
        throw Error(ErrorCode::Failure, "png: OpenCV could not encode the image");
    }
    std::string png(encoded.begin(), encoded.end());
    if (!options.iccProfile.empty()) png = insertIccChunk(png, options.iccProfile);
    return options.metadata.empty() ? png : insertPngTextChunks(png, options.metadata);
}

void savePng(const std::string& path, const cv::Mat& image, const PngWriteOptions& options) {
    writeFileAtomic(path, encodePng(image, options));
}

}  // namespace chiaro::core
