#pragma once
// The result at the photo's own resolution (issue #17). The diffusion runs at about 0.3-1 MP; a
// photographer's file has 12-45 MP. What is taken from where:
// - the new light (the low spatial frequencies: shading, colour cast, shadows) comes from the
//   diffusion result, upsampled;
// - the fine detail of the subject (everything finer than about 1.5 pixels of the generated
//   picture: print on labels, fabric, hair, edges) comes from the photo at its own resolution,
//   scaled by the change of brightness, so it darkens in new shadows and brightens in new light;
// - what the model made up (a background from the prompt, the fbc background, an inpainted
//   region) is upsampled bicubically and joined to the subject along the full-resolution matte;
// - pixels the job keeps (keep-unmasked, outside an inpainted region) are the photo's, bit for bit.
// Both low passes are normalised by the matte, so the background never bleeds into the subject's
// low band (no halo) and vice versa. Everything runs in the photo's colour space and bit depth, row
// by row at full size: memory is the photo, the output and two 8-bit mattes.
#include <functional>
#include <string>

#include <opencv2/core.hpp>

namespace chiaro::core {

struct FullResolutionInputs {
    cv::Mat photo;           // CV_8UC3 or CV_16UC3, RGB, the photo's colour space: the output's frame
    std::string iccProfile;  // the photo's profile (empty = sRGB)
    cv::Mat generated;       // CV_8UC3, sRGB: the diffusion's result, any size (its aspect ~ the photo's)
    cv::Mat detailMatte;     // CV_8UC1, photo size: where the photo's fine detail is kept; empty = nowhere
    cv::Mat keepWeight;      // CV_8UC1, photo size: 0 = the photo's pixel exactly, 255 = the composite;
                             // empty = the composite everywhere
    double detailSigma = 1.5;  // low-pass radius in generated pixels; finer detail comes from the photo
    int outputDepth = -1;      // CV_8U or CV_16U; -1 = the photo's depth
    // Polled once per stripe of rows (a few ms each at 24 MP); when it returns true the remaining
    // stripes are skipped and composeFullResolution throws Error(Cancelled). Unset = never.
    std::function<bool()> cancelled;
};

// Composes the result at the photo's size. Returns CV_8UC3 or CV_16UC3 RGB in the photo's space.
// Throws Error(Usage) when the inputs do not fit together, Error(Cancelled) when `cancelled` said so.
cv::Mat composeFullResolution(const FullResolutionInputs& inputs);

// Feathering that only grows outward from the mask, by distance (fast at 24 MP): 255 inside the
// mask, falling linearly to 0 at `radius` pixels outside it; exactly 0 beyond. CV_8UC1.
cv::Mat featherOutwardByDistance(const cv::Mat& mask, int radius);

}  // namespace chiaro::core
