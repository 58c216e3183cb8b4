// Scenario-grid margin of a 10,000-option portfolio over the 35-point crypto portfolio-margin
// grid (9 price moves x 3 vol shocks + 8 extended moves), full Black–Scholes revaluation
// (36 prices per option: the base and 35 scenarios), one thread:
//   spiral_grid_simd          spiral::margin::grid_margin(grid, portfolio_columns): validation,
//                             then the revaluation in groups of xsimd batches
//   spiral_grid_scalar        the same kernel one option at a time (detail::portfolio_pnl on the
//   scalar target) spiral_grid_element       the scalar portfolio API (option_position structs)
//   quantlib_black_calculator the same revaluation through QuantLib::BlackCalculator: per
//                             option one payoff, then a calculator and value() for the base and
//                             for each scenario (forward, stdDev and discount of the scenario)
//   spiral_option_rule_simd   the per-position crypto rule over the same 10,000 rows
// items/s = options per second. The QuantLib benchmark reports `margin_rel_diff`, the relative
// difference of its margin from spiral's, so both compute the same thing.
#include <spiral/margin/bulk.hpp>
#include <spiral/margin/scenario_grid.hpp>

#include <ql/instruments/payoffs.hpp>
#include <ql/pricingengines/blackcalculator.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

static_assert(spiral::bulk_uses_simd, "linking spiral::simd must switch the bulk path to SIMD");

namespace {

namespace mg = spiral::margin;
constexpr std::size_t option_count = 10'000;
constexpr std::size_t scenarios = 35;

struct book {
    std::vector<spiral::option_type> type;
    std::vector<double> spot, strike, time, rate, dividend, vol, quantity, mark;
    mg::portfolio_columns columns() const {
        return {{type, spot, strike, time, rate, dividend, vol}, quantity};
    }
};

// A crypto option book on one underlying at 3000: strikes 50%-200% of spot, expiries one day to
// one year, vols 40%-120%, rates 0-5%, 1-50 contracts long or short.
const book& portfolio() {
    static const book data = [] {
        book b;
        std::mt19937_64 rng(20261122);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        for (std::size_t i = 0; i < option_count; ++i) {
            const auto type =
                unit(rng) < 0.5 ? spiral::option_type::call : spiral::option_type::put;
            const spiral::bs_input<double> in{3000.0,
                                              3000.0 * (0.5 + 1.5 * unit(rng)),
                                              1.0 / 365 + unit(rng),
                                              0.05 * unit(rng),
                                              0.0,
                                              0.4 + 0.8 * unit(rng)};
            b.type.push_back(type);
            b.spot.push_back(in.spot);
            b.strike.push_back(in.strike);
            b.time.push_back(in.time);
            b.rate.push_back(in.rate);
            b.dividend.push_back(in.dividend);
            b.vol.push_back(in.vol);
            b.quantity.push_back(std::round(100 * unit(rng) - 50));
            b.mark.push_back(spiral::black_scholes_price(type, in));
        }
        return b;
    }();
    return data;
}

const mg::scenario_grid<scenarios>& grid() {
    static const auto g = mg::crypto_pm_parameters{}.grid();
    return g;
}

void finish(benchmark::State& state) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(option_count));
}

void spiral_grid_simd(benchmark::State& state) {
    const book& b = portfolio();
    for (auto _ : state)
        benchmark::DoNotOptimize(mg::grid_margin(grid(), b.columns()));
    finish(state);
}

void spiral_grid_scalar(benchmark::State& state) {
    const book& b = portfolio();
    std::array<double, scenarios> pnl{};
    for (auto _ : state) {
        mg::detail::portfolio_pnl<spiral::scalar_bulk_target>(grid(), b.columns(), pnl.data());
        benchmark::DoNotOptimize(mg::detail::worst_of(grid(), pnl.data()));
    }
    finish(state);
}

void spiral_grid_element(benchmark::State& state) {
    const book& b = portfolio();
    std::vector<mg::option_position> positions;
    for (std::size_t i = 0; i < option_count; ++i)
        positions.push_back(
            {b.type[i],
             {b.spot[i], b.strike[i], b.time[i], b.rate[i], b.dividend[i], b.vol[i]},
             b.quantity[i]});
    for (auto _ : state)
        benchmark::DoNotOptimize(
            mg::grid_margin(grid(), std::span<const mg::option_position>(positions)));
    finish(state);
}

/// The grid margin through QuantLib: the same scenarios and vol shocks, Black-76 on the
/// forward S e^{(r - q) T} with discount e^{-r T}.
mg::grid_result quantlib_grid_margin(const book& b) {
    using namespace QuantLib;
    const auto& g = grid();
    std::array<double, scenarios> pnl{};
    for (std::size_t i = 0; i < option_count; ++i) {
        const Option::Type type =
            b.type[i] == spiral::option_type::call ? Option::Call : Option::Put;
        const auto payoff = ext::make_shared<PlainVanillaPayoff>(type, b.strike[i]);
        const double t = b.time[i];
        const double growth = std::exp((b.rate[i] - b.dividend[i]) * t);
        const double discount = std::exp(-b.rate[i] * t);
        const double sqrt_t = std::sqrt(t);
        const double base =
            BlackCalculator(payoff, b.spot[i] * growth, b.vol[i] * sqrt_t, discount).value();
        const double vol_up = g.shock.shocked(b.vol[i], t, 1.0);
        const double vol_down = g.shock.shocked(b.vol[i], t, -1.0);
        for (std::size_t s = 0; s < scenarios; ++s) {
            const auto& sc = g.scenarios[s];
            const double vol =
                sc.vol_direction > 0 ? vol_up : (sc.vol_direction < 0 ? vol_down : b.vol[i]);
            const double value = BlackCalculator(payoff, b.spot[i] * (1 + sc.price_move) * growth,
                                                 vol * sqrt_t, discount)
                                     .value();
            pnl[s] += b.quantity[i] * (value - base);
        }
    }
    return mg::detail::worst_of(g, pnl.data());
}

void quantlib_black_calculator(benchmark::State& state) {
    const book& b = portfolio();
    mg::grid_result r{};
    for (auto _ : state) {
        r = quantlib_grid_margin(b);
        benchmark::DoNotOptimize(r);
    }
    finish(state);
    const auto mine = mg::grid_margin(grid(), b.columns());
    state.counters["margin_rel_diff"] = std::abs(r.margin - mine.margin) / mine.margin;
    state.counters["same_worst"] = r.worst == mine.worst ? 1 : 0;
}

void spiral_option_rule_simd(benchmark::State& state) {
    const book& b = portfolio();
    std::vector<double> im(option_count), mm(option_count);
    for (auto _ : state) {
        mg::option_rule_margin(mg::venues::deribit, {b.type, b.quantity, b.spot, b.strike, b.mark},
                               im, mm);
        benchmark::ClobberMemory();
    }
    finish(state);
}

} // namespace

BENCHMARK(spiral_grid_simd)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(spiral_grid_scalar)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(spiral_grid_element)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(quantlib_black_calculator)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(spiral_option_rule_simd)->Unit(benchmark::kMicrosecond)->UseRealTime();
