#pragma once
// AVX2/FMA building blocks shared by the fused CPU kernels (attention_kernel.cpp, geglu_kernel.cpp).
// Torch-free. The kernels are compiled for baseline x86-64 and pick these loops at run time, so
// every function here carries the target attribute instead of relying on -mavx2.
#include <atomic>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CHIARO_SIMD_AVX2 1
#define CHIARO_AVX2 __attribute__((target("avx2,fma")))

namespace chiaro::core::simd {

// True when this CPU runs AVX2 and FMA instructions (checked once).
inline bool cpuHasAvx2() {
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return has;
}

// exp(x) per lane. Cephes expf: 2^n * p(r), r = x - n ln2 in [-ln2/2, ln2/2]; about 1 ulp. The clamp
// keeps 2^n a normal float: results below ~1.6e-38 come out as that value, never as 0 or a denormal.
CHIARO_AVX2 inline __m256 exp256(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

}  // namespace chiaro::core::simd
#endif

namespace chiaro::core::simd {

// Whether a kernel runs its AVX2 loops: built for x86-64, the CPU has AVX2 and FMA, and the kernel's
// test switch (forceScalar) is off.
inline bool avx2Enabled(const std::atomic<bool>& forceScalar) {
#if CHIARO_SIMD_AVX2
    return cpuHasAvx2() && !forceScalar.load();
#else
    (void)forceScalar;
    return false;
#endif
}

}  // namespace chiaro::core::simd
