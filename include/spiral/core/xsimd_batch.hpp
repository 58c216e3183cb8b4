// xsimd batches as spiral `real` types. Included by <spiral/core/config.hpp> when the build
// chose SIMD (SPIRAL_SIMD=1, see there); not meant to be included on its own.
//
// Only what xsimd lacks or gets wrong is said here: the lane count, a fused multiply-add that
// is one instruction on AVX-512 too, and an exact split of the exponent. Every other operation
// (select, min, max, abs, exp, log, sqrt, any, all, ...) is xsimd's own, found by argument-
// dependent lookup from the wrappers in <spiral/core/math.hpp>.
/// \file
/// \ingroup core
/// \brief xsimd batches as spiral `real` types (included by core/config.hpp with SIMD).
#pragma once

#include <spiral/core/real.hpp>

#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>

namespace spiral {

/// An xsimd batch of float or double is a spiral `real`.
template <class T, class A>
requires std::is_floating_point_v<T>
struct batch_traits<xsimd::batch<T, A>> {
    using batch = xsimd::batch<T, A>;                ///< The batch type itself.
    using scalar = T;                                ///< The element type.
    using mask = xsimd::batch_bool<T, A>;            ///< The result type of comparisons.
    static constexpr bool is_batch = true;           ///< Marks a batch (see spiral::real).
    static constexpr std::size_t size = batch::size; ///< The lane count.
    /// True where a true fused multiply-add exists on the architecture; elsewhere xsimd would
    /// emulate it with a rounded product, which is useless for error-free transformations.
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

    /// a * b + c, rounded once where `has_fma`.
    static batch fma(const batch& a, const batch& b, const batch& c) noexcept {
#if XSIMD_WITH_AVX512F
        // xsimd 8.1 has no AVX-512 fma kernel: its generic fallback is a * b + c, rounded
        // twice (two_product_error then returns 0). Use the instruction itself.
        if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
            if constexpr (std::is_same_v<T, double>)
                return _mm512_fmadd_pd(a, b, c);
            else
                return _mm512_fmadd_ps(a, b, c);
        }
#endif
        return xsimd::fma(a, b, c);
    }

    /// 2^k for integer-valued lanes k in [-1022, 1023], exactly: k + 1023 lands in the low
    /// bits of k + 1.5 * 2^52, and a shift moves it into the exponent field.
    static batch power_of_two(const batch& k) noexcept requires std::is_same_v<T, double> {
        using bits = xsimd::batch<std::int64_t, A>;
        const batch biased = k + batch(6755399441055744.0 + 1023.0);
        return xsimd::bitwise_cast<batch>(xsimd::bitwise_cast<bits>(biased) << 52);
    }

    /// x = m 2^k with m in [sqrt(1/2), sqrt(2)), exactly (bit manipulation), for positive,
    /// normal, finite double lanes; other lanes get unspecified values. Returns m, sets k.
    static batch split_exponent(const batch& x,
                                batch& k) noexcept requires std::is_same_v<T, double> {
        using bits = xsimd::batch<std::int64_t, A>;
        constexpr std::int64_t one = 0x3ff0000000000000;
        constexpr std::int64_t below_sqrt2 = 0x3fe6a09e667f3bcd; // sqrt(1/2), rounded down
        // Adding one - below_sqrt2 carries into the exponent exactly when the mantissa is at
        // least sqrt(2); the fraction field then gets below_sqrt2 added back.
        const bits shifted = xsimd::bitwise_cast<bits>(x) + bits(one - below_sqrt2);
        k = xsimd::to_float((shifted >> 52) - bits(1023));
        return xsimd::bitwise_cast<batch>((shifted & bits(0x000fffffffffffff)) + bits(below_sqrt2));
    }
};

} // namespace spiral
