#include "pipeline/stage_error.h"

namespace chiaro::core {
namespace {

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

}  // namespace

bool isOutOfMemoryMessage(const std::string& what) {
    return contains(what, "out of memory") || contains(what, "not enough memory");
}

Error torchStageError(const std::string& stage, const std::string& what) {
    if (isOutOfMemoryMessage(what)) {
        const bool gpu = contains(what, "CUDA") || contains(what, "HIP") || contains(what, "GPU");
        return Error(ErrorCode::Failure,
                     stage + (gpu ? ": out of GPU memory (retry at a lower size or on the CPU: --device cpu)"
                                  : ": out of memory (retry at a lower size)"));
    }
    return Error(ErrorCode::Failure, stage + ": " + what.substr(0, what.find('\n')));
}

}  // namespace chiaro::core
