#include "synthetic_scene.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "test_support.h"

namespace chiaro::test {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kSuper = 3;  // 3x3 samples per pixel: anti-aliased silhouettes like a real photo

double srgbDecode(double s) {
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
}
double srgbEncode(double l) {
    return l <= 0.0031308 ? l * 12.92 : 1.055 * std::pow(l, 1.0 / 2.4) - 0.055;
}

struct Shape {
    Solid solid;
    double cx, cy;   // centre, image pixels
    double a, b, c;  // semi-axes (sphere: a = radius; capsule: a = radius, b = half length)
    double angle;    // in-plane rotation, radians
    cv::Vec3d tint;  // albedo colour
    double phase1, phase2;
};

Shape randomShape(Solid solid, int w, int h, std::mt19937& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const double s = std::min(w, h);
    Shape shape{solid,
                w * (0.45 + 0.1 * u(rng)),
                h * (0.45 + 0.1 * u(rng)),
                0,
                0,
                0,
                u(rng) * kPi,
                {0.45 + 0.55 * u(rng), 0.45 + 0.55 * u(rng), 0.45 + 0.55 * u(rng)},
                u(rng) * 6.0,
                u(rng) * 6.0};
    switch (solid) {
        case Solid::Sphere:
            shape.a = s * (0.28 + 0.12 * u(rng));
            break;
        case Solid::Ellipsoid:
            shape.a = s * (0.25 + 0.17 * u(rng));
            shape.b = s * (0.2 + 0.15 * u(rng));
            shape.c = std::min(shape.a, shape.b) + u(rng) * std::abs(shape.a - shape.b);
            break;
        case Solid::Capsule:
            shape.a = s * (0.15 + 0.07 * u(rng));
            shape.b = s * (0.1 + 0.15 * u(rng));
            break;
        case Solid::UprightCylinder:
            shape.a = s * (0.2 + 0.1 * u(rng));
            shape.b = h * (0.3 + 0.1 * u(rng));
            break;
    }
    return shape;
}

// The unit normal where the orthographic ray through image point (x, y) hits the solid, if it does.
std::optional<cv::Vec3d> hit(const Shape& s, double x, double y) {
    const double X = x - s.cx, Y = s.cy - y;  // camera space: y up
    const double ca = std::cos(s.angle), sa = std::sin(s.angle);
    const double p = ca * X + sa * Y, q = -sa * X + ca * Y;  // rotated into the solid's frame
    switch (s.solid) {
        case Solid::Sphere: {
            const double r2 = (X * X + Y * Y) / (s.a * s.a);
            if (r2 >= 1.0)
                return std::nullopt;
            return cv::Vec3d(X / s.a, Y / s.a, std::sqrt(1.0 - r2));
        }
        case Solid::Ellipsoid: {
            const double k = 1.0 - p * p / (s.a * s.a) - q * q / (s.b * s.b);
            if (k <= 0.0)
                return std::nullopt;
            const double z = s.c * std::sqrt(k);
            const double gp = p / (s.a * s.a), gq = q / (s.b * s.b);
            cv::Vec3d n(ca * gp - sa * gq, sa * gp + ca * gq, z / (s.c * s.c));
            return n / cv::norm(n);
        }
        case Solid::Capsule: {
            const double along = std::clamp(p, -s.b, s.b);
            const double dp = p - along, dq = q;
            const double d2 = dp * dp + dq * dq;
            if (d2 >= s.a * s.a)
                return std::nullopt;
            const double z = std::sqrt(s.a * s.a - d2);
            return cv::Vec3d((ca * dp - sa * dq) / s.a, (sa * dp + ca * dq) / s.a, z / s.a);
        }
        case Solid::UprightCylinder: {
            if (std::abs(X) >= s.a || std::abs(Y) >= s.b)
                return std::nullopt;
            return cv::Vec3d(X / s.a, 0.0, std::sqrt(1.0 - X * X / (s.a * s.a)));
        }
    }
    return std::nullopt;
}

double texture(const Shape& s, double x, double y, bool textured) {
    if (!textured)
        return 1.0;
    // Fine stripes plus a slower blotch pattern: albedo between ~0.45 and 1.
    const double stripes = std::sin(0.9 * x + s.phase1) * std::sin(0.7 * y + s.phase2);
    const double blotches = std::sin(0.11 * x + s.phase2) * std::cos(0.13 * y + s.phase1);
    return 0.72 + 0.18 * stripes + 0.1 * blotches;
}

cv::Mat backgroundFor(const SceneSpec& spec, std::mt19937& rng) {
    if (spec.backgroundPhoto.empty())
        return cv::Mat(spec.height, spec.width, CV_8UC3, cv::Scalar(128, 128, 128));
    const cv::Mat photo = loadSharedPhoto(spec.backgroundPhoto);
    const double scale =
        std::max(double(spec.width) / photo.cols, double(spec.height) / photo.rows) * 1.2;
    cv::Mat big;
    cv::resize(photo, big, cv::Size(), scale, scale, cv::INTER_AREA);
    std::uniform_int_distribution<int> ox(0, big.cols - spec.width), oy(0, big.rows - spec.height);
    // One draw at a time: a call's argument order is unspecified (GCC and Clang, which the sanitizer
    // build uses, differ). This is the order GCC used.
    const int y = oy(rng);
    const int x = ox(rng);
    return big(cv::Rect(x, y, spec.width, spec.height)).clone();
}

// Half extents of the solid's silhouette along image x and y (pixels).
std::array<double, 2> halfExtent(const Shape& s) {
    const double ca = std::abs(std::cos(s.angle)), sa = std::abs(std::sin(s.angle));
    switch (s.solid) {
        case Solid::Sphere:
            return {s.a, s.a};
        case Solid::Ellipsoid:
            return {std::hypot(s.a * ca, s.b * sa), std::hypot(s.a * sa, s.b * ca)};
        case Solid::Capsule:
            return {s.b * ca + s.a, s.b * sa + s.a};
        case Solid::UprightCylinder:
            return {s.a, s.b};
    }
    return {s.a, s.a};
}

// Moves the solid so that cropDepth of its width lies beyond the chosen border.
void pushPastBorder(Shape& s, const SceneSpec& spec) {
    const auto e = halfExtent(s);
    const double inside = 1.0 - 2.0 * spec.cropDepth;  // centre offset from the border, in extents
    switch (spec.cropSide) {
        case 0:
            s.cx = inside * e[0];
            break;
        case 1:
            s.cx = spec.width - inside * e[0];
            break;
        case 2:
            s.cy = inside * e[1];
            break;
        case 3:
            s.cy = spec.height - inside * e[1];
            break;
        default:
            break;
    }
}

}  // namespace

