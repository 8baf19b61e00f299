#include "reference_numerics.h"

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <cstdint>

// This file is compiled with -ffp-contract=off (see CMakeLists.txt): the reference never fuses a
// multiply and an add, and a fused one rounds differently.

namespace chiaro::core::numerics {

std::vector<float> torchLinspaceF32(double start, double end, int n) {
    std::vector<float> out(static_cast<size_t>(std::max(n, 0)));
    if (n <= 0)
        return out;
    const float first = static_cast<float>(start);
    const float last = static_cast<float>(end);
    if (n == 1) {
        out[0] = first;
        return out;
    }
    const float step = (last - first) / static_cast<float>(n - 1);
    const int halfway = n / 2;
    for (int i = 0; i < n; ++i) {
        out[static_cast<size_t>(i)] = i < halfway ? first + step * static_cast<float>(i)
                                                  : last - step * static_cast<float>(n - 1 - i);
    }
    return out;
}

std::vector<double> numpyLinspace(double start, double stop, int n) {
    std::vector<double> out(static_cast<size_t>(std::max(n, 0)));
    if (n <= 0)
        return out;
    if (n == 1) {
        out[0] = start;  // NumPy multiplies index 0 by the whole span: still `start`
        return out;
    }
    const double step = (stop - start) / static_cast<double>(n - 1);
    for (int i = 0; i < n; ++i)
        out[static_cast<size_t>(i)] = static_cast<double>(i) * step + start;
    out.back() = stop;
    return out;
}

double numpyInterpIndex(double x, const std::vector<float>& fp) {
    if (fp.empty())
        return 0.0;
    const double lastIndex = static_cast<double>(fp.size() - 1);
    if (std::isnan(x))
        return x;
    if (x <= 0.0)
        return fp.front();
    if (x >= lastIndex)
        return fp.back();
    const auto j = static_cast<size_t>(std::floor(x));
    if (static_cast<double>(j) == x)
        return fp[j];  // NumPy avoids interpolating on a knot
    const double slope = static_cast<double>(fp[j + 1]) - static_cast<double>(fp[j]);  // dx = 1
    return slope * (x - static_cast<double>(j)) + static_cast<double>(fp[j]);
}

double roundHalfEven(double value) {
    // nearbyint honours the current rounding mode, which is to-nearest-even unless someone changed
    // it.
    const int previous = std::fegetround();
    if (previous != FE_TONEAREST)
        std::fesetround(FE_TONEAREST);
    const double rounded = std::nearbyint(value);
    if (previous != FE_TONEAREST)
        std::fesetround(previous);
    return rounded;
}

double sigmaToTimestep(double sigma, const std::vector<float>& logSigmas) {
    const auto count = static_cast<int64_t>(logSigmas.size());
    if (count < 2)
        return 0.0;
    // NumPy 1.x value-based casting: a float64 scalar meeting a float32 array computes in float32.
    const float logSigma = static_cast<float>(std::log(std::max(sigma, 1e-10)));
    // Index of the last table entry not above log(sigma) (0 when all are above), at most count - 2.
    int64_t low = 0;
    for (int64_t i = 0; i < count; ++i) {
        if (logSigma - logSigmas[static_cast<size_t>(i)] >= 0.0f)
            low = i;
    }
    low = std::min(low, count - 2);
    const int64_t high = low + 1;
    const float lo = logSigmas[static_cast<size_t>(low)];
    const float hi = logSigmas[static_cast<size_t>(high)];
    float w = (lo - logSigma) / (lo - hi);
    w = std::clamp(w, 0.0f, 1.0f);
    // (1 - w) stays float32; multiplying by the int64 index array promotes to float64.
    const float oneMinusW = 1.0f - w;
    return static_cast<double>(oneMinusW) * static_cast<double>(low) +
           static_cast<double>(w) * static_cast<double>(high);
}

}  // namespace chiaro::core::numerics
