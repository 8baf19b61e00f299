// fitLightToNormals: active-set, Tukey-weighted least squares of Y = a + max(0, n·m).
#include <algorithm>
#include <cmath>
#include <vector>

#include "chiaro/light/light_estimator.h"

#include "robust_fit.h"

namespace chiaro::core {
namespace {

constexpr int kMaxIterations = 30;
constexpr int kRobustFromIteration = 2;  // the first fits set the scale of the residuals
constexpr int kFullCoverageSamples = 200;

using robust_fit::Sample;

struct Model {
    double a = 0.0;
    cv::Vec3d m{0.0, 0.0, 0.0};
    double predict(const cv::Vec3d& n, bool active) const { return a + (active ? n.dot(m) : 0.0); }
};

std::vector<Sample> gatherSamples(const cv::Mat& luminance,
                                  const cv::Mat& normals,
                                  const cv::Mat& selection) {
    std::vector<Sample> samples;
    for (int y = 0; y < luminance.rows; ++y) {
        const float* lum = luminance.ptr<float>(y);
        const auto* n = normals.ptr<cv::Vec3f>(y);
        const uchar* sel = selection.ptr<uchar>(y);
        for (int x = 0; x < luminance.cols; ++x) {
            if (sel[x] && std::isfinite(lum[x]))
                samples.push_back({cv::Vec3d(n[x]), double(lum[x])});
        }
    }
    return samples;
}

// One weighted least-squares solve with the given active set (features 1 and, when active, n).
Model solveWeighted(const std::vector<Sample>& s,
                    const std::vector<double>& w,
                    const std::vector<char>& active) {
    cv::Matx44d lhs = cv::Matx44d::zeros();
    cv::Vec4d rhs(0, 0, 0, 0);
    for (size_t i = 0; i < s.size(); ++i) {
        const double g = active[i] ? 1.0 : 0.0;
        const cv::Vec4d f(1.0, g * s[i].n[0], g * s[i].n[1], g * s[i].n[2]);
        lhs += w[i] * (f * f.t());
        rhs += w[i] * s[i].y * f;
    }
    // A small ridge keeps the system solvable when a normal component never varies (flat subject).
    const double ridge = 1e-9 * (lhs(0, 0) + lhs(1, 1) + lhs(2, 2) + lhs(3, 3)) + 1e-12;
    for (int k = 0; k < 4; ++k)
        lhs(k, k) += ridge;
    cv::Vec4d p;
    cv::solve(lhs, rhs, p, cv::DECOMP_SVD);
    return {p[0], cv::Vec3d(p[1], p[2], p[3])};
}

void updateTukeyWeights(const std::vector<Sample>& s,
                        const Model& model,
                        const std::vector<char>& active,
                        std::vector<double>& w) {
    std::vector<double> absResiduals(s.size());
    for (size_t i = 0; i < s.size(); ++i)
        absResiduals[i] = std::abs(s[i].y - model.predict(s[i].n, active[i]));
    const double scale = robust_fit::tukeyScale(absResiduals);
    for (size_t i = 0; i < s.size(); ++i) {
        const double u = absResiduals[i] / scale;
        w[i] = u < 1.0 ? (1.0 - u * u) * (1.0 - u * u) : 0.0;
    }
}

Model fitModel(const std::vector<Sample>& s, std::vector<double>& w, std::vector<char>& active) {
    Model model = solveWeighted(s, w, active);  // all active: the plain linear (first-order SH) fit
    for (int it = 1; it < kMaxIterations; ++it) {
        bool changed = false;
        for (size_t i = 0; i < s.size(); ++i) {
            const char now = s[i].n.dot(model.m) > 0.0;
            changed |= now != active[i];
            active[i] = now;
        }
        if (it >= kRobustFromIteration)
            updateTukeyWeights(s, model, active, w);
        const Model next = solveWeighted(s, w, active);
        const double step = cv::norm(next.m - model.m) + std::abs(next.a - model.a);
        model = next;
        if (!changed && it > kRobustFromIteration && step < 1e-6)
            break;
    }
    return model;
}

double weightedRSquared(const std::vector<Sample>& s,
                        const std::vector<double>& w,
                        const std::vector<char>& active,
                        const Model& model) {
    double sw = 0.0, mean = 0.0;
    for (size_t i = 0; i < s.size(); ++i)
        sw += w[i], mean += w[i] * s[i].y;
    if (sw <= 0.0)
        return 0.0;
    mean /= sw;
    double total = 0.0, residual = 0.0;
    for (size_t i = 0; i < s.size(); ++i) {
        total += w[i] * (s[i].y - mean) * (s[i].y - mean);
        const double r = s[i].y - model.predict(s[i].n, active[i]);
        residual += w[i] * r * r;
    }
    return total > 1e-12 ? std::clamp(1.0 - residual / total, 0.0, 1.0) : 0.0;
}

// sqrt(λmin / λmax) of the weighted scatter of the lit normals: 0 when a component never varies
// (a flat plane, or an upright cylinder's missing vertical component).
double normalSpread(const std::vector<Sample>& s,
                    const std::vector<double>& w,
                    const std::vector<char>& active) {
    double sw = 0.0;
    cv::Vec3d mean(0, 0, 0);
    for (size_t i = 0; i < s.size(); ++i) {
        if (active[i])
            sw += w[i], mean += w[i] * s[i].n;
    }
    if (sw <= 0.0)
        return 0.0;
    mean /= sw;
    cv::Matx33d scatter = cv::Matx33d::zeros();
    for (size_t i = 0; i < s.size(); ++i) {
        if (active[i])
            scatter += w[i] * ((s[i].n - mean) * (s[i].n - mean).t());
    }
    cv::Vec3d eigen;
    cv::eigen(scatter * (1.0 / sw), eigen);
    return eigen[0] > 0.0 ? std::sqrt(std::max(eigen[2], 0.0) / eigen[0]) : 0.0;
}

}  // namespace

LightEstimate fitLightToNormals(const cv::Mat& luminance,
                                const cv::Mat& normals,
                                const cv::Mat& selection) {
    CV_Assert(luminance.type() == CV_32F && normals.type() == CV_32FC3 &&
              selection.type() == CV_8UC1);
    CV_Assert(luminance.size() == normals.size() && luminance.size() == selection.size());
    LightEstimate estimate;
    std::vector<Sample> s = gatherSamples(luminance, normals, selection);
    estimate.samples = static_cast<int>(s.size());
    double mean = 0.0;
    for (const auto& sample : s)
        mean += sample.y;
    mean = s.empty() ? 0.0 : mean / double(s.size());
    if (s.size() < 8 || !(mean > 1e-6))
        return estimate;  // nothing lit to fit: front, confidence 0
    for (auto& sample : s)
        sample.y /= mean;  // scale-free: the model is linear in the luminance

    std::vector<double> w(s.size(), 1.0);
    std::vector<char> active(s.size(), 1);
    const Model model = fitModel(s, w, active);
    const double strength = cv::norm(model.m);
    if (!(strength > 1e-6))
        return estimate;

    estimate.direction = LightDirection::fromVector({model.m[0], model.m[1], model.m[2]});
    estimate.ambientFraction =
        std::clamp(std::max(model.a, 0.0) / (std::max(model.a, 0.0) + strength), 0.0, 1.0);
    const double contrast = std::clamp((1.0 - estimate.ambientFraction) / 0.3, 0.0, 1.0);
    const double spread = std::clamp(4.0 * normalSpread(s, w, active), 0.0, 1.0);
    const double coverage = std::min(1.0, double(s.size()) / kFullCoverageSamples);
    estimate.confidence = weightedRSquared(s, w, active, model) * contrast * spread * coverage;
    if (!std::isfinite(estimate.confidence))
        estimate.confidence = 0.0;
    return estimate;
}

}  // namespace chiaro::core
