#pragma once
// LightSettings from the text of command-line options, shared by every command that takes a light
// (preview, lightmap, relight, batch): --light AZ,EL | --light-preset P, --color-temp K,
// --intensity X.
#include <optional>
#include <string>

#include "chiaro/light/light.h"

namespace chiaro::core {

struct LightOptionsText {
    std::optional<std::string> light;      // "AZ,EL" in degrees
    std::optional<std::string> preset;     // left|right|top|bottom|front|back|none
    std::optional<std::string> colorTemp;  // kelvin, 1000..40000
    std::optional<std::string> intensity;  // 0..2
};

// Throws Error(Usage) naming the option: both --light and --light-preset, an unknown preset, bad
// numbers, out-of-range values. Neither direction option: no direction (like the preset "none");
// callers that need one check `direction`.
LightSettings lightSettingsFromText(const LightOptionsText& text);

}  // namespace chiaro::core
