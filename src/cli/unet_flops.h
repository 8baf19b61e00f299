#pragma once
// Analytic FLOP count of one UNet call, from the bundle manifest's "architecture.unet" section.
// FLOPs = 2 x multiply-accumulates of every convolution, linear layer and attention matmul
// (q k^T and softmax(.) v); norms, activations and additions are not counted. The walk mirrors
// models/chiaro_export/unet.py; tools/count_flops.py counts the same thing with hooks on the eager
// module and a test checks that both agree.
#include <nlohmann/json.hpp>

namespace chiaro::cli {

struct UNetCallShape {
    int latentHeight = 64;
    int latentWidth = 64;
    int batch = 2;           // 2 with classifier-free guidance
    int contextLength = 77;  // 77 x prompt chunks
};

struct UNetFlops {
    double conv = 0.0;    // convolutions (the floor divides these by the conv rate)
    double matmul = 0.0;  // linear layers and attention matmuls (divided by the GEMM rate)
    double total() const { return conv + matmul; }
};

// Throws core::Error(ModelBundle) when the architecture section is missing or malformed.
UNetFlops unetFlops(const nlohmann::json& unetArchitecture, const UNetCallShape& shape);

}  // namespace chiaro::cli
