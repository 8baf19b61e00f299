#pragma once
// The light map that seeds the diffusion's initial latent. For IC-Light's four presets it equals the
// reference gradient pixel for pixel; other directions (front, back, diagonals, elevation) change it
// continuously. Colour and intensity tint and scale it (white at intensity 1 = the plain gradient).
// A rig (several lights, sizes, ambient) adds each light's ramp and the ambient to the key's map;
// one hard light without ambient is exactly the single-light map (IC-Light parity).
#include <opencv2/core.hpp>

#include "chiaro/light/light.h"

namespace chiaro::core {

enum class LightMapVariant {
    Fc,   // foreground-conditioned model: gradients 255 -> 0
    Fbc,  // foreground + background model: gradients 224 -> 32
};

// Renders a CV_8UC3 RGB map of width × height for `light.direction` (must be set).
cv::Mat renderLightMap(const LightSettings& light, int width, int height, LightMapVariant variant);

// Largest side accepted by renderLightMap (larger is a Usage error).
constexpr int kMaxLightMapSide = 16384;

// The map's shading in [0, 1] at normalised image coordinates u (-1 left .. 1 right) and v (1 top ..
// -1 bottom) for a light from unit vector `l`: the clamped, linear-in-L function
//     (1 + lx*u + ly*v + lz*(1 - u² - v²)) / 2,
// i.e. a ramp along the light's image-plane direction (IC-Light's gradients when lz = 0) plus a
// radial term for the part of the light along the view axis: bright centre for a front light, dark
// centre and bright rim for a back light. Linear in L, so the map is continuous over the sphere.
// The preview relighter uses it to wash the background with the same light.
double lightMapShading(const std::array<double, 3>& l, double u, double v);

// A light of size s (light.h) keeps this share of the ramp's contrast: 1 - kSizeContrastLoss × s.
constexpr double kSizeContrastLoss = 0.6;
// lightMapShading with the ramp's contrast scaled (1 = lightMapShading): (1 + contrast × ...) / 2.
double softLightMapShading(const std::array<double, 3>& l, double u, double v, double contrast);

}  // namespace chiaro::core
