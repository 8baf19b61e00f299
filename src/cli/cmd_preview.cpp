// chiaro-cli preview: the instant, weight-free relight (PreviewRelighter) written to a PNG. Without
// --mask the whole image is the subject (a rough automatic subject guess would make results depend
// on a heuristic the user cannot see; the whole image is predictable).
#include <nlohmann/json.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/light/preview_relighter.h"
#include "cli_common.h"
#include "commands.h"
#include "light_args.h"

namespace chiaro::cli {

int runPreview(const Args& args) {
    ArgParser parser("preview", "Instant weight-free relight of a photo (no model needed).");
    parser.addPositional("input", "the photo (PNG, JPEG, WebP, BMP, TIFF)");
    parser.addOption("output", "OUT.png", "output PNG (also -o)");
    addLightOptions(parser);
    parser.addOption("mask", "M.png", "subject mask (255 = subject); default: the whole image");
    parser.addFlag("keep-unmasked", "copy the pixels outside the mask unchanged");
    parser.addOption("detail", "X", "relief taken from the photo's fine detail, 0..2", "0.5");
    if (!parser.parse(args))
        return printHelp(parser);
    applyCommonOptions(parser);

    const core::LightSettings light = lightFromOptions(parser);
    if (!light.direction)
        throw core::Error(core::ErrorCode::Usage, "preview: needs --light AZ,EL or --light-preset");
    const std::string output = parser.value("output");
    core::PreviewOptions options;
    options.keepUnmasked = parser.isSet("keep-unmasked");
    options.detailStrength = parser.doubleValue("detail", 0.5);
    if (!(options.detailStrength >= 0.0 && options.detailStrength <= 2.0)) {
        throw core::Error(core::ErrorCode::Usage, "preview: --detail must be within 0..2");
    }

    const auto maskPath = parser.optional("mask");
    checkOutputPath({parser.positional(0), maskPath.value_or("")}, output);
    const cv::Mat image = core::loadImageRgb(parser.positional(0));
    const cv::Mat mask = maskPath ? core::loadMask(*maskPath, image.size()) : cv::Mat();
    const core::PreviewRelighter relighter(image, mask, options);
    core::savePng(output, relighter.render(light));

    const auto& original = relighter.originalLight();
    nlohmann::json result{{"output", output},
                          {"whole_image", relighter.wholeImage()},
                          {"original_light",
                           {{"azimuth", original.direction.azimuth},
                            {"elevation", original.direction.elevation},
                            {"confidence", original.confidence}}}};
    printLine(parser.isSet("json") ? result.dump() : "wrote " + output);
    return 0;
}

}  // namespace chiaro::cli
