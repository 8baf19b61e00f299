#include "geglu_op.h"

#include <ATen/Parallel.h>

#include "geglu_kernel.h"

namespace chiaro::core {
namespace {

// Rows per work item: at least ~32K output floats, so small inputs do not pay for waking threads.
constexpr int64_t kGrainFloats = 32 * 1024;

void checkShape(const torch::Tensor& x) {
    TORCH_CHECK(x.dim() >= 1 && x.numel() > 0, "chiaro::geglu: empty input ", x.sizes());
    TORCH_CHECK(x.size(-1) % 2 == 0, "chiaro::geglu: the last dimension (", x.size(-1),
                ") must hold the value and gate halves, so it must be even");
}

}  // namespace

torch::Tensor chiaroGegluComposite(const torch::Tensor& x) {
    checkShape(x);
    const auto halves = x.chunk(2, -1);
    return halves[0] * torch::gelu(halves[1]);
}

torch::Tensor chiaroGeglu(const torch::Tensor& x) {
    checkShape(x);
    if (!x.device().is_cpu() || x.scalar_type() != torch::kFloat || !x.is_contiguous())
        return chiaroGegluComposite(x);
    const int64_t width = x.size(-1) / 2;
    const int64_t rows = x.numel() / x.size(-1);
    auto sizes = x.sizes().vec();
    sizes.back() = width;
    auto out = torch::empty(sizes, x.options());
    const float* in = x.data_ptr<float>();
    float* dst = out.data_ptr<float>();
    const int64_t grain = std::max<int64_t>(1, kGrainFloats / width);
    at::parallel_for(0, rows, grain, [&](int64_t begin, int64_t end) {
        gegluRows(in + begin * 2 * width, dst + begin * width, end - begin, width);
    });
    return out;
}

}  // namespace chiaro::core
