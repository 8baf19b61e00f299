#include "chiaro/pipeline/framing.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/pillow_resize.h"

namespace chiaro::core {
namespace {

// A mask whose grown box covers more than this share of the photo is inpainted on the whole photo:
// the crop would save little and lose context.
constexpr double kWholePhotoShare = 0.8;
// An exact output size may upscale the photo at most this much (beyond it nothing real is added).
constexpr double kMaxOutputUpscale = 2.0;

}  // namespace

int roundWorkingSide(double side) {
    const int rounded = static_cast<int>(pythonRound(side / 64.0) * 64);
    return std::clamp(rounded, kMinWorkingSide, kMaxWorkingSide);
}

cv::Size workingSizeFor(cv::Size photo, int budgetPixels) {
    if (photo.width <= 0 || photo.height <= 0) return {512, 640};
    const double aspect = static_cast<double>(photo.width) / photo.height;
    const double height = std::sqrt(budgetPixels / aspect);
    return {roundWorkingSide(height * aspect), roundWorkingSide(height)};
}

OutputSize parseOutputSize(const std::string& text) {
    if (text == "photo") return {};
    if (text == "working") return {OutputSizeMode::Working, {}};
    static const std::regex exact(R"(([0-9]{1,6})x([0-9]{1,6}))");
    std::smatch m;
    if (std::regex_match(text, m, exact)) {
        const cv::Size size(std::stoi(m[1]), std::stoi(m[2]));
        if (size.width >= 16 && size.height >= 16) return {OutputSizeMode::Exact, size};
    }
    throw Error(ErrorCode::Usage, "--output-size must be photo, working or WxH (each side at least 16), got '" +
                                      text + "'");
}

std::string outputSizeName(const OutputSize& size) {
    switch (size.mode) {
        case OutputSizeMode::Photo: return "photo";
        case OutputSizeMode::Working: return "working";
        case OutputSizeMode::Exact: return std::to_string(size.exact.width) + "x" + std::to_string(size.exact.height);
    }
    return "photo";
}

cv::Rect centerCropRect(cv::Size photo, cv::Size working) {
    // resize_and_center_crop scales by max(W/w, H/h), rounds, and crops the centre: in photo
    // pixels that keeps working / scale of each side, centred the same way.
    const double scale = std::max(static_cast<double>(working.width) / photo.width,
                                  static_cast<double>(working.height) / photo.height);
    const int w = std::clamp(static_cast<int>(std::lround(working.width / scale)), 1, photo.width);
    const int h = std::clamp(static_cast<int>(std::lround(working.height / scale)), 1, photo.height);
    return {(photo.width - w) / 2, (photo.height - h) / 2, w, h};
}

cv::Rect inpaintRegion(const cv::Mat& mask, int minContext) {
    const cv::Rect whole(0, 0, mask.cols, mask.rows);
    if (mask.empty()) return whole;
    const cv::Rect box = cv::boundingRect(mask);
    if (box.area() == 0) return whole;
    const int context = std::max(minContext, static_cast<int>(0.4 * std::max(box.width, box.height)));
    cv::Rect grown(box.x - context, box.y - context, box.width + 2 * context, box.height + 2 * context);
    grown &= whole;
    if (grown.area() > kWholePhotoShare * whole.area()) return whole;
    return grown;
}

cv::Size resolveOutputSize(const OutputSize& size, cv::Size photoFrame, cv::Size generated) {
    switch (size.mode) {
        case OutputSizeMode::Photo: return photoFrame;
        case OutputSizeMode::Working: return generated;
        case OutputSizeMode::Exact:
            if (size.exact.width > kMaxOutputUpscale * photoFrame.width ||
                size.exact.height > kMaxOutputUpscale * photoFrame.height) {
                throw Error(ErrorCode::Usage, "--output-size " + outputSizeName(size) +
                                                  " is more than twice the photo's " +
                                                  std::to_string(photoFrame.width) + "x" +
                                                  std::to_string(photoFrame.height));
            }
            return size.exact;
    }
    return photoFrame;
}

}  // namespace chiaro::core
