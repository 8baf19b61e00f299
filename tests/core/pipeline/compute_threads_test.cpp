// setComputeThreads and the OpenBLAS spin limit: the thread count is applied, the limit is applied
// once (when this process's BLAS is OpenBLAS's pthreads build), and matrix products still run and
// give the same numbers afterwards, on more than one thread.
#include <dlfcn.h>

#include <cstdlib>
#include <string>

#include <torch/torch.h>
#undef CHECK
#include <catch2/catch.hpp>

#include "chiaro/pipeline/compute_threads.h"

using namespace chiaro::core;

TEST_CASE("setComputeThreads sets the count and limits OpenBLAS's spinning once", "[pipeline][threads]") {
    c10::InferenceMode guard;
    torch::manual_seed(7);
    const auto a = torch::randn({300, 200}), b = torch::randn({200, 100});
    const auto before = torch::mm(a, b);  // starts OpenBLAS's thread server with its default timeout

    setComputeThreads(2);
    CHECK(torch::get_num_threads() == 2);
    setComputeThreads(1);
    CHECK(torch::get_num_threads() == 1);
    setComputeThreads(2);

    const bool openBlasServer = dlsym(RTLD_DEFAULT, "blas_thread_shutdown_") != nullptr;
    const bool applied = limitBlasThreadSpinning();
    const char* timeout = std::getenv("OPENBLAS_THREAD_TIMEOUT");
    if (applied) {
        CHECK(openBlasServer);
        REQUIRE(timeout != nullptr);
        CHECK(std::string(timeout) == "4");
    } else {
        // Not applied: another BLAS, or the user's own OPENBLAS_THREAD_TIMEOUT, which is kept.
        CHECK((!openBlasServer || timeout != nullptr));
    }
    CHECK(limitBlasThreadSpinning() == applied);  // idempotent

    // The restarted thread server computes the same product, and larger ones on several threads.
    CHECK(torch::equal(torch::mm(a, b), before));
    const auto big = torch::randn({512, 512});
    CHECK(torch::allclose(torch::mm(big, big.t()), torch::matmul(big, big.t())));
    using NumThreads = int (*)();
    if (auto blasThreads = reinterpret_cast<NumThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")))
        CHECK(blasThreads() >= 1);
}
