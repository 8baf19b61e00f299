#include "chiaro/pipeline/engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include <torch/cuda.h>

#include "bundle/loaded_bundle.h"
#include "bundle/module_probe.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"
#include "chiaro/image/photo.h"
#include "chiaro/image/pillow_resize.h"
#include "chiaro/pipeline/compute_threads.h"
#include "chiaro/text/clip_tokenizer.h"
#include "chiaro/text/prompt_chunks.h"
#include "conditioning.h"
#include "diffusion_pass.h"
#include "job_output.h"
#include "job_stages.h"
#include "pipeline/stage_error.h"
#include "torch_bridge.h"
#include "vae_runner.h"

namespace chiaro::core {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The one translation of whatever escaped a job or a load into a Chiaro error: Chiaro's own errors
// stay; LibTorch's become one line naming `stage` and `moduleFile` (stage_error.h); the full text,
// with LibTorch's trace, goes to the debug log (`--verbose`).
Error boundaryError(const std::string& stage, const std::string& moduleFile, ErrorCode otherCode) {
    try {
        throw;
    } catch (const Error& e) {
        return e;
    } catch (const c10::Error& e) {
        coreLog().debug("{}: LibTorch error in full:\n{}", stage, e.what());
        return Error(otherCode, torchStageError(stage, moduleFile, e.what_without_backtrace()).what());
    } catch (const std::bad_alloc&) {
        return torchStageError(stage, moduleFile, "not enough memory");
    } catch (const cv::Exception& e) {
        coreLog().debug("{}: OpenCV error in full: {}", stage, e.what());
        return Error(otherCode, (stage.empty() ? std::string("engine") : stage) + ": " + e.err);
    } catch (const std::exception& e) {
        coreLog().debug("{}: error in full: {}", stage, e.what());
        return Error(otherCode, torchStageError(stage, moduleFile, e.what()).what());
    }
}

}  // namespace

struct Engine::Impl {
    std::shared_ptr<LoadedBundle> bundle;
    std::optional<ClipTokenizer> tokenizer;
    EngineOptions options;
    std::string dir;
    // The VAE halves, run layer by layer where they are our exporter's (cancel between layers).
    std::optional<VaeRunner> vaeEncoderRunner;
    std::optional<VaeRunner> vaeDecoderRunner;
    // The stages of the job running now (set by run(); its boundary names the failed stage).
    JobStages* stages = nullptr;

    std::string moduleFile(const char* name) const { return bundle->manifest.files.at(name).path; }

    // The runners check themselves on the loader's own probe inputs.
    void makeVaeRunners() {
        c10::InferenceMode guard;
        const auto& m = bundle->manifest;
        vaeEncoderRunner.emplace(bundle->vaeEncoder, VaeRunner::Half::Encoder,
                                 vaeProbeInput("vae_encoder", m, bundle->device, bundle->vaeDtype));
        vaeDecoderRunner.emplace(bundle->vaeDecoder, VaeRunner::Half::Decoder,
                                 vaeProbeInput("vae_decoder", m, bundle->device, bundle->vaeDtype));
    }

    std::function<void()> checkpoint() const {
        if (!stages) return [] {};
        return stages->checkpointFunction();
    }

    torch::Tensor encodeText(const std::string& text) {
        const auto& m = bundle->manifest;
        std::vector<TokenChunk> chunks = chunkPrompt(tokenizer->encode(text), m.bosId, m.eosId, m.padId);
        return encodeChunks(chunks);
    }

    torch::Tensor encodeChunks(const std::vector<TokenChunk>& chunks) {
        auto ids = torch::empty({static_cast<long>(chunks.size()), kClipContextLength}, torch::kInt64);
        for (size_t i = 0; i < chunks.size(); ++i) {
            for (int j = 0; j < kClipContextLength; ++j) ids[i][j] = chunks[i][j];
        }
        auto out = bundle->textEncoder.forward({ids.to(bundle->device)}).toTensor().to(torch::kFloat32);
        // k chunks of [77, hidden] side by side along the token axis: [1, 77k, hidden].
        return out.reshape({1, -1, out.size(2)});
    }

    // IC-Light's encode_prompt_pair: both prompts chunked, counts paired by repetition.
    std::pair<torch::Tensor, torch::Tensor> encodePromptPair(const std::string& positive, const std::string& negative) {
        const auto& m = bundle->manifest;
        auto pos = chunkPrompt(tokenizer->encode(positive), m.bosId, m.eosId, m.padId);
        auto neg = chunkPrompt(tokenizer->encode(negative), m.bosId, m.eosId, m.padId);
        pairChunkCounts(pos, neg);
        return {encodeChunks(pos), encodeChunks(neg)};
    }

