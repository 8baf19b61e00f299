#include "chiaro/pipeline/subject_segmenter.h"

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "../bundle/loaded_bundle.h"
#include "chiaro/bundle/bundle_manifest.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "pipeline/stage_error.h"

namespace chiaro::core {
namespace {

std::array<float, 3> channelTriple(const nlohmann::json& arch, const char* key, float fallback) {
    std::array<float, 3> v = {fallback, fallback, fallback};
    auto it = arch.find(key);
    if (it == arch.end()) return v;
    if (!it->is_array() || it->size() != 3) {
        throw Error(ErrorCode::ModelBundle, std::string("architecture.segmenter.") + key + " must be 3 numbers");
    }
    for (size_t i = 0; i < 3; ++i) v[i] = (*it)[i].get<float>();
    return v;
}

}  // namespace

struct SubjectSegmenter::Impl {
    LoadedModule loaded;
    bool isLoaded = false;
    std::string dir;
    EngineOptions options;
    int size = 0;
    std::array<float, 3> mean{}, stdev{};
    // BriaRMBG-1.4 (ISNet): tensor bilinear resize, matte stretched to 0..1 afterwards.
    // BiRefNet: PIL-style (antialiased) resize, the sigmoid output used as it is.
    bool rmbgProcessing = true;
};

SubjectSegmenter::SubjectSegmenter() : m_impl(std::make_unique<Impl>()) {}
SubjectSegmenter::~SubjectSegmenter() = default;

bool SubjectSegmenter::bundleHasSegmenter(const std::string& bundleDir) {
    try {
        return readBundleManifest(bundleDir).hasSegmenter();
    } catch (const Error&) {
        return false;
    }
}

void SubjectSegmenter::load(const std::string& bundleDir, const EngineOptions& options) {
    if (m_impl->isLoaded && m_impl->dir == bundleDir && m_impl->options.device == options.device &&
        m_impl->options.precision == options.precision) {
        return;
    }
    BundleManifest manifest = readBundleManifest(bundleDir);
    if (!manifest.hasSegmenter()) {
        throw Error(ErrorCode::ModelBundle, bundleDir + ": this bundle has no segmenter.pt (export it with "
                                                        "models/export.py --segmenter with BriaRMBG-1.4 or "
                                                        "BiRefNet model.safetensors)");
    }
    const nlohmann::json arch = manifest.architecture.value("segmenter", nlohmann::json::object());
    const int size = arch.value("input_size", 0);
    if (size <= 0 || size > 4096) {
        throw Error(ErrorCode::ModelBundle, manifest.dir + "/manifest.json: architecture.segmenter.input_size "
                                                           "is missing or out of range");
    }
    LoadOptions load;
    load.device = options.device;
    // The matte is thresholded by the user anyway, but fp16 BatchNorm-heavy nets can drift: keep
    // fp32 on CPU (auto) and follow the requested precision on CUDA.
    load.precision = options.precision;
    load.verify = options.verify;
    load.threads = options.threads;
    m_impl->loaded = loadBundleModule(bundleDir, "segmenter", load);
    m_impl->mean = channelTriple(arch, "mean", 0.5f);
    m_impl->stdev = channelTriple(arch, "std", 1.0f);
    m_impl->size = size;
    m_impl->rmbgProcessing = arch.value("kind", std::string("isnet-rmbg")) != "birefnet";
    m_impl->dir = bundleDir;
    m_impl->options = options;
    m_impl->isLoaded = true;
    coreLog().info("segmenter loaded from {} (input {}x{})", manifest.dir, size, size);
}

bool SubjectSegmenter::isLoaded() const { return m_impl->isLoaded; }
int SubjectSegmenter::inputSize() const { return m_impl->size; }

cv::Mat SubjectSegmenter::segment(const cv::Mat& rgb, const CancelToken* cancel) const {
    const auto checkCancel = [cancel] {
        if (cancel && cancel->stopNow()) throw Error(ErrorCode::Cancelled, "subject selection cancelled");
    };
    checkCancel();
    if (!m_impl->isLoaded) throw Error(ErrorCode::ModelBundle, "no segmenter is loaded");
    if (rgb.empty() || rgb.type() != CV_8UC3) {
        throw Error(ErrorCode::BadInput, "the segmenter needs an 8-bit RGB image");
    }
    c10::InferenceMode guard;
    const int s = m_impl->size;
    cv::Mat small;
    // RMBG resizes with bilinear interpolation (no antialiasing) before normalising; BiRefNet's
    // reference resizes the PIL image, which averages when it shrinks (INTER_AREA is the match).
    const bool shrinking = rgb.cols > s || rgb.rows > s;
    cv::resize(rgb, small, cv::Size(s, s), 0, 0,
               m_impl->rmbgProcessing || !shrinking ? cv::INTER_LINEAR : cv::INTER_AREA);
    cv::Mat input;
    small.convertTo(input, CV_32FC3, 1.0 / 255.0);
    auto x = torch::from_blob(input.data, {1, s, s, 3}, torch::kFloat).permute({0, 3, 1, 2}).contiguous();
    for (int c = 0; c < 3; ++c) x[0][c].sub_(m_impl->mean[c]).div_(m_impl->stdev[c]);
    auto& target = m_impl->loaded;
    checkCancel();
    torch::Tensor alpha;
    try {
        alpha = target.module.forward({x.to(target.device, target.dtype)}).toTensor();
    } catch (const c10::Error& e) {
        coreLog().debug("segmenter: LibTorch error in full:\n{}", e.what());
        throw torchStageError("segmenter", "segmenter.pt", e.what_without_backtrace());
    } catch (const std::exception& e) {
        throw torchStageError("segmenter", "segmenter.pt", e.what());
    }
    checkCancel();
    alpha = alpha.to(torch::kCPU, torch::kFloat).reshape({s, s}).contiguous();
    if (!torch::isfinite(alpha).all().item<bool>()) {
        throw Error(ErrorCode::Failure, "segmenter: the model returned NaN or infinity");
    }
    // RMBG's reference post-processing stretches the matte to the full 0..1 range; BiRefNet's
    // sigmoid output is already a matte (stretching would turn a photo without subject into noise).
    if (m_impl->rmbgProcessing) {
        const float lo = alpha.min().item<float>(), hi = alpha.max().item<float>();
        if (hi - lo > 1e-6f) alpha = (alpha - lo) / (hi - lo);
    }
    cv::Mat matte(s, s, CV_32FC1, alpha.data_ptr<float>());
    cv::Mat full;
    cv::resize(matte, full, rgb.size(), 0, 0, cv::INTER_LINEAR);
    cv::Mat out;
    full.convertTo(out, CV_8UC1, 255.0);
    return out;
}

}  // namespace chiaro::core
