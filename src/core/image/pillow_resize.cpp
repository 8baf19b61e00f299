#include "chiaro/image/pillow_resize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <opencv2/core/utility.hpp>

#include "chiaro/core/error.h"
#include "image/premultiply.h"

namespace chiaro::core {
namespace {

// Pillow's Resample.c constants: fixed-point weights with 22 fractional bits, Lanczos a = 3.
constexpr int kPrecisionBits = 22;
constexpr double kLanczosSupport = 3.0;
constexpr double kPi = 3.14159265358979323846;  // M_PI, which strict C++17 does not promise

double sinc(double x) {
    if (x == 0.0) return 1.0;
    x *= kPi;
    return std::sin(x) / x;
}

double lanczos(double x) {
    return (-kLanczosSupport <= x && x < kLanczosSupport) ? sinc(x) * sinc(x / kLanczosSupport) : 0.0;
}

// One output sample reads `count` inputs from `first`, weighted by weights[i * kernelSize ...].
struct Coefficients {
    int kernelSize = 0;
    std::vector<int> first;
    std::vector<int> count;
    std::vector<int32_t> weights;
};

int32_t toFixedPoint(double w) {
    const double scaled = w * (1 << kPrecisionBits);
    return static_cast<int32_t>(w < 0 ? -0.5 + scaled : 0.5 + scaled);
}

// Pillow's precompute_coeffs + normalize_coeffs_8bpc for the box (0, inSize) mapped to outSize.
Coefficients precomputeCoefficients(int inSize, int outSize) {
    const double scale = static_cast<double>(inSize) / outSize;
    const double filterScale = std::max(scale, 1.0);
    const double support = kLanczosSupport * filterScale;
    Coefficients c;
    c.kernelSize = static_cast<int>(std::ceil(support)) * 2 + 1;
    c.first.resize(outSize);
    c.count.resize(outSize);
    c.weights.assign(static_cast<size_t>(outSize) * c.kernelSize, 0);
    std::vector<double> w(c.kernelSize);
    for (int xx = 0; xx < outSize; ++xx) {
        const double center = (xx + 0.5) * scale;
        const int xmin = std::max(static_cast<int>(center - support + 0.5), 0);
        const int xmax = std::min(static_cast<int>(center + support + 0.5), inSize) - xmin;
        double sum = 0.0;
        for (int x = 0; x < xmax; ++x) {
            w[x] = lanczos((x + xmin - center + 0.5) / filterScale);
            sum += w[x];
        }
        for (int x = 0; x < xmax; ++x) {
            c.weights[static_cast<size_t>(xx) * c.kernelSize + x] = toFixedPoint(sum != 0.0 ? w[x] / sum : w[x]);
        }
        c.first[xx] = xmin;
        c.count[xx] = xmax;
    }
    return c;
}

uint8_t clip8(int32_t value) {
    const int32_t shifted = value >> kPrecisionBits;
    return static_cast<uint8_t>(std::clamp<int32_t>(shifted, 0, 255));
}

constexpr int32_t kRoundingHalf = 1 << (kPrecisionBits - 1);

cv::Mat resampleHorizontal(const cv::Mat& in, int outWidth) {
    const Coefficients c = precomputeCoefficients(in.cols, outWidth);
    const int channels = in.channels();
    cv::Mat out(in.rows, outWidth, in.type());
    cv::parallel_for_(cv::Range(0, in.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const uint8_t* src = in.ptr<uint8_t>(y);
            uint8_t* dst = out.ptr<uint8_t>(y);
            for (int xx = 0; xx < outWidth; ++xx) {
                const int32_t* k = &c.weights[static_cast<size_t>(xx) * c.kernelSize];
                const uint8_t* s = src + static_cast<size_t>(c.first[xx]) * channels;
                for (int ch = 0; ch < channels; ++ch) {
                    int32_t ss = kRoundingHalf;
                    for (int x = 0; x < c.count[xx]; ++x) ss += s[x * channels + ch] * k[x];
                    dst[xx * channels + ch] = clip8(ss);
                }
            }
        }
    });
    return out;
}

cv::Mat resampleVertical(const cv::Mat& in, int outHeight) {
    const Coefficients c = precomputeCoefficients(in.rows, outHeight);
    const int rowLength = in.cols * in.channels();
    cv::Mat out(outHeight, in.cols, in.type());
    cv::parallel_for_(cv::Range(0, outHeight), [&](const cv::Range& rows) {
        std::vector<int32_t> sums(rowLength);
        for (int yy = rows.start; yy < rows.end; ++yy) {
            const int32_t* k = &c.weights[static_cast<size_t>(yy) * c.kernelSize];
            std::fill(sums.begin(), sums.end(), kRoundingHalf);
            // Row by row keeps the reads sequential; the sum per sample is the same as Pillow's.
            for (int y = 0; y < c.count[yy]; ++y) {
                const uint8_t* src = in.ptr<uint8_t>(c.first[yy] + y);
                for (int i = 0; i < rowLength; ++i) sums[i] += src[i] * k[y];
            }
            uint8_t* dst = out.ptr<uint8_t>(yy);
            for (int i = 0; i < rowLength; ++i) dst[i] = clip8(sums[i]);
        }
    });
    return out;
}

cv::Mat resampleSeparable(const cv::Mat& image, int width, int height) {
    cv::Mat result = image;
    if (width != image.cols) result = resampleHorizontal(result, width);
    if (height != image.rows) result = resampleVertical(result, height);
    return result.data == image.data ? image.clone() : result;
}

}  // namespace

