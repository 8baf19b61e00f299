#include "chiaro/light/colour_keep.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/core/utility.hpp>

#include "chiaro/core/error.h"

namespace chiaro::core {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kXn = 0.95047, kYn = 1.0, kZn = 1.08883;  // D65 white
constexpr double kDelta = 6.0 / 29.0;
// How far (CIE L*) an out-of-gamut colour may leave the new lightness to keep its chroma.
constexpr double kMaxLightnessShift = 15.0;

double srgbDecode(double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); }

// Decoded linear value of every code, and the midpoints between consecutive codes (the encoder:
// the nearest code in linear light; decode then encode is the identity).
struct DepthLut {
    std::vector<double> decode;
    std::vector<double> mid;
    explicit DepthLut(int levels) : decode(levels), mid(levels - 1) {
        for (int i = 0; i < levels; ++i) decode[i] = srgbDecode(double(i) / (levels - 1));
        for (int i = 0; i + 1 < levels; ++i) mid[i] = 0.5 * (decode[i] + decode[i + 1]);
    }
    // The number of midpoints <= linear. At 16 bits a binary search (16 steps over 65535 midpoints,
    // cache-hostile: most of the 5 s a 24 MP result took) is replaced by the analytic encode
    // stepped to the exact code (0 or 1 steps).
    int encode(double linear) const {
        const int last = int(mid.size());
        if (last < 1024)  // 8-bit: 8 steps in a table that stays in cache
            return int(std::upper_bound(mid.begin(), mid.end(), linear) - mid.begin());
        const double v = std::clamp(linear, 0.0, 1.0);
        const double encoded = v <= 0.0031308 ? 12.92 * v : 1.055 * std::pow(v, 1.0 / 2.4) - 0.055;
        int code = std::clamp(int(std::lround(encoded * last)), 0, last);
        while (code < last && mid[code] <= linear) ++code;
        while (code > 0 && mid[code - 1] > linear) --code;
        return code;
    }
};

const DepthLut& lutFor(int depth) {
    static const DepthLut lut8(256);
    static const DepthLut lut16(65536);
    return depth == CV_16U ? lut16 : lut8;
}

double labF(double t) {
    return t > kDelta * kDelta * kDelta ? std::cbrt(t) : t / (3.0 * kDelta * kDelta) + 4.0 / 29.0;
}
double labFInv(double f) { return f > kDelta ? f * f * f : 3.0 * kDelta * kDelta * (f - 4.0 / 29.0); }

cv::Vec3d linearToXyz(double r, double g, double b) {
    return {0.4124564 * r + 0.3575761 * g + 0.1804375 * b, 0.2126729 * r + 0.7151522 * g + 0.0721750 * b,
            0.0193339 * r + 0.1191920 * g + 0.9503041 * b};
}
cv::Vec3d xyzToLinear(const cv::Vec3d& xyz) {
    const double x = xyz[0], y = xyz[1], z = xyz[2];
    return {3.2404542 * x - 1.5371385 * y - 0.4985314 * z, -0.9692660 * x + 1.8760108 * y + 0.0415560 * z,
            0.0556434 * x - 0.2040259 * y + 1.0572252 * z};
}
cv::Vec3d linearToLab(double r, double g, double b) {
    const cv::Vec3d xyz = linearToXyz(r, g, b);
    const double fx = labF(xyz[0] / kXn), fy = labF(xyz[1] / kYn), fz = labF(xyz[2] / kZn);
    return {116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)};
}
cv::Vec3d labToLinear(double L, double a, double b) {
    const double fy = (L + 16.0) / 116.0, fx = fy + a / 500.0, fz = fy - b / 200.0;
    return xyzToLinear({kXn * labFInv(fx), kYn * labFInv(fy), kZn * labFInv(fz)});
}

bool inGamut(const cv::Vec3d& rgb) {
    // The published XYZ matrices are rounded (not exact inverses): a colour on the gamut's surface
    // can come back ~1e-7 outside. That is no reason to move it; the final clamp takes it.
    constexpr double eps = 1e-6;
    return rgb[0] >= -eps && rgb[0] <= 1 + eps && rgb[1] >= -eps && rgb[1] <= 1 + eps && rgb[2] >= -eps &&
           rgb[2] <= 1 + eps;
}

