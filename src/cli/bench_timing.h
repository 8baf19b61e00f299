#pragma once
#include <algorithm>
#include <chrono>
#include <vector>

namespace chiaro::cli {

template <typename Fn>
double medianMilliseconds(int repeats, Fn&& fn) {
    std::vector<double> times;
    for (int i = 0; i < std::max(1, repeats); ++i) {
        auto start = std::chrono::steady_clock::now();
        fn();
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace chiaro::cli
