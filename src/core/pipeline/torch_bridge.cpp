#include "torch_bridge.h"

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"

namespace chiaro::core {

torch::Tensor imagesToTensor(const std::vector<cv::Mat>& rgbImages) {
    TORCH_CHECK(!rgbImages.empty(), "no images");
    const int h = rgbImages[0].rows, w = rgbImages[0].cols;
    auto batch = torch::empty({static_cast<long>(rgbImages.size()), h, w, 3}, torch::kUInt8);
    for (size_t i = 0; i < rgbImages.size(); ++i) {
        const cv::Mat& img = rgbImages[i];
        TORCH_CHECK(img.type() == CV_8UC3 && img.rows == h && img.cols == w, "images must share one size");
        cv::Mat contiguous = img.isContinuous() ? img : img.clone();
        std::memcpy(batch[i].data_ptr<uint8_t>(), contiguous.data, static_cast<size_t>(h) * w * 3);
    }
    // float32 division then subtraction, in the reference's order.
    return (batch.to(torch::kFloat32) / 127.0 - 1.0).permute({0, 3, 1, 2}).contiguous();
}

static cv::Mat toMat(const torch::Tensor& hwcUint8) {
    auto t = hwcUint8.contiguous();
    cv::Mat out(static_cast<int>(t.size(0)), static_cast<int>(t.size(1)), CV_8UC3);
    std::memcpy(out.data, t.data_ptr<uint8_t>(), static_cast<size_t>(t.numel()));
    return out;
}

cv::Mat tensorToImage(const torch::Tensor& chw) {
    auto y = chw.detach().to(torch::kCPU, torch::kFloat32).permute({1, 2, 0});
    y = (y * 127.5 + 127.5).clamp(0, 255).to(torch::kUInt8);  // float -> uint8 truncates
    return toMat(y);
}

cv::Mat tensorToImageUnitScale(const torch::Tensor& chw) {
    auto y = chw.detach().to(torch::kCPU, torch::kFloat32).permute({1, 2, 0});
    y = ((y * 0.5 + 0.5).clamp(0, 1) * 255.0).clamp(0, 255).to(torch::kUInt8);
    return toMat(y);
}

cv::Mat latentPreview(const torch::Tensor& latent) {
    // Least-squares fit of SD1.5 latents (scaled by 0.18215) to RGB, as widely used for previews.
    static const float kFactors[4][3] = {
        {0.3512f, 0.2297f, 0.3227f},
        {0.3250f, 0.4974f, 0.2350f},
        {-0.2829f, 0.1762f, 0.2721f},
        {-0.2120f, -0.2616f, -0.7177f},
    };
    auto factors = torch::from_blob(const_cast<float*>(&kFactors[0][0]), {4, 3}, torch::kFloat32);
    auto lat = latent.detach().to(torch::kCPU, torch::kFloat32)[0];        // [4, h, w]
    auto rgb = torch::einsum("chw,cd->hwd", {lat, factors});               // about [-1, 1]
    auto img = ((rgb + 1.0) * 127.5).clamp(0, 255).to(torch::kUInt8).contiguous();
    cv::Mat small = toMat(img), big;
    cv::resize(small, big, cv::Size(), 8.0, 8.0, cv::INTER_LINEAR);
    return big;
}

void requireFinite(const torch::Tensor& t, const std::string& what) {
    if (!torch::isfinite(t).all().item<bool>()) {
        throw Error(ErrorCode::Failure, what + " produced NaN or infinite values (try fp32 or another seed)");
    }
}

}  // namespace chiaro::core
