// chiaro-cli relight: one photo through the diffusion engine, written as PNG with its parameters.
#include <csignal>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"
#include "chiaro/image/photo.h"
#include "chiaro/pipeline/engine.h"
#include "cli_common.h"
#include "commands.h"
#include "progress_bar.h"
#include "relight_options.h"

namespace chiaro::cli {
namespace {

core::CancelToken* g_cancel = nullptr;

extern "C" void onInterrupt(int) {
    // Only an atomic store: safe in a signal handler. The engine stops within one UNet step.
    if (g_cancel) g_cancel->cancel(core::CancelMode::Now);
}

// Routes SIGINT / SIGTERM to `token` while alive; the handlers stay but do nothing afterwards.
struct InterruptScope {
    explicit InterruptScope(core::CancelToken& token) {
        g_cancel = &token;
        std::signal(SIGINT, onInterrupt);
        std::signal(SIGTERM, onInterrupt);
    }
    ~InterruptScope() { g_cancel = nullptr; }
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
};

}  // namespace

int runRelight(const Args& args) {
    ArgParser parser("relight", "Relight a photo with the IC-Light diffusion engine and write a PNG.");
    parser.addPositional("INPUT", "the photo");
    parser.addOption("output", "OUT.png", "output file: .png, or .tif/.tiff (-o)");
    addRelightOptions(parser);
    parser.addOption("preview-dir", "D", "write a latent preview PNG per step into D");
    if (!parser.parse(args)) return printHelp(parser);
    applyCommonOptions(parser);

    const std::string input = parser.positional(0);
    const std::string output = parser.value("output");
    RelightCliSettings settings = parseRelightOptions(parser);
    checkOutputPath({input, settings.maskPath, settings.backgroundPath}, output);
    core::imageFormatForPath(output);  // .png or .tif(f): refused before hours of work, not after
    loadJobImages(settings, input);

    // Handlers first: Ctrl+C during a long model load must also end with exit code 5.
    core::CancelToken cancel;
    const InterruptScope interrupts(cancel);
    core::Engine engine;
    engine.load(settings.modelsDir, settings.engine);
    if (cancel.mode() != core::CancelMode::None) {
        throw core::Error(core::ErrorCode::Cancelled, "interrupted while loading the models");
    }
    applyVariantDefaults(settings, engine.variant());

    ProgressBar bar;
    core::RunHooks hooks;
    hooks.onProgress = [&bar](int step, int total, double elapsed, double eta) { bar.update(step, total, elapsed, eta); };
    int previewIndex = 0;
    if (!settings.previewDir.empty()) {
        std::filesystem::create_directories(settings.previewDir);
        hooks.onPreview = [&](const cv::Mat& preview) {
            char name[32];
            std::snprintf(name, sizeof(name), "/step_%03d.png", ++previewIndex);
            core::savePng(settings.previewDir + name, preview);
        };
    }
    core::RelightResult result = engine.run(settings.job, hooks, cancel);
    bar.finish();
    if (!result.status.ok()) throw core::Error(result.status.code, result.status.message);
    // A Ctrl+C after the engine's last check still means "no output"; one that arrives while the
    // file is being written lets that write finish (whole, atomically): the result is kept.
    if (cancel.stopNow()) throw core::Error(core::ErrorCode::Cancelled, "cancelled");

    core::saveRelightResult(output, result, settings.bitDepth);
    if (parser.isSet("json")) {
        printLine(nlohmann::json{{"output", output},
                                 {"seconds", result.seconds},
                                 {"width", result.image.cols},
                                 {"height", result.image.rows},
                                 {"seed", settings.job.seed},
                                 {"unet_calls", result.unetCalls}}
                      .dump());
    } else {
        core::namedLogger("cli")->info("wrote {} in {:.1f} s", output, result.seconds);
    }
    return 0;
}

}  // namespace chiaro::cli
