// chiaro-cli estimate-light: prints the photo's dominant light as JSON (always JSON: it is the
// result).
#include <cmath>

#include <nlohmann/json.hpp>

#include "chiaro/image/image_io.h"
#include "chiaro/light/light_estimator.h"
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
                          {"confidence", rounded(estimate.confidence, 1000)}};
    printLine(result.dump());
    return 0;
}

}  // namespace chiaro::cli
