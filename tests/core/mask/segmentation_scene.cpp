#include "segmentation_scene.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "test_support.h"

namespace chiaro::test {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kSuper = 4;  // 4x4 samples per pixel: the coverage has real anti-aliased edges

// Uniform in [0, 1) straight from the generator's bits, so every standard library agrees.
struct Random {
    std::mt19937 gen;
    explicit Random(unsigned seed) : gen(seed * 2654435761u + 12345u) {}
    double u() { return gen() / 4294967296.0; }
    double in(double lo, double hi) { return lo + (hi - lo) * u(); }
    int pick(int n) { return std::min(n - 1, static_cast<int>(u() * n)); }
};

const cv::Mat& photo(int index) {  // RGB, float 0..1, loaded once per process
    static const char* kNames[] = {"astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"};
    static std::vector<cv::Mat> cache(4);
    if (cache[index].empty()) {
        cv::Mat bgr = cv::imread(sharedDir() + "/data/photos/" + kNames[index], cv::IMREAD_COLOR);
        if (bgr.empty()) throw std::runtime_error(std::string("missing test photo ") + kNames[index]);
        cv::Mat rgb;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        rgb.convertTo(cache[index], CV_32FC3, 1.0 / 255.0);
    }
    return cache[index];
}

// A random crop of a random photo, resized to `size`; a smaller crop (zoomed in) is smoother.
cv::Mat photoCrop(cv::Size size, double minFraction, double maxFraction, bool mirror, Random& r) {
    const cv::Mat& src = photo(r.pick(4));
    const double f = r.in(minFraction, maxFraction);
    const double aspect = static_cast<double>(size.width) / size.height;
    int w = static_cast<int>(src.cols * f), h = static_cast<int>(w / aspect);
    if (h > src.rows * f) {
        h = static_cast<int>(src.rows * f);
        w = static_cast<int>(h * aspect);
    }
    // Draws one at a time: the order in which a call's arguments are evaluated is unspecified (GCC
    // and Clang differ), and the sanitizer build uses Clang. This is the order GCC used.
    const int y = r.pick(src.rows - h + 1);
    const int x = r.pick(src.cols - w + 1);
    const cv::Rect crop(x, y, w, h);
    cv::Mat out;
    cv::resize(src(crop), out, size, 0, 0, cv::INTER_AREA);
    if (mirror) cv::flip(out, out, 1);
    return out;
}

// ---- outlines, drawn at kSuper x resolution into a 0/255 mask ---------------------------------

using Poly = std::vector<cv::Point>;

cv::Point at(double x, double y) { return {static_cast<int>(std::lround(x * kSuper)), static_cast<int>(std::lround(y * kSuper))}; }

void fill(cv::Mat& m, const Poly& p) { cv::fillPoly(m, std::vector<Poly>{p}, cv::Scalar(255), cv::LINE_8); }

void ellipse(cv::Mat& m, double cx, double cy, double rx, double ry, double angleDeg) {
    cv::ellipse(m, at(cx, cy), cv::Size(static_cast<int>(rx * kSuper), static_cast<int>(ry * kSuper)), angleDeg, 0,
                360, cv::Scalar(255), cv::FILLED, cv::LINE_8);
}

// Draws the outline of kind `kind` inside the box (cx, cy, half sizes hw, hh), in image pixels.
void drawOutline(cv::Mat& m, int kind, double cx, double cy, double hw, double hh, Random& r) {
    switch (kind) {
        case 0:  // ellipse, slightly rotated
            ellipse(m, cx, cy, hw, hh, r.in(-20, 20));
            break;
        case 1: {  // box seen at an angle: a hexagon-ish prism outline
            const double d = r.in(0.15, 0.35);
            fill(m, {at(cx - hw, cy - hh * (1 - d)), at(cx - hw * (1 - 2 * d), cy - hh), at(cx + hw, cy - hh),
                     at(cx + hw, cy + hh * (1 - d)), at(cx + hw * (1 - 2 * d), cy + hh), at(cx - hw, cy + hh)});
            break;
        }
        case 2: {  // bottle: body, curved shoulder, neck
            const double neck = hw * r.in(0.25, 0.4), shoulder = cy - hh * r.in(0.1, 0.35);
            fill(m, {at(cx - hw, cy + hh), at(cx + hw, cy + hh), at(cx + hw, shoulder), at(cx + neck, cy - hh * 0.6),
                     at(cx + neck, cy - hh), at(cx - neck, cy - hh), at(cx - neck, cy - hh * 0.6), at(cx - hw, shoulder)});
            ellipse(m, cx, shoulder, hw, (shoulder - (cy - hh * 0.6)) * 0.8, 0);
            break;
        }
        case 3: {  // blob: union of discs, non-convex
            const int n = 3 + r.pick(4);
            for (int i = 0; i < n; ++i) {
                const double rad = std::min(hw, hh) * r.in(0.35, 0.6);
                const double squash = r.in(0.8, 1.2), dy = r.in(-1, 1), dx = r.in(-1, 1);  // GCC's order
                ellipse(m, cx + (hw - rad) * dx, cy + (hh - rad) * dy, rad, rad * squash, 0);
            }
            break;
        }
        case 4: {  // bust: head on shoulders, meant to be cut by the bottom edge
            const double head = std::min(hw * r.in(0.32, 0.42), hh * 0.3);
            ellipse(m, cx, cy - hh + head * 1.25, head, head * 1.25, 0);
            fill(m, {at(cx - head * 0.5, cy - hh + head * 2.2), at(cx + head * 0.5, cy - hh + head * 2.2),
                     at(cx + head * 0.5, cy - hh + head * 2.7), at(cx - head * 0.5, cy - hh + head * 2.7)});
            // Shoulders: a wide half ellipse from the neck down past the box's bottom edge, which the
            // placement puts outside the frame, so the bust is always cut by the frame.
            ellipse(m, cx, cy + hh, hw, 2 * hh - head * 2.5, 0);
            break;
        }
        default: {  // star-ish polygon with smooth-ish lobes
            const int n = 5 + r.pick(4);
            Poly p;
            for (int i = 0; i < 2 * n; ++i) {
                const double a = kPi * i / n, k = (i % 2 == 0) ? 1.0 : r.in(0.5, 0.75);
                p.push_back(at(cx + hw * k * std::cos(a), cy + hh * k * std::sin(a)));
            }
            fill(m, p);
        }
    }
}

// ---- albedo and shading ------------------------------------------------------------------------

cv::Vec3f randomColour(Random& r) {
    const double value = r.in(0.35, 0.95), saturation = r.in(0.3, 0.95), hue = r.in(0, 360);  // GCC's order
    cv::Mat hsv(1, 1, CV_32FC3, cv::Scalar(hue, saturation, value)), rgb;
    cv::cvtColor(hsv, rgb, cv::COLOR_HSV2RGB);
    return rgb.at<cv::Vec3f>(0, 0);
}

// Albedo: a base colour, often a second colour (label band, stripes or patches), plus texture.
cv::Mat albedo(cv::Size size, const cv::Rect& box, cv::Vec3f base, double textureAmount, Random& r) {
    cv::Mat a(size, CV_32FC3, cv::Scalar(base[0], base[1], base[2]));
    const int pattern = r.pick(4);
    const cv::Vec3f second = randomColour(r);
    if (pattern == 1) {  // a band across the middle, like a label
        const int y0 = box.y + static_cast<int>(box.height * r.in(0.3, 0.5));
        a(cv::Rect(0, y0, size.width, static_cast<int>(box.height * r.in(0.15, 0.3))) & cv::Rect({}, size)) =
            cv::Scalar(second[0], second[1], second[2]);
    } else if (pattern == 2) {  // stripes
        const double period = r.in(8, 24), angle = r.in(0, kPi);
        for (int y = 0; y < size.height; ++y)
            for (int x = 0; x < size.width; ++x)
                if (std::fmod(std::abs(x * std::cos(angle) + y * std::sin(angle)), period) < period / 2)
                    a.at<cv::Vec3f>(y, x) = second;
    }
    if (textureAmount > 0) {  // photo texture, zoomed in, mixed in
        const cv::Mat tex = photoCrop(size, 0.2, 0.5, true, r);
        cv::addWeighted(a, 1.0 - textureAmount, tex, textureAmount, 0.0, a);
    }
    return a;
}

// Lambert + ambient on a dome whose height follows the distance to the outline: a plausible
// rounded solid for any outline, lit from a random side.
cv::Mat shading(const cv::Mat& coverage, double ambient, cv::Vec3f lightColour, Random& r) {
    cv::Mat inside = coverage > 0.5, dist;
    cv::distanceTransform(inside, dist, cv::DIST_L2, 5);
    double maxDist = 1;
    cv::minMaxLoc(dist, nullptr, &maxDist);
    cv::Mat height;
    cv::sqrt(dist / std::max(1.0, maxDist), height);
    height *= maxDist * 0.8;
    cv::Mat gx, gy;
    cv::Sobel(height, gx, CV_32F, 1, 0, 3, 0.125);
    cv::Sobel(height, gy, CV_32F, 0, 1, 3, 0.125);
    const double az = r.in(0, 2 * kPi), el = r.in(0.35, 1.2);
    const cv::Vec3d l(std::cos(el) * std::cos(az), std::cos(el) * std::sin(az), std::sin(el));
    cv::Mat out(coverage.size(), CV_32FC3);
    for (int y = 0; y < out.rows; ++y)
        for (int x = 0; x < out.cols; ++x) {
            const cv::Vec3d n = cv::normalize(cv::Vec3d(-gx.at<float>(y, x), -gy.at<float>(y, x), 1.0));
            const float k = static_cast<float>(ambient + (1 - ambient) * std::max(0.0, n.dot(l)));
            out.at<cv::Vec3f>(y, x) = cv::Vec3f(lightColour[0] * k, lightColour[1] * k, lightColour[2] * k);
        }
    return out;
}

cv::Size sceneSize(Random& r) {
    const int kind = r.pick(3);
    return kind == 0 ? cv::Size(384, 288) : kind == 1 ? cv::Size(288, 384) : cv::Size(320, 320);
}

// Subject box (centre, half sizes) for the condition; touching scenes push it past the frame.
cv::Vec4d placeSubject(SegCondition c, cv::Size s, int kind, Random& r) {
    double hw = s.width * r.in(0.18, 0.3), hh = s.height * r.in(0.2, 0.32);
    double cx = s.width * r.in(0.45, 0.55), cy = s.height * r.in(0.45, 0.55);
    if (c == SegCondition::OffCentre) {
        hw *= 0.8;
        hh *= 0.8;
        const double margin = r.in(0.02, 0.06);
        if (r.u() < 0.5) cx = r.u() < 0.5 ? s.width * margin + hw : s.width * (1 - margin) - hw;
        else cy = r.u() < 0.5 ? s.height * margin + hh : s.height * (1 - margin) - hh;
    } else if (c == SegCondition::TouchOneEdge || kind == 4) {
        const int side = (kind == 4 || r.u() < 0.6) ? 3 : r.pick(3);  // mostly the bottom, like products
        const double past = r.in(0.12, 0.35);
        if (side == 3) cy = s.height - hh * (1 - past);
        else if (side == 2) cy = hh * (1 - past);
        else cx = side == 0 ? hw * (1 - past) : s.width - hw * (1 - past);
    }
    if (c == SegCondition::TouchTwoEdges) {
        hw = s.width * r.in(0.3, 0.42);
        cy = s.height - hh * (1 - r.in(0.15, 0.35));
        cx = r.u() < 0.5 ? hw * (1 - r.in(0.1, 0.3)) : s.width - hw * (1 - r.in(0.1, 0.3));
    }
    return {cx, cy, hw, hh};
}

}  // namespace

