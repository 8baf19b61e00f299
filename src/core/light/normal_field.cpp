// Silhouette inflation: ∇²h = -4 inside the mask, h = 0 outside, z = sqrt(h). For a disc of radius
// R the solution is h = R² - r², so z is exactly the hemisphere; an ellipse gives a half ellipsoid.
#include "chiaro/light/normal_field.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace chiaro::core {
namespace {

// Sides at or below this are solved to convergence directly; larger ones start from the solution of
// the level below (half size) and only need a few sweeps to fix the fine-scale error.
constexpr int kCoarsestSide = 48;
constexpr int kCoarsestSweeps = 400;
constexpr int kFineSweeps = 12;
constexpr float kOverRelaxation = 1.6f;

cv::Mat insideOf(const cv::Mat& mask) {
    cv::Mat inside;
    cv::compare(mask, 127, inside, cv::CMP_GT);
    return inside;
}

// Gauss-Seidel with over-relaxation on a zero-padded copy (the padding is the boundary h = 0).
void relax(cv::Mat& h, const cv::Mat& inside, int sweeps) {
    cv::Mat padded;
    cv::copyMakeBorder(h, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
    for (int s = 0; s < sweeps; ++s) {
        for (int y = 0; y < h.rows; ++y) {
            const uchar* in = inside.ptr<uchar>(y);
            float* up = padded.ptr<float>(y);
            float* row = padded.ptr<float>(y + 1);
            const float* down = padded.ptr<float>(y + 2);
            for (int x = 0; x < h.cols; ++x) {
                if (!in[x])
                    continue;
                const float target = 0.25f * (row[x] + row[x + 2] + up[x + 1] + down[x + 1] + 4.0f);
                row[x + 1] += kOverRelaxation * (target - row[x + 1]);
            }
        }
    }
    padded(cv::Rect(1, 1, h.cols, h.rows)).copyTo(h);
}

cv::Mat solvePoisson(const cv::Mat& mask) {
    const cv::Mat inside = insideOf(mask);
    if (std::max(mask.cols, mask.rows) <= kCoarsestSide) {
        cv::Mat h(mask.size(), CV_32F, cv::Scalar(0));
        relax(h, inside, kCoarsestSweeps);
        return h;
    }
    cv::Mat smallMask;
    const cv::Size half((mask.cols + 1) / 2, (mask.rows + 1) / 2);
    cv::resize(mask, smallMask, half, 0, 0, cv::INTER_AREA);
    const cv::Mat coarse = solvePoisson(smallMask);
    // h has units of length², so a finer grid scales it by the product of the two scale factors.
    cv::Mat h;
    cv::resize(coarse, h, mask.size(), 0, 0, cv::INTER_LINEAR);
    h *= (double(mask.cols) / half.width) * (double(mask.rows) / half.height);
    h.setTo(0, ~inside);
    relax(h, inside, kFineSweeps);
    return h;
}

}  // namespace

cv::Mat inflateSilhouette(const cv::Mat& mask) {
    CV_Assert(mask.type() == CV_8UC1 && !mask.empty());
    cv::Mat h = solvePoisson(mask);
    cv::Mat z;
    cv::max(h, 0.0, h);
    cv::sqrt(h, z);
    return z;
}

cv::Mat normalsFromHeights(const cv::Mat& z, const cv::Mat& mask) {
    CV_Assert(z.type() == CV_32F && mask.type() == CV_8UC1 && z.size() == mask.size());
    cv::Mat padded;
    cv::copyMakeBorder(z, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
    cv::Mat normals(z.size(), CV_32FC3);
    cv::parallel_for_(cv::Range(0, z.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const float* up = padded.ptr<float>(y);
            const float* row = padded.ptr<float>(y + 1);
            const float* down = padded.ptr<float>(y + 2);
            const uchar* m = mask.ptr<uchar>(y);
            auto* out = normals.ptr<cv::Vec3f>(y);
            for (int x = 0; x < z.cols; ++x) {
                if (m[x] <= 127) {
                    out[x] = {0.f, 0.f, 1.f};
                    continue;
                }
                // Image rows grow downward while camera y grows upward: n_y = +dz/drow.
                const float gx = 0.5f * (row[x + 2] - row[x]);
                const float gRow = 0.5f * (down[x + 1] - up[x + 1]);
                const float inv = 1.0f / std::sqrt(gx * gx + gRow * gRow + 1.0f);
                out[x] = {-gx * inv, gRow * inv, inv};
            }
        }
    });
    return normals;
}

void addDetailRelief(cv::Mat& normals,
                     const cv::Mat& imageRgb,
                     const cv::Mat& mask,
                     double strength) {
    CV_Assert(normals.type() == CV_32FC3 && imageRgb.type() == CV_8UC3 && mask.type() == CV_8UC1);
    if (strength <= 0.0)
        return;
    // Detail = luminance minus its blur: features a few pixels wide, independent of the large-scale
    // shading. Bump height in pixels grows with the strength.
    cv::Mat grey, smooth, fine, detail;
    cv::cvtColor(imageRgb, grey, cv::COLOR_RGB2GRAY);
    grey.convertTo(grey, CV_32F, 1.0 / 255.0);
    cv::GaussianBlur(grey, fine, cv::Size(), 1.0);
    cv::GaussianBlur(grey, smooth, cv::Size(), 6.0);
    detail = (fine - smooth) * (8.0 * strength);
    cv::Mat gx, gRow;
    cv::Sobel(detail, gx, CV_32F, 1, 0, 3, 1.0 / 8.0);
    cv::Sobel(detail, gRow, CV_32F, 0, 1, 3, 1.0 / 8.0);
    cv::parallel_for_(cv::Range(0, normals.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            auto* n = normals.ptr<cv::Vec3f>(y);
            const float* dx = gx.ptr<float>(y);
            const float* dRow = gRow.ptr<float>(y);
            const uchar* m = mask.ptr<uchar>(y);
            for (int x = 0; x < normals.cols; ++x) {
                if (m[x] <= 127)
                    continue;
                // Tilt the normal like a height gradient expressed in the normal's own scale.
                cv::Vec3f bent(n[x][0] - dx[x] * n[x][2], n[x][1] + dRow[x] * n[x][2], n[x][2]);
                n[x] = bent / static_cast<float>(cv::norm(bent));
            }
        }
    });
}

cv::Mat silhouetteNormals(const cv::Mat& mask) {
    return normalsFromHeights(inflateSilhouette(mask), mask);
}

cv::Mat silhouetteNormalsOpenFrame(const cv::Mat& mask, int margin) {
    CV_Assert(mask.type() == CV_8UC1 && !mask.empty() && margin >= 0);
    const auto touches = [&](const cv::Mat& line) { return cv::countNonZero(line > 127) > 0; };
    if (margin == 0 || !(touches(mask.row(0)) || touches(mask.row(mask.rows - 1)) ||
                         touches(mask.col(0)) || touches(mask.col(mask.cols - 1))))
        return silhouetteNormals(mask);
    cv::Mat padded;
    cv::copyMakeBorder(mask, padded, margin, margin, margin, margin, cv::BORDER_REPLICATE);
    const cv::Mat normals = silhouetteNormals(padded);
    return normals(cv::Rect(margin, margin, mask.cols, mask.rows)).clone();
}

}  // namespace chiaro::core
