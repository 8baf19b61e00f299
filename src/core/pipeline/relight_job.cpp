#include "chiaro/pipeline/relight_job.h"

#include "chiaro/light/light_rig.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "chiaro/core/error.h"
#include "chiaro/image/photo.h"
#include "chiaro/image/pillow_resize.h"

namespace chiaro::core {
namespace {

constexpr int kMaxHighresSide = 4096;

const char* modeName(RelightMode mode) { return mode == RelightMode::Subject ? "subject" : "inpaint"; }

const char* fbcBackgroundName(FbcBackground b) {
    switch (b) {
        case FbcBackground::Upload: return "upload";
        case FbcBackground::UploadFlipped: return "flip";
        case FbcBackground::Grey: return "grey";
        case FbcBackground::LightMap: return "light";
    }
    return "light";
}

FbcBackground parseFbcBackground(const std::string& name) {
    if (name == "upload") return FbcBackground::Upload;
    if (name == "flip") return FbcBackground::UploadFlipped;
    if (name == "grey" || name == "gray") return FbcBackground::Grey;
    if (name == "light") return FbcBackground::LightMap;
    throw Error(ErrorCode::BadInput, "unknown fbc background '" + name + "'");
}

std::string formatNumber(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

}  // namespace

cv::Size highresSize(int width, int height, double scale) {
    return {static_cast<int>(pythonRound(width * scale / 64.0) * 64),
            static_cast<int>(pythonRound(height * scale / 64.0) * 64)};
}

void setJobPhoto(RelightJob& job, const Photo& photo) {
    job.image = photoToSrgb8(photo);
    const bool same = photo.isSrgb() && photo.bitDepth() == 8;
    job.original = same ? cv::Mat() : photo.pixels;
    job.iccProfile = photo.iccProfile;
}

cv::Size resolvedWorkingSize(const RelightJob& job) {
    if (job.width > 0 && job.height > 0) return {job.width, job.height};
    const cv::Size photo = job.image.size();
    if (job.width <= 0 && job.height <= 0) return workingSizeFor(photo);
    const double aspect = photo.height > 0 ? static_cast<double>(photo.width) / photo.height : 0.8;
    if (job.width > 0) return {job.width, roundWorkingSide(job.width / aspect)};
    return {roundWorkingSide(job.height * aspect), job.height};
}

void validateJob(const RelightJob& input, const std::string& variant) {
    auto usage = [](const std::string& what) { throw Error(ErrorCode::Usage, what); };
    if (input.image.empty() || input.image.type() != CV_8UC3) usage("the job has no RGB image");
    RelightJob job = input;  // a shallow copy: cv::Mat shares the pixels
    const cv::Size working = resolvedWorkingSize(input);
    job.width = working.width;
    job.height = working.height;
    if (!job.mask.empty() && (job.mask.type() != CV_8UC1 || job.mask.size() != job.image.size())) {
        throw Error(ErrorCode::BadInput, "the mask must be a grey image of the photo's size");
    }
    if (!job.original.empty() && ((job.original.type() != CV_8UC3 && job.original.type() != CV_16UC3) ||
                                  job.original.size() != job.image.size())) {
        usage("the original photo must be 8- or 16-bit RGB of the model image's size");
    }
    if (job.outputBitDepth != 0 && job.outputBitDepth != 8 && job.outputBitDepth != 16) {
        usage("the output bit depth must be 8 or 16");
    }
    resolveOutputSize(job.outputSize, job.image.size(), job.image.size());  // over twice the photo: Usage
    for (int side : {job.width, job.height}) {
        if (side % 64 != 0) usage("width and height must be multiples of 64, got " + std::to_string(side));
        if (side < kMinWorkingSide || side > kMaxWorkingSide) {
            usage("width and height must be within " + std::to_string(kMinWorkingSide) + "..." +
                  std::to_string(kMaxWorkingSide) + ", got " + std::to_string(side));
        }
    }
    if (job.steps < 1 || job.steps > 500) usage("steps must be within 1...500");
    if (job.highresSteps < 0 || job.highresSteps > 500) usage("highres steps must be within 0...500 (0 = the steps)");
    if (!(job.tcdGamma >= 0.0 && job.tcdGamma <= 1.0)) usage("tcd gamma must be within 0...1");
    if (isFewStepSampler(job.sampler)) {
        const int highres = job.highresSteps > 0 ? job.highresSteps : job.steps;
        if (std::max(job.steps, highres) > kFewStepOriginalSteps) {
            usage(samplerName(job.sampler) + " runs at most " + std::to_string(kFewStepOriginalSteps) +
                  " steps per pass (its distillation schedule)");
        }
    }
    if (!(job.cfg >= 0.0 && job.cfg <= 50.0)) usage("cfg must be within 0...50");
    if (!(job.lowresDenoise > 0.0 && job.lowresDenoise <= 1.0)) usage("lowres denoise must be within (0, 1]");
    if (!(job.highresDenoise > 0.0 && job.highresDenoise <= 1.0)) usage("highres denoise must be within (0, 1]");
    if (!(job.highresScale >= 1.0 && job.highresScale <= 3.0)) usage("highres scale must be within 1...3");
    cv::Size hr = highresSize(job.width, job.height, job.highresScale);
    if (hr.width > kMaxHighresSide || hr.height > kMaxHighresSide) {
        usage("the high-resolution pass would be " + std::to_string(hr.width) + "x" +
              std::to_string(hr.height) + ", over " + std::to_string(kMaxHighresSide));
    }
    if (!(job.detailPreserve >= 0.0 && job.detailPreserve <= 1.0)) usage("detail preservation must be within 0...1");
    if (!(job.keepColour >= 0.0 && job.keepColour <= 1.0)) usage("--keep-colour must be within 0...1");
    if (job.mode == RelightMode::Inpaint && job.mask.empty()) usage("inpaint mode needs a mask of the region to regenerate");
    if (job.mode == RelightMode::Inpaint && job.transparent) usage("--transparent applies to subject mode only");
    if (variant == "fbc") {
        bool needsUpload = job.fbcBackground == FbcBackground::Upload ||
                           job.fbcBackground == FbcBackground::UploadFlipped;
        if (needsUpload && (job.background.empty() || job.background.type() != CV_8UC3)) {
            usage("this background mode needs a background image (--background)");
        }
        if (job.fbcBackground == FbcBackground::LightMap && !job.light.direction) {
            usage("the fbc model needs a light direction or a background image");
        }
    } else if (!job.background.empty()) {
        throw Error(ErrorCode::ModelBundle,
                    "a background image needs an fbc bundle; this bundle is '" + variant + "'");
    }
}

nlohmann::json jobToJson(const RelightJob& job) {
    const nlohmann::json light = lightToJobJson(job.light);
    return {
        {"mode", modeName(job.mode)},
        {"light", light},
        {"fbc_background", fbcBackgroundName(job.fbcBackground)},
        {"prompt", job.prompt},
        {"added_prompt", job.addedPrompt},
        {"negative_prompt", job.negativePrompt},
        {"seed", job.seed},
        {"steps", job.steps},
        {"cfg", job.cfg},
        {"width", job.width},
        {"height", job.height},
        {"lowres_denoise", job.lowresDenoise},
        {"highres_scale", job.highresScale},
        {"highres_denoise", job.highresDenoise},
        {"sampler", samplerName(job.sampler)},
        {"tcd_gamma", job.tcdGamma},
        {"highres_steps", job.highresSteps},
        {"beta_schedule", job.betaSchedule ? (*job.betaSchedule == BetaSchedule::Linear ? "linear" : "scaled_linear")
                                           : "default"},
        {"keep_unmasked", job.keepUnmasked},
        {"transparent", job.transparent},
        {"detail_preserve", job.detailPreserve},
        {"keep_colour", job.keepColour},
        {"mask_source", job.maskSource},
        {"crop", job.crop},
        {"output_size", outputSizeName(job.outputSize)},
        {"output_bit_depth", job.outputBitDepth},
    };
}

void jobFromJson(const nlohmann::json& json, RelightJob& job) {
    try {
        if (!json.is_object()) throw Error(ErrorCode::BadInput, "the job is not a JSON object");
        auto get = [&](const char* key, auto& field) {
            if (json.contains(key)) field = json.at(key).get<std::decay_t<decltype(field)>>();
        };
        if (json.contains("mode")) {
            job.mode = json.at("mode").get<std::string>() == "inpaint" ? RelightMode::Inpaint : RelightMode::Subject;
        }
        if (json.contains("light")) {
            try {
                lightFromJobJson(json.at("light"), job.light);
            } catch (const Error& e) {
                throw Error(ErrorCode::BadInput, std::string("malformed job JSON: ") + e.what());
            }
        }
        if (json.contains("fbc_background")) job.fbcBackground = parseFbcBackground(json.at("fbc_background"));
        get("prompt", job.prompt);
        get("added_prompt", job.addedPrompt);
        get("negative_prompt", job.negativePrompt);
        get("seed", job.seed);
        get("steps", job.steps);
        get("cfg", job.cfg);
        get("width", job.width);
        get("height", job.height);
        get("lowres_denoise", job.lowresDenoise);
        get("highres_scale", job.highresScale);
        get("highres_denoise", job.highresDenoise);
        if (json.contains("sampler")) job.sampler = parseSamplerKind(json.at("sampler").get<std::string>());
        get("tcd_gamma", job.tcdGamma);
        get("highres_steps", job.highresSteps);
        if (json.contains("beta_schedule")) {
            std::string b = json.at("beta_schedule");
            if (b == "linear") job.betaSchedule = BetaSchedule::Linear;
            else if (b == "scaled_linear") job.betaSchedule = BetaSchedule::ScaledLinear;
            else job.betaSchedule.reset();
        }
        get("keep_unmasked", job.keepUnmasked);
        get("transparent", job.transparent);
        get("detail_preserve", job.detailPreserve);
        get("keep_colour", job.keepColour);
        get("mask_source", job.maskSource);
        get("crop", job.crop);
        get("output_bit_depth", job.outputBitDepth);
        // Results written before issue #17 stored the pixel size here; they were working-size results.
        if (json.contains("output_size")) {
            const auto& size = json.at("output_size");
            try {
                job.outputSize = size.is_string() ? parseOutputSize(size.get<std::string>())
                                                  : OutputSize{OutputSizeMode::Working, {}};
            } catch (const Error& e) {
                throw Error(ErrorCode::BadInput, std::string("malformed job JSON: ") + e.what());
            }
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorCode::BadInput, std::string("malformed job JSON: ") + e.what());
    }
}

std::string jobInfotext(const RelightJob& job, int outWidth, int outHeight, const std::string& bundleSha) {
    std::ostringstream out;
    out << job.prompt;
    if (!job.addedPrompt.empty()) out << ", " << job.addedPrompt;
    out << "\nNegative prompt: " << job.negativePrompt << "\n";
    out << "Steps: " << job.steps << ", Sampler: " << samplerName(job.sampler)
        << ", CFG scale: " << formatNumber(job.cfg) << ", Seed: " << job.seed << ", Size: " << outWidth << "x"
        << outHeight << ", Model hash: " << bundleSha.substr(0, 10) << ", Light: ";
    if (job.light.direction) {
        out << formatNumber(job.light.direction->azimuth) << "," << formatNumber(job.light.direction->elevation);
    } else {
        out << "none";
    }
    out << ", Working size: " << job.width << "x" << job.height;
    out << ", Lowres denoise: " << formatNumber(job.lowresDenoise) << ", Hires upscale: "
        << formatNumber(job.highresScale) << ", Denoising strength: " << formatNumber(job.highresDenoise)
        << ", Mode: " << modeName(job.mode);
    if (job.highresSteps > 0) out << ", Hires steps: " << job.highresSteps;
    if (job.sampler == SamplerKind::Tcd) out << ", TCD gamma: " << formatNumber(job.tcdGamma);
    out << ", Version: Chiaro " << CHIARO_VERSION;
    return out.str();
}

}  // namespace chiaro::core
