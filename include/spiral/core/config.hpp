// Compiler switches shared by every header: host/device marking and version.
#pragma once

#include <spiral/version.hpp>

// Functions callable from both host and CUDA device code. Under nvcc this is
// `__host__ __device__`; elsewhere it expands to nothing.
#if defined(__CUDACC__)
#define SPIRAL_HD __host__ __device__
// A host/device template instantiated with a host-only type (an xsimd batch)
// makes nvcc warn; this pragma, placed before such a template, silences it.
#define SPIRAL_HD_TEMPLATE _Pragma("nv_exec_check_disable")
#else
#define SPIRAL_HD
#define SPIRAL_HD_TEMPLATE
#endif
