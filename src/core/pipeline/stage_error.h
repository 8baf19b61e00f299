#pragma once
// The one translation of LibTorch failures into Chiaro errors: the engine's boundary (Engine::run,
// Engine::load), the bundle loader's probes and the segmenter all go through it. Torch-free, so
// that it can be unit-tested on LibTorch's own wording without LibTorch or a GPU; the callers pass
// c10::Error::what_without_backtrace() (or what() of any other exception).
#include <string>

#include "chiaro/core/error.h"

namespace chiaro::core {

// True for the allocators' out-of-memory messages: CUDA's "CUDA out of memory. Tried to allocate",
// c10::OutOfMemoryError, HIP, and the CPU allocator's "DefaultCPUAllocator: not enough memory" /
// "can't allocate memory".
bool isOutOfMemoryMessage(const std::string& what);

// The cause of a LibTorch failure in one line of plain words:
// - a TorchScript interpreter failure ("The following operation failed in the TorchScript
//   interpreter." and a traceback) gives its innermost error line, without the Python class
//   ("builtins.RuntimeError: x" -> "x"; other classes stay named: "ValueError: x");
// - out of memory: "out of GPU memory (tried to allocate 2.3 GiB; 1.1 GiB free)" or
//   "out of memory (tried to allocate 117.7 MiB)" with what the message tells;
// - shape mismatches (broadcast, matrix product, convolution channels) say which sizes disagree;
// - anything else: its first line, without "[enforce fail at ...]" and at most 300 characters.
std::string torchFailureCause(const std::string& what);

// The job error for a LibTorch failure `what` in `stage` ("vae-decode", ...) running `moduleFile`
// (a bundle file name such as "vae_decoder.pt"; empty when no module ran): Failure with
// "STAGE (MODULE): CAUSE", plus a hint for out of memory (a lower size; on a GPU also the CPU).
Error torchStageError(const std::string& stage, const std::string& moduleFile, const std::string& what);

}  // namespace chiaro::core
