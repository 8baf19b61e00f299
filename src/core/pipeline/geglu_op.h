#pragma once
// The `chiaro::geglu` TorchScript operator that exported UNets call in every feed-forward layer:
//   geglu(Tensor x) -> Tensor,  x [..., 2n] -> x[..., :n] * gelu(x[..., n:])  [..., n]
// Contiguous float32 CPU tensors run the one-pass kernel (geglu_kernel.h); other devices, dtypes
// and layouts run the same formula as ATen ops.
#include <torch/torch.h>

namespace chiaro::core {

// The operator's implementation, callable directly (tests compare it with the plain formula).
torch::Tensor chiaroGeglu(const torch::Tensor& x);

// The same result from ATen ops only.
torch::Tensor chiaroGegluComposite(const torch::Tensor& x);

}  // namespace chiaro::core
