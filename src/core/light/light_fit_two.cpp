// fitTwoLightsToNormals: Y = a + max(0, n·m1) + max(0, n·m2) by active-set, Tukey-weighted least
// squares from several starts for the second lobe. A key and a fill are only told apart where one
// of them lights the subject and the other does not, so the fit is accepted only when the second
// lobe lowers the robust loss clearly, stands well apart from the first, is neither negligible nor
// as strong as the key, and has pixels of its own (lit by it alone).
#include "light_fit_two.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "robust_fit.h"

namespace chiaro::core {
namespace {

constexpr int kOneLobeIterations = 30;
constexpr int kSearchIterations = 15;
constexpr int kRefineIterations = 30;
constexpr size_t kSearchSamples = 800;   // the start search runs on a subsample this large
constexpr size_t kRefineSamples = 3000;  // and the refinement on one this large
constexpr size_t kRefined = 3;           // search results refined on all samples
constexpr double kStartFill = 0.4;  // the second lobe's start, relative to the one light's strength
constexpr double kStartLean = 0.5;  // how far the key's second start leans away from it
constexpr double kMinFacing = 0.0;  // a lamp's z over its strength: in front of the subject
constexpr double kMinStartApartDeg = 30.0;  // second-lobe starts this far from the one light
// Acceptance of a second light (tuned on the scenes of estimation_robustness_test.cpp's tuning
// seeds): the robust loss falls by kMinGain, and the fill lights kMinFillOwn of the pixels on its
// own (or the loss falls by kClearGain); fill / key strength in [kMinRatio, kMaxRatio] (weaker
// lobes are texture and shape error, an equal one is not a fill); the lobes kMinApartDeg apart.
constexpr double kMinGain = 0.1;
constexpr double kMinFillOwn = 0.02;
constexpr double kClearGain = 0.5;
constexpr double kMinRatio = 0.2;
constexpr double kMaxRatio = 0.9;
constexpr double kMinApartDeg = 35.0;
constexpr double kPi = 3.14159265358979323846;

using robust_fit::Sample;

struct Lobes {
    double a = 0.0;
    std::array<cv::Vec3d, 2> m{cv::Vec3d(0, 0, 0), cv::Vec3d(0, 0, 0)};
    int count = 1;
    double predict(const cv::Vec3d& n) const {
        double v = a;
        for (int j = 0; j < count; ++j)
            v += std::max(0.0, n.dot(m[j]));
        return v;
    }
};

std::vector<Sample> gatherNormalised(const cv::Mat& luminance,
                                     const cv::Mat& normals,
                                     const cv::Mat& selection) {
    std::vector<Sample> samples;
    double sum = 0.0;
    for (int y = 0; y < luminance.rows; ++y) {
        const float* lum = luminance.ptr<float>(y);
        const auto* n = normals.ptr<cv::Vec3f>(y);
        const uchar* sel = selection.ptr<uchar>(y);
        for (int x = 0; x < luminance.cols; ++x) {
            if (sel[x] && std::isfinite(lum[x])) {
                samples.push_back({cv::Vec3d(n[x]), double(lum[x])});
                sum += lum[x];
            }
        }
    }
    const double mean = samples.empty() ? 0.0 : sum / double(samples.size());
    if (!(mean > 1e-6))
        return {};
    for (auto& s : samples)
        s.y /= mean;  // scale-free, like the one-light fit
    return samples;
}

// One weighted least-squares solve with the active sets of `model` (a lobe is active at a pixel
// when it faces it).
Lobes solveWeighted(const std::vector<Sample>& s,
                    const std::vector<double>& w,
                    const Lobes& model) {
    constexpr int kDim = 7;
    const int dim = 1 + 3 * model.count;
    double lhs[kDim][kDim] = {}, rhs[kDim] = {};
    for (size_t i = 0; i < s.size(); ++i) {
        if (w[i] <= 0.0)
            continue;
        double f[kDim] = {1.0, 0, 0, 0, 0, 0, 0};
        for (int j = 0; j < model.count; ++j) {
            if (s[i].n.dot(model.m[j]) > 0.0 || (model.m[j] == cv::Vec3d(0, 0, 0)))
                f[1 + 3 * j] = s[i].n[0], f[2 + 3 * j] = s[i].n[1], f[3 + 3 * j] = s[i].n[2];
        }
        for (int p = 0; p < dim; ++p) {
            const double wf = w[i] * f[p];
            if (wf == 0.0)
                continue;
            rhs[p] += wf * s[i].y;
            for (int q = p; q < dim; ++q)
                lhs[p][q] += wf * f[q];
        }
    }
    cv::Matx<double, kDim, kDim> normal = cv::Matx<double, kDim, kDim>::eye();  // unused: pinned
    cv::Vec<double, kDim> b = cv::Vec<double, kDim>::all(0.0);
    for (int p = 0; p < dim; ++p) {
        b[p] = rhs[p];
        for (int q = 0; q < dim; ++q)
            normal(p, q) = p <= q ? lhs[p][q] : lhs[q][p];
    }
    double trace = 0.0;
    for (int k = 0; k < dim; ++k)
        trace += normal(k, k);
    for (int k = 0; k < dim; ++k)
        normal(k, k) += 1e-9 * trace + 1e-12;  // a small ridge: a normal component may never vary
    cv::Vec<double, kDim> p;
    cv::solve(normal, b, p, cv::DECOMP_SVD);
    Lobes next = model;
    next.a = p[0];
    for (int j = 0; j < model.count; ++j)
        next.m[j] = cv::Vec3d(p[1 + 3 * j], p[2 + 3 * j], p[3 + 3 * j]);
    return next;
}

double residualScale(const std::vector<Sample>& s, const Lobes& model) {
    std::vector<double> r(s.size());
    for (size_t i = 0; i < s.size(); ++i)
        r[i] = std::abs(s[i].y - model.predict(s[i].n));
    return robust_fit::tukeyScale(r);
}

// Tukey weights at the residual scale `scale`; returns the robust loss Σ ρ (ρ = 1 beyond it).
double tukey(const std::vector<Sample>& s,
             const Lobes& model,
             double scale,
             std::vector<double>* w) {
    double loss = 0.0;
    for (size_t i = 0; i < s.size(); ++i) {
        const double u = std::abs(s[i].y - model.predict(s[i].n)) / scale;
        const double q = u < 1.0 ? 1.0 - u * u : 0.0;
        loss += 1.0 - q * q * q;
        if (w)
            (*w)[i] = q * q;
    }
    return loss;
}

// Iteratively reweighted active-set fit; scale <= 0: re-estimated from the residuals each time.
Lobes fitLobes(const std::vector<Sample>& s, Lobes model, double scale, int iterations) {
    std::vector<double> w(s.size(), 1.0);
    for (int it = 0; it < iterations; ++it) {
        if (it >= 2 || scale > 0.0)
            tukey(s, model, scale > 0.0 ? scale : residualScale(s, model), &w);
        const Lobes next = solveWeighted(s, w, model);
        double step = std::abs(next.a - model.a);
        for (int j = 0; j < model.count; ++j)
            step += cv::norm(next.m[j] - model.m[j]);
        model = next;
        if (it > 2 && step < 1e-6)
            break;
    }
    return model;
}

double angleBetween(const cv::Vec3d& a, const cv::Vec3d& b) {
    const double d = a.dot(b) / std::max(cv::norm(a) * cv::norm(b), 1e-12);
    return std::acos(std::clamp(d, -1.0, 1.0)) * 180.0 / kPi;
}

std::vector<cv::Vec3d> startDirections() {
    std::vector<cv::Vec3d> dirs{{0, 1, 0}, {0, -1, 0}};
    for (int el = -40; el <= 40; el += 40) {
        for (int az = 0; az < 360; az += 30) {
            const double e = el * kPi / 180.0, a = az * kPi / 180.0;
            dirs.emplace_back(std::cos(e) * std::sin(a), std::sin(e), std::cos(e) * std::cos(a));
        }
    }
    return dirs;
}

// Fraction of the pixels lit by `lobe` and not by `other`.
double ownSupport(const std::vector<Sample>& s, const cv::Vec3d& lobe, const cv::Vec3d& other) {
    size_t own = 0;
    for (const auto& x : s)
        own += x.n.dot(lobe) > 0.05 * cv::norm(lobe) && x.n.dot(other) <= 0.0;
    return s.empty() ? 0.0 : double(own) / double(s.size());
}

std::vector<Sample> subsample(const std::vector<Sample>& s, size_t count) {
    std::vector<Sample> sub;
    const size_t stride = std::max<size_t>(1, s.size() / count);
    for (size_t i = 0; i < s.size(); i += stride)
        sub.push_back(s[i]);
    return sub;
}

// Both lamps must be in front of the subject (z >= 0, a key and a fill are): a lobe from behind
// lights only the rim, where the silhouette normals are least certain, and fits their error.
bool plausiblePair(const Lobes& two) {
    return two.m[0][2] >= kMinFacing * cv::norm(two.m[0]) &&
           two.m[1][2] >= kMinFacing * cv::norm(two.m[1]);
}

// The best two-lobe fit over the start directions, searched on a subsample, the few best refined
// on all pixels.
std::optional<Lobes> bestTwoLobes(const std::vector<Sample>& s, const Lobes& one, double scale) {
    const std::vector<Sample> sub = subsample(s, kSearchSamples);
    const double strength = cv::norm(one.m[0]);
    std::vector<std::pair<double, Lobes>> found;
    for (const cv::Vec3d& d : startDirections()) {
        if (angleBetween(d, one.m[0]) < kMinStartApartDeg)
            continue;
        // The one-light fit leans toward the fill: start with the key where it is, and with the
        // key leaning away from the fill's start as much as the fill takes over.
        for (const double lean : {0.0, kStartLean}) {
            Lobes start = one;
            start.count = 2;
            start.m[1] = kStartFill * strength * d;
            start.m[0] = one.m[0] - lean * strength * d;
            const Lobes fit = fitLobes(sub, start, scale, kSearchIterations);
            if (plausiblePair(fit))
                found.emplace_back(tukey(sub, fit, scale, nullptr), fit);
        }
    }
    std::sort(found.begin(), found.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    std::optional<Lobes> best;
    double bestLoss = 0.0;
    for (size_t k = 0; k < std::min<size_t>(found.size(), kRefined); ++k) {
        const Lobes fit = fitLobes(s, found[k].second, scale, kRefineIterations);
        const double loss = tukey(s, fit, scale, nullptr);
        if (plausiblePair(fit) && (!best || loss < bestLoss))
            best = fit, bestLoss = loss;
    }
    return best;
}

}  // namespace

std::optional<TwoLightFit> fitTwoLightsToNormals(const cv::Mat& luminance,
                                                 const cv::Mat& normals,
                                                 const cv::Mat& selection) {
    CV_Assert(luminance.type() == CV_32F && normals.type() == CV_32FC3 &&
              selection.type() == CV_8UC1);
    // Every few pixels are plenty for three low-frequency unknowns per lobe.
    const std::vector<Sample> s =
        subsample(gatherNormalised(luminance, normals, selection), kRefineSamples);
    if (s.size() < 64)
        return std::nullopt;
    Lobes linear;
    linear.m[0] = cv::Vec3d(0, 0, 0);  // all active: the plain linear start
    const Lobes one = fitLobes(s, linear, 0.0, kOneLobeIterations);
    const double strength = cv::norm(one.m[0]);
    if (!(strength > 1e-6))
        return std::nullopt;
    const double scale = residualScale(s, one);
    const std::optional<Lobes> found = bestTwoLobes(s, one, scale);
    if (!found)
        return std::nullopt;
    const Lobes& two = *found;
    const double loss1 = tukey(s, one, scale, nullptr), loss2 = tukey(s, two, scale, nullptr);
    const bool firstIsKey = cv::norm(two.m[0]) >= cv::norm(two.m[1]);
    TwoLightFit fit{two.m[firstIsKey ? 0 : 1], two.m[firstIsKey ? 1 : 0], two.a};
    const double gain = loss1 > 0.0 ? 1.0 - loss2 / loss1 : 0.0;
    const double ratio = cv::norm(fit.fill) / std::max(cv::norm(fit.key), 1e-12);
    const double apart = angleBetween(fit.key, fit.fill);
    const double support = ownSupport(s, fit.fill, fit.key);
    const bool shaped = ratio >= kMinRatio && ratio <= kMaxRatio && apart >= kMinApartDeg;
    const bool clear = gain >= kMinGain && (support >= kMinFillOwn || gain >= kClearGain);
    if (!shaped || !clear)
        return std::nullopt;
    return fit;
}

}  // namespace chiaro::core
