#include "image/image_decode.h"

#include <opencv2/imgcodecs.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "image/png_chunks.h"
#include "image/jpeg_decode.h"
#include "image/png_decode.h"

namespace chiaro::core {
namespace {

// Debian's libjpeg-turbo (and so OpenCV) decodes 8-bit JPEGs only: name the cause instead of a
// generic decode failure.
void refuseUndecodableJpeg(const std::string& path, const ImageHeader& header) {
    if (header.format != ImageFormat::Jpeg || header.jpegPrecision == 8)
        return;
    badImageFile(path,
                 "a " + std::to_string(header.jpegPrecision) +
                     "-bit JPEG, which this build cannot decode: convert it to an 8-bit JPEG or a "
                     "16-bit PNG or TIFF first");
}

}  // namespace

void badImageFile(const std::string& path, const std::string& problem) {
    throw Error(ErrorCode::BadInput, path + ": " + problem);
}

ImageHeader checkedHeader(const std::string& path, const std::string& bytes) {
    ImageHeader header;
    try {
        header = readImageHeader(bytes);
    } catch (const Error& e) {
        badImageFile(path, e.what());
    }
    const cv::Size size = header.storedSize;
    if (static_cast<long long>(size.width) * size.height > kMaxImagePixels) {
        badImageFile(path, "image of " + std::to_string(size.width) + "x" +
                               std::to_string(size.height) + " pixels exceeds the limit of " +
                               std::to_string(kMaxImagePixels / 1000000) + " megapixels");
    }
    return header;
}

cv::Mat decodeStored(const std::string& path, const std::string& bytes, const ImageHeader& header) {
    if (header.format == ImageFormat::Png) {
        try {
            png::parseChunks(
                bytes);  // libpng would accept some truncations; the chunk walk does not
        } catch (const Error& e) {
            badImageFile(path, e.what());
        }
    }
    if (header.format == ImageFormat::Png) {
        cv::Mat decoded = decodePng(path, bytes);
        if (decoded.size() != header.storedSize) badImageFile(path, "decoded size differs from the header");
        return decoded;
    }
    if (header.format == ImageFormat::Jpeg && header.jpegPrecision == 8) {
        if (std::optional<cv::Mat> decoded = decodeJpeg(path, bytes)) {
            if (decoded->size() != header.storedSize) badImageFile(path, "decoded size differs from the header");
            return *decoded;
        }
    }
    cv::Mat decoded;
    try {
        const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1,
                             const_cast<char*>(bytes.data()));
        decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        refuseUndecodableJpeg(path, header);
        badImageFile(path, std::string("cannot decode the image: ") + e.what());
    }
    if (decoded.empty())
        refuseUndecodableJpeg(path, header);
    if (decoded.empty())
        badImageFile(path, "cannot decode the image (corrupt or truncated)");
    if (decoded.size() != header.storedSize)
        badImageFile(path, "decoded size differs from the header");
    return decoded;
}

}  // namespace chiaro::core
