// Consumer of an installed spiral (CMake package or pkg-config); see tests/install/run.cmake.
// Built with spiral::simd (or `pkg-config --cflags spiral-simd`) and no -m flags: the bulk
// entry points must run on SSE2 batches without any include deciding it.
#include <spiral/spiral.hpp>

#include <cmath>
#include <cstdio>
#include <string_view>
#include <vector>

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
#if defined(SPIRAL_EXPECT_ARCH)
    if (spiral::bulk_arch_name != std::string_view(SPIRAL_EXPECT_ARCH)) {
        std::fprintf(stderr, "spiral consumer: bulk target %s, expected %s\n",
                     spiral::bulk_arch_name.data(), SPIRAL_EXPECT_ARCH);
        return 1;
    }
#endif
    std::vector<spiral::option_type> type{spiral::option_type::call, spiral::option_type::put};
    std::vector<double> spot{100, 100}, strike{100, 100}, time{1, 1}, rate{0.05, 0.05},
        dividend{0, 0}, vol{0.2, 0.2}, out(2);
    spiral::black_scholes(spiral::bs_columns{type, spot, strike, time, rate, dividend, vol},
                          spiral::greeks_columns{.price = out});
    if (!(std::abs(out[0] - expected) <= 1e-9)) {
        std::fprintf(stderr, "spiral consumer: bulk call price %.17g\n", out[0]);
        return 1;
    }
    std::printf("spiral consumer: call price %.15f OK, bulk target %s\n", price,
                spiral::bulk_arch_name.data());
    return 0;
}
