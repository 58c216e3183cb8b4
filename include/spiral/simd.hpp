// Explicit opt-in to SIMD for a translation unit built without the spiral::simd target:
// including this header first is the same as defining SPIRAL_SIMD=1 (what linking spiral::simd
// does for the whole build). It makes `xsimd::batch<float|double, A>` a `spiral::real`, so
// every formula template runs on batches, and switches the bulk entry points to batches.
//
// It must come before every other spiral header: the first one decides (see
// <spiral/core/config.hpp>), and a later change of mind stops the build with #error rather
// than mixing scalar and batch code. With spiral::simd linked, its place does not matter.
/// \file
/// \ingroup core
/// \brief Explicit opt-in to SIMD for a translation unit built without the spiral::simd target.
#pragma once

#if defined(SPIRAL_NO_SIMD)
#error "spiral: <spiral/simd.hpp> included with SPIRAL_NO_SIMD defined; choose one"
#endif
#if defined(__CUDACC__)
#error "spiral: <spiral/simd.hpp> is for host code; CUDA translation units use scalar kernels"
#endif
#if !(defined(SPIRAL_SIMD) && (SPIRAL_SIMD + 0))
#if defined(SPIRAL_SIMD_ENABLED)
#error                                                                                             \
    "spiral: <spiral/simd.hpp> included after another spiral header had chosen scalar code; include it first, or link spiral::simd (which defines SPIRAL_SIMD=1 for the whole build)"
#endif
#undef SPIRAL_SIMD
/// The SIMD opt-in: 1, as if the build had linked spiral::simd.
#define SPIRAL_SIMD 1
#endif

#include <spiral/core/config.hpp>
#include <spiral/core/detail/same_simd_choice.hpp>
#include <spiral/core/target.hpp>
