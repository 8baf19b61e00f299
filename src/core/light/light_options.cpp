#include "chiaro/light/light_options.h"

#include <cmath>
#include <cstdlib>

#include "chiaro/core/error.h"

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

}  // namespace

LightSettings lightSettingsFromText(const LightOptionsText& text) {
    if (text.light && text.preset) {
        throw Error(ErrorCode::Usage,
                    "--light and --light-preset cannot be combined: give one of them");
    }
    LightSettings settings;
    if (text.light)
        settings.direction = parseLightDirection(*text.light);
    if (text.preset) {
        const auto preset = parseLightPreset(*text.preset);
        if (!preset) {
            throw Error(ErrorCode::Usage, "--light-preset: unknown preset '" + *text.preset +
                                              "' (left, right, top, bottom, front, back, none)");
        }
        settings.direction = presetDirection(*preset);
    }
    if (text.colorTemp)
        settings.color = LightColor::fromKelvin(parseNumberOption("color-temp", *text.colorTemp));
    if (text.intensity)
        settings.intensity = parseNumberOption("intensity", *text.intensity);
    validateLightSettings(settings);
    return settings;
}

}  // namespace chiaro::core
