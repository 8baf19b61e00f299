#include "subject_cues.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace chiaro::core::subject_cues {
namespace {

constexpr double kForeignDistance = 18.0;  // Lab distance: a colour the other strips do not have
constexpr double kMinLeaving = 0.15, kMaxLeaving = 0.85;
constexpr double kCannyLow = 20, kCannyHigh = 50;  // on L scaled to 0..255: steps of about 2 and 5 L units

float quantile(const cv::Mat& values, double q) {
    cv::Mat flat = values.reshape(1, 1).clone();
    cv::sort(flat, flat, cv::SORT_ASCENDING);
    const int i = std::clamp(static_cast<int>(flat.cols * q), 0, flat.cols - 1);
    return flat.at<float>(0, i);
}

// 255 where `edges` plus the frame sides in `sides` (bit 0 left, 1 right, 2 top, 3 bottom) enclose.
cv::Mat enclosedWith(const cv::Mat& edges, int sides) {
    cv::Mat padded;
    cv::copyMakeBorder(edges, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, cv::Scalar(0));
    const int w = padded.cols, h = padded.rows;
    if (sides & 1) padded.col(0).setTo(255);
    if (sides & 2) padded.col(w - 1).setTo(255);
    if (sides & 4) padded.row(0).setTo(255);
    if (sides & 8) padded.row(h - 1).setTo(255);
    auto flood = [&](int x, int y) {
        if (padded.at<uint8_t>(y, x) == 0) cv::floodFill(padded, cv::Point(x, y), cv::Scalar(128), nullptr, 0, 0, 4);
    };
    for (int x = 0; x < w; ++x) flood(x, 0), flood(x, h - 1);
    for (int y = 0; y < h; ++y) flood(0, y), flood(w - 1, y);
    return padded(cv::Rect(1, 1, edges.cols, edges.rows)) != 128;
}

}  // namespace

cv::Rect borderStrip(cv::Size s, int side, int width) {
    switch (side) {
        case 0: return {0, 0, width, s.height};
        case 1: return {s.width - width, 0, width, s.height};
        case 2: return {0, 0, s.width, width};
        default: return {0, s.height - width, s.width, width};
    }
}

double noiseLevel(const cv::Mat& lightness) {
    cv::Mat blurred;
    cv::GaussianBlur(lightness, blurred, cv::Size(), 1.0);
    return quantile(cv::abs(lightness - blurred), 0.5);
}

cv::Mat sharpEdges(const cv::Mat& lightness, double maxBlur) {
    // Zhuo and Sim's defocus estimate: an edge blurred by s keeps the ratio
    // r = |grad L| / |grad (L * G(s0))| = sqrt(s^2 + s0^2) / s, so s = s0 / sqrt(r^2 - 1).
    constexpr double kReblur = 1.0;
    cv::Mat reblurred;
    cv::GaussianBlur(lightness, reblurred, cv::Size(), kReblur);
    const auto gradient = [](const cv::Mat& m) {
        cv::Mat gx, gy, magnitude;
        cv::Sobel(m, gx, CV_32F, 1, 0, 3, 0.125);
        cv::Sobel(m, gy, CV_32F, 0, 1, 3, 0.125);
        cv::magnitude(gx, gy, magnitude);
        return magnitude;
    };
    const cv::Mat g0 = gradient(lightness), g1 = gradient(reblurred);
    cv::Mat l8, edges;
    lightness.convertTo(l8, CV_8U, 255.0 / 100.0);
    cv::Canny(l8, edges, kCannyLow, kCannyHigh, 3, true);
    // s < maxBlur  <=>  r^2 > 1 + (s0 / maxBlur)^2
    const float minRatio2 = static_cast<float>(1.0 + (kReblur / maxBlur) * (kReblur / maxBlur));
    for (int y = 0; y < edges.rows; ++y) {
        uint8_t* e = edges.ptr<uint8_t>(y);
        const float* a = g0.ptr<float>(y);
        const float* b = g1.ptr<float>(y);
        for (int x = 0; x < edges.cols; ++x)
            if (e[x] && a[x] * a[x] <= minRatio2 * b[x] * b[x]) e[x] = 0;
    }
    return edges;
}

