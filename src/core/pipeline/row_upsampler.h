#pragma once
// Bicubic upsampling of a small multi-channel float image, produced one output row at a time, so a
// 24-megapixel result never holds full-size float copies of the generated picture (issue #11's
// memory goal). Separable Catmull-Rom (a = -0.5: less ringing than OpenCV's -0.75), pixel centres aligned
// like cv::resize, borders replicated. Torch-free.
#include <array>
#include <vector>

#include <opencv2/core.hpp>

namespace chiaro::core {

class RowUpsampler {
public:
    // `source`: CV_32FC(n), the small image; `target`: the size rows are produced for.
    RowUpsampler(const cv::Mat& source, cv::Size target);

    int channels() const { return m_channels; }

    // Fills `out` (target width x channels floats, interleaved) with output row `y`. `scratch` is
    // the caller's buffer (one per thread), reused across calls.
    void row(int y, std::vector<float>& out, std::vector<float>& scratch) const;

private:
    struct Taps {
        std::array<int, 4> index;
        std::array<float, 4> weight;
    };
    static std::vector<Taps> makeTaps(int sourceLength, int targetLength);

    cv::Mat m_source;
    int m_channels = 0;
    cv::Size m_target;
    std::vector<Taps> m_columns;  // per output column
    std::vector<Taps> m_rows;     // per output row
};

}  // namespace chiaro::core
