#pragma once
// The light model's vocabulary (CONTRACTS.md §1). Camera space: x right, y up, z toward the viewer.
// A light at azimuth az and elevation el (degrees) shines FROM L = (cos el sin az, sin el, cos el cos az).
// az 0 = front (from the camera), 90 = from the right, 180 = from behind, 270 = from the left;
// el +90 = from above, -90 = from below. az is kept in [0, 360), el in [-90, 90].
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace chiaro::core {

struct LightDirection {
    double azimuth = 0.0;    // degrees, [0, 360)
    double elevation = 0.0;  // degrees, [-90, 90]

    // Wraps az into [0, 360) and clamps el.
    static LightDirection normalized(double azimuth, double elevation);
    static LightDirection fromVector(const std::array<double, 3>& v);  // any non-zero vector
    std::array<double, 3> toVector() const;                            // unit length
};

enum class LightPreset { None, Left, Right, Top, Bottom, Front, Back };

// IC-Light names: left = (270, 0), right = (90, 0), top = (0, 90), bottom = (0, -90);
// front = (0, 0), back = (180, 0). None has no direction.
std::optional<LightDirection> presetDirection(LightPreset preset);
// Parses "left", "right", "top", "bottom", "none", "front", "back" (case-insensitive).
std::optional<LightPreset> parseLightPreset(const std::string& name);
std::string lightPresetName(LightPreset preset);
// The preset whose direction equals `d` within 1e-6 degrees, if any (Left..Bottom only: these have
// IC-Light's exact gradients).
std::optional<LightPreset> exactIcLightPreset(const LightDirection& d);

// Parses "AZ,EL" (degrees). Throws Error(Usage) with the offending text.
LightDirection parseLightDirection(const std::string& text);

struct LightColor {
    double r = 1.0, g = 1.0, b = 1.0;  // linear multipliers, 1 = white
    static LightColor fromKelvin(double kelvin);  // 1000..40000 K, 6500 K ≈ white
};

// One lamp of a light rig (issue #21). `size` is the lamp's apparent size: 0 = a hard point light
// (today's single light), 1 = a very large soft box; it softens the light map's ramp and the
// preview's terminator and highlight.
struct LightSource {
    LightDirection direction;
    LightColor color;
    double intensity = 1.0;  // 0..kMaxLightIntensity
    double size = 0.0;       // 0..1
};

constexpr int kMaxRigLights = 4;
constexpr double kMaxLightIntensity = 2.0;
constexpr double kMaxAmbient = 1.0;

// Everything the user sets about the light: the key light (`direction`, `color`, `intensity`,
// `size`), up to three more lights of a rig (fill, rim, ...) and an ambient level. `direction`
// empty = IC-Light's "None": no light at all (the other lights and the ambient are then ignored).
// A single hard light without ambient (isSingleLight) renders exactly the maps of before the rig,
// IC-Light's gradients at the four presets (parity).
struct LightSettings {
    std::optional<LightDirection> direction;
    LightColor color;
    double intensity = 1.0;  // 0..2, 1 = IC-Light's plain gradient
    double size = 0.0;       // the key light's size, 0..1
    std::vector<LightSource> otherLights;  // at most kMaxRigLights - 1
    double ambient = 0.0;    // 0..1: uniform light added everywhere (the map's floor, the preview's fill)

    bool isSingleLight() const { return otherLights.empty() && size == 0.0 && ambient == 0.0; }
    // The key light and the others, in order; empty without a direction.
    std::vector<LightSource> lights() const;
    // Sets the key light and the others from `lights` (the first is the key); empty = no light.
    void setLights(const std::vector<LightSource>& lights);
};

bool operator==(const LightColor& a, const LightColor& b);
bool operator==(const LightSource& a, const LightSource& b);
bool operator==(const LightSettings& a, const LightSettings& b);
inline bool operator!=(const LightSettings& a, const LightSettings& b) { return !(a == b); }

// Throws Error(Usage) when an intensity is outside 0..kMaxLightIntensity, a colour multiplier is
// negative or not finite, a size is outside 0..1, the ambient outside 0..1 or there are more than
// kMaxRigLights lights. The renderers call it; the GUI may call it to validate user input.
void validateLightSettings(const LightSettings& light);

}  // namespace chiaro::core
