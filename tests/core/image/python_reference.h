#pragma once
// Test helper: runs the system Python with Pillow (python3-pil) to produce reference data that the
// C++ code is compared against, independently of the code under test.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace chiaro::test {

// /usr/bin/python3 -c SCRIPT ARGS...; fails the current test (with Python's stderr) on a non-zero exit.
void runPython(const std::string& script, const std::vector<std::string>& args);

// Raw interleaved 8-bit samples written by numpy's tobytes(), as a Mat of the given shape.
cv::Mat readRawImage(const std::string& path, int rows, int cols, int channels);

// Writes an RGB(A)/grey CV_8U image as a PNG without using the code under test (cv::imwrite).
void writePngForPython(const std::string& path, const cv::Mat& image);

// The photos in /work/shared/data/photos, decoded by OpenCV (RGB).
cv::Mat sharedPhoto(const std::string& name);

}  // namespace chiaro::test
