#pragma once
// Synthetic photos for the light tests: simple solids shaded with Lambert + ambient under a known
// light, with optional textured albedo, composited onto a real photo background, with noise.
// Rendered independently of the code under test (analytic normals, 3x3 supersampling, sRGB encode).
#include <array>
#include <random>
#include <string>

#include <opencv2/core.hpp>

namespace chiaro::test {

enum class Solid { Sphere, Ellipsoid, Capsule, UprightCylinder };

struct SceneSpec {
    Solid solid = Solid::Sphere;
    int width = 256;
    int height = 256;
    std::array<double, 3> light{0.0, 0.0, 1.0};  // unit vector toward the light (camera space)
    double ambient = 0.2;         // fraction of the peak brightness on the unlit side
    double peak = 0.8;            // linear-light value of a white surface facing the light
    bool textured = false;        // stripes and blotches in the albedo
    double noiseSigma = 0.0;      // Gaussian noise on the 8-bit sRGB values
    std::string backgroundPhoto;  // a file under sharedDir()/data/photos, or empty for mid-grey
    unsigned seed = 1;            // shape parameters, texture, background crop and noise
    // Robustness conditions (estimation_robustness_test.cpp); the defaults render as before.
    std::array<double, 3> lightColor{1.0, 1.0, 1.0};  // linear RGB multipliers of the light
    std::array<double, 3> fillLight{0.0, 0.0, 1.0};   // unit vector toward a second light
    double fillIntensity = 0.0;                       // its strength relative to the first light
    std::array<double, 3> fillColor{1.0, 1.0, 1.0};
    int cropSide = -1;  // 0 left, 1 right, 2 top, 3 bottom: the solid is pushed past that border
    double cropDepth = 0.3;  // fraction of the solid's width that ends up outside the frame
};

struct Scene {
    cv::Mat image;  // CV_8UC3 RGB
    cv::Mat mask;   // CV_8UC1 coverage of the solid, 0..255
};

Scene renderScene(const SceneSpec& spec);

// A light vector from azimuth / elevation in degrees (CONTRACTS.md §1), written out independently
// of LightDirection::toVector.
std::array<double, 3> lightVector(double azimuthDeg, double elevationDeg);

// Angle between two vectors, degrees.
double angleDeg(const std::array<double, 3>& a, const std::array<double, 3>& b);

// An RGB photo from sharedDir()/data/photos (read with OpenCV, converted from BGR).
cv::Mat loadSharedPhoto(const std::string& name);

}  // namespace chiaro::test
