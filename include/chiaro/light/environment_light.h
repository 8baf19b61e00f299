#pragma once
// Environment lighting (issue #21): an equirectangular panorama, or the fbc background photo,
// reduced to a light rig (up to four dominant lights with their colours, plus ambient).
//
// Panorama convention (docs/LIGHT_RIGS.md): longitude runs left to right, latitude top (+90) to
// bottom (-90). The panorama's centre column looks where the camera looks, into the scene, which in
// Chiaro's light convention (light.h) is azimuth 180 (a light there is behind the subject); the
// right quarter column (u = 0.75) is azimuth 90 (from the right), the left quarter 270, the edges
// azimuth 0 (behind the camera, lighting the subject's front). So azimuth = 360 × (1 − u) mod 360,
// elevation = 90 − 180 × v, with u, v in [0, 1] at pixel centres. The rotation slider adds to every
// azimuth.
#include <string>

#include <opencv2/core.hpp>

#include "chiaro/light/light.h"

namespace chiaro::core {

// Widest panorama accepted (px); 16K panoramas exist, 50,000 px ones are a mistake.
constexpr int kMaxEnvironmentWidth = 16384;

// Loads an equirectangular panorama: Radiance .hdr, OpenEXR .exr when this OpenCV build reads it,
// and 8/16-bit PNG/JPEG/TIFF (sRGB-decoded to linear). Returns CV_32FC3 linear RGB.
// Throws Error(BadInput) with a one-line reason: unreadable or unsupported file, an empty (0×0)
// image, a width over kMaxEnvironmentWidth, an aspect that is not 2:1 (±1 px), NaN or infinite or
// negative pixels.
cv::Mat loadEnvironmentMap(const std::string& path);

// Validates an in-memory panorama (the checks of loadEnvironmentMap after decoding); `what` names
// it in the message.
void checkEnvironmentMap(const cv::Mat& radianceRgb, const std::string& what);

struct EnvironmentRigOptions {
    int maxLights = kMaxRigLights;  // 1..4
    double rotationDeg = 0.0;       // added to every azimuth
};

// The rig that best stands in for the panorama (CV_32FC3 linear RGB, 2:1): its dominant light
// directions (solid-angle weighted), their colours and relative intensities (the brightest light
// at intensity 1), sizes from their angular spread, and the ambient from the rest. A uniform
// panorama gives one soft light and a high ambient, never NaN.
LightSettings rigFromEnvironment(const cv::Mat& radianceRgb, const EnvironmentRigOptions& options = {});

// "Light from this background": the fbc background photo (CV_8UC3 RGB, sRGB) read as the part of
// the environment behind the subject. Its columns map to azimuth 270 (left edge) .. 180 (centre) ..
// 90 (right edge) and its rows to elevation +60 (top) .. -30 (bottom); the rest of the sphere gets
// the photo's mean colour. Then as rigFromEnvironment.
LightSettings rigFromBackground(const cv::Mat& backgroundRgb, const EnvironmentRigOptions& options = {});

}  // namespace chiaro::core
