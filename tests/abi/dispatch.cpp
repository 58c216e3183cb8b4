// spiral::dispatch chooses the best target this CPU runs (checked against the CPU's own feature
// flags), gives the same results as the header-only entry points, and lets errors through.
#include <spiral/dispatch.hpp>

#include <cmath>
#include <cstdio>
#include <string_view>
#include <vector>

namespace {

std::string_view best_target_of_this_cpu() {
    __builtin_cpu_init();
#if defined(__x86_64__) || defined(__i386__)
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw"))
        return "avx512bw";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return "fma3+avx2";
    return "sse2";
#else
    return "arm64+neon";
#endif
}

bool close(double got, double want) {
    return std::abs(got - want) <= 1e-12 * std::abs(want) + 1e-14;
}

} // namespace

int main() {
    const std::string_view chosen = spiral::dispatch::target_name();
    if (chosen != best_target_of_this_cpu()) {
        std::fprintf(stderr, "dispatch chose %.*s, this CPU's best is %.*s\n",
                     static_cast<int>(chosen.size()), chosen.data(),
                     static_cast<int>(best_target_of_this_cpu().size()),
                     best_target_of_this_cpu().data());
        return 1;
    }
    const std::size_t n = 101;
    std::vector<spiral::option_type> type(n);
    std::vector<double> spot(n, 100), strike(n), time(n, 0.5), rate(n, 0.03), dividend(n, 0.0),
        vol(n), price(n), reference(n), implied(n);
    for (std::size_t i = 0; i < n; ++i) {
        type[i] = i % 2 == 0 ? spiral::option_type::put : spiral::option_type::call;
        strike[i] = 70 + 0.6 * static_cast<double>(i);
        vol[i] = 0.15 + 0.004 * static_cast<double>(i);
    }
    const spiral::bs_columns in{type, spot, strike, time, rate, dividend, vol};
    spiral::dispatch::black_scholes(in, {.price = price});
    spiral::black_scholes(in, {.price = reference}); // this unit's own (scalar) code
    spiral::dispatch::implied_vol({type, price, spot, strike, time, rate, dividend}, implied);
    for (std::size_t i = 0; i < n; ++i)
        if (!close(price[i], reference[i]) || !(std::abs(implied[i] - vol[i]) <= 1e-11)) {
            std::fprintf(stderr, "row %zu: price %.17g vs %.17g, implied %.17g vs %.17g\n", i,
                         price[i], reference[i], implied[i], vol[i]);
            return 1;
        }
    vol[7] = -1; // errors cross the dispatcher as spiral::invalid_argument
    try {
        spiral::dispatch::black_scholes(in, {.price = price});
        std::fprintf(stderr, "no exception for vol[7] = -1\n");
        return 1;
    } catch (const spiral::invalid_argument& e) {
        if (std::string_view(e.what()).find("vol[7] = -1") == std::string_view::npos) {
            std::fprintf(stderr, "unexpected message: %s\n", e.what());
            return 1;
        }
    }
    std::printf("dispatch: %.*s, results and errors as the header-only call\n",
                static_cast<int>(chosen.size()), chosen.data());
    return 0;
}
