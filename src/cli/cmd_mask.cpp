// chiaro-cli mask INPUT -o MASK.png [--auto-mask grabcut|segmenter|auto] [--rect x,y,w,h] [--models DIR]:
// automatic subject selection without the GUI. GrabCut needs no model; without --rect it starts from
// a centred rectangle inset 7.5 % on every side. The segmenter is the bundle's segmenter.pt.
// Exit codes: 2 bad arguments or rectangle, 3 an unreadable input, 4 no/corrupt segmenter.
#include <cstdio>
#include <filesystem>
#include <regex>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "auto_mask.h"
#include "chiaro/core/error.h"
#include "chiaro/core/paths.h"
#include "chiaro/image/image_io.h"
#include "chiaro/mask/grabcut.h"
#include "chiaro/mask/mask_ops.h"
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {
namespace {

using core::Error;
using core::ErrorCode;

// "x,y,w,h" with non-negative integers and a positive size.
cv::Rect parseRect(const std::string& text) {
    static const std::regex pattern(R"(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*)");
    std::smatch m;
    if (!std::regex_match(text, m, pattern) || m[1].length() > 6 || m[2].length() > 6 || m[3].length() > 6 ||
        m[4].length() > 6)
        throw Error(ErrorCode::Usage, "--rect '" + text + "' is not x,y,w,h (whole pixels)");
    const cv::Rect r(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]), std::stoi(m[4]));
    if (r.width <= 0 || r.height <= 0) throw Error(ErrorCode::Usage, "--rect '" + text + "' has no area");
    return r;
}

}  // namespace

int runMask(const Args& args) {
    ArgParser parser("mask", "selects the subject of a photo and writes the mask (255 = subject) as a PNG");
    parser.addPositional("input", "the photo");
    parser.addOption("output", "MASK.png", "output mask PNG (also -o)");
    parser.addOption("auto-mask", "METHOD", "grabcut (no model needed), segmenter (the bundle's segmenter.pt) "
                                            "or auto (segmenter when the bundle has one)", "grabcut");
    parser.addOption("models", "DIR", "model bundle with segmenter.pt (default: $CHIARO_MODELS)");
    parser.addOption("device", "D", "auto | cpu | cuda (segmenter)", "auto");
    parser.addOption("rect", "x,y,w,h", "the box around the subject (default: found in the photo; "
                                        "the subject may run out of the frame)");
    parser.addOption("iterations", "N", "GrabCut iterations", "5");
    if (!parser.parse(args)) return printHelp(parser);
    applyCommonOptions(parser);

    const std::string input = parser.positional(0);
    const std::string output = parser.value("output");
    const std::string method = parser.value("auto-mask");
    if (method != "grabcut" && method != "segmenter" && method != "auto")
        throw Error(ErrorCode::Usage, "unknown --auto-mask '" + method + "' (grabcut, segmenter, auto)");
    const bool hasRect = parser.isSet("rect");
    const cv::Rect requested = hasRect ? parseRect(parser.value("rect")) : cv::Rect();
    const int iterations = parser.intValue("iterations", 5);
    if (iterations < 1 || iterations > 50) throw Error(ErrorCode::Usage, "--iterations must be 1..50");
    checkOutputPath({input}, output);

    const cv::Mat rgb = core::loadImageRgb(input);
    core::EngineOptions engineOptions;
    engineOptions.device = parser.value("device");
    std::string used;
    const cv::Mat mask = computeAutoMask(method, rgb, parser.valueOr("models", core::defaultModelsDir()), engineOptions,
                                         &used, requested, iterations);
    // The box GrabCut started from, or the bounding box of what was selected when none was given.
    const cv::Rect box = hasRect ? requested : cv::boundingRect(mask);
    core::savePng(output, mask);

    const double coverage = core::maskCoverage(mask);
    if (parser.isSet("json")) {
        printLine(nlohmann::json{{"output", output},
                                 {"width", mask.cols},
                                 {"height", mask.rows},
                                 {"method", used},
                                 {"rect", {box.x, box.y, box.width, box.height}},
                                 {"coverage", coverage}}
                      .dump());
    } else {
        char percent[32];
        std::snprintf(percent, sizeof percent, "%.1f", coverage * 100.0);
        printLine("wrote " + output + " (" + std::to_string(mask.cols) + "x" + std::to_string(mask.rows) + ", " +
                  percent + " % selected)");
    }
    return 0;
}

}  // namespace chiaro::cli
