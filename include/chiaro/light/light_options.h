#pragma once
// LightSettings from the text of command-line options, shared by every command that takes a light
// (preview, lightmap, relight): --light AZ,EL[,INTENSITY[,KELVIN[,SIZE]]] (up to four times: the
// key light first) | --light-preset P | --rig FILE, --color-temp K and --intensity X (the key
// light, unless its --light spec gives them), --ambient X.
#include <optional>
#include <string>
#include <vector>

#include "chiaro/light/light.h"

namespace chiaro::core {

struct LightOptionsText {
    std::vector<std::string> lights;       // "AZ,EL[,INTENSITY[,KELVIN[,SIZE]]]", key light first
    std::optional<std::string> preset;     // left|right|top|bottom|front|back|none, or a named rig
    std::optional<std::string> colorTemp;  // kelvin, 1000..40000: the key light's
    std::optional<std::string> intensity;  // 0..2: the key light's
    std::optional<std::string> rig;        // a rig file (.json) or a PNG made by Chiaro
    std::optional<std::string> ambient;    // 0..1
    std::optional<std::string> environment;          // an equirectangular panorama (.hdr, .exr, ...)
    std::optional<std::string> environmentRotation;  // degrees added to its azimuths
};

// --env: the rig derived from the panorama (environment_light.h), rotated by --env-rotate; the
// --ambient given on top replaces the derived one.
// Throws Error(Usage) naming the option: more than four --light, two of --light, --light-preset,
// --rig and --env, --env-rotate without --env, an unknown preset, bad numbers, out-of-range values; Error(BadInput) for a rig file that
// cannot be read, or a panorama that is unreadable, not 2:1, too large or not finite. Neither direction option: no direction (like the preset "none"); callers that
// need one check `direction`. A --light spec's own intensity and kelvin win over --intensity and
// --color-temp (which have defaults in some commands).
LightSettings lightSettingsFromText(const LightOptionsText& text);

}  // namespace chiaro::core
