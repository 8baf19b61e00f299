#pragma once
// "Keep product colours" (issue #21): relighting changes the subject's brightness but must not
// change its colour. keepSubjectColours takes the result's CIE L* (the new light) and the photo's
// a*, b* (the product's chroma and hue), optionally tinted by the light's colour, over the subject.
// Everything in double precision CIELAB (D65) from the images' RGB treated as sRGB-encoded: the
// output's own colour space for a photo-size result, so the transfer is self-consistent either way.
#include <opencv2/core.hpp>

#include "chiaro/light/light.h"

namespace chiaro::core {

// In place on `result` (CV_8UC3 or CV_16UC3 RGB). `photo` is the photo at the result's size
// (CV_8UC3 or CV_16UC3 RGB, may differ in depth), `subject` CV_8UC1 at the same size (255 = keep the
// photo's chroma fully, 0 = leave the result; empty = the whole image). `strength` 0..1 blends between
// the result's chroma (0) and the photo's (1). `light` is the light's colour: white (6500 K) keeps
// the photo's chroma exactly; a coloured light shifts the target as that light would (von Kries on
// the photo in linear light) so that a warm key still looks warm. Throws Error(Usage) for
// mismatched sizes or types or a strength outside 0..1. Pixels where the weight
// (strength × subject / 255) is 0 are left bit for bit. A colour that does not exist at the new
// lightness in sRGB (a saturated red relit to near white) keeps its chroma and moves its L* toward
// the photo's just as far as needed; only where even that fails is the chroma reduced toward the L
// axis (hue kept). The pipeline applies it in
// subject mode only (RelightJob::keepColour); in inpaint mode keepColour is ignored.
void keepSubjectColours(cv::Mat& result, const cv::Mat& photo, const cv::Mat& subject, double strength,
                        const LightColor& light = {});

// The colour of a light rig for keepSubjectColours: the key light's and the other lights' colours
// weighted by intensity (all one colour: that colour exactly; no light: white).
LightColor rigColour(const LightSettings& light);

// CIEDE2000 colour difference of two CIELAB colours (L*, a*, b*), with kL = kC = kH = 1.
double ciede2000(const cv::Vec3d& lab1, const cv::Vec3d& lab2);

// CIELAB (D65) of an sRGB-encoded pixel with channels in 0..1.
cv::Vec3d srgbToLab(const cv::Vec3d& rgb);

struct SubjectColourDifference {
    double meanChroma = 0.0;  // mean CIEDE2000 with the lightness difference left out (ΔL' = 0)
    double meanFull = 0.0;    // mean CIEDE2000
    double lightnessCorrelation = 0.0;  // Pearson correlation of L* between the two images
    int pixels = 0;           // subject pixels compared (mask > 127)
};

// Compares `a` and `b` (CV_8UC3 / CV_16UC3 RGB, same size) over `subject` (> 127; empty = all).
SubjectColourDifference subjectColourDifference(const cv::Mat& a, const cv::Mat& b, const cv::Mat& subject);

}  // namespace chiaro::core