    torch::Tensor vaeEncode(const std::vector<cv::Mat>& images) {
        auto x = imagesToTensor(images).to(bundle->device, bundle->vaeDtype);
        return vaeEncoderRunner->run(x, checkpoint()).to(torch::kFloat32);
    }

    torch::Tensor vaeDecode(const torch::Tensor& latent) {
        auto x = latent.to(bundle->vaeDtype);
        return vaeDecoderRunner->run(x, checkpoint()).to(torch::kFloat32);
    }

    // fc: the foreground latent; fbc: foreground and background latents side by side in channels.
    // The background is its own picture, so it is cropped to fill the working frame, as IC-Light does.
    torch::Tensor concatCond(const cv::Mat& fgFull, const cv::Mat& bgSource, int width, int height, bool crop) {
        cv::Mat fg = fitToWorking(fgFull, width, height, crop);
        if (bgSource.empty()) return vaeEncode({fg});
        cv::Mat bg = resizeAndCenterCrop(bgSource, width, height);
        auto both = vaeEncode({fg, bg});
        return torch::cat({both.slice(0, 0, 1), both.slice(0, 1, 2)}, 1);
    }

    // Fills `result` as it goes, so a cancelled or failed job still reports the work done.
    void run(const RelightJob& input, const RunHooks& hooks, const CancelToken& cancel, RelightResult& result);
};

Engine::Engine() : m_impl(std::make_unique<Impl>()) {}
Engine::~Engine() = default;

void Engine::load(const std::string& bundleDir, const EngineOptions& options) {
    if (m_impl->bundle && m_impl->dir == bundleDir && m_impl->options.device == options.device &&
        m_impl->options.precision == options.precision && m_impl->options.optimizeCpu == options.optimizeCpu) {
        m_impl->options.threads = options.threads;
        return;  // models stay loaded across jobs
    }
    auto start = Clock::now();
    try {
        LoadOptions load;
        load.device = options.device;
        load.precision = options.precision;
        load.verify = options.verify;
        load.threads = options.threads;
        load.optimizeCpu = options.optimizeCpu;
        auto bundle = loadBundle(bundleDir, load);
        auto tokenizer = ClipTokenizer::fromBundleDir(bundleDir);
        m_impl->bundle = std::move(bundle);
        m_impl->tokenizer.emplace(std::move(tokenizer));
        m_impl->options = options;
        m_impl->dir = bundleDir;
        m_impl->makeVaeRunners();
    } catch (...) {
        throw boundaryError("loading " + bundleDir, "", ErrorCode::ModelBundle);
    }
    coreLog().info("loaded bundle {} ({}) in {:.2f} s", bundleDir, m_impl->bundle->manifest.variant,
                   secondsSince(start));
}

bool Engine::isLoaded() const { return m_impl->bundle != nullptr; }
std::string Engine::bundleDir() const { return m_impl->dir; }
std::string Engine::variant() const { return m_impl->bundle ? m_impl->bundle->manifest.variant : ""; }
std::string Engine::bundleSha256() const { return m_impl->bundle ? m_impl->bundle->manifest.manifestSha256 : ""; }
std::string Engine::deviceName() const { return m_impl->bundle ? m_impl->bundle->device.str() : "none"; }

RelightResult Engine::run(const RelightJob& job, const RunHooks& hooks, const CancelToken& cancel) {
    auto start = Clock::now();
    RelightResult result;
    JobStages stages(cancel, hooks);
    m_impl->stages = &stages;
    try {
        m_impl->run(job, hooks, cancel, result);
    } catch (...) {
        const Error error = boundaryError(stages.stage(), stages.moduleFile(), ErrorCode::Failure);
        result.image.release();
        result.status = {error.code(), error.what()};
        if (result.status.code == ErrorCode::Cancelled) {
            coreLog().info("job cancelled in stage {}", stages.stage());
            result.status.message = "cancelled";
        }
        // Info, not error: the caller reports the failure (the CLI's one stderr line, the GUI's message);
        // the log file still records it.
        coreLog().info("job failed: {}", result.status.message);
    }
    m_impl->stages = nullptr;
    result.seconds = secondsSince(start);
    result.device = deviceName();
    return result;
}

