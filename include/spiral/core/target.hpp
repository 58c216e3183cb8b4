// The CPU target as a type: what the bulk entry points of this translation unit run on.
//
//   spiral::bulk_target       xsimd::avx512bw, xsimd::fma3<xsimd::avx2>, xsimd::sse2, ...
//                             (the widest the compiler flags enable) when the build chose SIMD,
//                             spiral::scalar_target<F> otherwise;
//   spiral::bulk_uses_simd    whether that is a SIMD architecture;
//   spiral::bulk_arch_name    its name: "avx512bw", "fma3+avx2", "sse2", "arm64+neon", "scalar".
//
// Every bulk entry point and everything it instantiates carries the target in its type (a
// template argument or a defaulted parameter of type `bulk_target`), so translation units built
// for different CPUs never share a symbol that holds vector code, whatever the link order.
// `scalar_target` carries the instruction-set features the compiler was allowed to use, because
// scalar loops are vectorised and re-encoded by -m flags too.
/// \file
/// \ingroup core
/// \brief The CPU target as a type: what the bulk entry points of this translation unit run on.
#pragma once

#include <spiral/core/config.hpp>

#include <cstddef>
#include <string_view>
#include <type_traits>

namespace spiral {

/// Scalar loops compiled with the instruction-set extensions in `Features` (see
/// `detail::compiled_features`).
template <unsigned Features>
struct scalar_target {
    static constexpr unsigned features = Features; ///< The extensions, one bit each.
    /// "scalar", as `bulk_arch_name` reports it.
    static constexpr const char* name() noexcept { return "scalar"; }
};

namespace detail {

/// The x86 / Arm extensions the compiler may use in this translation unit, one bit each.
inline constexpr unsigned compiled_features = 0u
#if defined(__SSE2__)
                                              | 1u
#endif
#if defined(__SSE4_2__)
                                              | 2u
#endif
#if defined(__AVX__)
                                              | 4u
#endif
#if defined(__AVX2__)
                                              | 8u
#endif
#if defined(__FMA__)
                                              | 16u
#endif
#if defined(__AVX512F__)
                                              | 32u
#endif
#if defined(__AVX512BW__)
                                              | 64u
#endif
#if defined(__ARM_NEON)
                                              | 128u
#endif
#if defined(__ARM_FEATURE_SVE)
                                              | 256u
#endif
    ;

template <class Target>
inline constexpr bool is_scalar_target = false;
template <unsigned F>
inline constexpr bool is_scalar_target<scalar_target<F>> = true;

} // namespace detail

/// Scalar loops compiled with this translation unit's flags (what `bulk_target` is without
/// SIMD; also the fallback for kernels that do not take batches).
using scalar_bulk_target = scalar_target<detail::compiled_features>;

#if SPIRAL_SIMD_ENABLED
/// The widest xsimd architecture with batches of double that the compiler flags enable
/// (scalar code where there is none, e.g. 32-bit x86 without SSE2).
using bulk_target = std::conditional_t<std::is_same_v<xsimd::default_arch, xsimd::unavailable>,
                                       scalar_bulk_target, xsimd::default_arch>;
#else
/// What the bulk entry points of this translation unit run on: scalar loops in a build without
/// SIMD (with SIMD: the widest xsimd architecture the compiler flags enable).
using bulk_target = scalar_bulk_target;
#endif

/// True when the bulk entry points of this translation unit run on SIMD batches.
inline constexpr bool bulk_uses_simd = !detail::is_scalar_target<bulk_target>;

/// The name of `bulk_target`: "avx512bw", "fma3+avx2", "sse2", ..., or "scalar".
inline constexpr std::string_view bulk_arch_name = bulk_target::name();

} // namespace spiral
