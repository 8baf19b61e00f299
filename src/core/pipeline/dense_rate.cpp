#include "chiaro/pipeline/dense_rate.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include <torch/torch.h>

#include "chiaro/pipeline/compute_threads.h"

namespace chiaro::core {
namespace {

template <typename Fn>
double medianSeconds(int repeats, Fn&& fn) {
    fn();  // warm-up: oneDNN primitive creation, allocations
    std::vector<double> times;
    for (int i = 0; i < std::max(1, repeats); ++i) {
        const auto start = std::chrono::steady_clock::now();
        fn();
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace

DenseRate measureDenseRate(int threads, int repeats) {
    c10::InferenceMode guard;
    setComputeThreads(threads);
    DenseRate rate;
    {
        const int64_t b = 2, c = 320, h = 64, w = 64;
        auto x = torch::randn({b, c, h, w});
        auto weight = torch::randn({c, c, 3, 3});
        auto bias = torch::randn({c});
        const double flops = 2.0 * b * h * w * c * c * 9;
        const double s = medianSeconds(repeats, [&] { torch::conv2d(x, weight, bias, 1, 1); });
        rate.convGflops = flops / s / 1e9;
    }
    {
        const int64_t n = 2048;
        auto a = torch::randn({n, n});
        auto m = torch::randn({n, n});
        const double s = medianSeconds(repeats, [&] { torch::mm(a, m); });
        rate.gemmGflops = 2.0 * n * n * n / s / 1e9;
    }
    return rate;
}

}  // namespace chiaro::core
