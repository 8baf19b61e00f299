#include "chiaro/light/display_proxy.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"

namespace chiaro::core {

cv::Size displayProxySize(cv::Size size, int longSide) {
    if (longSide < 1) throw Error(ErrorCode::Usage, "display proxy: the long side must be at least 1 px");
    const int longest = std::max(size.width, size.height);
    if (longest <= longSide || size.empty()) return size;
    const double scale = double(longSide) / longest;
    return {std::max(1, int(std::lround(size.width * scale))), std::max(1, int(std::lround(size.height * scale)))};
}

cv::Mat displayProxy(const cv::Mat& image, int longSide) {
    const cv::Size target = displayProxySize(image.size(), longSide);
    if (target == image.size()) return image;
    cv::Mat out;
    cv::resize(image, out, target, 0, 0, cv::INTER_AREA);
    return out;
}

cv::Mat maskAtSize(const cv::Mat& mask, cv::Size size) {
    if (mask.empty() || mask.size() == size) return mask;
    cv::Mat out;
    const bool shrinking = size.width <= mask.cols && size.height <= mask.rows;
    cv::resize(mask, out, size, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
    return out;
}

std::vector<cv::Mat> halvingPyramid(const cv::Mat& image, int smallest) {
    std::vector<cv::Mat> levels;
    if (image.empty()) return levels;
    levels.push_back(image);
    while (std::max(levels.back().cols, levels.back().rows) > 2 * smallest) {
        const cv::Mat& last = levels.back();
        cv::Mat half;
        cv::resize(last, half, cv::Size((last.cols + 1) / 2, (last.rows + 1) / 2), 0, 0, cv::INTER_AREA);
        levels.push_back(half);
    }
    return levels;
}

}  // namespace chiaro::core