// Lab -> linear RGB in gamut. The colour is what the user asked to keep, so out of gamut the
// lightness gives way first: L moves toward `fallbackL` (the photo's own lightness, where this colour
// exists) just as far as needed, by bisection. Only if that is not enough is the chroma reduced
// toward the L axis (hue and L kept).
cv::Vec3d labToLinearInGamut(double L, double a, double b, double fallbackL) {
    cv::Vec3d rgb = labToLinear(L, a, b);
    if (!inGamut(rgb) && inGamut(labToLinear(fallbackL, a, b))) {
        double lo = 0.0, hi = 1.0;  // lo: out of gamut, hi: in gamut
        for (int i = 0; i < 20; ++i) {
            const double mid = 0.5 * (lo + hi);
            if (inGamut(labToLinear(L + mid * (fallbackL - L), a, b))) hi = mid;
            else lo = mid;
        }
        // At most kMaxLightnessShift: the new light's shading must still read.
        L += std::clamp(hi * (fallbackL - L), -kMaxLightnessShift, kMaxLightnessShift);
        rgb = labToLinear(L, a, b);
    }
    if (!inGamut(rgb)) {
        double lo = 0.0, hi = 1.0;
        for (int i = 0; i < 20; ++i) {
            const double mid = 0.5 * (lo + hi);
            if (inGamut(labToLinear(L, a * mid, b * mid))) lo = mid;
            else hi = mid;
        }
        rgb = labToLinear(L, a * lo, b * lo);
    }
    for (int c = 0; c < 3; ++c) rgb[c] = std::clamp(rgb[c], 0.0, 1.0);
    return rgb;
}

bool isColourImage(const cv::Mat& m) { return m.type() == CV_8UC3 || m.type() == CV_16UC3; }

void checkPair(const cv::Mat& a, const cv::Mat& b, const cv::Mat& subject, const char* what) {
    if (a.empty() || !isColourImage(a) || !isColourImage(b))
        throw Error(ErrorCode::Usage, std::string(what) + ": images must be non-empty CV_8UC3 or CV_16UC3");
    if (a.size() != b.size())
        throw Error(ErrorCode::Usage, std::string(what) + ": the two images differ in size");
    if (!subject.empty() && (subject.type() != CV_8UC1 || subject.size() != a.size()))
        throw Error(ErrorCode::Usage, std::string(what) + ": the subject mask must be CV_8UC1 at the images' size");
}

// Linear RGB of pixel x of row `row` of an 8- or 16-bit image.
inline void decodePixel(const cv::Mat& m, int y, int x, const DepthLut& lut, double out[3]) {
    if (m.depth() == CV_16U) {
        const uint16_t* p = m.ptr<uint16_t>(y) + 3 * x;
        for (int c = 0; c < 3; ++c) out[c] = lut.decode[p[c]];
    } else {
        const uint8_t* p = m.ptr<uint8_t>(y) + 3 * x;
        for (int c = 0; c < 3; ++c) out[c] = lut.decode[p[c]];
    }
}

