#pragma once
// The `chiaro::attention` TorchScript operator that exported UNets call for every attention layer:
//   attention(Tensor q, Tensor k, Tensor v, int heads, float scale) -> Tensor
// q [B, Lq, heads*d], k [B, Lk, heads*d], v [B, Lk, heads*dv] -> [B, Lq, heads*dv], i.e. the
// projections' own layout. float32 CPU tensors run the fused kernel (attention_kernel.h); other
// devices and dtypes run ATen ops (scaled_dot_product_attention from LibTorch 2.1 on).
#include <torch/torch.h>

namespace chiaro::core {

// The operator's implementation, callable directly (tests compare it with the plain formula).
torch::Tensor chiaroAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              int64_t heads, double scale);

// The same result from ATen ops only (the path non-float32 / non-CPU tensors take).
torch::Tensor chiaroAttentionComposite(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                       int64_t heads, double scale);

}  // namespace chiaro::core
