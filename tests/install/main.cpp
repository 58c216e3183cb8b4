// Consumer of an installed spiral (CMake package or pkg-config); see tests/install/run.cmake.
#include <spiral/simd.hpp>
#include <spiral/spiral.hpp>

#include <cmath>
#include <cstdio>

int main() {
    const double price = spiral::black_scholes_price(
        spiral::option_type::call,
        spiral::bs_input<double>{
            .spot = 100, .strike = 100, .time = 1, .rate = 0.05, .dividend = 0, .vol = 0.2});
    const double expected = 10.450583572185565;
    if (!(std::abs(price - expected) <= 1e-9)) {
        std::fprintf(stderr, "spiral consumer: call price %.17g, expected %.17g\n", price,
                     expected);
        return 1;
    }
    std::printf("spiral consumer: call price %.15f OK\n", price);
    return 0;
}