double ciede2000Impl(const cv::Vec3d& lab1, const cv::Vec3d& lab2, bool withLightness) {
    const double L1 = lab1[0], a1 = lab1[1], b1 = lab1[2], L2 = lab2[0], a2 = lab2[1], b2 = lab2[2];
    const double C1 = std::hypot(a1, b1), C2 = std::hypot(a2, b2);
    const double Cbar = 0.5 * (C1 + C2);
    const double Cbar7 = std::pow(Cbar, 7.0);
    const double G = 0.5 * (1.0 - std::sqrt(Cbar7 / (Cbar7 + std::pow(25.0, 7.0))));
    const double a1p = (1.0 + G) * a1, a2p = (1.0 + G) * a2;
    const double C1p = std::hypot(a1p, b1), C2p = std::hypot(a2p, b2);
    const auto hueOf = [](double b, double a) {
        if (a == 0.0 && b == 0.0) return 0.0;
        double h = std::atan2(b, a) * 180.0 / kPi;
        return h < 0.0 ? h + 360.0 : h;
    };
    const double h1p = hueOf(b1, a1p), h2p = hueOf(b2, a2p);
    const double dLp = withLightness ? L2 - L1 : 0.0;
    const double dCp = C2p - C1p;
    double dhp = 0.0;
    if (C1p * C2p != 0.0) {
        dhp = h2p - h1p;
        if (dhp > 180.0) dhp -= 360.0;
        else if (dhp < -180.0) dhp += 360.0;
    }
    const double dHp = 2.0 * std::sqrt(C1p * C2p) * std::sin(dhp * kPi / 360.0);
    const double Lbarp = 0.5 * (L1 + L2), Cbarp = 0.5 * (C1p + C2p);
    double hbarp = h1p + h2p;
    if (C1p * C2p != 0.0) {
        if (std::abs(h1p - h2p) <= 180.0) hbarp = 0.5 * (h1p + h2p);
        else if (h1p + h2p < 360.0) hbarp = 0.5 * (h1p + h2p + 360.0);
        else hbarp = 0.5 * (h1p + h2p - 360.0);
    }
    const double rad = kPi / 180.0;
    const double T = 1.0 - 0.17 * std::cos((hbarp - 30.0) * rad) + 0.24 * std::cos(2.0 * hbarp * rad) +
                     0.32 * std::cos((3.0 * hbarp + 6.0) * rad) - 0.20 * std::cos((4.0 * hbarp - 63.0) * rad);
    const double dTheta = 30.0 * std::exp(-((hbarp - 275.0) / 25.0) * ((hbarp - 275.0) / 25.0));
    const double Cbarp7 = std::pow(Cbarp, 7.0);
    const double RC = 2.0 * std::sqrt(Cbarp7 / (Cbarp7 + std::pow(25.0, 7.0)));
    const double l50 = (Lbarp - 50.0) * (Lbarp - 50.0);
    const double SL = 1.0 + 0.015 * l50 / std::sqrt(20.0 + l50);
    const double SC = 1.0 + 0.045 * Cbarp, SH = 1.0 + 0.015 * Cbarp * T;
    const double RT = -std::sin(2.0 * dTheta * rad) * RC;
    const double tL = dLp / SL, tC = dCp / SC, tH = dHp / SH;
    return std::sqrt(std::max(0.0, tL * tL + tC * tC + tH * tH + RT * tC * tH));
}

}  // namespace

LightColor rigColour(const LightSettings& light) {
    const std::vector<LightSource> lights = light.lights();
    if (lights.empty()) return {};
    bool same = true;
    for (const LightSource& l : lights) same = same && l.color == lights.front().color;
    if (same) return lights.front().color;
    double r = 0, g = 0, b = 0, sum = 0;
    for (const LightSource& l : lights) {
        r += l.color.r * l.intensity;
        g += l.color.g * l.intensity;
        b += l.color.b * l.intensity;
        sum += l.intensity;
    }
    if (!(sum > 0.0)) return lights.front().color;
    return {r / sum, g / sum, b / sum};
}

cv::Vec3d srgbToLab(const cv::Vec3d& rgb) {
    return linearToLab(srgbDecode(rgb[0]), srgbDecode(rgb[1]), srgbDecode(rgb[2]));
}

double ciede2000(const cv::Vec3d& lab1, const cv::Vec3d& lab2) { return ciede2000Impl(lab1, lab2, true); }