void Engine::Impl::run(const RelightJob& request, const RunHooks& hooks, const CancelToken& cancel,
                       RelightResult& result) {
    if (!bundle) throw Error(ErrorCode::ModelBundle, "no model bundle is loaded");
    c10::InferenceMode guard;
    const auto start = Clock::now();
    const std::string& variant = bundle->manifest.variant;
    RelightJob input = request;
    const cv::Size working = resolvedWorkingSize(request);
    input.width = working.width;
    input.height = working.height;
    validateJob(input, variant);
    // The diffusion runs on the framed job (the --crop frame, an inpaint region); `input` keeps the
    // user's photo for the output at its own size.
    const FramedJob framed = frameJob(input);
    RelightJob job = framed.job;
    validateJob(job, variant);
    setComputeThreads(options.threads);
    JobStages& stages = *this->stages;
    auto say = [&](const std::string& s) { if (hooks.onStage) hooks.onStage(s); coreLog().debug("{}", s); };

    auto generator = at::detail::createCPUGenerator(job.seed);
    const bool guided = job.cfg > 1.0;
    torch::Tensor context = stages.run("text-encode", moduleFile("text_encoder"), [&] {
        auto [cond, uncond] = encodePromptPair(job.prompt + ", " + job.addedPrompt, job.negativePrompt);
        return (guided ? torch::cat({uncond, cond}, 0) : cond).to(bundle->device);
    });

    cv::Mat fgFull, bgSource, lightImage;
    stages.run("conditioning", "", [&] {
        fgFull = compositeOnGrey(job.image, foregroundMatte(job));
        if (variant == "fbc") bgSource = fbcBackgroundSource(job, job.width, job.height);
        if (variant == "fc") lightImage = fcInitialLightImage(job, job.width, job.height);
    });

    ScheduleConfig schedule;
    schedule.betaSchedule = job.betaSchedule.value_or(defaultBetaSchedule(job.sampler));
    PassInputs pass;
    pass.unet = &bundle->unet;
    pass.unetDtype = bundle->dtype;
    pass.device = bundle->device;
    pass.sampler = job.sampler;
    pass.schedule = schedule;
    pass.context = context;
    pass.cfg = job.cfg;
    pass.tcdGamma = job.tcdGamma;
    pass.latentShape = {1, bundle->manifest.latentChannels, job.height / 8, job.width / 8};
    pass.concatCond = stages.run("vae-encode", moduleFile("vae_encoder"), [&] {
        return concatCond(fgFull, bgSource, job.width, job.height, job.crop);
    });
    ++result.vaeEncodes;
    if (!lightImage.empty()) {
        pass.cleanLatent = stages.run("vae-encode", moduleFile("vae_encoder"), [&] { return vaeEncode({lightImage}); });
        ++result.vaeEncodes;
        pass.strength = job.lowresDenoise;
        pass.inferenceSteps = static_cast<int>(pythonRound(job.steps / job.lowresDenoise));
    } else {
        pass.inferenceSteps = job.steps;
    }

    const cv::Size hr = highresSize(job.width, job.height, job.highresScale);
    PassInputs pass2 = pass;
    // highresSteps 0: the first pass's steps, as IC-Light does (the Fast preset sets its own).
    const int highresSteps = job.highresSteps > 0 ? job.highresSteps : job.steps;
    pass2.inferenceSteps = static_cast<int>(pythonRound(highresSteps / job.highresDenoise));
    pass2.strength = job.highresDenoise;
    const int pass2Steps = pass2.inferenceSteps - img2imgSkip(pass2.inferenceSteps, pass2.strength);

    PassProgress progress;
    progress.totalSteps = passStepCount(pass) + pass2Steps;
    progress.previewEvery = job.previewEvery;
    progress.elapsed = [start] { return secondsSince(start); };

    say("pass 1: " + std::to_string(passStepCount(pass)) + " steps at " + std::to_string(job.width) + "x" +
        std::to_string(job.height));
    torch::Tensor latent = stages.run("pass-1", moduleFile("unet"), [&] {
        return runDiffusionPass(pass, generator, hooks, cancel, progress, &result.unetCalls);
    });

    say("high-resolution pass at " + std::to_string(hr.width) + "x" + std::to_string(hr.height));
    cv::Mat lowres = stages.run("vae-decode", moduleFile("vae_decoder"), [&] { return tensorToImage(vaeDecode(latent)[0]); });
    cv::Mat upscaled = stages.run("resize", "", [&] { return resizeWithoutCrop(lowres, hr.width, hr.height); });
    lowres.release();
    pass2.cleanLatent = stages.run("vae-encode", moduleFile("vae_encoder"), [&] { return vaeEncode({upscaled}); });
    ++result.vaeEncodes;
    const int w2 = static_cast<int>(pass2.cleanLatent->size(3)) * 8;
    const int h2 = static_cast<int>(pass2.cleanLatent->size(2)) * 8;
    // IC-Light encodes the conditioning again for the second pass; at the first pass's size (scale
    // 1.0) that is the same images at the same size, so pass2 keeps pass 1's latent (one VAE encode,
    // ~7 s at 512x512 on 2 CPU cores, saved; the encoder is deterministic).
    if (w2 != job.width || h2 != job.height) {
        pass2.concatCond = stages.run("vae-encode", moduleFile("vae_encoder"), [&] {
            return concatCond(fgFull, bgSource, w2, h2, job.crop);
        });
        ++result.vaeEncodes;
    }
    progress.stepsBefore = passStepCount(pass);
    latent = stages.run("pass-2", moduleFile("unet"), [&] {
        return runDiffusionPass(pass2, generator, hooks, cancel, progress, &result.unetCalls);
    });

    cv::Mat generated = stages.run("vae-decode", moduleFile("vae_decoder"), [&] {
        torch::Tensor decoded = vaeDecode(latent);
        requireFinite(decoded, "the VAE decoder");
        return variant == "fbc" ? tensorToImageUnitScale(decoded[0]) : tensorToImage(decoded[0]);
    });
    latent = torch::Tensor();
    say("output at " + outputSizeName(input.outputSize) + " size");
    FinishedOutput output = stages.run("finish", "", [&] { return finishJob(input, framed, generated, checkpoint()); });
    coreLog().debug("output {}x{} ({}-bit)", output.image.cols, output.image.rows,
                    output.image.depth() == CV_16U ? 16 : 8);
    result.image = std::move(output.image);
    result.iccProfile = std::move(output.iccProfile);
    result.job = jobToJson(request);  // as asked (a side 0 = from the photo), so it replays on another photo
    result.job["variant"] = variant;
    result.job["bundle_sha256"] = bundle->manifest.manifestSha256;
    result.job["working_size"] = {job.width, job.height};
    result.job["generated_size"] = {generated.cols, generated.rows};
    result.job["result_size"] = {result.image.cols, result.image.rows};
    if (framed.region != framed.frame) {
        result.job["inpaint_region"] = {framed.region.x, framed.region.y, framed.region.width, framed.region.height};
    }
    result.job["version"] = CHIARO_VERSION;
    result.infotext = jobInfotext(input, result.image.cols, result.image.rows, bundle->manifest.manifestSha256);
    result.status = Status::success();
}

