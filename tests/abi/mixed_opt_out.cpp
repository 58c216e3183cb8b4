// Must not compile: SPIRAL_NO_SIMD defined after a header chose SIMD (built with
// SPIRAL_SIMD=1). ctest `abi_mixed_opt_out` expects the #error.
#include <spiral/options/bulk.hpp>

#define SPIRAL_NO_SIMD
#include <spiral/haircut/bulk.hpp>

int main() {}
