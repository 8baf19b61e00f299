// chiaro-cli estimate-light: prints the photo's dominant light, and the rig (a key and a fill when
// the photo shows two), as JSON (always JSON: it is the result).
#include <cmath>

#include <nlohmann/json.hpp>

#include "chiaro/image/image_io.h"
#include "chiaro/light/light_estimator.h"
#include "chiaro/light/light_rig.h"
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {
namespace {

// Divides by a power of ten (rather than multiplying by 0.01) so that 0.69 prints as 0.69.
double rounded(double value, double perUnit) {
    return std::round(value * perUnit) / perUnit;
}

}  // namespace

int runEstimateLight(const Args& args) {
    ArgParser parser("estimate-light", "Estimate the dominant light direction of a photo.");
    parser.addPositional("input", "the photo (PNG, JPEG, WebP, BMP, TIFF)");
    parser.addOption("mask", "M.png",
                     "subject mask (255 = subject); default: the whole image (lower confidence)");
    if (!parser.parse(args))
        return printHelp(parser);
    applyCommonOptions(parser);

    const cv::Mat image = core::loadImageRgb(parser.positional(0));
    const auto maskPath = parser.optional("mask");
    const cv::Mat mask = maskPath ? core::loadMask(*maskPath, image.size()) : cv::Mat();
    const core::LightEstimate estimate = core::estimateLight(image, mask);
    // Rounded: the estimate is good to a degree at best; more digits would only be noise.
    nlohmann::json result{{"azimuth", rounded(estimate.direction.azimuth, 100)},
                          {"elevation", rounded(estimate.direction.elevation, 100)},
                          {"confidence", rounded(estimate.confidence, 1000)},
                          {"lights", estimate.rig.lights().size()}};
    // The whole estimate as a rig file's JSON (key, and a fill when the photo shows two lights):
    // `estimate-light photo.png | jq .rig > rig.json` feeds --rig.
    core::LightSettings rig = estimate.rig;
    rig.ambient = rounded(rig.ambient, 1000);
    for (core::LightSource& l : rig.otherLights) {
        l.direction = core::LightDirection::normalized(rounded(l.direction.azimuth, 100), rounded(l.direction.elevation, 100));
        l.intensity = rounded(l.intensity, 1000);
    }
    if (rig.direction)
        rig.direction = core::LightDirection::normalized(rounded(rig.direction->azimuth, 100), rounded(rig.direction->elevation, 100));
    result["rig"] = core::rigToJson(rig);
    printLine(result.dump());
    return 0;
}

}  // namespace chiaro::cli
