#pragma once
// safetensors views -> LibTorch tensors (CPU, copied, so the tensor outlives the file). Private to
// the pipeline and its tests.
#include <string>

#include <torch/torch.h>

#include "chiaro/bundle/safetensors_file.h"

namespace chiaro::core {

torch::ScalarType torchScalarType(TensorDType dtype);

// A contiguous CPU tensor with the view's dtype, shape and bytes (little-endian host assumed).
torch::Tensor toTensor(const TensorView& view);

// file.get(name) as a tensor; throws Error(BadInput) naming the file and tensor when absent.
torch::Tensor loadTensor(const SafetensorsFile& file, const std::string& name);

}  // namespace chiaro::core
