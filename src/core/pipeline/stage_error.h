#pragma once
// Translation of LibTorch failures into Chiaro errors, kept Torch-free so that it can be unit-tested
// without LibTorch or a GPU (private to chiaro_core; engine.cpp calls it where it catches c10::Error).
#include <string>

#include "chiaro/core/error.h"

namespace chiaro::core {

// True for the allocators' out-of-memory messages: CUDA's "CUDA out of memory. Tried to allocate",
// c10::OutOfMemoryError, HIP, and the CPU allocator's "DefaultCPUAllocator: not enough memory".
bool isOutOfMemoryMessage(const std::string& what);

// The job error for a LibTorch failure `what` during `stage` ("UNet (pass 1)", ...): out of memory
// becomes a Failure with a hint (on a GPU: retry at a lower size or on the CPU); anything else keeps
// the first line of LibTorch's message.
Error torchStageError(const std::string& stage, const std::string& what);

}  // namespace chiaro::core
