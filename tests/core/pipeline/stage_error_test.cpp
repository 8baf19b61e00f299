// LibTorch failures become job errors; out of memory carries a hint. Messages are LibTorch's own
// wording, so the mapping is tested without a GPU.
#include <catch2/catch.hpp>

#include "pipeline/stage_error.h"

using namespace chiaro::core;

TEST_CASE("a CUDA out-of-memory error becomes a job error with a retry hint", "[pipeline][errors]") {
    const std::string cuda =
        "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 7.79 GiB total capacity; 5.10 GiB already "
        "allocated)\nException raised from malloc at c10/cuda/CUDACachingAllocator.cpp:913";
    CHECK(isOutOfMemoryMessage(cuda));
    const Error e = torchStageError("UNet (pass 2)", cuda);
    CHECK(e.code() == ErrorCode::Failure);
    const std::string message = e.what();
    CHECK_THAT(message, Catch::StartsWith("UNet (pass 2): out of GPU memory"));
    CHECK_THAT(message, Catch::Contains("retry at a lower size or on the CPU"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("the CPU allocator's out-of-memory error hints at a lower size", "[pipeline][errors]") {
    const std::string cpu = "[enforce fail at alloc_cpu.cpp:83] err == 0. DefaultCPUAllocator: not enough memory: "
                            "you tried to allocate 68719476736 bytes.";
    CHECK(isOutOfMemoryMessage(cpu));
    const std::string message = torchStageError("VAE decoder", cpu).what();
    CHECK(message == "VAE decoder: out of memory (retry at a lower size)");
}

TEST_CASE("other LibTorch errors keep their first line and name the stage", "[pipeline][errors]") {
    const std::string shape = "The size of tensor a (64) must match the size of tensor b (80) at non-singleton "
                              "dimension 3\nException raised from infer_size_impl at aten/src/ATen/ExpandUtils.cpp:31";
    CHECK_FALSE(isOutOfMemoryMessage(shape));
    const Error e = torchStageError("VAE encoder", shape);
    CHECK(e.code() == ErrorCode::Failure);
    CHECK(std::string(e.what()) ==
          "VAE encoder: The size of tensor a (64) must match the size of tensor b (80) at non-singleton dimension 3");
}
