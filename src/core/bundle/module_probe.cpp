#include "module_probe.h"

#include <regex>
#include <sstream>

#include <torch/torch.h>

#include "chiaro/core/error.h"
#include "pipeline/stage_error.h"

namespace chiaro::core {
namespace {

// The smallest sizes every SD1.x-family model accepts: three 2x downsamplings of the latent.
constexpr int64_t kProbeLatent = 8;
constexpr int64_t kProbeImage = 64;

std::string shapeText(at::IntArrayRef sizes) {
    std::ostringstream out;
    out << "[";
    for (size_t i = 0; i < sizes.size(); ++i) out << (i ? "," : "") << sizes[i];
    out << "]";
    return out.str();
}

const char* dtypeName(torch::ScalarType type) {
    switch (type) {
        case torch::kHalf: return "fp16";
        case torch::kBFloat16: return "bf16";
        default: return "fp32";
    }
}

// Deterministic smooth values in [-1, 1]: no RNG, so probing never disturbs a seeded generation.
torch::Tensor ramp(std::vector<int64_t> shape, const ComputeTarget& target, torch::ScalarType type) {
    int64_t count = 1;
    for (int64_t s : shape) count *= s;
    return torch::linspace(-1.0, 1.0, count).sin().reshape(shape).to(target.device, type);
}

[[noreturn]] void fail(const BundleManifest& manifest, const std::string& name,
                       const std::string& problem) {
    throw Error(ErrorCode::ModelBundle, manifest.files.at(name).path + ": " + problem);
}

void requireShape(const BundleManifest& manifest, const std::string& name, const torch::Tensor& out,
                  std::vector<int64_t> expected, const std::string& inputs) {
    if (out.sizes() != at::IntArrayRef(expected)) {
        fail(manifest, name, "signature check failed: forward(" + inputs + ") returned " +
                                 shapeText(out.sizes()) + ", expected " + shapeText(expected));
    }
    if (!torch::isfinite(out).all().item<bool>()) {
        fail(manifest, name, "signature check failed: forward(" + inputs +
                                 ") returned non-finite values (NaN/Inf)");
    }
}

[[noreturn]] void failChannels(const BundleManifest& manifest, int64_t channels) {
    throw Error(ErrorCode::ModelBundle,
                manifest.files.at("unet").path + " expects " + std::to_string(channels) +
                    " input channels but the manifest says concat_channels " +
                    std::to_string(manifest.concatChannels) + " (a " + manifest.variant +
                    " UNet takes 4 + " + std::to_string(manifest.concatChannels) + ")");
}

// IC-Light's variants differ only in conv_in's width: read it from the weights when they are there.
// Returns false when the module has no conv_in.weight (e.g. a frozen module).
bool checkConvIn(const BundleManifest& manifest, const torch::jit::Module& unet) {
    for (const auto& param : unet.named_parameters(true)) {
        if (param.name != "conv_in.weight" || param.value.dim() != 4) continue;
        if (param.value.size(1) != 4 + manifest.concatChannels) failChannels(manifest, param.value.size(1));
        return true;
    }
    return false;
}

// Without conv_in.weight, recognise LibTorch's message about the probe's own input (batch 1 at the
// probe's latent size), so a mismatch deeper inside the network is not misreported as conv_in's.
void failOnInputChannelError(const BundleManifest& manifest, const std::string& summary) {
    static const std::regex kChannels(
        "expected input\\[1, (\\d+), 8, 8\\] to have (\\d+) channels");
    std::smatch match;
    if (std::regex_search(summary, match, kChannels) &&
        std::stoll(match[1]) == 4 + manifest.concatChannels) {
        failChannels(manifest, std::stoll(match[2]));
    }
}

torch::Tensor runForward(const BundleManifest& manifest, const std::string& name,
                         torch::jit::Module& module, std::vector<torch::jit::IValue> inputs,
                         const std::string& inputText, bool recogniseChannels = false) {
    torch::jit::IValue out;
    try {
        out = module.forward(std::move(inputs));
    } catch (const std::exception& e) {
        // LibTorch's own wording is matched; the user reads the translated cause.
        const auto* c10 = dynamic_cast<const c10::Error*>(&e);
        if (recogniseChannels) failOnInputChannelError(manifest, c10 ? c10->what_without_backtrace() : e.what());
        fail(manifest, name, "signature check failed: forward(" + inputText + ") raised: " + torchErrorSummary(e));
    }
    if (!out.isTensor()) {
        fail(manifest, name, "signature check failed: forward(" + inputText + ") returned a " +
                                 out.tagKind() + ", expected a tensor");
    }
    return out.toTensor();
}

void probeTextEncoder(torch::jit::Module& module, const BundleManifest& m, const ComputeTarget& t) {
    // An empty prompt as the tokenizer pads it: BOS, EOS, then padding.
    auto ids = torch::full({1, m.maxLength}, int64_t(m.padId), torch::kLong);
    ids[0][0] = m.bosId;
    ids[0][1] = m.eosId;
    std::string inputs = "ids int64 [1," + std::to_string(m.maxLength) + "]";
    auto out = runForward(m, "text_encoder", module, {ids.to(t.device)}, inputs);
    requireShape(m, "text_encoder", out, {1, m.maxLength, m.hiddenSize}, inputs);
}

void probeUnet(torch::jit::Module& module, const BundleManifest& m, const ComputeTarget& t) {
    const bool convInChecked = checkConvIn(m, module);
    const int64_t channels = 4 + m.concatChannels;
    auto x = ramp({1, channels, kProbeLatent, kProbeLatent}, t, t.dtype);
    auto timestep = torch::full({1}, 500.0f, torch::kFloat).to(t.device);
    auto context = ramp({1, m.maxLength, m.hiddenSize}, t, t.dtype);
    std::string inputs = "x " + shapeText(x.sizes()) + ", t [1], context " + shapeText(context.sizes());
    auto out = runForward(m, "unet", module, {x, timestep, context}, inputs, !convInChecked);
    requireShape(m, "unet", out, {1, m.latentChannels, kProbeLatent, kProbeLatent}, inputs);
}

void probeVae(const std::string& name, torch::jit::Module& module, const BundleManifest& m,
              const ComputeTarget& t) {
    const bool encoder = name == "vae_encoder";
    std::vector<int64_t> image = {1, 3, kProbeImage, kProbeImage};
    std::vector<int64_t> latent = {1, m.latentChannels, kProbeLatent, kProbeLatent};
    auto in = vaeProbeInput(name, m, t.device, t.vaeDtype);
    std::string inputs = (encoder ? "image " : "latent ") + shapeText(in.sizes());
    auto out = runForward(m, name, module, {in}, inputs);
    requireShape(m, name, out, encoder ? latent : image, inputs);
}

// The segmenter's input size is model specific; probe only when the manifest states it.
void probeSegmenter(torch::jit::Module& module, const BundleManifest& m, const ComputeTarget& t) {
    auto seg = m.architecture.find("segmenter");
    if (seg == m.architecture.end() || !seg->is_object()) return;
    auto size = seg->find("input_size");
    if (size == seg->end() || !size->is_number_integer()) return;
    const int64_t s = size->get<int64_t>();
    if (s <= 0 || s > 4096) fail(m, "segmenter", "architecture.segmenter.input_size is out of range");
    auto in = ramp({1, 3, s, s}, t, t.dtype);
    std::string inputs = "image " + shapeText(in.sizes());
    auto out = runForward(m, "segmenter", module, {in}, inputs);
    requireShape(m, "segmenter", out, {1, 1, s, s}, inputs);
}

}  // namespace

torch::Tensor vaeProbeInput(const std::string& name, const BundleManifest& manifest, torch::Device device,
                            torch::ScalarType dtype) {
    ComputeTarget target;
    target.device = device;
    const bool encoder = name == "vae_encoder";
    return ramp(encoder ? std::vector<int64_t>{1, 3, kProbeImage, kProbeImage}
                        : std::vector<int64_t>{1, manifest.latentChannels, kProbeLatent, kProbeLatent},
                target, dtype);
}

std::string ComputeTarget::describe() const {
    std::string text = device.str() + " (" + dtypeName(dtype);
    if (vaeDtype != dtype) text += std::string(", VAE ") + dtypeName(vaeDtype);
    return text + ")";
}

ComputeTarget resolveComputeTarget(const LoadOptions& options) {
    ComputeTarget target;
    const bool cudaAvailable = torch::cuda::is_available();
    const std::string& device = options.device;
    if (device == "cuda" || device.rfind("cuda:", 0) == 0) {
        if (!cudaAvailable) {
            throw Error(ErrorCode::ModelBundle,
                        "device " + device + ": CUDA is not available (this LibTorch build is "
                        "CPU-only or no GPU is visible); use --device cpu or auto");
        }
        target.device = torch::Device(device);
    } else if (device == "auto") {
        target.device = cudaAvailable ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    } else if (device != "cpu") {
        throw Error(ErrorCode::Usage, "device '" + device + "' is not one of auto, cpu, cuda");
    }
    const bool cuda = target.device.is_cuda();
    const std::string& precision = options.precision;
    if (precision == "auto") {
        target.dtype = cuda ? torch::kHalf : torch::kFloat;
    } else if (precision == "fp32" || precision == "bf16") {
        target.dtype = precision == "fp32" ? torch::kFloat : torch::kBFloat16;
    } else if (precision == "fp16") {
        if (!cuda) {
            throw Error(ErrorCode::Usage, "precision fp16 needs CUDA (CPU half-precision kernels "
                                          "are incomplete); use fp32 or bf16 on the CPU");
        }
        target.dtype = torch::kHalf;
    } else {
        throw Error(ErrorCode::Usage,
                    "precision '" + precision + "' is not one of auto, fp32, fp16, bf16");
    }
    // IC-Light's reference runs the VAE in bf16 next to an fp16 UNet: fp16 VAEs can overflow.
    target.vaeDtype = target.dtype == torch::kHalf ? torch::kBFloat16 : target.dtype;
    return target;
}

torch::ScalarType moduleDtype(const std::string& name, const ComputeTarget& target) {
    return name.rfind("vae_", 0) == 0 ? target.vaeDtype : target.dtype;
}

void probeModule(const std::string& name, torch::jit::Module& module, const BundleManifest& manifest,
                 const ComputeTarget& target) {
    c10::InferenceMode guard;
    if (name == "text_encoder") {
        probeTextEncoder(module, manifest, target);
    } else if (name == "unet") {
        probeUnet(module, manifest, target);
    } else if (name == "vae_encoder" || name == "vae_decoder") {
        probeVae(name, module, manifest, target);
    } else if (name == "segmenter") {
        probeSegmenter(module, manifest, target);
    }
}

std::string torchErrorSummary(const std::exception& e) {
    const auto* c10 = dynamic_cast<const c10::Error*>(&e);
    return torchFailureCause(c10 ? c10->what_without_backtrace() : e.what());
}

}  // namespace chiaro::core
