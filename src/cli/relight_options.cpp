#include "relight_options.h"

#include "light_args.h"

#include "auto_mask.h"

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/core/paths.h"
#include "chiaro/image/image_io.h"
#include "chiaro/image/photo.h"
#include "chiaro/image/pillow_resize.h"
#include "chiaro/light/environment_light.h"
#include "chiaro/pipeline/presets.h"

namespace chiaro::cli {
using core::Error;
using core::ErrorCode;

void addRelightOptions(ArgParser& p) {
    p.addOption("mask", "M.png", "subject (or inpaint region) mask, 255 = selected");
    p.addOption("auto-mask", "KIND", "grabcut | segmenter | auto | none, when no --mask is given", "none");
    p.addOption("mode", "MODE", "subject (relight the masked subject) | inpaint (regenerate the masked region)", "subject");
    p.addOption("background", "BG", "background image for the fbc model");
    p.addOption("background-mode", "MODE", "fbc background: upload | flip | grey | light", "light");
    addLightOptions(p);
    p.addFlag("light-from-background",
              "fbc: derive the light rig from the --background photo (its bright areas become lights)");
    p.addOption("keep-colour", "X",
                "keep the subject's colours from the photo, 0..1 (1 = its chroma exactly; the "
                "luminance follows the new light)", "0");
    p.addOption("prompt", "P", "what the picture shows and how it is lit", "");
    p.addOption("added-prompt", "A", "appended to the prompt", "best quality");
    p.addOption("negative-prompt", "N", "what to avoid", "lowres, bad anatomy, bad hands, cropped, worst quality");
    p.addOption("seed", "S", "random seed", "12345");
    p.addOption("steps", "N", "sampler steps (fc 25, fbc 20)");
    p.addOption("cfg", "X", "classifier-free guidance scale (fc 2, fbc 7; lcm and tcd: 1 unless given)");
    p.addOption("width", "W", "working width, multiple of 64 (rounded); default: the photo's aspect at 512x640 pixels");
    p.addOption("height", "H", "working height, multiple of 64 (rounded); default: from the photo's aspect");
    p.addFlag("crop", "crop the photo to the working aspect (IC-Light's framing); default: never cropped");
    p.addOption("output-size", "S", "photo (the photo's own size) | working (the diffusion's) | WxH", "photo");
    p.addOption("lowres-denoise", "X", "first-pass denoise when starting from a light map", "0.9");
    p.addOption("highres-scale", "X", "size factor of the high-resolution pass", "1.5");
    p.addOption("highres-denoise", "X", "denoise of the high-resolution pass", "0.5");
    p.addOption("sampler", "NAME",
                "dpmpp-2m-sde-karras | dpmpp-2m-karras | euler-a | ddim | lcm | tcd (lcm and tcd need an "
                "LCM/TCD LoRA in the bundle; they default --cfg to 1)",
                "dpmpp-2m-sde-karras");
    p.addOption("tcd-gamma", "X", "gamma (eta) of the tcd sampler: 0 deterministic .. 1 stochastic", "0.3");
    p.addOption("highres-steps", "N", "steps of the high-resolution pass (0 = same as --steps)", "0");
    p.addOption("preset", "NAME",
                "default | fast (lcm, 6 steps, CFG 1.2, 4 high-resolution steps; for a bundle with a "
                "few-step LoRA); options given explicitly override it",
                "default");
    p.addOption("detail", "X", "transfer the photo's fine detail back onto the subject, 0..1", "0");
    p.addOption("models", "DIR", "model bundle folder (default: $CHIARO_MODELS, then the user data folder)");
    p.addOption("device", "D", "auto | cpu | cuda", "auto");
    p.addOption("precision", "P", "auto | fp32 | fp16 | bf16", "auto");
    p.addOption("threads", "N", "CPU threads (0 = all cores)", "0");
    p.addOption("bit-depth", "N", "output bit depth: auto (the photo's), 8 or 16", "auto");
    p.addFlag("keep-unmasked", "keep pixels outside the feathered mask identical to the input");
    p.addFlag("transparent", "RGBA output with the subject mask as alpha");
}

// --preset: the preset's fields, then whatever the user gave explicitly on top. The preset's steps
// and CFG count as given (no variant defaults over them). Without a preset, lcm / tcd get CFG 1 (what
// they were distilled for) unless --cfg is given.
static void applyPresetOption(const ArgParser& p, RelightCliSettings& s) {
    const std::string preset = p.value("preset");
    core::RelightJob& job = s.job;
    if (preset != "default") {
        job = core::applyNamedPreset(preset, job);
        if (p.isSet("steps")) job.steps = p.intValue("steps", job.steps);
        if (p.isSet("cfg")) job.cfg = p.doubleValue("cfg", job.cfg);
        if (p.isSet("sampler")) job.sampler = core::parseSamplerKind(p.value("sampler"));
        if (p.isSet("highres-steps")) job.highresSteps = p.intValue("highres-steps", 0);
        s.stepsGiven = true;
        s.cfgGiven = true;
    }
    if (!s.cfgGiven && core::isFewStepSampler(job.sampler)) {
        job.cfg = 1.0;
        s.cfgGiven = true;  // not the fbc CFG 7 either
    }
}

static int roundTo64(int value, const char* name) {
    // 0 means "from the photo" inside the job; on the command line that is leaving the option out.
    if (value <= 0) {
        throw Error(ErrorCode::Usage, std::string("--") + name + " must be within 256...2048, got " +
                                          std::to_string(value) + " (leave it out to follow the photo's aspect)");
    }
    int rounded = static_cast<int>(core::pythonRound(value / 64.0) * 64);
    if (rounded != value) core::namedLogger("cli")->warn("--{} {} rounded to {}", name, value, rounded);
    return rounded;
}

RelightCliSettings parseRelightOptions(const ArgParser& p) {
    RelightCliSettings s;
    core::RelightJob& job = s.job;
    const std::string mode = p.value("mode");
    if (mode != "subject" && mode != "inpaint") throw Error(ErrorCode::Usage, "--mode must be subject or inpaint");
    job.mode = mode == "inpaint" ? core::RelightMode::Inpaint : core::RelightMode::Subject;
    job.light = lightFromOptions(p);
    job.keepColour = p.doubleValue("keep-colour", 0.0);
    // Checked here too (the engine checks it again) so a typo fails before a 24 MP photo is read.
    if (!(job.keepColour >= 0.0 && job.keepColour <= 1.0))
        throw Error(ErrorCode::Usage, "--keep-colour must be within 0...1");
    job.prompt = p.value("prompt");
    job.addedPrompt = p.value("added-prompt");
    job.negativePrompt = p.value("negative-prompt");
    const std::string seed = p.value("seed");
    try {
        size_t used = 0;
        job.seed = std::stoull(seed, &used);
        if (used != seed.size()) throw std::invalid_argument(seed);
    } catch (const std::exception&) {
        throw Error(ErrorCode::Usage, "--seed expects a non-negative integer, got '" + seed + "'");
    }
    job.steps = p.intValue("steps", job.steps);
    job.cfg = p.doubleValue("cfg", job.cfg);
    s.stepsGiven = p.isSet("steps");
    s.cfgGiven = p.isSet("cfg");
    if (p.isSet("width")) s.job.width = roundTo64(p.intValue("width", 0), "width");
    if (p.isSet("height")) s.job.height = roundTo64(p.intValue("height", 0), "height");
    s.job.crop = p.isSet("crop");
    s.job.outputSize = core::parseOutputSize(p.value("output-size"));
    job.lowresDenoise = p.doubleValue("lowres-denoise", 0.9);
    job.highresScale = p.doubleValue("highres-scale", 1.5);
    job.highresDenoise = p.doubleValue("highres-denoise", 0.5);
    job.sampler = core::parseSamplerKind(p.value("sampler"));
    job.tcdGamma = p.doubleValue("tcd-gamma", core::kDefaultTcdGamma);
    job.highresSteps = p.intValue("highres-steps", 0);
    applyPresetOption(p, s);
    job.detailPreserve = p.doubleValue("detail", 0.0);
    job.keepUnmasked = p.isSet("keep-unmasked");
    job.transparent = p.isSet("transparent");
    const std::string bgMode = p.value("background-mode");
    if (bgMode == "upload") job.fbcBackground = core::FbcBackground::Upload;
    else if (bgMode == "flip") job.fbcBackground = core::FbcBackground::UploadFlipped;
    else if (bgMode == "grey" || bgMode == "gray") job.fbcBackground = core::FbcBackground::Grey;
    else if (bgMode == "light") job.fbcBackground = core::FbcBackground::LightMap;
    else throw Error(ErrorCode::Usage, "--background-mode must be upload, flip, grey or light");
    s.backgroundPath = p.valueOr("background", "");
    if (!s.backgroundPath.empty() && !p.isSet("background-mode")) job.fbcBackground = core::FbcBackground::Upload;
    s.lightFromBackground = p.isSet("light-from-background");
    if (s.lightFromBackground && s.backgroundPath.empty())
        throw Error(ErrorCode::Usage, "--light-from-background needs --background BG");
    if (s.lightFromBackground && (p.isSet("light") || p.isSet("light-preset") || p.isSet("rig") || p.isSet("env")))
        throw Error(ErrorCode::Usage, "--light-from-background cannot be combined with --light, --light-preset, --rig or --env");

    s.maskPath = p.valueOr("mask", "");
    s.autoMask = p.value("auto-mask");
    if (s.autoMask != "none" && s.autoMask != "grabcut" && s.autoMask != "segmenter" && s.autoMask != "auto") {
        throw Error(ErrorCode::Usage, "--auto-mask must be grabcut, segmenter, auto or none");
    }
    s.modelsDir = p.valueOr("models", core::defaultModelsDir());
    s.engine.device = p.value("device");
    s.engine.precision = p.value("precision");
    s.engine.threads = p.intValue("threads", 0);
    const std::string depth = p.value("bit-depth");
    s.bitDepth = depth == "auto" ? 0 : depth == "8" ? 8 : depth == "16" ? 16 : -1;
    if (s.bitDepth < 0) throw Error(ErrorCode::Usage, "--bit-depth must be auto, 8 or 16, got '" + depth + "'");
    s.job.outputBitDepth = s.bitDepth;
    s.previewDir = p.valueOr("preview-dir", "");
    return s;
}

void applyVariantDefaults(RelightCliSettings& s, const std::string& variant) {
    if (variant != "fbc") return;
    if (!s.stepsGiven) s.job.steps = 20;
    if (!s.cfgGiven) s.job.cfg = 7.0;
}

void loadJobImages(RelightCliSettings& s, const std::string& inputPath) {
    core::setJobPhoto(s.job, core::loadPhoto(inputPath));
    if (!s.maskPath.empty()) {
        s.job.mask = core::loadMask(s.maskPath, s.job.image.size());
        s.job.maskSource = "file";
    } else if (s.autoMask != "none") {
        s.job.mask = computeAutoMask(s.autoMask, s.job.image, s.modelsDir, s.engine, &s.job.maskSource);
    }
    if (!s.backgroundPath.empty()) s.job.background = core::loadImageRgb(s.backgroundPath);
    if (s.lightFromBackground) applyLightFromBackground(s, s.job.background);
}

void applyLightFromBackground(RelightCliSettings& s, const cv::Mat& backgroundRgb) {
    const double ambient = s.job.light.ambient;
    s.job.light = core::rigFromBackground(backgroundRgb);
    if (ambient > 0.0) s.job.light.ambient = ambient;  // an explicit --ambient wins
}

}  // namespace chiaro::cli
