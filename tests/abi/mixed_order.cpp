// Must not compile: <spiral/simd.hpp> after another spiral header chose scalar code (built
// without SPIRAL_SIMD). ctest `abi_mixed_order` expects the #error.
#include <spiral/spiral.hpp>

#include <spiral/simd.hpp>

int main() {}
