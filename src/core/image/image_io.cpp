#include "chiaro/image/image_io.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/photo.h"
#include "image/image_decode.h"
#include "image/image_orientation.h"

namespace chiaro::core {
namespace {

cv::Mat to8Bit(const std::string& path, const cv::Mat& image) {
    cv::Mat out;
    switch (image.depth()) {
        case CV_8U: return image;
        case CV_16U: image.convertTo(out, CV_8U, 1.0 / 257.0); return out;  // rounds: 65535 -> 255
        case CV_32F: image.convertTo(out, CV_8U, 255.0); return out;        // float images are 0..1
        default: badImageFile(path, "unsupported sample type (expected 8-bit, 16-bit or float)");
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

cv::Mat loadImageRgb(const std::string& path) { return photoToSrgb8(loadPhoto(path)); }

cv::Mat loadImageAny(const std::string& path) {
    const cv::Mat image = loadUpright(path);
    cv::Mat out;
    switch (image.channels()) {
        case 1: cv::cvtColor(image, out, cv::COLOR_GRAY2RGB); break;
        case 2: out = greyAlphaToRgba(image); break;
        case 3: cv::cvtColor(image, out, cv::COLOR_BGR2RGB); break;
        case 4: cv::cvtColor(image, out, cv::COLOR_BGRA2RGBA); break;
        default: badImageFile(path, "unsupported number of channels");
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