namespace {

// Median seconds of `repeats` calls after one warm-up call (allocations, oneDNN primitives).
template <typename Fn>
double medianSeconds(int repeats, Fn&& fn) {
    fn();
    std::vector<double> times;
    for (int i = 0; i < std::max(1, repeats); ++i) {
        auto s = Clock::now();
        fn();
        times.push_back(secondsSince(s));
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace

double Engine::timeUnetStep(int width, int height, int repeats) {
    if (!m_impl->bundle) throw Error(ErrorCode::ModelBundle, "no model bundle is loaded");
    c10::InferenceMode guard;
    auto& b = *m_impl->bundle;
    setComputeThreads(m_impl->options.threads);
    const auto& m = b.manifest;
    auto x = torch::randn({2, m.latentChannels + m.concatChannels, height / 8, width / 8}).to(b.device, b.dtype);
    auto t = torch::full({2}, 500.0f).to(b.device);
    auto ctx = torch::randn({2, 77, m.hiddenSize}).to(b.device, b.dtype);
    try {
        return medianSeconds(repeats, [&] {
            b.unet.forward({x, t, ctx}).toTensor();
            if (b.device.is_cuda()) torch::cuda::synchronize();
        });
    } catch (...) {
        throw boundaryError("unet-step", m_impl->moduleFile("unet"), ErrorCode::Failure);
    }
}

Engine::StageTimes Engine::timeStages(int width, int height, int repeats) {
    if (!m_impl->bundle) throw Error(ErrorCode::ModelBundle, "no model bundle is loaded");
    c10::InferenceMode guard;
    auto& b = *m_impl->bundle;
    setComputeThreads(m_impl->options.threads);
    auto timeIt = [repeats](auto&& fn) { return medianSeconds(repeats, fn); };
    StageTimes t;
    cv::Mat grey(height, width, CV_8UC3, cv::Scalar::all(127));
    t.textEncode = timeIt([&] { m_impl->encodeText("a photo of a cup of coffee, soft studio lighting"); });
    t.vaeEncode = timeIt([&] { m_impl->vaeEncode({grey}); });
    auto latent = torch::randn({1, b.manifest.latentChannels, height / 8, width / 8}).to(b.device);
    t.unetStep = timeUnetStep(width, height, repeats);
    t.vaeDecode = timeIt([&] { m_impl->vaeDecode(latent); });
    return t;
}

void saveRelightResult(const std::string& path, const RelightResult& result, int bitDepth) {
    ImageWriteOptions options;
    options.bitDepth = bitDepth != 0 ? bitDepth : (result.image.depth() == CV_16U ? 16 : 8);
    options.iccProfile = result.iccProfile;
    // tEXt is Latin-1: prompts with other characters go to an iTXt chunk of the same keyword.
    const bool ascii = std::all_of(result.infotext.begin(), result.infotext.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    (ascii ? options.metadata.latin1 : options.metadata.utf8)["parameters"] = result.infotext;
    options.metadata.utf8["chiaro"] = result.job.dump();
    saveImage(path, result.image, options);
}

}  // namespace chiaro::core