std::array<double, 3> lightVector(double azimuthDeg, double elevationDeg) {
    const double az = azimuthDeg * kPi / 180.0, el = elevationDeg * kPi / 180.0;
    return {std::cos(el) * std::sin(az), std::sin(el), std::cos(el) * std::cos(az)};
}

double angleDeg(const std::array<double, 3>& a, const std::array<double, 3>& b) {
    const double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    const double na = std::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    const double nb = std::sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    return std::acos(std::clamp(dot / (na * nb), -1.0, 1.0)) * 180.0 / kPi;
}

cv::Mat loadSharedPhoto(const std::string& name) {
    const cv::Mat bgr = cv::imread(sharedDir() + "/data/photos/" + name, cv::IMREAD_COLOR);
    if (bgr.empty())
        throw std::runtime_error("test photo missing: " + name);
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

Scene renderScene(const SceneSpec& spec) {
    std::mt19937 rng(spec.seed);
    Shape shape = randomShape(spec.solid, spec.width, spec.height, rng);
    pushPastBorder(shape, spec);
    Scene scene{backgroundFor(spec, rng), cv::Mat(spec.height, spec.width, CV_8UC1, cv::Scalar(0))};
    const cv::Vec3d l(spec.light[0], spec.light[1], spec.light[2]);
    const cv::Vec3d lf(spec.fillLight[0], spec.fillLight[1], spec.fillLight[2]);
    const cv::Vec3d keyColour(spec.lightColor[0], spec.lightColor[1], spec.lightColor[2]);
    const cv::Vec3d fillColour(spec.fillColor[0], spec.fillColor[1], spec.fillColor[2]);
    std::normal_distribution<double> noise(0.0, spec.noiseSigma > 0 ? spec.noiseSigma : 1.0);
    for (int y = 0; y < spec.height; ++y) {
        for (int x = 0; x < spec.width; ++x) {
            cv::Vec3b& px = scene.image.at<cv::Vec3b>(y, x);
            cv::Vec3d sum(0, 0, 0);
            int hits = 0;
            for (int k = 0; k < kSuper * kSuper; ++k) {
                const double sx = x + (k % kSuper + 0.5) / kSuper,
                             sy = y + (k / kSuper + 0.5) / kSuper;
                const auto n = hit(shape, sx, sy);
                if (!n)
                    continue;
                ++hits;
                const cv::Vec3d direct =
                    keyColour * std::max(0.0, n->dot(l)) +
                    fillColour * (spec.fillIntensity * std::max(0.0, n->dot(lf)));
                const cv::Vec3d shading =
                    cv::Vec3d::all(spec.ambient) + (1.0 - spec.ambient) * direct;
                sum +=
                    shape.tint.mul(shading) * (spec.peak * texture(shape, sx, sy, spec.textured));
            }
            for (int c = 0; c < 3; ++c) {
                const double bg = srgbDecode(px[c] / 255.0) * (kSuper * kSuper - hits);
                double v = 255.0 * srgbEncode((sum[c] + bg) / (kSuper * kSuper));
                if (spec.noiseSigma > 0)
                    v += noise(rng);
                px[c] = cv::saturate_cast<uchar>(std::lround(v));
            }
            scene.mask.at<uchar>(y, x) =
                cv::saturate_cast<uchar>(std::lround(255.0 * hits / (kSuper * kSuper)));
        }
    }
    return scene;
}

}  // namespace chiaro::test
