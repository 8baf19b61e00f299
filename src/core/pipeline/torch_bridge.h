#pragma once
// cv::Mat <-> torch::Tensor conversions with IC-Light's exact arithmetic. Private to the pipeline.
#include <vector>

#include <opencv2/core.hpp>
#include <torch/torch.h>

namespace chiaro::core {

// uint8 RGB images of one size -> float32 [B, 3, H, W] as x / 127.0 - 1.0 (grey 127 is exactly 0).
torch::Tensor imagesToTensor(const std::vector<cv::Mat>& rgbImages);

// One [3, H, W] image in about [-1, 1] -> uint8 RGB: clip(x * 127.5 + 127.5, 0, 255) truncated.
cv::Mat tensorToImage(const torch::Tensor& chw);

// The fbc demo's final conversion: clip(x * 0.5 + 0.5, 0, 1) * 255, clipped and truncated.
cv::Mat tensorToImageUnitScale(const torch::Tensor& chw);

// A fast linear latent -> RGB approximation for live previews (SD1.5 latent space), upscaled x8.
cv::Mat latentPreview(const torch::Tensor& latent);

// Throws Error(Failure) naming `what` when the tensor holds NaN or infinity.
void requireFinite(const torch::Tensor& t, const std::string& what);

}  // namespace chiaro::core
