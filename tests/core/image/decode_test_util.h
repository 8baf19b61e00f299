#pragma once
// Test helpers of the decoder tests (png_decode_test, jpeg_decode_test): OpenCV's own decode for
// comparison, exact equality, and what the process printed to stderr while something ran.
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "chiaro/core/atomic_file.h"
#include "test_support.h"

namespace chiaro::test {

inline cv::Mat opencvDecode(const std::string& bytes) {
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
    return cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
}

inline bool identical(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

// What the process writes to stderr (fd 2) while `fn` runs: libraries print there directly.
template <typename Fn>
std::string stderrOf(Fn&& fn) {
    TempDir dir;
    const std::string path = dir.file("stderr.txt");
    std::fflush(stderr);
    const int saved = dup(2);
    const int file = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(file, 2);
    close(file);
    fn();
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    return core::readFileBytes(path);
}

}  // namespace chiaro::test
