#pragma once
// Automatic subject selection with OpenCV's GrabCut: no model needed. Images are CV_8UC3 RGB;
// results are CV_8UC1 masks (255 = subject) of the image's size. Large images are segmented at a
// reduced working size (GrabCutOptions::maxWorkingSide) and the result scaled back: the cost depends
// on the working size, not the photo (about 2 s at 600x400, 6 s at 1024 px, 5 iterations, one core).
// Runs on the calling thread; call it off the UI thread.
#include <opencv2/core.hpp>

namespace chiaro::core {

struct GrabCutOptions {
    int iterations = 5;
    int maxWorkingSide = 1024;  // longest side GrabCut works at; 0 = full resolution
};

// Labels of the scribble image given to grabCutFromScribbles (CV_8UC1).
enum class ScribbleLabel : uint8_t { None = 0, Subject = 1, Background = 2 };

// The default subject rectangle of `chiaro-cli mask` without --rect: centred, inset 7.5 % of the
// width and height on every side.
cv::Rect defaultSubjectRect(cv::Size imageSize);

// Segments the subject inside `rect` (everything outside is background). Throws Error(Usage) for
// an empty rect, one not inside the image, or one covering the whole image (GrabCut then has no
// background to learn from); Error(BadInput) for an image that is not 8-bit RGB.
cv::Mat grabCutFromRect(const cv::Mat& rgb, const cv::Rect& rect, const GrabCutOptions& options = {});

// Segments from rough hints: `scribbles` (ScribbleLabel per pixel) are certain; `prior` (optional
// mask, 255 = probably subject, e.g. the current selection) seeds the rest, which otherwise starts as
// probable background. Throws Error(Usage) when there is no subject hint at all (no Subject scribble
// and an empty prior) or no background hint, and for sizes that do not match the image.
cv::Mat grabCutFromScribbles(const cv::Mat& rgb, const cv::Mat& scribbles, const cv::Mat& prior,
                             const GrabCutOptions& options = {});

}  // namespace chiaro::core
