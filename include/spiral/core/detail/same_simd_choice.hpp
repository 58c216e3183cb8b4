// No include guard on purpose: every bulk header includes this file, so a SIMD choice that
// changed after <spiral/core/config.hpp> decided it stops the build at the next bulk header
// instead of mixing scalar and batch code in one translation unit.
#if defined(SPIRAL_SIMD_ENABLED)
#if SPIRAL_SIMD_ENABLED && defined(SPIRAL_NO_SIMD)
#error                                                                                             \
    "spiral: SPIRAL_NO_SIMD was defined after a spiral header had chosen SIMD code; define it before the first spiral header (or on the command line)"
#endif
#if !SPIRAL_SIMD_ENABLED && !defined(SPIRAL_NO_SIMD) && !defined(__CUDACC__) &&                    \
    defined(SPIRAL_SIMD) && (SPIRAL_SIMD + 0)
#error                                                                                             \
    "spiral: SPIRAL_SIMD was defined after a spiral header had chosen scalar code; link spiral::simd (it defines SPIRAL_SIMD=1 for the whole build) or define it on the command line"
#endif
#endif
