#pragma once
// What the one- and two-light fits (light_fit.cpp, light_fit_two.cpp) share: the sample they fit
// and the Tukey biweight's residual scale. Private to the light module.
#include <algorithm>
#include <vector>

#include <opencv2/core.hpp>

namespace chiaro::core::robust_fit {

struct Sample {
    cv::Vec3d n;  // the silhouette normal
    double y;     // the luminance
};

inline double median(std::vector<double> values) {
    if (values.empty())
        return 0.0;
    auto mid = values.begin() + static_cast<long>(values.size() / 2);
    std::nth_element(values.begin(), mid, values.end());
    return *mid;
}

constexpr double kTukeyC = 4.685;

// Tukey's cut-off for these absolute residuals: c × the MAD's estimate of sigma (floored, so an
// exact fit does not divide by zero).
inline double tukeyScale(const std::vector<double>& absResiduals) {
    return kTukeyC * std::max(1.4826 * median(absResiduals), 1e-6);
}

}  // namespace chiaro::core::robust_fit
