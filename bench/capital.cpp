// Predictive margin forecasts and their backtest over a 3,000-day return history (a simulated
// GARCH(1,1) series, so the benchmark reads no file), one thread, 2-day margin at 99%:
//   ewma, garch, har (OLS fit on 730 days + forecasts), hs and fhs (500-day window): one full
//   series of 3,001 margins per iteration;
//   backtest: breaches, Kupiec, Christoffersen, traffic light and procyclicality of one series.
// items/s = margin days per second.
#include <spiral/capital/margin_backtest.hpp>
#include <spiral/capital/margin_forecast.hpp>
#include <spiral/core/random.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

namespace cap = spiral::capital;
namespace mg = spiral::margin;

constexpr std::size_t days = 3000;
constexpr cap::forecast_spec spec{0.99, 2};

const std::vector<double>& returns() {
    static const std::vector<double> r = [] {
        const mg::garch11 g{1e-5, 0.08, 0.9};
        spiral::splitmix64 rng{42};
        double v = g.long_run_variance();
        std::vector<double> out(days);
        for (double& x : out) {
            x = std::sqrt(v) * spiral::standard_normal(rng);
            v = g.next(v, x);
        }
        return out;
    }();
    return r;
}

template <class Apply>
void run(benchmark::State& state, Apply apply) {
    std::vector<double> m(days + 1);
    for (auto _ : state) {
        apply(returns(), m);
        benchmark::DoNotOptimize(m.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(m.size()));
}

void ewma(benchmark::State& state) {
    run(state, [](const auto& r, auto& m) { cap::ewma_margin{spec}.apply(r, m); });
}
void garch(benchmark::State& state) {
    run(state, [](const auto& r, auto& m) {
        cap::garch_margin{spec, mg::garch11{1e-5, 0.08, 0.9}}.apply(r, m);
    });
}
void har(benchmark::State& state) {
    run(state, [](const auto& r, auto& m) { cap::har_margin{spec, 730}.apply(r, m); });
}
void hs(benchmark::State& state) {
    run(state, [](const auto& r, auto& m) { cap::historical_simulation{spec, 500}.apply(r, m); });
}
void fhs(benchmark::State& state) {
    std::vector<double> v(days + 1);
    mg::ewma{0.94}.variance(returns(), v);
    run(state, [&](const auto& r, auto& m) {
        cap::filtered_historical_simulation{spec, 500}.apply(r, v, m);
    });
}
void backtest(benchmark::State& state) {
    std::vector<double> m(days + 1), prices{100.0};
    cap::ewma_margin{spec}.apply(returns(), m);
    for (double x : returns())
        prices.push_back(prices.back() * std::exp(x));
    for (auto _ : state) {
        const cap::backtest_result b = cap::backtest(prices, m, {0.99, 2, 730, 5});
        benchmark::DoNotOptimize(b);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(m.size()));
}

} // namespace

BENCHMARK(ewma);
BENCHMARK(garch);
BENCHMARK(har);
BENCHMARK(hs);
BENCHMARK(fhs);
BENCHMARK(backtest);
