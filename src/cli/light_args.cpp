#include "light_args.h"

#include "chiaro/light/light_options.h"

namespace chiaro::cli {

void addLightOptions(ArgParser& parser) {
    parser.addOption("light", "AZ,EL[,I[,K[,S]]]",
                     "a light: azimuth, elevation in degrees (CONTRACTS.md §1), then optional "
                     "intensity 0..2, kelvin, size 0..1 (hard..soft); up to four times (key first)");
    parser.addOption("light-preset", "P",
                     "left | right | top | bottom | front | back | none, or a rig: rembrandt | "
                     "butterfly | split | clamshell | rim-only | window");
    parser.addOption("rig", "FILE", "a light rig: a rig .json or a PNG made by Chiaro");
    parser.addOption("env", "PANORAMA", "light from an equirectangular panorama (.hdr, .exr, 2:1)");
    parser.addOption("env-rotate", "DEG", "turn the panorama's light about the vertical axis");
    parser.addOption("ambient", "X", "ambient light 0..1 added everywhere");
    parser.addOption("color-temp", "K", "the (key) light's colour temperature in kelvin (6500 = white)");
    parser.addOption("intensity", "X", "the (key) light's intensity 0..2", "1");
}

core::LightSettings lightFromOptions(const ArgParser& parser) {
    core::LightOptionsText text;
    text.lights = parser.values("light");
    text.preset = parser.optional("light-preset");
    text.rig = parser.optional("rig");
    text.ambient = parser.optional("ambient");
    text.environment = parser.optional("env");
    text.environmentRotation = parser.optional("env-rotate");
    text.colorTemp = parser.optional("color-temp");
    text.intensity = parser.optional("intensity");
    return core::lightSettingsFromText(text);
}

}  // namespace chiaro::cli
