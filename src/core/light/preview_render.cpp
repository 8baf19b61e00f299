// PreviewRelighter::render: the per-frame re-shading (kept in one tight loop; the GUI calls it on
// every slider move). Linear light throughout, encoded back to sRGB at the end.
#include <algorithm>
#include <cmath>
#include <vector>

#include "chiaro/light/preview_relighter.h"
#include "preview_shading.h"
#include "srgb_lut.h"

namespace chiaro::core {

struct PreviewRelighter::Frame {
    cv::Vec3f l;                    // unit vector toward the light
    cv::Vec3f halfway;              // Blinn-Phong half vector with the viewer at +z
    cv::Vec3f direct;               // diffuse gain per channel (colour × intensity × kDiffuse)
    cv::Vec3f specular;             // specular gain per channel
    cv::Vec3f washGain;             // background wash gain per channel
    std::vector<float> washColumn;  // lightMapShading's u terms per column: lx*u - lz*u²
    bool keepUnmasked = false;
};

namespace {

using Frame = PreviewRelighter::Frame;

Frame makeFrame(const LightSettings& light, int width, bool keepUnmasked) {
    Frame f;
    const auto l = light.direction->toVector();
    f.l = cv::Vec3f(float(l[0]), float(l[1]), float(l[2]));
    const cv::Vec3f h = f.l + cv::Vec3f(0.f, 0.f, 1.f);
    const float hn = float(cv::norm(h));
    // A light straight from behind has no halfway vector: its highlight is invisible anyway.
    f.halfway = hn > 1e-6f ? h / hn : cv::Vec3f(0.f, 0.f, 0.f);
    const cv::Vec3f colour =
        cv::Vec3f(float(light.color.r), float(light.color.g), float(light.color.b)) *
        float(light.intensity);
    f.direct = colour * preview::kDiffuse;
    f.specular = colour * preview::kSpecular;
    f.washGain = colour * preview::kWashGain;
    f.washColumn.resize(static_cast<size_t>(width));
    for (int x = 0; x < width; ++x) {
        const float u = width > 1 ? -1.0f + 2.0f * x / (width - 1) : 0.0f;
        f.washColumn[static_cast<size_t>(x)] = f.l[0] * u - f.l[2] * u * u;
    }
    f.keepUnmasked = keepUnmasked;
    return f;
}

// lightMapShading (light_map.h) split into a row part and the precomputed column part: the same
// (1 + lx*u + ly*v + lz*(1 - u² - v²)) / 2, clamped, without a call and doubles per pixel.
float washRowTerm(const cv::Vec3f& l, float v) {
    return l[1] * v + l[2] * (1.0f - v * v);
}
float washShading(float rowTerm, float columnTerm) {
    const float s = 0.5f * (1.0f + rowTerm + columnTerm);
    return s < 0.0f ? 0.0f : (s > 1.0f ? 1.0f : s);
}

float specularTerm(const cv::Vec3f& n, const Frame& f, float nDotL) {
    float s = n.dot(f.halfway);
    if (s <= 0.0f || nDotL <= 0.0f)
        return 0.0f;
    for (int i = 0; i < preview::kSpecularSquarings; ++i)
        s *= s;
    return s;
}

// The subject: albedo × (ambient + wrapped Lambert) + highlight, linear light.
cv::Vec3f shadeSubject(const cv::Vec3f& n, const cv::Vec3f& albedo, const Frame& f) {
    const float nDotL = n.dot(f.l);
    const float diffuse = preview::wrapped(nDotL);
    // Highlights fade out on surfaces that reflect next to nothing (a black input stays black).
    const float reflectance = 0.2126f * albedo[0] + 0.7152f * albedo[1] + 0.0722f * albedo[2];
    const float spec = specularTerm(n, f, nDotL) * std::min(1.0f, 8.0f * reflectance);
    cv::Vec3f lit;
    for (int c = 0; c < 3; ++c) {
        lit[c] = albedo[c] * (preview::kAmbient + f.direct[c] * diffuse) + f.specular[c] * spec;
    }
    return lit;
}

// The background, decoded from the 8-bit original (a third of the memory traffic of a float copy)
// and, unless kept, washed by the light map's shading.
cv::Vec3f shadeBackground(const cv::Vec3b& original,
                          float wash,
                          const Frame& f,
                          const std::array<float, 256>& decode) {
    cv::Vec3f background(decode[original[0]], decode[original[1]], decode[original[2]]);
    if (f.keepUnmasked)
        return background;
    for (int c = 0; c < 3; ++c)
        background[c] *= preview::kWashBase + f.washGain[c] * wash;
    return background;
}

}  // namespace

cv::Mat PreviewRelighter::render(const LightSettings& light) const {
    cv::Mat out;
    render(light, out);
    return out;
}

void PreviewRelighter::render(const LightSettings& light, cv::Mat& out) const {
    validateLightSettings(light);
    if (!light.direction) {
        m_original.copyTo(out);
        return;
    }
    out.create(m_original.size(), CV_8UC3);
    const Frame frame = makeFrame(light, out.cols, m_options.keepUnmasked);
    cv::parallel_for_(cv::Range(0, out.rows),
                      [&](const cv::Range& rows) { renderRows(frame, out, rows.start, rows.end); });
}

void PreviewRelighter::renderRows(const Frame& f, cv::Mat& out, int rowBegin, int rowEnd) const {
    const LinearToSrgbTable& encode = linearToSrgbTable();
    const auto& decode = srgbToLinear();
    const int h = out.rows;
    for (int y = rowBegin; y < rowEnd; ++y) {
        const auto* n = m_normals.ptr<cv::Vec3f>(y);
        const auto* albedo = m_albedo.ptr<cv::Vec3f>(y);
        const auto* original = m_original.ptr<cv::Vec3b>(y);
        const uchar* alpha8 = m_alpha8.ptr<uchar>(y);
        auto* dst = out.ptr<cv::Vec3b>(y);
        const float washRow = washRowTerm(f.l, h > 1 ? 1.0f - 2.0f * y / (h - 1) : 0.0f);
        for (int x = 0; x < out.cols; ++x) {
            if (f.keepUnmasked && alpha8[x] == 0) {  // bit-identical outside the mask
                dst[x] = original[x];
                continue;
            }
            const float a = alpha8[x] * (1.0f / 255.0f);
            cv::Vec3f lit = a > 0.0f ? shadeSubject(n[x], albedo[x], f) : cv::Vec3f(0.f, 0.f, 0.f);
            if (a < 1.0f) {
                const float wash = washShading(washRow, f.washColumn[static_cast<size_t>(x)]);
                lit = lit * a + shadeBackground(original[x], wash, f, decode) * (1.0f - a);
            }
            dst[x] = {linearToSrgb8(encode, lit[0]), linearToSrgb8(encode, lit[1]),
                      linearToSrgb8(encode, lit[2])};
        }
    }
}

}  // namespace chiaro::core
