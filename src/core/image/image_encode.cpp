#include "image/image_encode.h"

#include "chiaro/core/error.h"
#include "image/icc_extract.h"

namespace chiaro::core {

void checkEncodable(const cv::Mat& image,
                    int bitDepth,
                    const std::string& iccProfile,
                    const char* format) {
    const std::string prefix = std::string(format) + ": ";
    if (bitDepth != 8 && bitDepth != 16) {
        throw Error(ErrorCode::Usage,
                    prefix + "bit depth must be 8 or 16, not " + std::to_string(bitDepth));
    }
    const int channels = image.channels();
    if (image.empty() || (image.depth() != CV_8U && image.depth() != CV_16U) ||
        (channels != 1 && channels != 3 && channels != 4)) {
        throw Error(ErrorCode::Failure,
                    prefix + "expects a non-empty 8-bit or 16-bit grey, RGB or RGBA image");
    }
    if (iccProfile.empty())
        return;
    const std::string space = iccDataColourSpace(iccProfile);
    const std::string wanted = channels == 1 ? "GRAY" : "RGB ";
    if (space != wanted) {
        throw Error(ErrorCode::Usage, prefix + "the ICC profile (colour space '" + space +
                                          "') does not fit a " +
                                          (channels == 1 ? "grey" : "colour") + " image");
    }
}

cv::Mat toBitDepth(const cv::Mat& image, int bitDepth) {
    cv::Mat out;
    if (bitDepth == 16 && image.depth() == CV_8U)
        image.convertTo(out, CV_16U, 257.0);
    else if (bitDepth == 8 && image.depth() == CV_16U)
        image.convertTo(out, CV_8U, 1.0 / 257.0);
    else
        out = image;
    return out;
}

}  // namespace chiaro::core
