#pragma once
// The two-light fit (private to the light module): Y = a + max(0, n·m1) + max(0, n·m2), tried
// after the one-light fit, accepted only when the second lobe clearly explains what one light
// cannot (see light_fit_two.cpp).
#include <optional>

#include <opencv2/core.hpp>

namespace chiaro::core {

struct TwoLightFit {
    cv::Vec3d key;   // the stronger lobe: strength × direction, in units of the mean luminance
    cv::Vec3d fill;  // the weaker one
    double ambient = 0.0;  // a, same units
};

// Same inputs as fitLightToNormals. Empty when one light explains the photo about as well, when
// the lobes are too close together or the fill too weak to be told from texture and shape error.
std::optional<TwoLightFit> fitTwoLightsToNormals(const cv::Mat& luminance,
                                                 const cv::Mat& normals,
                                                 const cv::Mat& selection);

}  // namespace chiaro::core
