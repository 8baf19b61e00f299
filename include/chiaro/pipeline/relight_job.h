#pragma once
// One relighting job: everything the engine needs besides the loaded model bundle. Images cross the
// engine boundary as cv::Mat in RGB order (CV_8UC3), masks as CV_8UC1 mattes (0..255).
// Defaults are IC-Light's fc ones (ICLIGHT_PIPELINE.md); callers apply the fbc model's own defaults
// (20 steps, CFG 7) to what the user did not set.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "chiaro/light/light.h"
#include "chiaro/pipeline/framing.h"
#include "chiaro/sampling/noise_schedule.h"

namespace chiaro::core {

enum class RelightMode {
    Subject,  // mask = the subject to relight; the background is generated around it
    Inpaint,  // mask = the region to regenerate; the rest conditions the model
};

// What conditions the fbc model's background slot.
enum class FbcBackground {
    Upload,         // the background image given with the job
    UploadFlipped,  // the same, mirrored left-right
    Grey,           // flat grey 64
    LightMap,       // IC-Light's light gradients (224 -> 32) from the job's light direction
};

struct RelightJob {
    cv::Mat image;       // RGB photo, 8-bit sRGB: what the model sees (required)
    cv::Mat original;    // the photo as its file has it (CV_8UC3 / CV_16UC3 RGB, its own colour space,
                         // image's size): the detail and the kept pixels of a photo-size result;
                         // empty = `image`
    std::string iccProfile;  // colour profile of `original` and of a photo-size result; empty = sRGB
    cv::Mat mask;        // CV_8UC1, same size as image; empty = the whole photo
    cv::Mat background;  // RGB, fbc with FbcBackground::Upload / UploadFlipped
    std::string maskSource = "none";  // for the metadata: "file", "grabcut", "segmenter", "painted", "none"

    RelightMode mode = RelightMode::Subject;
    LightSettings light;  // no direction = IC-Light's "None" (text-to-image first pass)
    FbcBackground fbcBackground = FbcBackground::LightMap;

    std::string prompt;
    std::string addedPrompt = "best quality";
    std::string negativePrompt = "lowres, bad anatomy, bad hands, cropped, worst quality";
    uint64_t seed = 12345;
    int steps = 25;
    double cfg = 2.0;
    int width = 0;     // working size: multiple of 64, 256..2048; 0 = from the photo's aspect at IC-Light's
    int height = 0;    // pixel budget (both 0: workingSizeFor), or from the other side and the aspect
    bool crop = false;  // IC-Light's resize_and_center_crop to the working aspect; else the photo is
                        // stretched by the rounding to 64 only, and nothing is cut off
    OutputSize outputSize;  // photo (default) | working | exact WxH
    int outputBitDepth = 0; // 8 or 16; 0 = the photo's own
    double lowresDenoise = 0.9;
    double highresScale = 1.5;
    double highresDenoise = 0.5;
    SamplerKind sampler = SamplerKind::DpmPp2mSdeKarras;
    std::optional<BetaSchedule> betaSchedule;  // empty: IC-Light's choice for the sampler
    double tcdGamma = kDefaultTcdGamma;  // the tcd sampler's gamma (eta), 0..1; other samplers ignore it
    int highresSteps = 0;  // steps of the high-resolution pass, 0..500; 0 = `steps` (IC-Light)

    bool keepUnmasked = false;   // pixels outside the feathered mask are copied from the input
    bool transparent = false;    // RGBA output with the subject mask as alpha (subject mode)
    double detailPreserve = 0.0; // 0..1: how much of the photo's fine detail is transferred back
    double keepColour = 0.0;     // 0..1: the subject keeps the photo's chroma (colour_keep.h); 0 = off
    int previewEvery = 1;        // latent preview every N steps (0 = none)
};

struct Photo;

// Puts a loaded photo into the job: the model's 8-bit sRGB view in `image`, and the file's own
// pixels in `original` (kept only when they differ: 16-bit or another colour space) with its profile.
// The one way the CLI, the batch runner and the app fill a job from a file.
void setJobPhoto(RelightJob& job, const Photo& photo);

// The working size the job runs at: width x height as given, a side left at 0 from the photo's
// aspect (both 0: workingSizeFor(image size)). Needs job.image.
cv::Size resolvedWorkingSize(const RelightJob& job);

// Checks sizes, ranges and combinations (on the resolved working size); throws Error(Usage) or Error(BadInput) with the reason.
void validateJob(const RelightJob& job, const std::string& variant);

// The job's parameters (not its pixels) as JSON, for the `chiaro` PNG chunk, the queue and `info`.
nlohmann::json jobToJson(const RelightJob& job);
// Restores the parameters written by jobToJson (pixels are left untouched). Unknown keys are ignored;
// wrong types throw Error(BadInput).
void jobFromJson(const nlohmann::json& json, RelightJob& job);

// The Stable Diffusion web UI "infotext" for the `parameters` chunk.
std::string jobInfotext(const RelightJob& job, int outWidth, int outHeight, const std::string& bundleSha);

// Output size after the high-resolution pass: round(W * scale / 64) * 64 (Python rounding).
cv::Size highresSize(int width, int height, double scale);

}  // namespace chiaro::core
