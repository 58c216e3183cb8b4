// Haircuts of 1M collateral rows (quantity, price, volatility, correlation columns):
//   read_columns            one pass that only reads the four columns (xsimd sums): the floor
//                           any bulk haircut over them is measured against
//   bulk_simd/<model>       spiral::haircut::apply(model, columns, out): validation of every
//                           row and the model, in xsimd batches, one pass
//   bulk_scalar/<model>     the same validated loop, one row at a time
//   element_loop/<model>    the prepared model called on collateral<double> rows, no validation
// Models: volatility; volatility + liquidity (exponential impact: one exp per row); wrong_way
// (a square root); depeg; fat_tailed (Student-t, prepared once per call);
// cap(max(volatility + liquidity, wrong_way), 0.9).
// items/s = rows per second. Inputs: fixed seed, realistic ranges (see make_rows).
#include <spiral/haircut/fat_tailed.hpp>
#include <spiral/haircut/haircut.hpp>
#include <spiral/impact/exponential.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

static_assert(spiral::bulk_uses_simd, "linking spiral::simd must switch the bulk path to SIMD");

namespace {

namespace hc = spiral::haircut;
constexpr std::size_t row_count = 1'000'000;

struct rows {
    std::vector<double> quantity, price, volatility, correlation;
    hc::collateral_columns columns() const { return {quantity, price, volatility, correlation}; }
};

// Holdings from dust to 10^4 units, prices 1 to 10^4, volatilities 5% to 150%, correlations
// anywhere in [-1, 1].
const rows& make_rows() {
    static const rows data = [] {
        rows r;
        std::mt19937_64 rng(20240612);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        for (std::size_t i = 0; i < row_count; ++i) {
            r.quantity.push_back(std::pow(10.0, -2.0 + 6.0 * unit(rng)));
            r.price.push_back(std::pow(10.0, 4.0 * unit(rng)));
            r.volatility.push_back(0.05 + 1.45 * unit(rng));
            r.correlation.push_back(-1.0 + 2.0 * unit(rng));
        }
        return r;
    }();
    return data;
}

void finish(benchmark::State& state, const std::vector<double>& out) {
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(row_count));
}

void read_columns(benchmark::State& state) {
    using batch = xsimd::batch<double>;
    const rows& in = make_rows();
    std::vector<double> out(1);
    for (auto _ : state) {
        batch q(0.0), p(0.0), v(0.0), r(0.0);
        std::size_t i = 0;
        for (; i + batch::size <= row_count; i += batch::size) {
            q += batch::load_unaligned(in.quantity.data() + i);
            p += batch::load_unaligned(in.price.data() + i);
            v += batch::load_unaligned(in.volatility.data() + i);
            r += batch::load_unaligned(in.correlation.data() + i);
        }
        double total = xsimd::hadd(q + p + v + r);
        for (; i < row_count; ++i)
            total += in.quantity[i] + in.price[i] + in.volatility[i] + in.correlation[i];
        benchmark::DoNotOptimize(total);
    }
    finish(state, out);
}

template <class Model>
void bulk_simd(benchmark::State& state, Model model) {
    const rows& in = make_rows();
    std::vector<double> out(row_count);
    for (auto _ : state) {
        hc::apply(model, in.columns(), out);
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

template <class Model>
void bulk_scalar(benchmark::State& state, Model model) {
    const rows& in = make_rows();
    std::vector<double> out(row_count);
    for (auto _ : state) {
        model.validate();
        hc::detail::apply_columns<spiral::scalar_bulk_target>(hc::prepare(model), in.columns(),
                                                              out);
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

template <class Model>
void element_loop(benchmark::State& state, Model model) {
    const rows& in = make_rows();
    std::vector<double> out(row_count);
    for (auto _ : state) {
        const auto kernel = hc::prepare(model);
        for (std::size_t i = 0; i < row_count; ++i)
            out[i] = kernel(spiral::collateral<double>{in.quantity[i], in.price[i],
                                                       in.volatility[i], in.correlation[i]});
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

const spiral::impact::exponential curve{1e-4};
const auto market_and_liquidity = hc::volatility{} + hc::liquidity{curve};
const auto composite =
    hc::cap(hc::max(hc::volatility{} + hc::liquidity{curve}, hc::wrong_way{0.6}), 0.9);

} // namespace

#define SPIRAL_HAIRCUT_BENCH(name, model)                                                          \
    BENCHMARK_CAPTURE(bulk_simd, name, model)->Unit(benchmark::kMillisecond)->UseRealTime();       \
    BENCHMARK_CAPTURE(bulk_scalar, name, model)->Unit(benchmark::kMillisecond)->UseRealTime();     \
    BENCHMARK_CAPTURE(element_loop, name, model)->Unit(benchmark::kMillisecond)->UseRealTime()

BENCHMARK(read_columns)->Unit(benchmark::kMillisecond)->UseRealTime();
SPIRAL_HAIRCUT_BENCH(volatility, hc::volatility{});
SPIRAL_HAIRCUT_BENCH(volatility_plus_liquidity, market_and_liquidity);
SPIRAL_HAIRCUT_BENCH(wrong_way, hc::wrong_way{.exposure_volatility = 0.6});
SPIRAL_HAIRCUT_BENCH(depeg, (hc::depeg{.jump_size = 0.05, .jump_probability = 0.003}));
SPIRAL_HAIRCUT_BENCH(fat_tailed, hc::fat_tailed{.degrees_of_freedom = 4});
SPIRAL_HAIRCUT_BENCH(composite, composite);
