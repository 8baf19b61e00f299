#include "tensor_io.h"

#include <cstring>

#include "chiaro/core/error.h"

namespace chiaro::core {

torch::ScalarType torchScalarType(TensorDType dtype) {
    switch (dtype) {
        case TensorDType::F32:
            return torch::kFloat32;
        case TensorDType::F16:
            return torch::kFloat16;
        case TensorDType::BF16:
            return torch::kBFloat16;
        case TensorDType::F64:
            return torch::kFloat64;
        case TensorDType::I64:
            return torch::kInt64;
        case TensorDType::I32:
            return torch::kInt32;
        case TensorDType::I16:
            return torch::kInt16;
        case TensorDType::I8:
            return torch::kInt8;
        case TensorDType::U8:
            return torch::kUInt8;
        case TensorDType::Bool:
            return torch::kBool;
    }
    throw Error(ErrorCode::Failure, "tensor_io: unknown dtype");
}

torch::Tensor toTensor(const TensorView& view) {
    torch::Tensor out =
        torch::empty(view.shape, torch::TensorOptions().dtype(torchScalarType(view.dtype)));
    const size_t expected = static_cast<size_t>(out.numel()) * out.element_size();
    if (expected != view.bytes) {
        throw Error(ErrorCode::BadInput, "tensor '" + view.name +
                                             "': " + std::to_string(view.bytes) + " bytes for " +
                                             std::to_string(expected) + " expected");
    }
    // memcpy, not from_blob: the view's bytes need not be aligned for the element type.
    if (expected > 0)
        std::memcpy(out.data_ptr(), view.data, expected);
    return out;
}

torch::Tensor loadTensor(const SafetensorsFile& file, const std::string& name) {
    return toTensor(file.get(name));
}

}  // namespace chiaro::core
