#include "conditioning.h"

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/pillow_resize.h"
#include "chiaro/light/colour_keep.h"
#include "chiaro/light/light_map.h"

namespace chiaro::core {
namespace {

// Feather radius of the keep-unmasked blend, as a fraction of the output's shorter side.
constexpr double kFeatherFraction = 0.006;

cv::Mat regenerateMask(const RelightJob& job, cv::Size outSize) {
    if (job.mask.empty()) return cv::Mat(outSize, CV_8UC1, cv::Scalar(255));
    return fitToWorking(job.mask, outSize.width, outSize.height, job.crop);
}

// Feathering that only grows outward: where the result is 0 the photo is copied bit for bit.
cv::Mat featherOutward(const cv::Mat& mask, int radius) {
    if (radius <= 0) return mask.clone();
    cv::Mat grown, blurred;
    cv::dilate(mask, grown, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * radius + 1, 2 * radius + 1}));
    cv::GaussianBlur(grown, blurred, cv::Size(0, 0), radius / 2.0);
    cv::Mat result;
    cv::max(blurred, mask, result);
    result.setTo(0, grown == 0);
    return result;
}

cv::Mat transferDetail(const cv::Mat& generated, const cv::Mat& photo, const cv::Mat& matte, double strength) {
    cv::Mat gen, src;
    generated.convertTo(gen, CV_32FC3);
    photo.convertTo(src, CV_32FC3);
    const double sigma = std::max(1.5, std::min(gen.cols, gen.rows) / 256.0);
    cv::Mat genLow, srcLow;
    cv::GaussianBlur(gen, genLow, cv::Size(0, 0), sigma);
    cv::GaussianBlur(src, srcLow, cv::Size(0, 0), sigma);
    cv::Mat detailed = genLow + (src - srcLow);
    cv::Mat weight;
    matte.convertTo(weight, CV_32F, strength / 255.0);
    cv::Mat weight3;
    cv::merge(std::vector<cv::Mat>{weight, weight, weight}, weight3);
    cv::Mat blended = gen.mul(cv::Scalar::all(1.0) - weight3) + detailed.mul(weight3);
    cv::Mat out;
    blended.convertTo(out, CV_8UC3);  // saturating, rounded
    return out;
}

}  // namespace

int keepFeatherRadius(cv::Size output) {
    return std::max(1, static_cast<int>(std::min(output.width, output.height) * kFeatherFraction));
}

cv::Mat fitToWorking(const cv::Mat& image, int width, int height, bool crop) {
    return crop ? resizeAndCenterCrop(image, width, height) : resizeWithoutCrop(image, width, height);
}

cv::Mat foregroundMatte(const RelightJob& job) {
    if (job.mask.empty()) return cv::Mat(job.image.size(), CV_8UC1, cv::Scalar(255));
    if (job.mode == RelightMode::Inpaint) return 255 - job.mask;
    return job.mask.clone();
}

cv::Mat compositeOnGrey(const cv::Mat& rgb, const cv::Mat& matte) {
    CV_Assert(rgb.type() == CV_8UC3 && matte.type() == CV_8UC1 && rgb.size() == matte.size());
    cv::Mat out(rgb.size(), CV_8UC3);
    for (int y = 0; y < rgb.rows; ++y) {
        const uint8_t* src = rgb.ptr<uint8_t>(y);
        const uint8_t* a = matte.ptr<uint8_t>(y);
        uint8_t* dst = out.ptr<uint8_t>(y);
        for (int x = 0; x < rgb.cols; ++x) {
            const float alpha = static_cast<float>(a[x]) / 255.0f;
            for (int c = 0; c < 3; ++c) {
                float v = 127.0f + (static_cast<float>(src[3 * x + c]) - 127.0f) * alpha;
                v = std::min(255.0f, std::max(0.0f, v));
                dst[3 * x + c] = static_cast<uint8_t>(v);  // numpy astype: truncation
            }
        }
    }
    return out;
}

cv::Mat fbcBackgroundSource(const RelightJob& job, int width, int height) {
    switch (job.fbcBackground) {
        case FbcBackground::Upload: return job.background.clone();
        case FbcBackground::UploadFlipped: {
            cv::Mat flipped;
            cv::flip(job.background, flipped, 1);
            return flipped;
        }
        case FbcBackground::Grey: return cv::Mat(height, width, CV_8UC3, cv::Scalar::all(64));
        case FbcBackground::LightMap:
            if (!job.light.direction) throw Error(ErrorCode::Usage, "the fbc light background needs a direction");
            return renderLightMap(job.light, width, height, LightMapVariant::Fbc);
    }
    return {};
}

cv::Mat fcInitialLightImage(const RelightJob& job, int width, int height) {
    if (!job.light.direction) return {};
    return renderLightMap(job.light, width, height, LightMapVariant::Fc);
}

cv::Mat finishOutput(const RelightJob& job, const cv::Mat& generated) {
    const cv::Size outSize = generated.size();
    cv::Mat result = generated;
    const bool needPhoto = job.keepUnmasked || job.detailPreserve > 0.0;
    cv::Mat photo = needPhoto ? fitToWorking(job.image, outSize.width, outSize.height, job.crop) : cv::Mat();
    if (job.detailPreserve > 0.0) {
        cv::Mat subject = fitToWorking(foregroundMatte(job), outSize.width, outSize.height, job.crop);
        result = transferDetail(result, photo, subject, job.detailPreserve);
    }
    if (job.keepColour > 0.0 && job.mode == RelightMode::Subject) {
        // The product's own colours under the new light's brightness (colour_keep.h).
        if (photo.empty()) photo = fitToWorking(job.image, outSize.width, outSize.height, job.crop);
        const cv::Mat subject = fitToWorking(foregroundMatte(job), outSize.width, outSize.height, job.crop);
        if (result.data == generated.data) result = result.clone();
        keepSubjectColours(result, photo, subject, job.keepColour, rigColour(job.light));
    }
    if (job.keepUnmasked) {
        const int radius = keepFeatherRadius(outSize);
        cv::Mat weight = featherOutward(regenerateMask(job, outSize), radius);
        cv::Mat blended = photo.clone();
        for (int y = 0; y < outSize.height; ++y) {
            const uint8_t* w = weight.ptr<uint8_t>(y);
            const uint8_t* g = result.ptr<uint8_t>(y);
            uint8_t* d = blended.ptr<uint8_t>(y);
            for (int x = 0; x < outSize.width; ++x) {
                if (w[x] == 0) continue;  // outside the feathered mask: the photo, untouched
                for (int c = 0; c < 3; ++c) {
                    d[3 * x + c] = static_cast<uint8_t>((g[3 * x + c] * w[x] + d[3 * x + c] * (255 - w[x]) + 127) / 255);
                }
            }
        }
        result = blended;
    }
    if (job.transparent) {
        cv::Mat alpha = job.mask.empty() ? cv::Mat(outSize, CV_8UC1, cv::Scalar(255))
                                         : fitToWorking(job.mask, outSize.width, outSize.height, job.crop);
        cv::Mat rgba;
        cv::merge(std::vector<cv::Mat>{result, alpha}, rgba);  // 3 + 1 channels -> RGBA
        result = rgba;
    }
    return result;
}

}  // namespace chiaro::core
