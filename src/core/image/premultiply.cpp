#include "image/premultiply.h"

#include <algorithm>
#include <cstdint>

namespace chiaro::core {
namespace {

// Pillow's MULDIV255: a * b / 255 rounded, without a division.
uint8_t mulDiv255(unsigned a, unsigned b) {
    const unsigned tmp = a * b + 128;
    return static_cast<uint8_t>(((tmp >> 8) + tmp) >> 8);
}

}  // namespace

cv::Mat premultiplyAlpha(const cv::Mat& rgba) {
    CV_Assert(rgba.type() == CV_8UC4);
    cv::Mat out(rgba.size(), CV_8UC4);
    for (int y = 0; y < rgba.rows; ++y) {
        const auto* src = rgba.ptr<cv::Vec4b>(y);
        auto* dst = out.ptr<cv::Vec4b>(y);
        for (int x = 0; x < rgba.cols; ++x) {
            const unsigned alpha = src[x][3];
            for (int c = 0; c < 3; ++c) dst[x][c] = mulDiv255(src[x][c], alpha);
            dst[x][3] = src[x][3];
        }
    }
    return out;
}

cv::Mat unpremultiplyAlpha(const cv::Mat& rgba) {
    CV_Assert(rgba.type() == CV_8UC4);
    cv::Mat out = rgba.clone();
    for (int y = 0; y < out.rows; ++y) {
        auto* px = out.ptr<cv::Vec4b>(y);
        for (int x = 0; x < out.cols; ++x) {
            const unsigned alpha = px[x][3];
            if (alpha == 0 || alpha == 255) continue;
            for (int c = 0; c < 3; ++c) px[x][c] = static_cast<uint8_t>(std::min(255u, 255u * px[x][c] / alpha));
        }
    }
    return out;
}

}  // namespace chiaro::core
