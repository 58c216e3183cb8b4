// Which code the bulk entry points of this translation unit run: xsimd batches when
// <spiral/simd.hpp> was included before the first bulk header, a scalar loop otherwise, and
// the name of the inline namespace that keeps the two apart (so translation units built with
// different flags or include orders never share one definition of a bulk function).
//
//   SPIRAL_BULK_USES_SIMD   1 or 0
//   SPIRAL_BULK_ARCH        avx512bw, avx2_fma, ..., sse2, neon64 or scalar
//   SPIRAL_BULK_NAME(bulk)  bulk_<arch>, for an inline namespace
#pragma once

#if defined(SPIRAL_SIMD_HPP_INCLUDED) &&                                                           \
    (XSIMD_WITH_SSE2 || XSIMD_WITH_NEON64) // architectures with batches of double
#define SPIRAL_BULK_USES_SIMD 1
#if XSIMD_WITH_AVX512BW
#define SPIRAL_BULK_ARCH avx512bw
#elif XSIMD_WITH_AVX512DQ
#define SPIRAL_BULK_ARCH avx512dq
#elif XSIMD_WITH_AVX512CD
#define SPIRAL_BULK_ARCH avx512cd
#elif XSIMD_WITH_AVX512F
#define SPIRAL_BULK_ARCH avx512f
#elif XSIMD_WITH_FMA3_AVX2
#define SPIRAL_BULK_ARCH avx2_fma
#elif XSIMD_WITH_AVX2
#define SPIRAL_BULK_ARCH avx2
#elif XSIMD_WITH_FMA3_AVX
#define SPIRAL_BULK_ARCH avx_fma
#elif XSIMD_WITH_AVX
#define SPIRAL_BULK_ARCH avx
#elif XSIMD_WITH_FMA4
#define SPIRAL_BULK_ARCH fma4
#elif XSIMD_WITH_FMA3_SSE
#define SPIRAL_BULK_ARCH sse4_2_fma
#elif XSIMD_WITH_SSE4_2
#define SPIRAL_BULK_ARCH sse4_2
#elif XSIMD_WITH_SSE4_1
#define SPIRAL_BULK_ARCH sse4_1
#elif XSIMD_WITH_SSSE3
#define SPIRAL_BULK_ARCH ssse3
#elif XSIMD_WITH_SSE3
#define SPIRAL_BULK_ARCH sse3
#elif XSIMD_WITH_SSE2
#define SPIRAL_BULK_ARCH sse2
#else
#define SPIRAL_BULK_ARCH neon64
#endif
#else
#define SPIRAL_BULK_USES_SIMD 0
#define SPIRAL_BULK_ARCH scalar
#endif

#define SPIRAL_BULK_NAME_JOIN(prefix, arch) prefix##_##arch
#define SPIRAL_BULK_NAME_EXPAND(prefix, arch) SPIRAL_BULK_NAME_JOIN(prefix, arch)
#define SPIRAL_BULK_NAME(prefix) SPIRAL_BULK_NAME_EXPAND(prefix, SPIRAL_BULK_ARCH)
