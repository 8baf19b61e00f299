#include "row_upsampler.h"

#include <algorithm>
#include <cmath>

namespace chiaro::core {
namespace {

// Catmull-Rom weights for a sample at fractional offset t in [0, 1) from its left neighbour.
std::array<float, 4> cubicWeights(float t) {
    constexpr float a = -0.5f;
    auto near = [](float x) { return ((a + 2.0f) * x - (a + 3.0f)) * x * x + 1.0f; };
    auto far = [](float x) { return ((a * x - 5.0f * a) * x + 8.0f * a) * x - 4.0f * a; };
    return {far(1.0f + t), near(t), near(1.0f - t), far(2.0f - t)};
}

}  // namespace

std::vector<RowUpsampler::Taps> RowUpsampler::makeTaps(int sourceLength, int targetLength) {
    std::vector<Taps> taps(static_cast<size_t>(targetLength));
    const double scale = static_cast<double>(sourceLength) / targetLength;
    for (int i = 0; i < targetLength; ++i) {
        const double position = (i + 0.5) * scale - 0.5;  // cv::resize's centre alignment
        const int left = static_cast<int>(std::floor(position));
        const auto weights = cubicWeights(static_cast<float>(position - left));
        for (int k = 0; k < 4; ++k) {
            taps[i].index[k] = std::clamp(left - 1 + k, 0, sourceLength - 1);
            taps[i].weight[k] = weights[k];
        }
    }
    return taps;
}

RowUpsampler::RowUpsampler(const cv::Mat& source, cv::Size target)
    : m_source(source.isContinuous() ? source : source.clone()),
      m_channels(source.channels()),
      m_target(target),
      m_columns(makeTaps(source.cols, target.width)),
      m_rows(makeTaps(source.rows, target.height)) {
    CV_Assert(source.depth() == CV_32F && !source.empty() && !target.empty());
}

void RowUpsampler::row(int y, std::vector<float>& out, std::vector<float>& scratch) const {
    const int n = m_channels;
    const size_t rowFloats = static_cast<size_t>(m_source.cols) * n;
    scratch.assign(rowFloats, 0.0f);
    // Vertical pass on the small image: one interpolated source row.
    const Taps& vertical = m_rows[static_cast<size_t>(y)];
    for (int k = 0; k < 4; ++k) {
        const float* src = m_source.ptr<float>(vertical.index[k]);
        const float w = vertical.weight[k];
        for (size_t i = 0; i < rowFloats; ++i) scratch[i] += w * src[i];
    }
    // Horizontal pass to the target width.
    out.resize(static_cast<size_t>(m_target.width) * n);
    for (int x = 0; x < m_target.width; ++x) {
        const Taps& t = m_columns[static_cast<size_t>(x)];
        const float* p0 = &scratch[static_cast<size_t>(t.index[0]) * n];
        const float* p1 = &scratch[static_cast<size_t>(t.index[1]) * n];
        const float* p2 = &scratch[static_cast<size_t>(t.index[2]) * n];
        const float* p3 = &scratch[static_cast<size_t>(t.index[3]) * n];
        float* dst = &out[static_cast<size_t>(x) * n];
        for (int c = 0; c < n; ++c) {
            dst[c] = t.weight[0] * p0[c] + t.weight[1] * p1[c] + t.weight[2] * p2[c] + t.weight[3] * p3[c];
        }
    }
}

}  // namespace chiaro::core
