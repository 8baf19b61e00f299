#include "chiaro/light/light_options.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "chiaro/core/error.h"
#include "chiaro/light/environment_light.h"
#include "chiaro/light/light_rig.h"

namespace chiaro::core {
namespace {

double parseNumberOption(const std::string& option, const std::string& text) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(value)) {
        throw Error(ErrorCode::Usage, "--" + option + " expects a number, got '" + text + "'");
    }
    return value;
}

size_t fieldCount(const std::string& spec) {
    return 1 + static_cast<size_t>(std::count(spec.begin(), spec.end(), ','));
}

// --light-preset: IC-Light's single-direction presets, then the named rigs.
LightSettings presetLight(const std::string& name) {
    if (const auto preset = parseLightPreset(name)) {
        LightSettings settings;
        settings.direction = presetDirection(*preset);
        return settings;
    }
    std::string rigs;
    for (const NamedRig& rig : namedRigs()) {
        if (name == rig.name)
            return rig.light;
        rigs += ", " + rig.name;
    }
    throw Error(ErrorCode::Usage, "--light-preset: unknown preset '" + name +
                                      "' (left, right, top, bottom, front, back, none" + rigs + ")");
}

}  // namespace

LightSettings lightSettingsFromText(const LightOptionsText& text) {
    const int sources = (text.lights.empty() ? 0 : 1) + (text.preset ? 1 : 0) + (text.rig ? 1 : 0) +
                        (text.environment ? 1 : 0);
    if (sources > 1) {
        throw Error(ErrorCode::Usage,
                    "--light, --light-preset, --rig and --env cannot be combined: give one of them");
    }
    if (text.environmentRotation && !text.environment)
        throw Error(ErrorCode::Usage, "--env-rotate needs --env PANORAMA");
    if (text.lights.size() > static_cast<size_t>(kMaxRigLights)) {
        throw Error(ErrorCode::Usage, "--light: at most " + std::to_string(kMaxRigLights) +
                                          " lights, got " + std::to_string(text.lights.size()));
    }
    LightSettings settings;
    const bool keyGivesIntensity = !text.lights.empty() && fieldCount(text.lights.front()) >= 3;
    const bool keyGivesKelvin = !text.lights.empty() && fieldCount(text.lights.front()) >= 4;
    if (!text.lights.empty()) {
        std::vector<LightSource> lights;
        for (const std::string& spec : text.lights)
            lights.push_back(parseLightSpec(spec));
        settings.setLights(lights);
    }
    if (text.preset)
        settings = presetLight(*text.preset);
    if (text.rig)
        settings = loadRigFile(*text.rig);
    if (text.environment) {
        EnvironmentRigOptions options;
        if (text.environmentRotation)
            options.rotationDeg = parseNumberOption("env-rotate", *text.environmentRotation);
        settings = rigFromEnvironment(loadEnvironmentMap(*text.environment), options);
    }
    // --color-temp / --intensity set the key light of --light or a single preset; a rig file or a
    // named rig keeps its key's intensity (--intensity has a default in some commands).
    if (text.colorTemp && !keyGivesKelvin)
        settings.color = LightColor::fromKelvin(parseNumberOption("color-temp", *text.colorTemp));
    if (text.intensity && !keyGivesIntensity && !text.environment &&
        (settings.isSingleLight() || !text.lights.empty()))
        settings.intensity = parseNumberOption("intensity", *text.intensity);
    if (text.ambient)
        settings.ambient = parseNumberOption("ambient", *text.ambient);
    validateLightSettings(settings);
    return settings;
}

}  // namespace chiaro::core
