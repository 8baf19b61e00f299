#pragma once
// Runs a bundle's VAE halves layer by layer, so that a cancel request is honoured between layers
// instead of after a whole decode (about 15 s at 768x960 on two CPU cores). Private to the
// pipeline.
//
// Only modules this project's exporter writes (chiaro_export.vae.VaeEncoder / VaeDecoder and their
// blocks, recognised by class name and children) are stepped; the steps are the same LibTorch
// operations in the same order as the module's own forward(), so the result is bit for bit the
// same. A VaeRunner checks that once on a small input when it is made; any other module (a frozen
// one, another exporter's, an older layout) runs through forward() in one piece.
#include <functional>
#include <string>

#include <torch/script.h>
#include <torch/torch.h>

namespace chiaro::core {

class VaeRunner {
  public:
    enum class Half { Encoder, Decoder };
    // `probe`: a small valid input for the self-check (image [1,3,64,64] or latent [1,C,8,8]) on the
    // module's device and dtype.
    VaeRunner(torch::jit::Module& module, Half half, const torch::Tensor& probe);

    // forward(input), calling `checkpoint` (which may throw to stop) before every layer.
    torch::Tensor run(const torch::Tensor& input, const std::function<void()>& checkpoint);
    bool stepped() const { return m_stepped; }

  private:
    torch::jit::Module m_module;
    Half m_half;
    bool m_stepped = false;
};

}  // namespace chiaro::core
