#include "chiaro/mask/mask_ops.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"

namespace chiaro::core {

void requireMask(const cv::Mat& mask, const char* what) {
    if (mask.empty() || mask.type() != CV_8UC1)
        throw Error(ErrorCode::Usage, std::string(what) + ": the mask must be a non-empty 8-bit grey image");
}

void invertMask(cv::Mat& mask) {
    requireMask(mask, "invert");
    cv::bitwise_not(mask, mask);
}

void fillMask(cv::Mat& mask, uint8_t value) {
    requireMask(mask, "fill");
    mask.setTo(value);
}

void growMask(cv::Mat& mask, int pixels) {
    requireMask(mask, "grow/shrink");
    if (pixels == 0) return;
    // distanceTransform measures, for every non-zero pixel, the distance to the nearest zero pixel.
    // Growing asks how far each unselected pixel is from the selection; shrinking the reverse.
    const bool grow = pixels > 0;
    const float n = static_cast<float>(std::abs(pixels));
    cv::Mat source = grow ? (mask < 128) : (mask >= 128);
    cv::Mat distance;
    cv::distanceTransform(source, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE);
    for (int y = 0; y < mask.rows; ++y) {
        const float* d = distance.ptr<float>(y);
        uint8_t* out = mask.ptr<uint8_t>(y);
        for (int x = 0; x < mask.cols; ++x) {
            // grow: selected within n (+ a 1 px ramp); shrink: kept beyond n from the outside.
            const float keep = grow ? std::clamp(n + 1.0f - d[x], 0.0f, 1.0f)
                                    : std::clamp(d[x] - n, 0.0f, 1.0f);
            out[x] = static_cast<uint8_t>(std::lround(255.0f * keep));
        }
    }
}

void featherMask(cv::Mat& mask, int pixels) {
    requireMask(mask, "feather");
    if (pixels <= 0) return;
    const double sigma = pixels / 2.0;
    cv::GaussianBlur(mask, mask, cv::Size(), sigma, sigma, cv::BORDER_REPLICATE);
}

cv::Rect bucketFill(cv::Mat& mask, const cv::Mat& rgb, cv::Point seed, int tolerance, uint8_t value) {
    requireMask(mask, "bucket fill");
    if (!cv::Rect(0, 0, mask.cols, mask.rows).contains(seed)) return {};
    const bool byColour = !rgb.empty();
    if (byColour && (rgb.type() != CV_8UC3 || rgb.size() != mask.size()))
        throw Error(ErrorCode::Usage, "bucket fill: the photo must be 8-bit RGB of the mask's size");
    const double tol = std::clamp(tolerance, 0, 255);
    cv::Mat region = cv::Mat::zeros(mask.rows + 2, mask.cols + 2, CV_8UC1);
    cv::Rect box;
    const int flags = 4 | cv::FLOODFILL_MASK_ONLY | cv::FLOODFILL_FIXED_RANGE | (255 << 8);
    cv::Mat source = byColour ? rgb : mask;  // floodFill needs a non-const image even in mask-only mode
    cv::floodFill(source, region, seed, cv::Scalar(), &box, cv::Scalar::all(tol), cv::Scalar::all(tol), flags);
    mask.setTo(value, region(cv::Rect(1, 1, mask.cols, mask.rows)));
    return box;
}

cv::Rect fillPolygon(cv::Mat& mask, const std::vector<cv::Point2f>& points, uint8_t value) {
    requireMask(mask, "polygon fill");
    if (points.size() < 3) return {};
    // cv::fillPoly's own antialiasing widens shapes by about half a pixel, so coverage comes from
    // 4x4 supersampling instead, one band of rows at a time to bound the memory.
    constexpr int kSub = 4, kShift = 8, kBandRows = 64;
    cv::Point2f lo = points[0], hi = points[0];
    for (const cv::Point2f& p : points) {
        lo = {std::min(lo.x, p.x), std::min(lo.y, p.y)};
        hi = {std::max(hi.x, p.x), std::max(hi.y, p.y)};
    }
    const cv::Rect box = cv::Rect(cv::Point(int(std::floor(lo.x)), int(std::floor(lo.y))),
                                  cv::Point(int(std::ceil(hi.x)), int(std::ceil(hi.y)))) &
                         cv::Rect(0, 0, mask.cols, mask.rows);
    for (int y0 = box.y; y0 < box.br().y; y0 += kBandRows) {
        const cv::Rect band(box.x, y0, box.width, std::min(kBandRows, box.br().y - y0));
        std::vector<cv::Point> fine;
        fine.reserve(points.size());
        for (const cv::Point2f& p : points)  // fine pixel centres sit at integers for fillPoly
            fine.emplace_back(int(std::lround(((p.x - band.x) * kSub - 0.5f) * (1 << kShift))),
                              int(std::lround(((p.y - band.y) * kSub - 0.5f) * (1 << kShift))));
        cv::Mat samples = cv::Mat::zeros(band.height * kSub, band.width * kSub, CV_8UC1);
        cv::fillPoly(samples, std::vector<std::vector<cv::Point>>{fine}, cv::Scalar(255), cv::LINE_8, kShift);
        cv::Mat coverage;
        cv::resize(samples, coverage, band.size(), 0, 0, cv::INTER_AREA);
        for (int y = 0; y < band.height; ++y) {
            const uint8_t* c = coverage.ptr<uint8_t>(y);
            uint8_t* m = mask.ptr<uint8_t>(band.y + y) + band.x;
            for (int x = 0; x < band.width; ++x)
                m[x] = uint8_t((m[x] * (255 - c[x]) + value * c[x] + 127) / 255);
        }
    }
    return box;
}

double maskCoverage(const cv::Mat& mask) {
    requireMask(mask, "coverage");
    return cv::mean(mask)[0] / 255.0;
}

}  // namespace chiaro::core