const char* segConditionName(SegCondition condition) {
    static const char* kNames[] = {"centred", "off-centre",  "touch-1-edge", "touch-2-edges",
                                   "low-contrast", "clutter", "noisy", "coloured-light"};
    return kNames[static_cast<int>(condition)];
}

SegScene renderSegmentationScene(SegCondition c, unsigned seed) {
    Random r(seed * 8u + static_cast<unsigned>(c));
    const cv::Size size = sceneSize(r);
    int kind = r.pick(6);
    const bool touching = c == SegCondition::TouchOneEdge || c == SegCondition::TouchTwoEdges;
    if (kind == 4 && !touching) kind = 3;  // a bust is always cut by the bottom edge
    if (c == SegCondition::TouchTwoEdges && r.u() < 0.5) kind = 4;  // portraits cut at the shoulders
    const cv::Vec4d box = placeSubject(c, size, kind, r);

    cv::Mat big = cv::Mat::zeros(size * kSuper, CV_8UC1), coverage;
    drawOutline(big, kind, box[0], box[1], box[2], box[3], r);
    cv::resize(big, coverage, size, 0, 0, cv::INTER_AREA);
    coverage.convertTo(coverage, CV_32F, 1.0 / 255.0);

    // Background: a photo crop, blurred like a shallow depth of field unless the scene is cluttered.
    const bool clutter = c == SegCondition::Clutter;
    cv::Mat bg = photoCrop(size, clutter ? 0.7 : 0.4, clutter ? 1.0 : 0.9, r.u() < 0.5, r);
    if (!clutter) {
        const double sigma = r.in(3.0, 7.0);
        cv::GaussianBlur(bg, bg, cv::Size(), sigma);
    }

    const cv::Rect subjectBox = cv::Rect(cv::Point(static_cast<int>(box[0] - box[2]), static_cast<int>(box[1] - box[3])),
                                         cv::Point(static_cast<int>(box[0] + box[2]), static_cast<int>(box[1] + box[3])));
    cv::Vec3f base = randomColour(r);
    double texture = r.in(0.1, 0.4), ambient = r.in(0.3, 0.55);
    if (c == SegCondition::LowContrast) {  // near the background's mean under the subject, flat
        cv::Mat band = cv::Mat::zeros(size, CV_8UC1);
        cv::rectangle(band, subjectBox, cv::Scalar(255), std::max(8, size.width / 12));
        const cv::Scalar mean = cv::mean(bg, band);
        const double off = r.in(0.09, 0.14);
        const int channel = r.pick(3), sign = r.u() < 0.5 ? -1 : 1;
        for (int k = 0; k < 3; ++k) base[k] = static_cast<float>(mean[k] / 0.9 + (k == channel ? sign * off * 1.8 : sign * off));
        texture = 0.08;
        ambient = 0.8;
    }
    cv::Vec3f light(1, 1, 1);
    if (c == SegCondition::ColouredLight) {
        light = randomColour(r) * 1.3f;
        const cv::Vec3f tint = light * 0.6f + cv::Vec3f(0.4f, 0.4f, 0.4f);
        cv::multiply(bg, cv::Scalar(tint[0], tint[1], tint[2]), bg);
    }
    const cv::Mat fg = albedo(size, subjectBox, base, texture, r).mul(shading(coverage, ambient, light, r));

    cv::Mat alpha3, out;
    cv::merge(std::vector<cv::Mat>{coverage, coverage, coverage}, alpha3);
    out = fg.mul(alpha3) + bg.mul(cv::Scalar::all(1.0) - alpha3);
    const double noise = c == SegCondition::Noisy ? r.in(0.04, 0.07) : r.in(0.0, 0.012);
    cv::Mat n(size, CV_32FC3);
    cv::RNG cvRng(seed * 31u + 7u);  // cv::RNG is specified bit-exactly by OpenCV
    cvRng.fill(n, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(noise));
    out += n;

    SegScene scene;
    scene.condition = c;
    out.convertTo(scene.rgb, CV_8UC3, 255.0);  // saturates to 0..255
    scene.truth = coverage >= 0.5;
    return scene;
}

}  // namespace chiaro::test