cv::Mat distanceToColours(const cv::Mat& lab, const cv::Mat& samples, int clusters) {
    const int k = std::min(clusters, samples.rows);
    cv::Mat labels, centres;
    cv::setRNGSeed(12345);  // k-means++ draws from OpenCV's thread RNG: seed it for the same answer every time
    cv::kmeans(samples, k, labels, cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, 20, 0.5), 1,
               cv::KMEANS_PP_CENTERS, centres);
    cv::Mat best(lab.size(), CV_32F, cv::Scalar(1e9));
    for (int i = 0; i < centres.rows; ++i) {
        const cv::Scalar c(centres.at<float>(i, 0), centres.at<float>(i, 1), centres.at<float>(i, 2));
        cv::Mat diff = lab - c, squared, distance;
        cv::multiply(diff, diff, squared);
        cv::transform(squared, distance, cv::Matx13f(1, 1, 1));
        cv::sqrt(distance, distance);
        best = cv::min(best, distance);
    }
    return best;
}

std::array<cv::Mat, 4> subjectLeavingFrame(const cv::Mat& lab, int stripWidth) {
    std::array<cv::Mat, 4> leaving;
    for (int side = 0; side < 4; ++side) {
        cv::Mat others;
        for (int o = 0; o < 4; ++o) {
            const cv::Rect r = borderStrip(lab.size(), o, stripWidth);
            if (o != side) others.push_back(lab(r).clone().reshape(1, r.area()));
        }
        const cv::Mat strip = lab(borderStrip(lab.size(), side, stripWidth));
        leaving[side] = distanceToColours(strip, others, 6) > kForeignDistance;
        const double fraction = cv::countNonZero(leaving[side]) / static_cast<double>(leaving[side].total());
        if (fraction < kMinLeaving || fraction > kMaxLeaving) leaving[side].setTo(0);
    }
    return leaving;
}

cv::Mat borderColours(const cv::Mat& lab, int stripWidth, const std::array<cv::Mat, 4>& leaving) {
    cv::Mat samples;
    for (int side = 0; side < 4; ++side) {
        const cv::Rect r = borderStrip(lab.size(), side, stripWidth);
        for (int y = 0; y < r.height; ++y) {
            const float* row = lab(r).ptr<float>(y);
            for (int x = 0; x < r.width; ++x)
                if (!leaving[side].at<uint8_t>(y, x)) samples.push_back(cv::Mat(1, 3, CV_32F, const_cast<float*>(row + 3 * x)).clone());
        }
    }
    return samples;
}

cv::Mat fillEnclosed(const cv::Mat& edges) {
    cv::Mat filled = enclosedWith(edges, 0);
    const double maxArea = 0.5 * static_cast<double>(edges.total());
    for (const int sides : {1, 2, 4, 8, 1 | 4, 1 | 8, 2 | 4, 2 | 8}) {
        cv::Mat labels, stats, centroids;
        const int n = cv::connectedComponentsWithStats(enclosedWith(edges, sides) & ~filled, labels, stats, centroids, 4);
        for (int i = 1; i < n; ++i)
            if (stats.at<int>(i, cv::CC_STAT_AREA) <= maxArea) filled.setTo(255, labels == i);
    }
    return filled;
}

cv::Mat keepSubject(const cv::Mat& mask) {
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8);
    // Photographers frame the subject centrally: area counts less away from the centre.
    const cv::Point2d centre(mask.cols / 2.0, mask.rows / 2.0);
    const double halfDiagonal = std::hypot(centre.x, centre.y);
    std::vector<double> score(n, 0.0);
    double best = 0;
    for (int i = 1; i < n; ++i) {
        const cv::Point2d c(centroids.at<double>(i, 0), centroids.at<double>(i, 1));
        score[i] = stats.at<int>(i, cv::CC_STAT_AREA) * (1.0 - 0.6 * cv::norm(c - centre) / halfDiagonal);
        best = std::max(best, score[i]);
    }
    cv::Mat kept = cv::Mat::zeros(mask.size(), CV_8UC1);
    for (int i = 1; i < n; ++i)
        if (score[i] * 4 >= best) kept.setTo(255, labels == i);
    return enclosedWith(kept, 0);  // with its holes: background not connected to the frame
}

cv::Mat convexHulls(const cv::Mat& mask) {
    cv::Mat out = mask.clone();
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(mask.clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    for (const auto& contour : contours) {
        std::vector<cv::Point> hull;
        cv::convexHull(contour, hull);
        cv::fillConvexPoly(out, hull, cv::Scalar(255));
    }
    return out;
}

}  // namespace chiaro::core::subject_cues
