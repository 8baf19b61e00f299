// PreviewRelighter::render: the per-frame re-shading (kept in one tight loop; the GUI calls it on
// every slider move). Linear light throughout, encoded back to sRGB at the end.
#include <algorithm>
#include <cmath>
#include <vector>

#include "chiaro/light/light_map.h"
#include "chiaro/light/preview_relighter.h"
#include "preview_shading.h"
#include "srgb_lut.h"

namespace chiaro::core {

// One light's per-frame terms.
struct LightTerm {
    cv::Vec3f l;                    // unit vector toward the light
    cv::Vec3f halfway;              // Blinn-Phong half vector with the viewer at +z
    cv::Vec3f direct;               // diffuse gain per channel (colour × intensity × kDiffuse)
    cv::Vec3f specular;             // specular gain per channel
    cv::Vec3f washGain;             // background wash gain per channel
    float wrap = preview::kWrap;    // wrapped Lambert's w: larger lights wrap further
    float contrast = 1.0f;          // the wash ramp's contrast (light_map.h kSizeContrastLoss)
    int squarings = preview::kSpecularSquarings;  // larger lights: broader highlights
    std::vector<float> washColumn;  // lightMapShading's u terms per column: lx*u - lz*u²
};

struct PreviewRelighter::Frame {
    LightTerm lights[kMaxRigLights];
    int count = 0;
    float ambient = 0.0f;      // the rig's ambient, added to the subject's shading (× kDiffuse)
    cv::Vec3f ambientWash;     // and to the background's wash
    bool keepUnmasked = false;
};

namespace {

using Frame = PreviewRelighter::Frame;

LightTerm makeTerm(const LightSource& light, int width) {
    LightTerm t;
    const auto l = light.direction.toVector();
    t.l = cv::Vec3f(float(l[0]), float(l[1]), float(l[2]));
    const cv::Vec3f h = t.l + cv::Vec3f(0.f, 0.f, 1.f);
    const float hn = float(cv::norm(h));
    // A light straight from behind has no halfway vector: its highlight is invisible anyway.
    t.halfway = hn > 1e-6f ? h / hn : cv::Vec3f(0.f, 0.f, 0.f);
    const cv::Vec3f colour =
        cv::Vec3f(float(light.color.r), float(light.color.g), float(light.color.b)) *
        float(light.intensity);
    t.direct = colour * preview::kDiffuse;
    // A soft box spreads the same light over a broader, dimmer highlight.
    t.specular = colour * (preview::kSpecular * float(1.0 - 0.6 * light.size));
    t.washGain = colour * preview::kWashGain;
    t.wrap = float(preview::kWrap + (1.0 - preview::kWrap) * light.size);
    t.contrast = float(1.0 - kSizeContrastLoss * light.size);
    t.squarings = preview::kSpecularSquarings - static_cast<int>(std::lround(3.0 * light.size));
    t.washColumn.resize(static_cast<size_t>(width));
    for (int x = 0; x < width; ++x) {
        const float u = width > 1 ? -1.0f + 2.0f * x / (width - 1) : 0.0f;
        t.washColumn[static_cast<size_t>(x)] = t.l[0] * u - t.l[2] * u * u;
    }
    return t;
}

Frame makeFrame(const LightSettings& light, int width, bool keepUnmasked) {
    Frame f;
    for (const LightSource& source : light.lights())
        f.lights[f.count++] = makeTerm(source, width);
    f.ambient = float(light.ambient) * preview::kDiffuse;
    f.ambientWash = cv::Vec3f::all(float(light.ambient) * preview::kWashGain);
    f.keepUnmasked = keepUnmasked;
    return f;
}

// lightMapShading (light_map.h) split into a row part and the precomputed column part: the same
// (1 + lx*u + ly*v + lz*(1 - u² - v²)) / 2, clamped, without a call and doubles per pixel.
float washRowTerm(const cv::Vec3f& l, float v) {
    return l[1] * v + l[2] * (1.0f - v * v);
}
float washShading(float rowTerm, float columnTerm, float contrast) {
    const float s = 0.5f * (1.0f + contrast * rowTerm + contrast * columnTerm);
    return s < 0.0f ? 0.0f : (s > 1.0f ? 1.0f : s);
}

float specularTerm(const cv::Vec3f& n, const LightTerm& t, float nDotL) {
    float s = n.dot(t.halfway);
    if (s <= 0.0f || nDotL <= 0.0f)
        return 0.0f;
    for (int i = 0; i < t.squarings; ++i)
        s *= s;
    return s;
}

float wrappedLambert(float nDotL, float wrap) {
    const float v = (nDotL + wrap) * (1.0f / (1.0f + wrap));
    return v > 0.0f ? v : 0.0f;
}

// The subject: albedo × (ambient + Σ wrapped Lambert) + Σ highlights, linear light.
cv::Vec3f shadeSubject(const cv::Vec3f& n, const cv::Vec3f& albedo, const Frame& f) {
    // Highlights fade out on surfaces that reflect next to nothing (a black input stays black).
    const float reflectance = 0.2126f * albedo[0] + 0.7152f * albedo[1] + 0.0722f * albedo[2];
    const float shine = std::min(1.0f, 8.0f * reflectance);
    cv::Vec3f diffuse(0.f, 0.f, 0.f), highlight(0.f, 0.f, 0.f);
    for (int i = 0; i < f.count; ++i) {
        const LightTerm& t = f.lights[i];
        const float nDotL = n.dot(t.l);
        diffuse += t.direct * wrappedLambert(nDotL, t.wrap);
        highlight += t.specular * (specularTerm(n, t, nDotL) * shine);
    }
    cv::Vec3f lit;
    for (int c = 0; c < 3; ++c)
        lit[c] = albedo[c] * (preview::kAmbient + f.ambient + diffuse[c]) + highlight[c];
    return lit;
}

// The background, decoded from the 8-bit original (a third of the memory traffic of a float copy)
// and, unless kept, washed by the light map's shading of every light.
cv::Vec3f shadeBackground(const cv::Vec3b& original,
                          const float* washRow,
                          size_t x,
                          const Frame& f,
                          const std::array<float, 256>& decode) {
    cv::Vec3f background(decode[original[0]], decode[original[1]], decode[original[2]]);
    if (f.keepUnmasked)
        return background;
    cv::Vec3f factor = cv::Vec3f::all(preview::kWashBase) + f.ambientWash;
    for (int i = 0; i < f.count; ++i) {
        const LightTerm& t = f.lights[i];
        factor += t.washGain * washShading(washRow[i], t.washColumn[x], t.contrast);
    }
    for (int c = 0; c < 3; ++c)
        background[c] *= factor[c];
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
        const float v = h > 1 ? 1.0f - 2.0f * y / (h - 1) : 0.0f;
        float washRow[kMaxRigLights];
        for (int i = 0; i < f.count; ++i)
            washRow[i] = washRowTerm(f.lights[i].l, v);
        for (int x = 0; x < out.cols; ++x) {
            if (f.keepUnmasked && alpha8[x] == 0) {  // bit-identical outside the mask
                dst[x] = original[x];
                continue;
            }
            const float a = alpha8[x] * (1.0f / 255.0f);
            cv::Vec3f lit = a > 0.0f ? shadeSubject(n[x], albedo[x], f) : cv::Vec3f(0.f, 0.f, 0.f);
            if (a < 1.0f) {
                lit = lit * a + shadeBackground(original[x], washRow, static_cast<size_t>(x), f, decode) * (1.0f - a);
            }
            dst[x] = {linearToSrgb8(encode, lit[0]), linearToSrgb8(encode, lit[1]),
                      linearToSrgb8(encode, lit[2])};
        }
    }
}

}  // namespace chiaro::core
