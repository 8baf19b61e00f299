#include "vae_runner.h"

#include <stdexcept>
#include <vector>

#include "chiaro/core/logging.h"

namespace chiaro::core {
namespace {

using Module = torch::jit::Module;
using Checkpoint = std::function<void()>;

// Thrown by the walk when a module is not the layout it knows; never leaves this file.
struct UnknownLayout : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Our exporter's class (the scripted name is "__torch__.chiaro_export.<file>.[mangle.]<Class>").
bool isExporterClass(const Module& module, const char* name) {
    const auto qualified = module.type()->name();
    return qualified && qualified->name() == name &&
           qualified->qualifiedName().find("chiaro_export.") != std::string::npos;
}

void requireClass(const Module& module, const char* name) {
    if (!isExporterClass(module, name)) throw UnknownLayout(std::string("not a ") + name);
}

Module child(const Module& module, const char* name) {
    if (!module.hasattr(name)) throw UnknownLayout(std::string("no ") + name);
    return module.attr(name).toModule();
}

std::vector<Module> items(const Module& list) {
    std::vector<Module> out;
    for (const Module& item : list.children()) out.push_back(item);
    return out;
}

torch::Tensor call(const Module& module, const torch::Tensor& x) {
    return Module(module).forward({x}).toTensor();
}

// Upsample2D.forward(x, size=None) and ResnetBlock2D.forward(x, temb=None).
torch::Tensor callWithNone(const Module& module, const torch::Tensor& x) {
    return Module(module).forward({x, c10::IValue()}).toTensor();
}

// blocks.ResnetBlock2D without a time embedding (the VAE's): the forward's operations one by one.
torch::Tensor resnet(const Module& block, torch::Tensor x, const Checkpoint& checkpoint) {
    requireClass(block, "ResnetBlock2D");
    checkpoint();
    torch::Tensor h = torch::silu(call(child(block, "norm1"), x));
    checkpoint();
    h = call(child(block, "conv1"), h);
    checkpoint();
    h = torch::silu(call(child(block, "norm2"), h));
    checkpoint();
    h = call(child(block, "conv2"), h);
    if (block.attr("has_shortcut").toBool()) {
        checkpoint();
        x = call(child(block, "conv_shortcut"), x);
    }
    return x + h;
}

// vae.VaeBlock: resnets, then the optional down- or upsampler.
torch::Tensor vaeBlock(const Module& block, torch::Tensor x, const Checkpoint& checkpoint) {
    requireClass(block, "VaeBlock");
    for (const Module& r : items(child(block, "resnets"))) x = resnet(r, x, checkpoint);
    for (const Module& d : items(child(block, "downsamplers"))) {
        checkpoint();
        x = call(d, x);
    }
    for (const Module& u : items(child(block, "upsamplers"))) {
        checkpoint();
        x = callWithNone(u, x);
    }
    return x;
}

torch::Tensor midBlock(const Module& block, torch::Tensor x, const Checkpoint& checkpoint) {
    requireClass(block, "VaeMidBlock");
    const std::vector<Module> resnets = items(child(block, "resnets"));
    const std::vector<Module> attentions = items(child(block, "attentions"));
    if (resnets.size() != 2 || attentions.size() != 1) throw UnknownLayout("mid block");
    x = resnet(resnets[0], x, checkpoint);
    checkpoint();
    x = call(attentions[0], x);
    return resnet(resnets[1], x, checkpoint);
}

// The tail both halves share: conv_out(silu(conv_norm_out(x))).
torch::Tensor outputHead(const Module& net, const torch::Tensor& x, const Checkpoint& checkpoint) {
    checkpoint();
    torch::Tensor h = torch::silu(call(child(net, "conv_norm_out"), x));
    checkpoint();
    return call(child(net, "conv_out"), h);
}

torch::Tensor decoder(const Module& vae, const torch::Tensor& latent, const Checkpoint& checkpoint) {
    requireClass(vae, "VaeDecoder");
    const Module net = child(vae, "decoder");
    requireClass(net, "Decoder");
    const double scaling = vae.attr("scaling_factor").toDouble();
    checkpoint();
    torch::Tensor x = call(child(vae, "post_quant_conv"), latent / scaling);
    checkpoint();
    x = midBlock(child(net, "mid_block"), call(child(net, "conv_in"), x), checkpoint);
    for (const Module& block : items(child(net, "up_blocks"))) x = vaeBlock(block, x, checkpoint);
    return outputHead(net, x, checkpoint);
}

torch::Tensor encoder(const Module& vae, const torch::Tensor& image, const Checkpoint& checkpoint) {
    requireClass(vae, "VaeEncoder");
    const Module net = child(vae, "encoder");
    requireClass(net, "Encoder");
    checkpoint();
    torch::Tensor x = call(child(net, "conv_in"), image);
    for (const Module& block : items(child(net, "down_blocks"))) x = vaeBlock(block, x, checkpoint);
    x = midBlock(child(net, "mid_block"), x, checkpoint);
    x = outputHead(net, x, checkpoint);
    checkpoint();
    const torch::Tensor moments = call(child(vae, "quant_conv"), x);
    const int64_t channels = vae.attr("latent_channels").toInt();
    return moments.slice(1, 0, channels) * vae.attr("scaling_factor").toDouble();
}

}  // namespace

VaeRunner::VaeRunner(torch::jit::Module& module, Half half, const torch::Tensor& probe)
    : m_module(module), m_half(half) {
    const char* name = half == Half::Encoder ? "VAE encoder" : "VAE decoder";
    try {
        c10::InferenceMode guard;
        const Checkpoint none = [] {};
        torch::Tensor stepped = half == Half::Encoder ? encoder(m_module, probe, none) : decoder(m_module, probe, none);
        torch::Tensor whole = m_module.forward({probe}).toTensor();
        m_stepped = stepped.sizes() == whole.sizes() && torch::equal(stepped, whole);
        if (!m_stepped) coreLog().debug("{}: layer-by-layer run differs from forward(); cancel waits for whole calls", name);
    } catch (const std::exception& e) {
        coreLog().debug("{}: not stepped layer by layer ({}); cancel waits for whole calls", name, e.what());
        m_stepped = false;
    }
}

torch::Tensor VaeRunner::run(const torch::Tensor& input, const std::function<void()>& checkpoint) {
    checkpoint();
    if (!m_stepped) return m_module.forward({input}).toTensor();
    return m_half == Half::Encoder ? encoder(m_module, input, checkpoint) : decoder(m_module, input, checkpoint);
}

}  // namespace chiaro::core
