#pragma once
// The relight options shared by `relight` and `batch` (CONTRACTS.md §4): declared once, parsed into
// a core::RelightJob plus the engine options.
#include <string>

#include "arg_parser.h"
#include "chiaro/pipeline/engine.h"

namespace chiaro::cli {

void addRelightOptions(ArgParser& parser);

struct RelightCliSettings {
    core::RelightJob job;           // parameters only (no pixels yet)
    core::EngineOptions engine;
    std::string modelsDir;
    std::string maskPath;           // --mask
    std::string autoMask = "none";  // --auto-mask
    std::string backgroundPath;     // --background
    std::string previewDir;         // --preview-dir
    bool lightFromBackground = false;  // --light-from-background: the rig from the background photo
    int bitDepth = 8;
    bool stepsGiven = false;  // else the bundle variant's default (fc 25, fbc 20)
    bool cfgGiven = false;    // else fc 2, fbc 7
};

// IC-Light's per-variant defaults for what the user did not set.
void applyVariantDefaults(RelightCliSettings& settings, const std::string& variant);

// Parses everything but the pixels. Throws core::Error(Usage) with the offending option.
RelightCliSettings parseRelightOptions(const ArgParser& parser);

// Loads the photo, mask and background the settings name into the job (Error(BadInput) naming the
// file when one cannot be read).
void loadJobImages(RelightCliSettings& settings, const std::string& inputPath);

// --light-from-background: the job's light becomes the rig derived from `backgroundRgb` (CV_8UC3);
// an --ambient the user gave is kept.
void applyLightFromBackground(RelightCliSettings& settings, const cv::Mat& backgroundRgb);

}  // namespace chiaro::cli
