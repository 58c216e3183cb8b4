// Two (or three) translation units built for different CPU targets, linked into one program:
// each must run its own code (the symbol check abi_symbols.cmake proves that none of the vector
// code is shared) and agree with the element kernels. Exit code 0 when all units that this CPU
// can run pass; the units it cannot run are reported and skipped.
#include "unit.hpp"

#include <spiral/haircut/haircut.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/margin/option_rule.hpp>
#include <spiral/margin/scenario_grid.hpp>
#include <spiral/options/black_scholes.hpp>

#include <cmath>
#include <cstdio>
#include <random>
#include <span>
#include <string_view>
#include <vector>

namespace {

using abi_test::book;
using abi_test::results;

book make_book(std::size_t n) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    book b;
    for (std::size_t i = 0; i < n; ++i) {
        b.type.push_back(u(rng) < 0.5 ? spiral::option_type::call : spiral::option_type::put);
        b.spot.push_back(50 + 100 * u(rng));
        b.strike.push_back(b.spot.back() * (0.8 + 0.4 * u(rng)));
        b.time.push_back(0.1 + 2 * u(rng));
        b.rate.push_back(0.05 * u(rng));
        b.dividend.push_back(0.02 * u(rng));
        b.vol.push_back(0.1 + 0.6 * u(rng));
        b.quantity.push_back(1 + 99 * u(rng));
    }
    return b;
}

int failures = 0;

void expect(bool ok, const char* unit, const char* what, std::size_t row, double got, double want) {
    if (!ok && failures++ < 20)
        std::fprintf(stderr, "%s: %s[%zu] = %.17g, expected %.17g\n", unit, what, row, got, want);
}

bool close(double got, double want, double relative) {
    return std::abs(got - want) <= relative * std::abs(want) + 1e-300;
}

/// Compares one unit's results with the element kernels (and the cascade with `reference`).
void check(const char* unit, std::string_view expected_arch, const book& b, const results& r,
           double reference_cascade) {
    if (r.arch != expected_arch || !r.simd) {
        std::fprintf(stderr, "%s: ran on %.*s (simd %d), expected %.*s\n", unit,
                     static_cast<int>(r.arch.size()), r.arch.data(), r.simd ? 1 : 0,
                     static_cast<int>(expected_arch.size()), expected_arch.data());
        ++failures;
    }
    namespace hc = spiral::haircut;
    namespace mg = spiral::margin;
    const auto model = hc::volatility{} + hc::liquidity{spiral::impact::exponential{1e-3}};
    const auto grid = mg::span_parameters{}.grid();
    std::vector<mg::option_position> positions;
    for (std::size_t i = 0; i < b.spot.size(); ++i) {
        const spiral::bs_input<double> in{b.spot[i], b.strike[i],   b.time[i],
                                          b.rate[i], b.dividend[i], b.vol[i]};
        const auto g = spiral::black_scholes(b.type[i], in);
        expect(close(r.price[i], g.price, 1e-12), unit, "price", i, r.price[i], g.price);
        expect(close(r.delta[i], g.delta, 1e-12), unit, "delta", i, r.delta[i], g.delta);
        expect(close(r.implied[i], b.vol[i], 1e-10), unit, "implied vol", i, r.implied[i],
               b.vol[i]);
        const double h = model(spiral::collateral<double>{b.quantity[i], b.spot[i], b.vol[i]});
        expect(close(r.haircut[i], h, 1e-13), unit, "haircut", i, r.haircut[i], h);
        const double im = mg::position_requirement(mg::venues::deribit, b.type[i], -1.0, b.spot[i],
                                                   b.strike[i], r.price[i])
                              .initial;
        expect(close(r.initial[i], im, 1e-13), unit, "initial", i, r.initial[i], im);
        positions.push_back({b.type[i], in, b.quantity[i]});
    }
    std::vector<double> pnl(grid.size());
    (void)mg::grid_margin(grid, std::span<const mg::option_position>(positions), {}, pnl);
    double scale = 0;
    for (double p : pnl)
        scale = std::max(scale, std::abs(p));
    for (std::size_t s = 0; s < pnl.size(); ++s)
        expect(std::abs(r.grid_pnl[s] - pnl[s]) <= 1e-12 * scale, unit, "grid pnl", s,
               r.grid_pnl[s], pnl[s]);
    expect(close(r.cascade_final_price, reference_cascade, 1e-12), unit, "cascade final price", 0,
           r.cascade_final_price, reference_cascade);
}

} // namespace

int main() {
    const book b = make_book(1003);
    const results baseline = abi_test::run_baseline(b);
    check("baseline unit", "sse2", b, baseline, baseline.cascade_final_price);
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        check("avx2 unit", "fma3+avx2", b, abi_test::run_avx2(b), baseline.cascade_final_price);
    else
        std::printf("this CPU has no AVX2+FMA: the avx2 unit is linked but not run\n");
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw"))
        check("avx512 unit", "avx512bw", b, abi_test::run_avx512(b), baseline.cascade_final_price);
    else
        std::printf("this CPU has no AVX-512 F/DQ/BW: the avx512 unit is linked but not run\n");
    if (failures != 0) {
        std::fprintf(stderr, "abi: %d mismatches\n", failures);
        return 1;
    }
    std::printf("abi: every unit ran on its own target and agreed with the element kernels\n");
    return 0;
}
