// The README's order: the umbrella header first, then a bulk header. With spiral::simd linked
// the bulk entry points must still run on batches (the choice is the build's, not the includes').
#include <spiral/spiral.hpp>

#include <spiral/options/bulk.hpp>

#include <cstdio>
#include <string_view>

static_assert(spiral::bulk_uses_simd == (SPIRAL_EXPECT_SIMD != 0),
              "including spiral.hpp first must not change the build's SIMD choice");

int main() {
    if (spiral::bulk_arch_name != std::string_view(SPIRAL_EXPECT_ARCH)) {
        std::fprintf(stderr, "bulk target %s, expected %s\n", spiral::bulk_arch_name.data(),
                     SPIRAL_EXPECT_ARCH);
        return 1;
    }
    std::printf("umbrella first, bulk target %s: OK\n", spiral::bulk_arch_name.data());
    return 0;
}
