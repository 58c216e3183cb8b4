// Opt-in SIMD support: makes `xsimd::batch<float|double, A>` a `spiral::real`, so every
// formula template runs on batches. Link `spiral::simd` (adds xsimd) to use it.
#pragma once

// Lets headers included after this one (options/bulk.hpp) switch to batch code.
#define SPIRAL_SIMD_HPP_INCLUDED 1

#include <spiral/core/real.hpp>

#include <type_traits>
#include <xsimd/xsimd.hpp>

namespace spiral {

template <class T, class A>
requires std::is_floating_point_v<T>
struct batch_traits<xsimd::batch<T, A>> {
    using batch = xsimd::batch<T, A>;
    using scalar = T;
    using mask = xsimd::batch_bool<T, A>;
    static constexpr bool is_batch = true;
    static constexpr std::size_t size = batch::size;
    // A true fused multiply-add exists on these architectures; elsewhere xsimd would emulate
    // it with a rounded product, which is useless for error-free transformations.
    static constexpr bool has_fma =
#if XSIMD_WITH_AVX512F
        std::is_base_of_v<xsimd::avx512f, A> ||
#endif
#if XSIMD_WITH_FMA3_AVX2
        std::is_base_of_v<xsimd::fma3<xsimd::avx2>, A> ||
#endif
#if XSIMD_WITH_FMA3_AVX
        std::is_base_of_v<xsimd::fma3<xsimd::avx>, A> ||
#endif
#if XSIMD_WITH_FMA3_SSE
        std::is_base_of_v<xsimd::fma3<xsimd::sse4_2>, A> ||
#endif
        false;

    static batch select(const mask& m, const batch& a, const batch& b) noexcept {
        return xsimd::select(m, a, b);
    }
    static batch min(const batch& a, const batch& b) noexcept {
        return xsimd::min(a, b);
    }
    static batch max(const batch& a, const batch& b) noexcept {
        return xsimd::max(a, b);
    }
    static batch abs(const batch& x) noexcept {
        return xsimd::abs(x);
    }
    static batch fma(const batch& a, const batch& b, const batch& c) noexcept {
        return xsimd::fma(a, b, c);
    }
    static batch exp(const batch& x) noexcept {
        return xsimd::exp(x);
    }
    static batch log(const batch& x) noexcept {
        return xsimd::log(x);
    }
    static batch sqrt(const batch& x) noexcept {
        return xsimd::sqrt(x);
    }
};

} // namespace spiral
