// The light vocabulary: directions, presets, colour temperature (CONTRACTS.md §1).
#include "chiaro/light/light.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "chiaro/core/error.h"

namespace chiaro::core {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;
// Presets are recognised when their direction is this close (degrees) to the requested one.
constexpr double kPresetToleranceDeg = 1e-6;

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Parses one finite double covering the whole of `text`.
std::optional<double> parseNumber(const std::string& text) {
    const std::string t = trimmed(text);
    if (t.empty())
        return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(t.c_str(), &end);
    if (*end != '\0' || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// Angle between two unit vectors in degrees, accurate for tiny angles (atan2 of |a×b| and a·b).
double angleBetweenDeg(const std::array<double, 3>& a, const std::array<double, 3>& b) {
    const double cx = a[1] * b[2] - a[2] * b[1];
    const double cy = a[2] * b[0] - a[0] * b[2];
    const double cz = a[0] * b[1] - a[1] * b[0];
    const double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    return std::atan2(std::sqrt(cx * cx + cy * cy + cz * cz), dot) / kDeg;
}

// Tanner Helland's fit of the black-body colour (sRGB, 0..1) for 1000..40000 K.
std::array<double, 3> blackBodyRgb(double kelvin) {
    const double t = kelvin / 100.0;
    double r = 1.0, g = 1.0, b = 1.0;
    if (t <= 66.0) {
        g = (99.4708025861 * std::log(t) - 161.1195681661) / 255.0;
        b = t <= 19.0 ? 0.0 : (138.5177312231 * std::log(t - 10.0) - 305.0447927307) / 255.0;
    } else {
        r = 329.698727446 * std::pow(t - 60.0, -0.1332047592) / 255.0;
        g = 288.1221695283 * std::pow(t - 60.0, -0.0755148492) / 255.0;
    }
    return {std::clamp(r, 0.0, 1.0), std::clamp(g, 0.0, 1.0), std::clamp(b, 0.0, 1.0)};
}

// A number for a message: "2.5", "-0.1", "nan".
std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

}  // namespace

LightDirection LightDirection::normalized(double azimuth, double elevation) {
    if (!std::isfinite(azimuth))
        azimuth = 0.0;
    if (!std::isfinite(elevation))
        elevation = 0.0;
    double az = std::fmod(azimuth, 360.0);
    if (az < 0.0)
        az += 360.0;
    if (az >= 360.0)
        az = 0.0;  // fmod(-tiny) + 360 rounds to 360
    return {az + 0.0, std::clamp(elevation, -90.0, 90.0)};
}

LightDirection LightDirection::fromVector(const std::array<double, 3>& v) {
    const double norm = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (!(norm > 0.0) || !std::isfinite(norm))
        return {};
    const double el = std::asin(std::clamp(v[1] / norm, -1.0, 1.0)) / kDeg;
    // At the poles atan2(0, 0) = 0: the azimuth is meaningless there and 0 is as good as any.
    const double az = std::atan2(v[0], v[2]) / kDeg;
    return normalized(az, el);
}

std::array<double, 3> LightDirection::toVector() const {
    const double az = azimuth * kDeg;
    const double el = elevation * kDeg;
    return {std::cos(el) * std::sin(az), std::sin(el), std::cos(el) * std::cos(az)};
}

std::optional<LightDirection> presetDirection(LightPreset preset) {
    switch (preset) {
        case LightPreset::Left:
            return LightDirection{270.0, 0.0};
        case LightPreset::Right:
            return LightDirection{90.0, 0.0};
        case LightPreset::Top:
            return LightDirection{0.0, 90.0};
        case LightPreset::Bottom:
            return LightDirection{0.0, -90.0};
        case LightPreset::Front:
            return LightDirection{0.0, 0.0};
        case LightPreset::Back:
            return LightDirection{180.0, 0.0};
        case LightPreset::None:
            break;
    }
    return std::nullopt;
}

std::optional<LightPreset> parseLightPreset(const std::string& name) {
    const std::string n = lowerCase(trimmed(name));
    for (LightPreset p :
         {LightPreset::None, LightPreset::Left, LightPreset::Right, LightPreset::Top,
          LightPreset::Bottom, LightPreset::Front, LightPreset::Back}) {
        if (n == lightPresetName(p))
            return p;
    }
    return std::nullopt;
}

std::string lightPresetName(LightPreset preset) {
    switch (preset) {
        case LightPreset::None:
            return "none";
        case LightPreset::Left:
            return "left";
        case LightPreset::Right:
            return "right";
        case LightPreset::Top:
            return "top";
        case LightPreset::Bottom:
            return "bottom";
        case LightPreset::Front:
            return "front";
        case LightPreset::Back:
            return "back";
    }
    return "none";
}

std::optional<LightPreset> exactIcLightPreset(const LightDirection& d) {
    // Compared as vectors so that e.g. (123, 90) is still "top": every azimuth is the same light
    // there.
    const auto v = d.toVector();
    for (LightPreset p :
         {LightPreset::Left, LightPreset::Right, LightPreset::Top, LightPreset::Bottom}) {
        if (angleBetweenDeg(v, presetDirection(p)->toVector()) < kPresetToleranceDeg)
            return p;
    }
    return std::nullopt;
}

LightDirection parseLightDirection(const std::string& text) {
    const auto comma = text.find(',');
    const auto fail = [&](const std::string& why) {
        return Error(ErrorCode::Usage, "light: " + why + ", got '" + text + "'");
    };
    if (comma == std::string::npos)
        throw fail("expected AZ,EL in degrees");
    const auto az = parseNumber(text.substr(0, comma));
    const auto el = parseNumber(text.substr(comma + 1));
    if (!az || !el)
        throw fail("expected AZ,EL as two numbers in degrees");
    if (*el < -90.0 || *el > 90.0)
        throw fail("elevation must be within [-90, 90]");
    return LightDirection::normalized(*az, *el);
}

LightColor LightColor::fromKelvin(double kelvin) {
    if (!std::isfinite(kelvin) || kelvin < 1000.0 || kelvin > 40000.0) {
        throw Error(ErrorCode::Usage,
                    "light: colour temperature must be within 1000..40000 K, got " +
                        std::to_string(kelvin));
    }
    // Divided by the 6500 K colour so that daylight is exactly white, then scaled so that the
    // strongest channel is 1 (a colour, not a brightness change).
    const auto c = blackBodyRgb(kelvin);
    const auto w = blackBodyRgb(6500.0);
    std::array<double, 3> rgb{c[0] / w[0], c[1] / w[1], c[2] / w[2]};
    const double peak = std::max({rgb[0], rgb[1], rgb[2]});
    return {rgb[0] / peak, rgb[1] / peak, rgb[2] / peak};
}

std::vector<LightSource> LightSettings::lights() const {
    std::vector<LightSource> all;
    if (!direction)
        return all;
    all.push_back({*direction, color, intensity, size});
    all.insert(all.end(), otherLights.begin(), otherLights.end());
    return all;
}

void LightSettings::setLights(const std::vector<LightSource>& lights) {
    otherLights.clear();
    if (lights.empty()) {
        direction.reset();
        return;
    }
    direction = lights.front().direction;
    color = lights.front().color;
    intensity = lights.front().intensity;
    size = lights.front().size;
    otherLights.assign(lights.begin() + 1, lights.end());
}

bool operator==(const LightColor& a, const LightColor& b) {
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

bool operator==(const LightSource& a, const LightSource& b) {
    return a.direction.azimuth == b.direction.azimuth &&
           a.direction.elevation == b.direction.elevation && a.color == b.color &&
           a.intensity == b.intensity && a.size == b.size;
}

bool operator==(const LightSettings& a, const LightSettings& b) {
    return a.lights() == b.lights() && (!a.direction || a.ambient == b.ambient);
}

void validateLightSettings(const LightSettings& light) {
    const auto bad = [](double v) { return !std::isfinite(v) || v < 0.0; };
    if (static_cast<int>(light.otherLights.size()) > kMaxRigLights - 1) {
        throw Error(ErrorCode::Usage, "light: a rig has at most " + std::to_string(kMaxRigLights) +
                                          " lights, got " +
                                          std::to_string(light.otherLights.size() + 1));
    }
    if (bad(light.ambient) || light.ambient > kMaxAmbient)
        throw Error(ErrorCode::Usage, "light: ambient must be within 0..1, got " + number(light.ambient));
    const LightSource key{light.direction.value_or(LightDirection{}), light.color, light.intensity,
                          light.size};
    std::vector<LightSource> all{key};
    all.insert(all.end(), light.otherLights.begin(), light.otherLights.end());
    for (size_t i = 0; i < all.size(); ++i) {
        const LightSource& l = all[i];
        const std::string which = all.size() > 1 ? "light " + std::to_string(i + 1) + ": " : "light: ";
        if (bad(l.intensity) || l.intensity > kMaxLightIntensity)
            throw Error(ErrorCode::Usage, which + "intensity must be within 0..2, got " + number(l.intensity));
        if (bad(l.color.r) || bad(l.color.g) || bad(l.color.b))
            throw Error(ErrorCode::Usage, which + "colour multipliers must be finite and non-negative");
        if (bad(l.size) || l.size > 1.0)
            throw Error(ErrorCode::Usage, which + "size must be within 0..1, got " + number(l.size));
        if (!std::isfinite(l.direction.azimuth) || !std::isfinite(l.direction.elevation) ||
            l.direction.elevation < -90.0 || l.direction.elevation > 90.0)
            throw Error(ErrorCode::Usage, which + "direction must be finite with elevation within -90..90");
    }
}

}  // namespace chiaro::core
