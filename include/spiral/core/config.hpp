// The configuration every spiral header includes first: language level, host/device marking,
// and the one decision of whether bulk kernels run on SIMD batches.
//
// SIMD is decided by the build, never by include order:
//   SPIRAL_SIMD=1     (set by the CMake target spiral::simd, `pkg-config --cflags spiral-simd`
//                      and the Conan component spiral::simd) brings in xsimd here, so every
//                      bulk entry point runs on batches of the widest architecture the compiler
//                      flags enable (-msse2: 2 doubles, -mavx2 -mfma: 4, -mavx512f...: 8);
//   SPIRAL_NO_SIMD    the opt-out: scalar loops even where SPIRAL_SIMD is set;
//   neither           scalar loops, the standard library only.
// A program can check what it got: `spiral::bulk_uses_simd` and `spiral::bulk_arch_name`
// (<spiral/core/target.hpp>). A translation unit that ends up with two choices (SPIRAL_NO_SIMD
// defined after a header chose SIMD, or <spiral/simd.hpp> after a header chose scalar code)
// stops with #error.
/// \file
/// \ingroup core
/// \brief The configuration every header includes first: language level, macros, SIMD choice.
#pragma once

#if defined(_MSVC_LANG) ? _MSVC_LANG < 202002L : __cplusplus < 202002L
#error                                                                                             \
    "spiral needs C++20: compile with -std=c++20 (the CMake target spiral::spiral and `pkg-config --cflags spiral` ask for it)"
#endif

#include <spiral/version.hpp>

/// \def SPIRAL_HD
/// Marks functions callable from both host and CUDA device code. Under nvcc this is
/// `__host__ __device__`; elsewhere it expands to nothing.

/// \def SPIRAL_HD_TEMPLATE
/// A host/device template instantiated with a host-only type (an xsimd batch) makes nvcc warn;
/// under nvcc this pragma, placed before such a template, silences it (elsewhere: nothing).
#if defined(__CUDACC__)
#define SPIRAL_HD __host__ __device__
#define SPIRAL_HD_TEMPLATE _Pragma("nv_exec_check_disable")
#else
#define SPIRAL_HD
#define SPIRAL_HD_TEMPLATE
#endif

/// \def SPIRAL_FLATTEN
/// Loops over batches inline their whole kernel: a call in the loop body would spill every
/// vector register around it, and dead-code elimination of unwanted outputs needs the kernel
/// inlined. Not under AddressSanitizer (it only costs minutes of compile time there) nor nvcc.
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__SANITIZE_ADDRESS__) &&                 \
    !defined(__CUDACC__)
#define SPIRAL_FLATTEN [[gnu::flatten]]
#else
#define SPIRAL_FLATTEN
#endif
/// \def SPIRAL_COLD
/// Error paths inside hot loops: out of line, so their string building does not crowd the
/// registers of the kernel around them.
#if defined(__GNUC__) || defined(__clang__)
#define SPIRAL_COLD [[gnu::noinline, gnu::cold]]
#else
#define SPIRAL_COLD
#endif

/// \def SPIRAL_INLINE_PER_TARGET
/// Non-template helpers with a loop the compiler vectorises (filling a vector, say) that bulk
/// code calls: always inlined, so that no out-of-line copy built for one CPU target can be
/// chosen by the linker for a unit built for another (tests/abi/symbols.cmake checks it).
#if defined(__GNUC__) || defined(__clang__)
#define SPIRAL_INLINE_PER_TARGET [[gnu::always_inline]] inline
#else
#define SPIRAL_INLINE_PER_TARGET inline
#endif

/// \def SPIRAL_SIMD_ENABLED
/// The SIMD decision (1 or 0). CUDA translation units always take scalar code.
#if defined(SPIRAL_NO_SIMD) || defined(__CUDACC__)
#define SPIRAL_SIMD_ENABLED 0
#elif defined(SPIRAL_SIMD) && (SPIRAL_SIMD + 0)
#define SPIRAL_SIMD_ENABLED 1
#else
#define SPIRAL_SIMD_ENABLED 0
#endif

#if SPIRAL_SIMD_ENABLED
#include <spiral/core/xsimd_batch.hpp>
#endif