cv::Mat pillowResizeLanczos(const cv::Mat& image, int width, int height) {
    if (image.empty() || image.depth() != CV_8U || image.channels() == 2 || image.channels() > 4) {
        throw Error(ErrorCode::Failure, "resize: expects a non-empty 8-bit image with 1, 3 or 4 channels");
    }
    if (width <= 0 || height <= 0) {
        throw Error(ErrorCode::Usage, "resize: target size " + std::to_string(width) + "x" +
                                          std::to_string(height) + " is not positive");
    }
    // Pillow resizes RGBA through premultiplied "RGBa" so transparent pixels do not bleed colour.
    if (image.channels() == 4 && (width != image.cols || height != image.rows)) {
        return unpremultiplyAlpha(resampleSeparable(premultiplyAlpha(image), width, height));
    }
    return resampleSeparable(image, width, height);
}

cv::Mat resizeAndCenterCrop(const cv::Mat& image, int width, int height) {
    if (image.empty()) throw Error(ErrorCode::Failure, "resize: empty image");
    if (width <= 0 || height <= 0) throw Error(ErrorCode::Usage, "resize: target size is not positive");
    const double scale = std::max(static_cast<double>(width) / image.cols,
                                  static_cast<double>(height) / image.rows);
    const int resizedWidth = static_cast<int>(pythonRound(image.cols * scale));
    const int resizedHeight = static_cast<int>(pythonRound(image.rows * scale));
    const cv::Mat resized = pillowResizeLanczos(image, resizedWidth, resizedHeight);
    // Python crops (round((rw - W) / 2), ...); the size is forced to W x H because with an odd W
    // Python's two roundings can disagree by a pixel, which no caller wants.
    const int left = static_cast<int>(pythonRound((resizedWidth - width) / 2.0));
    const int top = static_cast<int>(pythonRound((resizedHeight - height) / 2.0));
    const int x = std::clamp(left, 0, resizedWidth - width);
    const int y = std::clamp(top, 0, resizedHeight - height);
    return resized(cv::Rect(x, y, width, height)).clone();
}

cv::Mat resizeWithoutCrop(const cv::Mat& image, int width, int height) {
    return pillowResizeLanczos(image, width, height);
}

long long pythonRound(double value) {
    const double floor = std::floor(value);
    const double fraction = value - floor;
    if (fraction > 0.5) return static_cast<long long>(floor) + 1;
    if (fraction < 0.5) return static_cast<long long>(floor);
    const auto lower = static_cast<long long>(floor);
    return (lower % 2 == 0) ? lower : lower + 1;
}

}  // namespace chiaro::core
