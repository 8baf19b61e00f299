#pragma once
// Light estimation: the dominant light direction of a photo, fitted to the subject's estimated
// shape. Model (linear light, per pixel i inside the subject): Y_i = a + max(0, n_i · m), with n_i
// the silhouette normals (normal_field.h), a the ambient level and m = strength × L. The fit is an
// active-set least squares (the max() makes it piecewise linear) with Tukey weights against
// texture, specular highlights and background leaking in. A second lobe, Y = a + max(0, n·m1) +
// max(0, n·m2), is tried after it and kept only when the photo clearly shows a key and a fill
// (estimateLightRig). Where the subject's mask touches the frame, the frame is not taken for its
// outline (silhouetteNormalsOpenFrame) and the pixels near the cut are left out of the fit.
#include <opencv2/core.hpp>

#include "chiaro/light/light.h"

namespace chiaro::core {

struct LightEstimate {
    LightDirection direction;      // the fitted light (the key when two were found, see
                                   // estimateLightRig); front (0, 0) when nothing could be fitted
    double confidence = 0.0;       // 0..1, see fitLightToNormals
    double ambientFraction = 1.0;  // a / (a + |m|): 1 = flat light, 0 = hard directional light
    int samples = 0;               // pixels that took part in the fit
    bool wholeImage = false;       // no usable mask: the whole image was the subject
    LightSettings rig;             // the same light as a rig: see estimateLightRig
};

// Photos are analysed at most this large (longest side); the light is a low-frequency property.
constexpr int kEstimationSide = 256;

// Fits the model to `luminance` (CV_32F, linear light) and `normals` (CV_32FC3) over the pixels
// where `selection` (CV_8UC1) is non-zero. confidence = fit quality (weighted R²) × directional
// contrast (how far from flat the light is) × normal spread (flat or cylindrical shapes leave a
// component unobservable) × sample coverage. All-black or constant input gives confidence 0, never
// NaN.
LightEstimate fitLightToNormals(const cv::Mat& luminance,
                                const cv::Mat& normals,
                                const cv::Mat& selection);

// The whole analysis of an RGB photo with an optional subject mask (see subject_mask.h for the
// empty / wrong-size rules). With no usable mask the whole image is treated as one subject and the
// confidence is halved. When the photo clearly shows a key and a fill, `direction` and
// `ambientFraction` are the key's from the two-light fit (the confidence stays the one-light
// fit's). Throws Error(BadInput) for an image that is not CV_8UC3.
LightEstimate estimateLight(const cv::Mat& imageRgb, const cv::Mat& mask = {});

// The light of a photo as a rig (light.h): one light, or a key and a fill (otherLights[0]) when
// the photo clearly shows two: a second lobe that lowers the robust fit error clearly, lies at
// least 35° from the key, in front of the subject, with 0.2..0.9 of the key's strength. Never a
// second light without a usable mask. The key's direction is always estimateLight's (front when
// nothing could be fitted; the direction is never empty); its intensity is 1 and a fill's the
// ratio of their strengths (< 1). ambient = the fit's ambient level over the key's strength,
// clamped to 0..kMaxAmbient. Colours are white and sizes 0 (the albedo hides the light's colour).
// A key and fill that light the subject mostly together come back as one light near their
// resultant. Same input rules and exceptions as estimateLight; runs the same analysis (about
// 40 ms at kEstimationSide on one core).
LightSettings estimateLightRig(const cv::Mat& imageRgb, const cv::Mat& mask = {});

// Linear-light luminance (Rec. 709 weights on sRGB-decoded channels), CV_32F in [0, 1].
cv::Mat linearLuminance(const cv::Mat& imageRgb);

}  // namespace chiaro::core
