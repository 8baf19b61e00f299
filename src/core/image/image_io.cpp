#include "chiaro/image/image_io.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "image/image_header.h"
#include "image/image_orientation.h"
#include "image/png_chunks.h"

namespace chiaro::core {
namespace {

[[noreturn]] void badFile(const std::string& path, const std::string& problem) {
    throw Error(ErrorCode::BadInput, path + ": " + problem);
}

// The header, read from bytes already in memory, with the pixel limit applied before any decoding.
ImageHeader checkedHeader(const std::string& path, const std::string& bytes) {
    ImageHeader header;
    try {
        header = readImageHeader(bytes);
    } catch (const Error& e) {
        badFile(path, e.what());
    }
    const cv::Size size = header.storedSize;
    if (static_cast<long long>(size.width) * size.height > kMaxImagePixels) {
        badFile(path, "image of " + std::to_string(size.width) + "x" + std::to_string(size.height) +
                          " pixels exceeds the limit of " + std::to_string(kMaxImagePixels / 1000000) +
                          " megapixels");
    }
    return header;
}

// Decodes as stored: BGR(A) or grey, 8/16-bit or float, no EXIF orientation applied yet.
cv::Mat decodeStored(const std::string& path, const std::string& bytes, const ImageHeader& header) {
    if (header.format == ImageFormat::Png) {
        try {
            png::parseChunks(bytes);  // libpng would accept some truncations; the chunk walk does not
        } catch (const Error& e) {
            badFile(path, e.what());
        }
    }
    cv::Mat decoded;
    try {
        const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
        decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        badFile(path, std::string("cannot decode the image: ") + e.what());
    }
    if (decoded.empty()) badFile(path, "cannot decode the image (corrupt or truncated)");
    if (decoded.size() != header.storedSize) badFile(path, "decoded size differs from the header");
    return decoded;
}

cv::Mat to8Bit(const std::string& path, const cv::Mat& image) {
    cv::Mat out;
    switch (image.depth()) {
        case CV_8U: return image;
        case CV_16U: image.convertTo(out, CV_8U, 1.0 / 257.0); return out;  // rounds: 65535 -> 255
        case CV_32F: image.convertTo(out, CV_8U, 255.0); return out;        // float images are 0..1
        default: badFile(path, "unsupported sample type (expected 8-bit, 16-bit or float)");
    }
}

// Decoded, 8-bit, displayed the right way up; still in OpenCV's BGR(A) / grey layout.
cv::Mat loadUpright(const std::string& path) {
    const std::string bytes = readFileBytes(path);
    const ImageHeader header = checkedHeader(path, bytes);
    cv::Mat image = applyExifOrientation(to8Bit(path, decodeStored(path, bytes, header)), header.exifOrientation);
    coreLog().debug("loaded {} ({}x{}, {} channels)", path, image.cols, image.rows, image.channels());
    return image;
}

cv::Mat greyAlphaToRgba(const cv::Mat& greyAlpha) {
    cv::Mat planes[2];
    cv::split(greyAlpha, planes);
    cv::Mat rgba;
    cv::merge(std::vector<cv::Mat>{planes[0], planes[0], planes[0], planes[1]}, rgba);
    return rgba;
}

bool isFullyOpaque(const cv::Mat& alpha) {
    double minValue = 0.0;
    cv::minMaxLoc(alpha, &minValue);
    return minValue >= 255.0;
}

}  // namespace

cv::Mat loadImageRgb(const std::string& path) {
    const cv::Mat image = loadUpright(path);
    cv::Mat rgb;
    switch (image.channels()) {
        case 1: cv::cvtColor(image, rgb, cv::COLOR_GRAY2RGB); break;
        case 2: cv::cvtColor(greyAlphaToRgba(image), rgb, cv::COLOR_RGBA2RGB); break;
        case 3: cv::cvtColor(image, rgb, cv::COLOR_BGR2RGB); break;
        case 4: cv::cvtColor(image, rgb, cv::COLOR_BGRA2RGB); break;
        default: badFile(path, "unsupported number of channels");
    }
    return rgb;
}

cv::Mat loadImageAny(const std::string& path) {
    const cv::Mat image = loadUpright(path);
    cv::Mat out;
    switch (image.channels()) {
        case 1: cv::cvtColor(image, out, cv::COLOR_GRAY2RGB); break;
        case 2: out = greyAlphaToRgba(image); break;
        case 3: cv::cvtColor(image, out, cv::COLOR_BGR2RGB); break;
        case 4: cv::cvtColor(image, out, cv::COLOR_BGRA2RGBA); break;
        default: badFile(path, "unsupported number of channels");
    }
    return out;
}

cv::Size probeImageSize(const std::string& path) {
    const std::string bytes = readFileBytes(path);
    return orientedSize(checkedHeader(path, bytes));
}

cv::Mat loadMask(const std::string& path, cv::Size expected) {
    const cv::Mat image = loadUpright(path);
    cv::Mat mask;
    if (image.channels() == 1) {
        mask = image;
    } else if (image.channels() == 2 || image.channels() == 4) {
        // An opaque alpha carries no selection: then the colour planes are the mask.
        cv::extractChannel(image, mask, image.channels() - 1);
        if (isFullyOpaque(mask)) {
            if (image.channels() == 4) cv::cvtColor(image, mask, cv::COLOR_BGRA2GRAY);
            else cv::extractChannel(image, mask, 0);
        }
    } else {
        cv::cvtColor(image, mask, cv::COLOR_BGR2GRAY);
    }
    if (!expected.empty() && mask.size() != expected) {
        coreLog().warn("{}: mask is {}x{}, resized to the image's {}x{}", path, mask.cols, mask.rows,
                       expected.width, expected.height);
        cv::resize(mask, mask, expected, 0, 0, cv::INTER_LINEAR);
    }
    return mask.isContinuous() ? mask : mask.clone();
}

}  // namespace chiaro::core
