#pragma once
// The image side of IC-Light's conditioning, in 8-bit RGB exactly as the reference computes it
// (no LibTorch here): the grey-background foreground, the fbc background slot, and the final
// compositing of the generated picture with the photo.
#include <opencv2/core.hpp>

#include "chiaro/pipeline/relight_job.h"

namespace chiaro::core {

// The photo (or a mask) at the working size: IC-Light's resize_and_center_crop with `crop`, else
// stretched to exactly W x H (by at most the rounding to 64 when W x H follows the photo's aspect).
cv::Mat fitToWorking(const cv::Mat& image, int width, int height, bool crop);

// The matte the model sees as "foreground": subject mode = the mask, inpaint mode = its inverse,
// no mask = everything. CV_8UC1 at the photo's size.
cv::Mat foregroundMatte(const RelightJob& job);

// IC-Light's fg: clip(127 + (img - 127) * alpha, 0, 255) truncated to uint8, alpha = matte / 255
// (float32), computed at the photo's resolution (before any resize), as the reference does.
cv::Mat compositeOnGrey(const cv::Mat& rgb, const cv::Mat& matte);

// The fbc background source image before resize_and_center_crop: the upload (maybe mirrored), flat
// grey 64 at W × H, or the light gradient at W × H.
cv::Mat fbcBackgroundSource(const RelightJob& job, int width, int height);

// The fc first pass's initial image: the light map at W × H, or empty for "None".
cv::Mat fcInitialLightImage(const RelightJob& job, int width, int height);

// How far the keep-unmasked feather reaches, for an output of this size: 0.6% of the shorter side
// (the same at the working size and at the photo's, so a photo-size result looks like a sharper one).
int keepFeatherRadius(cv::Size output);

// Post-processing at the output size: detail transfer, keep-unmasked compositing and the alpha of
// transparent output. `generated` is RGB at the output size; returns RGB or RGBA.
cv::Mat finishOutput(const RelightJob& job, const cv::Mat& generated);

}  // namespace chiaro::core
