#pragma once
// The cues selectSubject reads off a small (about 320 px) copy of the photo before GrabCut runs:
// where the photo is in focus, which colours the frame's border holds, where the subject runs out of
// the frame. Private to src/core/mask. Masks are CV_8UC1 0/255; Lab images are CV_32FC3 (L 0..100).
#include <array>

#include <opencv2/core.hpp>

namespace chiaro::core::subject_cues {

// Side 0 left, 1 right, 2 top, 3 bottom: the strip `width` px wide along that side of `size`.
cv::Rect borderStrip(cv::Size size, int side, int width);

// Median absolute difference between L and L blurred (sigma 1 px): about 0.1-0.6 for clean photos
// at the analysis size, above 0.75 for strong sensor noise.
double noiseLevel(const cv::Mat& lightness);
constexpr double kNoisy = 0.75;

// The edges of the photo that are in focus: Canny edges of L whose blur, estimated from how much
// their gradient drops when the photo is blurred again (sigma 1 px), is under `maxBlur` px. A
// defocused background's edges, however contrasty, are left out. 0/255, one pixel wide.
cv::Mat sharpEdges(const cv::Mat& lightness, double maxBlur);

// Per border strip, 255 where the subject seems to leave the frame: colours the other three strips
// lack, over 15-85 % of the strip (fewer is clutter, more is a differently coloured floor or sky).
std::array<cv::Mat, 4> subjectLeavingFrame(const cv::Mat& lab, int stripWidth);

// The border's colours (those not marked by `leaving`), one Lab row (CV_32F, 3 cols) a pixel.
cv::Mat borderColours(const cv::Mat& lab, int stripWidth, const std::array<cv::Mat, 4>& leaving);

// Distance (Lab units) of every pixel to the nearest of `clusters` k-means colours of `samples`.
// Deterministic: k-means is seeded.
cv::Mat distanceToColours(const cv::Mat& lab, const cv::Mat& samples, int clusters);

// `edges` with every region they enclose filled, where also a frame side, or two sides meeting at a
// corner, may close the outline (a bust cut by the bottom edge). Regions over half the frame are
// taken for background and not filled.
cv::Mat fillEnclosed(const cv::Mat& edges);

// Keeps the components that hold most of the subject (area, discounted away from the centre),
// fills their holes.
cv::Mat keepSubject(const cv::Mat& mask);

// Each component replaced by its convex hull: an outline whose sharp edges did not close still
// gives a starting region that covers the subject.
cv::Mat convexHulls(const cv::Mat& mask);

}  // namespace chiaro::core::subject_cues
