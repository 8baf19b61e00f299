// chiaro-cli lightmap: writes the light map that seeds the diffusion's initial latent (IC-Light's
// gradient for left/right/top/bottom, the continuous map for any other direction).
#include <nlohmann/json.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/light/light_map.h"
#include "chiaro/light/light_rig.h"
#include "cli_common.h"
#include "commands.h"
#include "light_args.h"

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
    addLightOptions(parser);
    parser.addOption("width", "W", "map width in pixels", "512");
    parser.addOption("height", "H", "map height in pixels", "640");
    parser.addOption("variant", "fc|fbc", "fc: gradient 255..0, fbc: 224..32", "fc");
    parser.addOption("output", "MAP.png", "output PNG (also -o)");
    if (!parser.parse(args))
        return printHelp(parser);
    applyCommonOptions(parser);

    const core::LightSettings light = lightFromOptions(parser);
    if (!light.direction) {
        throw core::Error(core::ErrorCode::Usage,
                          "lightmap: needs --light AZ,EL or a --light-preset other than none");
    }
    const std::string output = parser.value("output");
    const int width = parser.intValue("width", 512), height = parser.intValue("height", 640);
    const cv::Mat map =
        core::renderLightMap(light, width, height, parseVariant(parser.value("variant")));
    core::savePng(output, map);

    // A rig's map is not one of IC-Light's gradients even when its key sits at a preset.
    const auto preset = light.isSingleLight() ? core::exactIcLightPreset(*light.direction) : std::nullopt;
    nlohmann::json result{{"output", output},
                          {"width", width},
                          {"height", height},
                          {"azimuth", light.direction->azimuth},
                          {"elevation", light.direction->elevation},
                          {"exact_preset", preset ? core::lightPresetName(*preset) : ""},
                          {"rig", core::rigToJson(light)}};
    printLine(parser.isSet("json") ? result.dump() : "wrote " + output);
    return 0;
}

}  // namespace chiaro::cli
