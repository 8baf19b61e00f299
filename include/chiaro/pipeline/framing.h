#pragma once
// How a photo of any size and aspect maps onto the diffusion's working size and back (issue #11):
// the working size follows the photo's aspect at IC-Light's pixel budget, the photo is stretched by
// at most the rounding to multiples of 64 (never cropped unless asked), and the result comes back at
// the photo's own size. Torch-free; shared by the engine, the CLI, the batch planner and the app.
#include <string>

#include <opencv2/core.hpp>

namespace chiaro::core {

// IC-Light's default working size, 512 x 640: the pixel budget a photo's aspect is fitted into.
constexpr int kWorkingPixelBudget = 512 * 640;
// The sides validateJob accepts.
constexpr int kMinWorkingSide = 256;
constexpr int kMaxWorkingSide = 2048;

// A working side: rounded to a multiple of 64 (Python's rounding), within the accepted sides.
int roundWorkingSide(double side);

// The photo's aspect at about `budgetPixels`, both sides multiples of 64 within 256..2048 (what
// validateJob accepts). A 6000x4000 landscape gives 704x448.
cv::Size workingSizeFor(cv::Size photo, int budgetPixels = kWorkingPixelBudget);

// What size the result has: the photo's own (default), the diffusion's working size (IC-Light's
// behaviour), or an explicit size.
enum class OutputSizeMode { Photo, Working, Exact };

struct OutputSize {
    OutputSizeMode mode = OutputSizeMode::Photo;
    cv::Size exact;  // OutputSizeMode::Exact only

    bool operator==(const OutputSize& other) const { return mode == other.mode && exact == other.exact; }
};

// "photo" | "working" | "WxH" (e.g. "3000x2000"). Throws Error(Usage) for anything else.
OutputSize parseOutputSize(const std::string& text);
std::string outputSizeName(const OutputSize& size);

// The part of a photo IC-Light's resize_and_center_crop keeps for a working size W x H (used with
// --crop): the largest centred rectangle of the working aspect, in photo pixels.
cv::Rect centerCropRect(cv::Size photo, cv::Size working);

// The inpaint region: the mask's bounding box grown by context on every side (at least `minContext`
// pixels, or 40% of the box's longer side), clipped to the photo. The whole photo when the mask is
// empty or covers most of it. `mask` is CV_8UC1; any non-zero pixel counts.
cv::Rect inpaintRegion(const cv::Mat& mask, int minContext = 64);

// The final size for a job: `photoFrame` is the size of the (maybe cropped) photo, `generated` the
// size the diffusion produced. Throws Error(Usage) when an exact size is over twice the photo's.
cv::Size resolveOutputSize(const OutputSize& size, cv::Size photoFrame, cv::Size generated);

}  // namespace chiaro::core
