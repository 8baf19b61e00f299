#pragma once
// The light options every light-taking subcommand shares (relight, preview, lightmap): one place
// declares them and reads them into core::LightSettings (chiaro/light/light_options.h).
#include "arg_parser.h"
#include "chiaro/light/light.h"

namespace chiaro::cli {

// --light (up to four times), --light-preset, --rig, --env, --env-rotate, --ambient, --color-temp, --intensity
// (default 1).
void addLightOptions(ArgParser& parser);
// Throws core::Error(Usage / BadInput) with the option's name (lightSettingsFromText).
core::LightSettings lightFromOptions(const ArgParser& parser);

}  // namespace chiaro::cli
