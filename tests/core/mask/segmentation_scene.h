#pragma once
// Synthetic photos with a known subject for the automatic subject selection tests: a shaded solid or
// irregular outline (ellipse, box, bottle, blob, bust, star) with a textured, often two-tone albedo,
// composited with anti-aliased edges (4x4 supersampled coverage) over a crop of a real photo under
// sharedDir()/data/photos. Written independently of the segmentation code and of
// tests/core/light/synthetic_scene.* (which serves the light tests and changes with them).
#include <string>

#include <opencv2/core.hpp>

namespace chiaro::test {

// What makes a scene hard. Every scene has a photo background; the condition adds one difficulty.
enum class SegCondition {
    Centred,        // subject well inside the frame, background softly blurred
    OffCentre,      // subject near one side, still inside the frame
    TouchOneEdge,   // subject runs past one frame edge (a product cropped at the bottom)
    TouchTwoEdges,  // past the bottom and one side (a portrait cut at the shoulders)
    LowContrast,    // subject colour close to the background's mean, weak texture
    Clutter,        // sharp, busy photo background
    Noisy,          // strong sensor noise
    ColouredLight,  // strongly tinted key light on subject and background
};
constexpr int kSegConditionCount = 8;

const char* segConditionName(SegCondition condition);

struct SegScene {
    cv::Mat rgb;    // CV_8UC3 RGB
    cv::Mat truth;  // CV_8UC1, 255 where the subject covers at least half the pixel
    SegCondition condition = SegCondition::Centred;
};

// Deterministic for (condition, seed): the same call renders the same pixels on every platform that
// has the same photos (std::mt19937 and explicit arithmetic, no std:: distributions' platform leeway).
SegScene renderSegmentationScene(SegCondition condition, unsigned seed);

}  // namespace chiaro::test
