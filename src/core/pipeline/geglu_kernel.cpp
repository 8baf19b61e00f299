#include "geglu_kernel.h"

#include <atomic>
#include <cmath>

#include "simd_math.h"

namespace chiaro::core {
namespace {

std::atomic<bool> g_forceScalar{false};

// x/2 * erfc(-x / sqrt 2) == x/2 * (1 + erf(x / sqrt 2)), without the cancellation for negative x.
inline float geluScalar(float x) { return 0.5f * x * std::erfc(-x * 0.70710678118654752f); }

void gegluRowScalar(const float* hidden, const float* gate, float* out, std::int64_t width) {
    for (std::int64_t j = 0; j < width; ++j) out[j] = hidden[j] * geluScalar(gate[j]);
}

#if CHIARO_SIMD_AVX2
// gelu(x) from e = erfc(|x| / sqrt 2): x * (1 - e / 2) for x >= 0 and x * e / 2 below, which keeps the
// relative accuracy of the small negative tail (1 + erf(x / sqrt 2) would cancel there).
// erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z / 2): the Chebyshev fit of Numerical Recipes (6.2),
// relative error below 1.2e-7 for every z >= 0.
CHIARO_AVX2 inline __m256 gelu256(__m256 x) {
    const __m256 z = _mm256_mul_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), x), _mm256_set1_ps(0.70710678118654752f));
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(0.5f), z, one));
    __m256 p = _mm256_set1_ps(0.17087277f);
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.82215223f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.48851587f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.13520398f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.27886807f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.18628806f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.09678418f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.37409196f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.00002368f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.26551223f));
    const __m256 exponent = _mm256_fnmadd_ps(z, z, p);  // -z^2 + P(t)
    const __m256 halfErfc = _mm256_mul_ps(_mm256_mul_ps(t, simd::exp256(exponent)), _mm256_set1_ps(0.5f));
    const __m256 positive = _mm256_mul_ps(x, _mm256_sub_ps(one, halfErfc));  // not x - x*e/2: inf stays inf
    const __m256 negative = _mm256_mul_ps(x, halfErfc);
    return _mm256_blendv_ps(positive, negative, x);  // the sign bit of x picks the lane
}

CHIARO_AVX2 void gegluRowAvx2(const float* hidden, const float* gate, float* out, std::int64_t width) {
    std::int64_t j = 0;
    for (; j + 8 <= width; j += 8)
        _mm256_storeu_ps(out + j, _mm256_mul_ps(_mm256_loadu_ps(hidden + j), gelu256(_mm256_loadu_ps(gate + j))));
    if (j < width) {
        // The tail through a zero-padded register, so both variants agree on every element.
        alignas(32) float h[8] = {}, g[8] = {}, o[8];
        for (std::int64_t k = j; k < width; ++k) h[k - j] = hidden[k], g[k - j] = gate[k];
        _mm256_store_ps(o, _mm256_mul_ps(_mm256_load_ps(h), gelu256(_mm256_load_ps(g))));
        for (std::int64_t k = j; k < width; ++k) out[k] = o[k - j];
    }
}
#endif

bool useAvx2() { return simd::avx2Enabled(g_forceScalar); }

}  // namespace

void gegluRows(const float* in, float* out, std::int64_t rows, std::int64_t width) {
    const bool avx2 = useAvx2();
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* hidden = in + r * 2 * width;
        float* dst = out + r * width;
#if CHIARO_SIMD_AVX2
        if (avx2) {
            gegluRowAvx2(hidden, hidden + width, dst, width);
            continue;
        }
#endif
        (void)avx2;
        gegluRowScalar(hidden, hidden + width, dst, width);
    }
}

const char* gegluKernelVariant() { return useAvx2() ? "avx2" : "scalar"; }

void setGegluKernelForceScalar(bool forceScalar) { g_forceScalar.store(forceScalar); }

}  // namespace chiaro::core
