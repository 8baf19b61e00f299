#include "chiaro/pipeline/full_resolution.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/photo.h"
#include "row_upsampler.h"

namespace chiaro::core {
namespace {

// The photo's detail follows the change of brightness, within these bounds: beyond them noise in a
// black region would be amplified into speckles, or detail flattened to nothing.
constexpr float kMinGain = 0.25f;
constexpr float kMaxGain = 4.0f;
// Rows per parallel stripe: large enough to amortise the vertical pass, small for load balance.
constexpr int kRowsPerStripe = 32;

// Channels of the small stack the rows are upsampled from: generated RGB, offset RGB, gain.
constexpr int kStackChannels = 7;

cv::Mat toUnitFloat(const cv::Mat& image) {
    cv::Mat out;
    image.convertTo(out, CV_32F, image.depth() == CV_16U ? 1.0 / 65535.0 : 1.0 / 255.0);
    return out;
}

cv::Mat areaResize(const cv::Mat& image, cv::Size size) {
    if (image.size() == size) return image;
    cv::Mat out;
    cv::resize(image, out, size, 0, 0, image.cols >= size.width ? cv::INTER_AREA : cv::INTER_CUBIC);
    return out;
}

// Low pass normalised by the matte, blur(x m) / blur(m): inside the subject it averages subject
// pixels only, so the generated background never bleeds into the subject's low band. Where the
// matte vanishes it tends to the plain blur (the value is then unused).
cv::Mat maskedLowPass(const cv::Mat& rgb, const cv::Mat& matte, double sigma) {
    constexpr float eps = 1e-3f;
    cv::Mat matte3, weighted, num, den, plain;
    cv::merge(std::vector<cv::Mat>{matte, matte, matte}, matte3);
    cv::multiply(rgb, matte3, weighted);
    cv::GaussianBlur(weighted, num, cv::Size(0, 0), sigma, sigma, cv::BORDER_REFLECT);
    cv::GaussianBlur(matte3, den, cv::Size(0, 0), sigma, sigma, cv::BORDER_REFLECT);
    cv::GaussianBlur(rgb, plain, cv::Size(0, 0), sigma, sigma, cv::BORDER_REFLECT);
    cv::Mat out;
    // Scalar::all: a plain `den + eps` would add eps to the first channel only (OpenCV's Scalar).
    cv::divide(num + plain * eps, den + cv::Scalar::all(eps), out);
    return out;
}

float luma(const cv::Vec3f& v) { return 0.2126f * v[0] + 0.7152f * v[1] + 0.0722f * v[2]; }

// The small stack at the generated size: G (the result in the photo's space), A = lowG - lowP * r
// and r = luma(lowG) / luma(lowP). A subject pixel is then A + photo * r: the new low band plus the
// photo's own detail scaled by the change of light.
cv::Mat buildStack(const FullResolutionInputs& in) {
    const cv::Size small = in.generated.size();
    const cv::Mat generated = srgbToProfileFloat(toUnitFloat(in.generated), in.iccProfile);
    cv::Mat matte = in.detailMatte.empty() ? cv::Mat::zeros(small, CV_32F)
                                           : toUnitFloat(areaResize(in.detailMatte, small));
    const cv::Mat lowG = maskedLowPass(generated, matte, in.detailSigma);
    const cv::Mat lowP = maskedLowPass(toUnitFloat(areaResize(in.photo, small)), matte, in.detailSigma);
    cv::Mat stack(small, CV_32FC(kStackChannels));
    for (int y = 0; y < small.height; ++y) {
        const auto* g = generated.ptr<cv::Vec3f>(y);
        const auto* lg = lowG.ptr<cv::Vec3f>(y);
        const auto* lp = lowP.ptr<cv::Vec3f>(y);
        float* s = stack.ptr<float>(y);
        for (int x = 0; x < small.width; ++x, s += kStackChannels) {
            const float gain = std::clamp((luma(lg[x]) + 1e-3f) / (luma(lp[x]) + 1e-3f), kMinGain, kMaxGain);
            for (int c = 0; c < 3; ++c) {
                s[c] = g[x][c];
                s[3 + c] = lg[x][c] - lp[x][c] * gain;
            }
            s[6] = gain;
        }
    }
    return stack;
}

template <typename In, typename Out>
Out convertExact(In value) {
    if constexpr (sizeof(In) == sizeof(Out)) {
        return static_cast<Out>(value);
    } else if constexpr (sizeof(Out) > sizeof(In)) {
        return static_cast<Out>(value * 257);  // 8 -> 16 bit: 255 -> 65535 exactly
    } else {
        return static_cast<Out>((value + 128) / 257);  // 16 -> 8 bit, rounded
    }
}

template <typename In, typename Out>
void composeRows(const FullResolutionInputs& in, const RowUpsampler& up, cv::Mat& out) {
    const float inScale = 1.0f / static_cast<float>(std::numeric_limits<In>::max());
    const float outMax = static_cast<float>(std::numeric_limits<Out>::max());
    const int width = in.photo.cols;
    std::atomic<bool> stop{false};  // no exception may leave a parallel_for_ body
    cv::parallel_for_(cv::Range(0, in.photo.rows), [&](const cv::Range& rows) {
        if (stop.load() || (in.cancelled && in.cancelled())) {
            stop.store(true);
            return;
        }
        std::vector<float> values, scratch;
        for (int y = rows.start; y < rows.end; ++y) {
            up.row(y, values, scratch);
            const In* p = in.photo.ptr<In>(y);
            const uint8_t* d = in.detailMatte.empty() ? nullptr : in.detailMatte.ptr<uint8_t>(y);
            const uint8_t* k = in.keepWeight.empty() ? nullptr : in.keepWeight.ptr<uint8_t>(y);
            Out* o = out.ptr<Out>(y);
            for (int x = 0; x < width; ++x, p += 3, o += 3) {
                if (k && k[x] == 0) {  // kept: the photo's value, bit for bit
                    for (int c = 0; c < 3; ++c) o[c] = convertExact<In, Out>(p[c]);
                    continue;
                }
                const float* v = &values[static_cast<size_t>(x) * kStackChannels];
                const float detail = d ? d[x] / 255.0f : 0.0f;
                const float keep = k ? 1.0f - k[x] / 255.0f : 0.0f;
                for (int c = 0; c < 3; ++c) {
                    const float photo = p[c] * inScale;
                    const float subject = v[3 + c] + photo * v[6];
                    const float composite = detail * subject + (1.0f - detail) * v[c];
                    const float value = keep * photo + (1.0f - keep) * composite;
                    o[c] = static_cast<Out>(std::lround(std::clamp(value, 0.0f, 1.0f) * outMax));
                }
            }
        }
    }, std::max(1.0, static_cast<double>(in.photo.rows) / kRowsPerStripe));
    if (stop.load()) throw Error(ErrorCode::Cancelled, "cancelled while composing the full-resolution output");
}

void checkInputs(const FullResolutionInputs& in) {
    auto fail = [](const std::string& what) { throw Error(ErrorCode::Usage, "full-resolution output: " + what); };
    if (in.photo.empty() || (in.photo.type() != CV_8UC3 && in.photo.type() != CV_16UC3)) fail("the photo must be 8- or 16-bit RGB");
    if (in.generated.empty() || in.generated.type() != CV_8UC3) fail("the generated image must be 8-bit RGB");
    for (const cv::Mat* m : {&in.detailMatte, &in.keepWeight}) {
        if (!m->empty() && (m->type() != CV_8UC1 || m->size() != in.photo.size())) fail("a matte must be 8-bit grey at the photo's size");
    }
    if (in.outputDepth != -1 && in.outputDepth != CV_8U && in.outputDepth != CV_16U) fail("the output must be 8- or 16-bit");
    if (!(in.detailSigma > 0.0)) fail("the detail radius must be positive");
}

}  // namespace

cv::Mat composeFullResolution(const FullResolutionInputs& in) {
    checkInputs(in);
    const RowUpsampler up(buildStack(in), in.photo.size());
    const int depth = in.outputDepth == -1 ? in.photo.depth() : in.outputDepth;
    cv::Mat out(in.photo.size(), CV_MAKETYPE(depth, 3));
    const bool in16 = in.photo.depth() == CV_16U;
    if (in16 && depth == CV_16U) composeRows<uint16_t, uint16_t>(in, up, out);
    else if (in16) composeRows<uint16_t, uint8_t>(in, up, out);
    else if (depth == CV_16U) composeRows<uint8_t, uint16_t>(in, up, out);
    else composeRows<uint8_t, uint8_t>(in, up, out);
    return out;
}

cv::Mat featherOutwardByDistance(const cv::Mat& mask, int radius) {
    CV_Assert(mask.type() == CV_8UC1);
    if (radius <= 0) return mask.clone();
    // Distance of every pixel to the mask's inside (>= 128); the inside itself is at distance 0.
    cv::Mat outside = mask < 128, distance;
    cv::distanceTransform(outside, distance, cv::DIST_L2, cv::DIST_MASK_5);
    cv::Mat ramp;
    distance.convertTo(ramp, CV_8U, -255.0 / radius, 255.0);  // saturates to 0 beyond the radius
    ramp.setTo(0, distance >= radius);
    cv::Mat result;
    cv::max(ramp, mask, result);
    return result;
}

}  // namespace chiaro::core
