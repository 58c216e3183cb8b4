// A consumer that includes only the bulk header and links a spiral target: what it got must be
// what the build chose (SPIRAL_EXPECT_SIMD, SPIRAL_EXPECT_ARCH), and the results must agree
// with the element kernel.
#include <spiral/options/bulk.hpp>

#include <cmath>
#include <cstdio>
#include <string_view>
#include <vector>

static_assert(spiral::bulk_uses_simd == (SPIRAL_EXPECT_SIMD != 0),
              "the build's SIMD choice must reach the bulk header");

int main() {
    if (spiral::bulk_arch_name != std::string_view(SPIRAL_EXPECT_ARCH)) {
        std::fprintf(stderr, "bulk target %s, expected %s\n", spiral::bulk_arch_name.data(),
                     SPIRAL_EXPECT_ARCH);
        return 1;
    }
    const std::size_t n = 37; // not a multiple of any step width
    std::vector<spiral::option_type> type(n);
    std::vector<double> spot(n), strike(n), time(n, 0.75), rate(n, 0.02), dividend(n, 0.01), vol(n),
        price(n);
    for (std::size_t i = 0; i < n; ++i) {
        type[i] = i % 3 == 0 ? spiral::option_type::put : spiral::option_type::call;
        spot[i] = 100;
        strike[i] = 80 + static_cast<double>(i);
        vol[i] = 0.1 + 0.01 * static_cast<double>(i);
    }
    spiral::black_scholes(spiral::bs_columns{type, spot, strike, time, rate, dividend, vol},
                          spiral::greeks_columns{.price = price});
    for (std::size_t i = 0; i < n; ++i) {
        const double want = spiral::black_scholes_price(
            type[i],
            spiral::bs_input<double>{spot[i], strike[i], time[i], rate[i], dividend[i], vol[i]});
        if (!(std::abs(price[i] - want) <= 1e-12 * want + 1e-13)) {
            std::fprintf(stderr, "price[%zu] = %.17g, expected %.17g\n", i, price[i], want);
            return 1;
        }
    }
    std::printf("bulk target %s (simd %d): OK\n", spiral::bulk_arch_name.data(),
                spiral::bulk_uses_simd ? 1 : 0);
    return 0;
}
