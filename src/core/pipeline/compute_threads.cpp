#include "chiaro/pipeline/compute_threads.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

#include <ATen/Parallel.h>

#include "chiaro/core/logging.h"
#include "chiaro/core/paths.h"

namespace chiaro::core {
namespace {

// 2^4 cycles: the workers go to sleep almost at once. Waking them costs a few microseconds per BLAS
// call, far less than a GEMM of the sizes the engine runs.
constexpr const char* kThreadTimeoutExponent = "4";

bool applyBlasSpinLimit() {
    // OpenBLAS reads OPENBLAS_THREAD_TIMEOUT when its thread server starts: re-read the environment,
    // then stop the running server; the next BLAS call starts it again with the new timeout.
    using ReadEnv = void (*)();
    using Shutdown = int (*)();
    auto readEnv = reinterpret_cast<ReadEnv>(dlsym(RTLD_DEFAULT, "openblas_read_env"));
    auto shutdown = reinterpret_cast<Shutdown>(dlsym(RTLD_DEFAULT, "blas_thread_shutdown_"));
    if (!readEnv || !shutdown) {
        coreLog().debug("BLAS: no OpenBLAS thread server in this process; its spin time is left as it is");
        return false;
    }
    const char* userValue = std::getenv("OPENBLAS_THREAD_TIMEOUT");
    if (userValue) {
        coreLog().debug("BLAS: OPENBLAS_THREAD_TIMEOUT={} set by the user, kept", userValue);
        return false;
    }
    setenv("OPENBLAS_THREAD_TIMEOUT", kThreadTimeoutExponent, 0);
    readEnv();
    shutdown();
    coreLog().debug("BLAS: OpenBLAS workers sleep after 2^{} cycles of spinning", kThreadTimeoutExponent);
    return true;
}

}  // namespace

bool limitBlasThreadSpinning() {
    static std::once_flag once;
    static bool applied = false;
    std::call_once(once, [] { applied = applyBlasSpinLimit(); });
    return applied;
}

void setComputeThreads(int threads) {
    limitBlasThreadSpinning();
    const int wanted = threads > 0 ? threads : hardwareThreads();
    if (at::get_num_threads() != wanted) at::set_num_threads(wanted);
}

}  // namespace chiaro::core
