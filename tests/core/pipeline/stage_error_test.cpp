// The one LibTorch error translator: LibTorch's own wording (copied from torch 1.13 and 2.x, and
// from the TorchScript interpreter) becomes one line naming the stage, the module and the cause.
// Real LibTorch failures through the engine are tested in engine_errors_test.cpp.
#include <catch2/catch.hpp>

#include "pipeline/stage_error.h"

using namespace chiaro::core;

namespace {

bool oneLine(const std::string& text) { return text.find('\n') == std::string::npos; }

}  // namespace

TEST_CASE("a CUDA out-of-memory error says how much was asked and how much was free", "[pipeline][errors]") {
    const std::string torch113 =
        "CUDA out of memory. Tried to allocate 2.30 GiB (GPU 0; 7.79 GiB total capacity; 5.10 GiB already "
        "allocated; 1.10 GiB free; 6.00 GiB reserved in total by PyTorch) If reserved memory is >> allocated "
        "memory try setting max_split_size_mb\nException raised from malloc at c10/cuda/CUDACachingAllocator.cpp:913";
    CHECK(isOutOfMemoryMessage(torch113));
    const Error e = torchStageError("vae-decode", "vae_decoder.pt", torch113);
    CHECK(e.code() == ErrorCode::Failure);
    CHECK(std::string(e.what()) ==
          "vae-decode (vae_decoder.pt): out of GPU memory (tried to allocate 2.3 GiB; 1.1 GiB free); retry at a "
          "lower size or on the CPU (--device cpu)");

    const std::string torch2 =
        "CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a total capacity of 79.15 GiB of which "
        "512.00 MiB is free. Including non-PyTorch memory, this process has 78.6 GiB memory in use.";
    CHECK(torchFailureCause(torch2) == "out of GPU memory (tried to allocate 20.0 MiB; 512.0 MiB free)");
}

TEST_CASE("the CPU allocator's out-of-memory error gives the size in plain units", "[pipeline][errors]") {
    const std::string cannot = "[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate "
                               "memory: you tried to allocate 17592186044416 bytes. Error code 12 (Cannot allocate memory)";
    CHECK(isOutOfMemoryMessage(cannot));
    CHECK(std::string(torchStageError("pass-2", "unet.pt", cannot).what()) ==
          "pass-2 (unet.pt): out of memory (tried to allocate 16.0 TiB); retry at a lower size");
    const std::string notEnough = "[enforce fail at alloc_cpu.cpp:83] err == 0. DefaultCPUAllocator: not enough "
                                  "memory: you tried to allocate 68719476736 bytes.";
    CHECK(torchFailureCause(notEnough) == "out of memory (tried to allocate 64.0 GiB)");
}

TEST_CASE("a TorchScript failure keeps its innermost line, not the interpreter's banner", "[pipeline][errors]") {
    const std::string raised =
        "The following operation failed in the TorchScript interpreter.\n"
        "Traceback of TorchScript (most recent call last):\n"
        "  File \"code/__torch__/chiaro_export/vae.py\", line 5, in forward\n"
        "    def forward(self, x):\n"
        "        if x.shape[-1] > 8:\n"
        "            raise RuntimeError(\"decoder blew up at size \" + str(x.shape[-1]))\n"
        "            ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ <--- HERE\n"
        "        return x\n"
        "builtins.RuntimeError: decoder blew up at size 16\n";
    const std::string message = torchStageError("vae-decode", "vae_decoder.pt", raised).what();
    CHECK(message == "vae-decode (vae_decoder.pt): decoder blew up at size 16");
    CHECK(oneLine(message));

    const std::string valueError =
        "The following operation failed in the TorchScript interpreter.\nTraceback of TorchScript (most recent call "
        "last):\n  File \"x.py\", line 3\nbuiltins.ValueError: the latent must have 4 channels\n";
    CHECK(torchFailureCause(valueError) == "ValueError: the latent must have 4 channels");
}

TEST_CASE("shape mismatches are said in plain words", "[pipeline][errors]") {
    const std::string broadcast =
        "The following operation failed in the TorchScript interpreter.\nTraceback of TorchScript (most recent call "
        "last):\n  File \"x.py\", line 9, in forward\n        return x + torch.zeros(1, 3, 8, 8)\n               "
        "~~~~~~~~~~ <--- HERE\nRuntimeError: The size of tensor a (16) must match the size of tensor b (8) at "
        "non-singleton dimension 3\n";
    CHECK(torchFailureCause(broadcast) ==
          "shape mismatch: two tensors of sizes 16 and 8 along dimension 3 do not fit together");
    CHECK(torchFailureCause("mat1 and mat2 shapes cannot be multiplied (2x768 and 1024x320)") ==
          "shape mismatch: a layer expects 1024 input features but got 768 (matrices 2x768 and 1024x320)");
    CHECK(torchFailureCause("Given groups=1, weight of size [320, 12, 3, 3], expected input[2, 8, 64, 64] to have 12 "
                            "channels, but got 8 channels instead") ==
          "shape mismatch: a convolution expects 12 input channels but got 8 (input [2, 8, 64, 64], weight [320, "
          "12, 3, 3])");
    CHECK(torchFailureCause("shape '[2, 77, 768]' is invalid for input of size 1000") ==
          "shape mismatch: 1000 values cannot be reshaped to [2, 77, 768]");
}

TEST_CASE("other errors keep their first line, shortened, and an empty stage reads 'engine'", "[pipeline][errors]") {
    const std::string other = "Expected all tensors to be on the same device\nException raised from x at y.cpp:1";
    CHECK_FALSE(isOutOfMemoryMessage(other));
    CHECK(std::string(torchStageError("", "", other).what()) == "engine: Expected all tensors to be on the same device");
    const std::string longLine(1000, 'x');
    CHECK(torchFailureCause(longLine).size() == 303);
    CHECK(torchFailureCause("\n\n") == "unknown LibTorch error");
}
