#include "python_reference.h"

#include <catch2/catch.hpp>

#include <cstring>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/atomic_file.h"
#include "test_support.h"

namespace chiaro::test {

void runPython(const std::string& script, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/python3", "-c", script};
    argv.insert(argv.end(), args.begin(), args.end());
    const ProcessResult result = runProcess(argv);
    INFO("python stderr: " << result.err);
    REQUIRE(result.exitCode == 0);
}

cv::Mat readRawImage(const std::string& path, int rows, int cols, int channels) {
    const std::string bytes = core::readFileBytes(path);
    REQUIRE(bytes.size() == static_cast<size_t>(rows) * cols * channels);
    cv::Mat image(rows, cols, CV_8UC(channels));
    std::memcpy(image.data, bytes.data(), bytes.size());
    return image;
}

void writePngForPython(const std::string& path, const cv::Mat& image) {
    cv::Mat bgr;  // not `= image`: cvtColor would then convert the caller's pixels in place
    if (image.channels() == 1) bgr = image;
    if (image.channels() == 3) cv::cvtColor(image, bgr, cv::COLOR_RGB2BGR);
    if (image.channels() == 4) cv::cvtColor(image, bgr, cv::COLOR_RGBA2BGRA);
    REQUIRE(cv::imwrite(path, bgr));
}

cv::Mat sharedPhoto(const std::string& name) {
    const cv::Mat bgr = cv::imread(sharedDir() + "/data/photos/" + name, cv::IMREAD_COLOR);
    REQUIRE_FALSE(bgr.empty());
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

}  // namespace chiaro::test
