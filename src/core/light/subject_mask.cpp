#include "chiaro/light/subject_mask.h"

#include <string>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"

namespace chiaro::core {

void requireRgbImage(const cv::Mat& image, const char* who) {
    if (image.empty() || image.type() != CV_8UC3) {
        throw Error(ErrorCode::BadInput,
                    std::string(who) + ": expected a non-empty 8-bit RGB image (CV_8UC3)");
    }
}

SubjectMask conformSubjectMask(const cv::Mat& mask, cv::Size imageSize, const char* who) {
    if (imageSize.empty())
        throw Error(ErrorCode::BadInput, std::string(who) + ": empty image");
    SubjectMask result;
    if (!mask.empty() && mask.type() != CV_8UC1) {
        throw Error(ErrorCode::BadInput,
                    std::string(who) + ": the mask must be 8-bit single-channel");
    }
    if (!mask.empty() && mask.size() != imageSize) {
        coreLog().warn("{}: mask is {}x{}, image is {}x{}; resizing the mask (bilinear)", who,
                       mask.cols, mask.rows, imageSize.width, imageSize.height);
        cv::resize(mask, result.alpha, imageSize, 0, 0, cv::INTER_LINEAR);
    } else {
        result.alpha = mask.clone();
    }
    double maxValue = 0.0;
    if (!result.alpha.empty())
        cv::minMaxLoc(result.alpha, nullptr, &maxValue);
    if (maxValue <= 127.0) {
        if (!mask.empty())
            coreLog().warn("{}: the mask selects nothing; using the whole image", who);
        result.alpha = cv::Mat(imageSize, CV_8UC1, cv::Scalar(255));
        result.wholeImage = true;
    }
    return result;
}

}  // namespace chiaro::core
