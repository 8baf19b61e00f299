// chiaro-cli lightmap: writes the light map that seeds the diffusion's initial latent (IC-Light's
// gradient for left/right/top/bottom, the continuous map for any other direction).
#include <nlohmann/json.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/light/light_map.h"
#include "chiaro/light/light_options.h"
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {
namespace {

core::LightMapVariant parseVariant(const std::string& text) {
    if (text == "fc")
        return core::LightMapVariant::Fc;
    if (text == "fbc")
        return core::LightMapVariant::Fbc;
    throw core::Error(core::ErrorCode::Usage,
                      "lightmap: --variant must be fc or fbc, got '" + text + "'");
}

}  // namespace

int runLightmap(const Args& args) {
    ArgParser parser("lightmap",
                     "Write the light map (initial latent image) for a light direction.");
    parser.addOption("light", "AZ,EL", "light direction in degrees (CONTRACTS.md §1)");
    parser.addOption("light-preset", "P",
                     "left|right|top|bottom (IC-Light's exact gradients), front, back");
    parser.addOption("width", "W", "map width in pixels", "512");
    parser.addOption("height", "H", "map height in pixels", "640");
    parser.addOption("variant", "fc|fbc", "fc: gradient 255..0, fbc: 224..32", "fc");
    parser.addOption("color-temp", "K", "light colour temperature in kelvin (6500 = white)");
    parser.addOption("intensity", "X", "light intensity 0..2", "1");
    parser.addOption("output", "MAP.png", "output PNG (also -o)");
    if (!parser.parse(args))
        return printHelp(parser);
    applyCommonOptions(parser);

    const core::LightSettings light =
        core::lightSettingsFromText({parser.optional("light"), parser.optional("light-preset"),
                                     parser.optional("color-temp"), parser.optional("intensity")});
    if (!light.direction) {
        throw core::Error(core::ErrorCode::Usage,
                          "lightmap: needs --light AZ,EL or a --light-preset other than none");
    }
    const std::string output = parser.value("output");
    const int width = parser.intValue("width", 512), height = parser.intValue("height", 640);
    const cv::Mat map =
        core::renderLightMap(light, width, height, parseVariant(parser.value("variant")));
    core::savePng(output, map);

    const auto preset = core::exactIcLightPreset(*light.direction);
    nlohmann::json result{{"output", output},
                          {"width", width},
                          {"height", height},
                          {"azimuth", light.direction->azimuth},
                          {"elevation", light.direction->elevation},
                          {"exact_preset", preset ? core::lightPresetName(*preset) : ""}};
    printLine(parser.isSet("json") ? result.dump() : "wrote " + output);
    return 0;
}

}  // namespace chiaro::cli
