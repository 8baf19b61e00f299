#pragma once
// The diffusion engine: owns a loaded model bundle and runs relighting jobs synchronously on the
// calling thread (the GUI calls it from its single engine worker thread; the CLI from main).
// LibTorch stays behind this interface. Thread ownership: one thread uses an Engine at a time;
// only CancelToken::cancel() may be called from another thread.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "chiaro/core/error.h"
#include "chiaro/pipeline/relight_job.h"

namespace chiaro::core {

enum class CancelMode { None = 0, AfterCurrentImage = 1, Now = 2 };

// Shared between the thread that runs a job and the one that may cancel it.
// - Now: the engine polls it before every stage, before every UNet call, between the layers of the
//   VAE encoder and decoder and every ~32 rows of the full-resolution output, so a job returns
//   Cancelled within about a second outside a UNet call and within one UNet call at worst
//   (`chiaro-cli bench --cancel` measures it); no output is produced.
// - AfterCurrentImage: the engine finishes the running image (it does not stop for it); the
//   caller that runs several images (the CLI batch, the app's queue and variants) stops before the
//   next one.
// A token may follow a parent (set before the job starts, never changed while it runs): its mode
// is the stronger of its own and the parent's, so one job can be stopped alone (its lease was
// lost) while a signal still stops every job through the parent.
class CancelToken {
public:
    CancelToken() = default;
    explicit CancelToken(const CancelToken* parent) : m_parent(parent) {}
    void cancel(CancelMode mode = CancelMode::Now) { m_mode.store(static_cast<int>(mode)); }
    void reset() { m_mode.store(0); }
    CancelMode mode() const {
        const int own = m_mode.load();
        const int parent = m_parent ? static_cast<int>(m_parent->mode()) : 0;
        return static_cast<CancelMode>(own > parent ? own : parent);
    }
    bool stopNow() const { return mode() == CancelMode::Now; }

private:
    std::atomic<int> m_mode{0};
    const CancelToken* m_parent = nullptr;
};

// Per-call hooks (never global): called on the engine's thread.
struct RunHooks {
    // step counts over both passes; elapsed and eta in seconds.
    std::function<void(int step, int totalSteps, double elapsed, double eta)> onProgress;
    // A fast linear latent -> RGB approximation (CV_8UC3, latent size × 8).
    std::function<void(const cv::Mat& preview)> onPreview;
    // Text lines for logs / status bars ("pass 1: 23 steps", ...).
    std::function<void(const std::string& message)> onStage;
    // The engine's stage names as each begins (text-encode, conditioning, vae-encode, pass-1,
    // vae-decode, resize, pass-2, finish): the same names as the `stage NAME started` log lines.
    // A cancel issued from here stops the job before the stage does any work.
    std::function<void(const std::string& stage)> onStageStart;
};

struct EngineOptions {
    std::string device = "auto";     // auto | cpu | cuda
    std::string precision = "auto";  // auto | fp32 | fp16 | bf16 (auto: fp16 on CUDA, fp32 on CPU)
    int threads = 0;                 // CPU threads; 0 = all cores
    bool verify = true;              // verify file checksums (cached by mtime)
    bool optimizeCpu = false;        // CPU: freeze + optimise the modules for inference when loading
};

struct RelightResult {
    Status status;             // Ok, Cancelled, or the error
    cv::Mat image;             // RGB, or RGBA when the job asked for transparency; 8- or 16-bit;
                               // at the photo's size unless the job asked for another
    std::string iccProfile;    // the colour profile of image's pixels (the photo's); empty = sRGB
    nlohmann::json job;        // jobToJson of the job as run (seed etc.)
    std::string infotext;      // for the `parameters` PNG chunk
    double seconds = 0.0;
    std::string device;        // where it ran: "cpu", "cuda:0" (Engine::deviceName)
    int unetCalls = 0;
    int vaeEncodes = 0;        // VAE encoder calls (a batch of fg + bg counts once)
};

class Engine {
public:
    Engine();
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Loads (or reloads, when the folder or options changed) a bundle. Throws Error(ModelBundle)
    // (or Error(Usage) for bad options) with one line naming the file and the cause.
    void load(const std::string& bundleDir, const EngineOptions& options = {});
    bool isLoaded() const;
    std::string bundleDir() const;
    std::string variant() const;        // "fc" or "fbc"
    std::string bundleSha256() const;   // the manifest's hash, for metadata
    std::string deviceName() const;     // "cpu" or "cuda:0"

    // Runs one job. Never throws: errors and cancellation come back in RelightResult::status, as
    // one line naming the stage, the bundle file and the cause ("vae-decode (vae_decoder.pt): out
    // of GPU memory (tried to allocate 2.3 GiB; 1.1 GiB free); ..."); the full LibTorch message
    // with its trace goes to the debug log.
    RelightResult run(const RelightJob& job, const RunHooks& hooks, const CancelToken& cancel);

    // Benchmark access to the single stages (seconds per call; used by `chiaro-cli bench`).
    struct StageTimes {
        double textEncode = 0, vaeEncode = 0, unetStep = 0, vaeDecode = 0;
    };
    StageTimes timeStages(int width, int height, int repeats);
    // Median seconds of one UNet call at an image size with CFG batch 2 (after a warm-up call).
    double timeUnetStep(int width, int height, int repeats);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Writes a finished result (atomic) as PNG, or TIFF when the path ends in .tif/.tiff, with the
// `parameters` and `chiaro` metadata and the result's colour profile. bitDepth 0 = the image's own.
void saveRelightResult(const std::string& path, const RelightResult& result, int bitDepth = 0);

}  // namespace chiaro::core