void keepSubjectColours(cv::Mat& result, const cv::Mat& photo, const cv::Mat& subject, double strength,
                        const LightColor& light) {
    checkPair(result, photo, subject, "keepSubjectColours");
    if (!std::isfinite(strength) || strength < 0.0 || strength > 1.0)
        throw Error(ErrorCode::Usage, "keepSubjectColours: strength must be within 0..1");
    if (!std::isfinite(light.r) || !std::isfinite(light.g) || !std::isfinite(light.b) || light.r < 0 ||
        light.g < 0 || light.b < 0)
        throw Error(ErrorCode::Usage, "keepSubjectColours: the light colour must be finite and non-negative");
    if (strength == 0.0) return;
    // Von Kries: the photo as the light would tint it, the light normalised to luminance 1. A
    // neutral light (equal channels) leaves the photo's chroma exactly.
    const bool tinted = !(light.r == light.g && light.g == light.b);
    double k[3] = {1.0, 1.0, 1.0};
    if (tinted) {
        const double y = 0.2126729 * light.r + 0.7151522 * light.g + 0.0721750 * light.b;
        if (!(y > 0.0)) throw Error(ErrorCode::Usage, "keepSubjectColours: the light colour is black");
        k[0] = light.r / y;
        k[1] = light.g / y;
        k[2] = light.b / y;
    }
    const DepthLut& resLut = lutFor(result.depth());
    const DepthLut& photoLut = lutFor(photo.depth());
    const bool res16 = result.depth() == CV_16U;
    cv::parallel_for_(cv::Range(0, result.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const uint8_t* m = subject.empty() ? nullptr : subject.ptr<uint8_t>(y);
            for (int x = 0; x < result.cols; ++x) {
                const double w = m ? strength * m[x] / 255.0 : strength;
                if (w <= 0.0) continue;
                double r[3], p[3];
                decodePixel(result, y, x, resLut, r);
                decodePixel(photo, y, x, photoLut, p);
                const cv::Vec3d labR = linearToLab(r[0], r[1], r[2]);
                const cv::Vec3d labT = linearToLab(p[0] * k[0], p[1] * k[1], p[2] * k[2]);
                const double a = labR[1] + w * (labT[1] - labR[1]);
                const double b = labR[2] + w * (labT[2] - labR[2]);
                const cv::Vec3d out = labToLinearInGamut(labR[0], a, b, labR[0] + w * (labT[0] - labR[0]));
                if (res16) {
                    uint16_t* d = result.ptr<uint16_t>(y) + 3 * x;
                    for (int c = 0; c < 3; ++c) d[c] = static_cast<uint16_t>(resLut.encode(out[c]));
                } else {
                    uint8_t* d = result.ptr<uint8_t>(y) + 3 * x;
                    for (int c = 0; c < 3; ++c) d[c] = static_cast<uint8_t>(resLut.encode(out[c]));
                }
            }
        }
    });
}

SubjectColourDifference subjectColourDifference(const cv::Mat& a, const cv::Mat& b, const cv::Mat& subject) {
    checkPair(a, b, subject, "subjectColourDifference");
    const DepthLut& lutA = lutFor(a.depth());
    const DepthLut& lutB = lutFor(b.depth());
    SubjectColourDifference d;
    double sumChroma = 0, sumFull = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    long long n = 0;
    for (int y = 0; y < a.rows; ++y) {
        const uint8_t* m = subject.empty() ? nullptr : subject.ptr<uint8_t>(y);
        for (int x = 0; x < a.cols; ++x) {
            if (m && m[x] <= 127) continue;
            double pa[3], pb[3];
            decodePixel(a, y, x, lutA, pa);
            decodePixel(b, y, x, lutB, pb);
            const cv::Vec3d la = linearToLab(pa[0], pa[1], pa[2]), lb = linearToLab(pb[0], pb[1], pb[2]);
            sumChroma += ciede2000Impl(la, lb, false);
            sumFull += ciede2000Impl(la, lb, true);
            sa += la[0];
            sb += lb[0];
            saa += la[0] * la[0];
            sbb += lb[0] * lb[0];
            sab += la[0] * lb[0];
            ++n;
        }
    }
    d.pixels = static_cast<int>(n);
    if (n == 0) return d;
    d.meanChroma = sumChroma / n;
    d.meanFull = sumFull / n;
    const double cov = sab - sa * sb / n, va = saa - sa * sa / n, vb = sbb - sb * sb / n;
    d.lightnessCorrelation = va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : (va == vb ? 1.0 : 0.0);
    return d;
}

}  // namespace chiaro::core
