#pragma once
// Test helper: the folder of image fixtures that make_image_fixtures.py writes with Pillow (made once
// per test run), plus Pillow's decoding of each as raw samples.
#include <string>

#include <opencv2/core.hpp>

namespace chiaro::test {

constexpr int kFixtureWidth = 123;
constexpr int kFixtureHeight = 77;

// Path of a fixture file, e.g. fixturePath("rgb.jpg").
std::string fixturePath(const std::string& name);

// Pillow's decoding of a fixture (NAME.raw) as an RGB / RGBA / grey Mat.
cv::Mat pillowPixels(const std::string& name, int channels, cv::Size size = {kFixtureWidth, kFixtureHeight});

// Largest absolute difference between two images of the same size and type.
double maxDifference(const cv::Mat& a, const cv::Mat& b);

}  // namespace chiaro::test
