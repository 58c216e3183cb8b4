// Price-impact curves over 1M rows of quantities: price_factor and proceeds per row.
//   scalar/<curve>   the double kernels in a plain loop (the compiler may auto-vectorise
//                    what is pure arithmetic; calls to exp/log/pow stay scalar)
//   simd/<curve>     the same kernels on xsimd::batch<double> (the architecture -march=native
//                    selects: 8 lanes with AVX-512, 4 with AVX2), scalar tail
//   memory_floor     reads q and writes the two outputs, no math
// Every curve is set up so that q in [0, 100] spans its interesting range, including the
// saturated region of the finite ones. items/s = rows per second. Fixed-seed inputs.
#include <spiral/impact/impact.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace impact = spiral::impact;

namespace {

constexpr std::size_t rows = 1'000'000;
using batch = xsimd::batch<double>;

const std::vector<double>& quantities() {
    static const std::vector<double> q = [] {
        std::vector<double> v(rows);
        std::mt19937_64 rng(20240611);
        std::uniform_real_distribution<double> unit(0.0, 100.0);
        for (double& x : v)
            x = unit(rng);
        return v;
    }();
    return q;
}

struct outputs {
    std::vector<double> price = std::vector<double>(rows), proceeds = std::vector<double>(rows);
};

void finish(benchmark::State& state, const outputs& out) {
    benchmark::DoNotOptimize(out.price.data());
    benchmark::DoNotOptimize(out.proceeds.data());
    benchmark::ClobberMemory();
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(rows));
}

template <class C>
void scalar(benchmark::State& state, C curve) {
    const auto& q = quantities();
    outputs out;
    for (auto _ : state) {
        for (std::size_t i = 0; i < rows; ++i) {
            out.price[i] = curve.price_factor(q[i]);
            out.proceeds[i] = curve.proceeds(q[i]);
        }
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

template <class C>
void simd(benchmark::State& state, C curve) {
    const auto& q = quantities();
    outputs out;
    constexpr std::size_t width = batch::size;
    for (auto _ : state) {
        std::size_t i = 0;
        for (; i + width <= rows; i += width) {
            const batch x = batch::load_unaligned(&q[i]);
            curve.price_factor(x).store_unaligned(&out.price[i]);
            curve.proceeds(x).store_unaligned(&out.proceeds[i]);
        }
        for (; i < rows; ++i) {
            out.price[i] = curve.price_factor(q[i]);
            out.proceeds[i] = curve.proceeds(q[i]);
        }
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

void memory_floor(benchmark::State& state) {
    const auto& q = quantities();
    outputs out;
    for (auto _ : state) {
        for (std::size_t i = 0; i < rows; ++i) {
            out.price[i] = q[i];
            out.proceeds[i] = -q[i];
        }
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

const impact::linear kyle{0.008};
const impact::exponential cfs{0.02};
const impact::square_root root{.sigma = 0.05, .volume = 2e4};
const auto atl = impact::power_law::three_fifths(0.3, 2e3);
const impact::constant_product pool{100, 2e5, 0.003};
const impact::stableswap curve{200, 100, 100, 0.0004};
const impact::scaled_depth thin{pool, 0.5};

impact::order_book ladder() { // 20 levels, 4 units each, 0.5% apart: depth 80
    std::vector<impact::order_book::level> bids;
    for (int i = 0; i < 20; ++i)
        bids.push_back({2000.0 * (1 - 0.005 * i), 4.0});
    return impact::order_book(bids);
}

impact::concentrated_liquidity ranges() { // four overlapping positions around 2000
    return impact::concentrated_liquidity(
        2000.0, {{1500, 2500, 900}, {1800, 2100, 2500}, {1200, 1900, 600}, {500, 1400, 300}},
        0.0005);
}

} // namespace

BENCHMARK(memory_floor)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(scalar, linear, kyle)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(simd, linear, kyle)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(scalar, exponential, cfs)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(simd, exponential, cfs)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(scalar, square_root, root)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(simd, square_root, root)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(scalar, power_law, atl)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(simd, power_law, atl)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(scalar, constant_product, pool)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(simd, constant_product, pool)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(scalar, stableswap, curve)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(simd, stableswap, curve)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(scalar, scaled_depth, thin)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(simd, scaled_depth, thin)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(scalar, order_book, ladder())->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(simd, order_book, ladder())->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(scalar, concentrated_liquidity, ranges())->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(simd, concentrated_liquidity, ranges())->Unit(benchmark::kMillisecond);
