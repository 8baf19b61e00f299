// Light maps for the diffusion's initial latent: IC-Light's exact gradients at the four presets, a
// continuous shading field everywhere else (see lightMapShading in the header).
#include "chiaro/light/light_map.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <opencv2/core/utility.hpp>

#include "chiaro/core/error.h"

namespace chiaro::core {
namespace {

struct GradientRange {
    double bright;  // value where the light comes from
    double dark;    // value on the far side
};

GradientRange rangeOf(LightMapVariant variant) {
    return variant == LightMapVariant::Fc ? GradientRange{255.0, 0.0} : GradientRange{224.0, 32.0};
}

// numpy.linspace(start, stop, n) in float64, operation for operation: start + i * step with
// step = (stop - start) / (n - 1), the exact stop at the last index, [start] when n == 1. This file
// is compiled with -ffp-contract=off so that i * step + start is not fused into one rounding.
std::vector<double> numpyLinspace(double start, double stop, int n) {
    std::vector<double> values(static_cast<size_t>(n), start);
    if (n < 2)
        return values;
    const double step = (stop - start) / static_cast<double>(n - 1);
    for (int i = 0; i < n; ++i)
        values[static_cast<size_t>(i)] = static_cast<double>(i) * step + start;
    values.back() = stop;
    return values;
}

// numpy's astype(np.uint8) of a value scaled by a channel gain: truncation toward zero. Scaling by
// exactly 1.0 leaves the value bit-identical, so white light at intensity 1 is IC-Light's map.
uint8_t toByte(double value, double gain) {
    return static_cast<uint8_t>(std::clamp(value * gain, 0.0, 255.0));
}

void checkArguments(const LightSettings& light, int width, int height) {
    if (!light.direction) {
        throw Error(ErrorCode::Usage,
                    "light map: the light has no direction (preset 'none' has no map)");
    }
    if (width < 1 || height < 1 || width > kMaxLightMapSide || height > kMaxLightMapSide) {
        throw Error(ErrorCode::Usage, "light map: size must be within 1.." +
                                          std::to_string(kMaxLightMapSide) + " per side, got " +
                                          std::to_string(width) + "x" + std::to_string(height));
    }
    validateLightSettings(light);
}

// Fills `map` from one value per column (horizontal presets) or per row (vertical ones).
void fillFromProfile(cv::Mat& map,
                     const std::vector<double>& profile,
                     bool alongColumns,
                     const double gains[3]) {
    for (int y = 0; y < map.rows; ++y) {
        auto* row = map.ptr<cv::Vec3b>(y);
        for (int x = 0; x < map.cols; ++x) {
            const double v = profile[static_cast<size_t>(alongColumns ? x : y)];
            row[x] = {toByte(v, gains[0]), toByte(v, gains[1]), toByte(v, gains[2])};
        }
    }
}

cv::Mat renderPreset(LightPreset preset,
                     int width,
                     int height,
                     GradientRange range,
                     const double gains[3]) {
    cv::Mat map(height, width, CV_8UC3);
    const bool horizontal = preset == LightPreset::Left || preset == LightPreset::Right;
    const int n = horizontal ? width : height;
    // IC-Light: left = linspace(bright, dark, W), right = linspace(dark, bright, W); top and bottom
    // the same down the rows.
    const bool brightFirst = preset == LightPreset::Left || preset == LightPreset::Top;
    const auto profile = brightFirst ? numpyLinspace(range.bright, range.dark, n)
                                     : numpyLinspace(range.dark, range.bright, n);
    fillFromProfile(map, profile, horizontal, gains);
    return map;
}

cv::Mat renderContinuous(const std::array<double, 3>& l,
                         int width,
                         int height,
                         GradientRange range,
                         const double gains[3]) {
    cv::Mat map(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y) {
        const double v = height > 1 ? 1.0 - 2.0 * y / (height - 1) : 0.0;
        auto* row = map.ptr<cv::Vec3b>(y);
        for (int x = 0; x < width; ++x) {
            const double u = width > 1 ? -1.0 + 2.0 * x / (width - 1) : 0.0;
            const double value =
                range.dark + (range.bright - range.dark) * lightMapShading(l, u, v);
            row[x] = {toByte(value, gains[0]), toByte(value, gains[1]), toByte(value, gains[2])};
        }
    }
    return map;
}

// A rig (several lights, sizes, ambient): the key light's map as above, plus each other light's
// ramp above the dark level, plus the ambient, per channel, clamped. A larger light flattens its
// ramp (a soft box lights more of the subject, with less contrast). With one hard light and no
// ambient this is renderContinuous, which is why renderLightMap keeps that path for it.
cv::Mat renderRig(const LightSettings& light, int width, int height, GradientRange range) {
    struct Term {
        std::array<double, 3> l;
        double contrast;
        double gain[3];
    };
    std::vector<Term> terms;
    for (const LightSource& source : light.lights()) {
        terms.push_back({source.direction.toVector(), 1.0 - kSizeContrastLoss * source.size,
                         {source.color.r * source.intensity, source.color.g * source.intensity,
                          source.color.b * source.intensity}});
    }
    const double span = range.bright - range.dark;
    cv::Mat map(height, width, CV_8UC3);
    cv::parallel_for_(cv::Range(0, height), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const double v = height > 1 ? 1.0 - 2.0 * y / (height - 1) : 0.0;
            auto* row = map.ptr<cv::Vec3b>(y);
            for (int x = 0; x < width; ++x) {
                const double u = width > 1 ? -1.0 + 2.0 * x / (width - 1) : 0.0;
                double value[3] = {span * light.ambient, span * light.ambient, span * light.ambient};
                for (size_t i = 0; i < terms.size(); ++i) {
                    const Term& t = terms[i];
                    const double shade = softLightMapShading(t.l, u, v, t.contrast);
                    // The dark level is the key's floor, counted once: more lights add light only.
                    const double base = i == 0 ? range.dark + span * shade : span * shade;
                    for (int c = 0; c < 3; ++c)
                        value[c] += base * t.gain[c];
                }
                row[x] = {toByte(value[0], 1.0), toByte(value[1], 1.0), toByte(value[2], 1.0)};
            }
        }
    });
    return map;
}

}  // namespace

double softLightMapShading(const std::array<double, 3>& l, double u, double v, double contrast) {
    const double s = l[0] * u + l[1] * v + l[2] * (1.0 - u * u - v * v);
    return std::clamp(0.5 * (1.0 + contrast * s), 0.0, 1.0);
}

double lightMapShading(const std::array<double, 3>& l, double u, double v) {
    const double s = l[0] * u + l[1] * v + l[2] * (1.0 - u * u - v * v);
    return std::clamp(0.5 * (1.0 + s), 0.0, 1.0);
}

cv::Mat renderLightMap(const LightSettings& light, int width, int height, LightMapVariant variant) {
    checkArguments(light, width, height);
    const double gains[3] = {light.color.r * light.intensity, light.color.g * light.intensity,
                             light.color.b * light.intensity};
    const GradientRange range = rangeOf(variant);
    if (!light.isSingleLight())
        return renderRig(light, width, height, range);
    if (auto preset = exactIcLightPreset(*light.direction)) {
        return renderPreset(*preset, width, height, range, gains);
    }
    return renderContinuous(light.direction->toVector(), width, height, range, gains);
}

}  // namespace chiaro::core
