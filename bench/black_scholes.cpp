// Black–Scholes price + delta + gamma + vega + theta + rho of 1M options (double), one thread:
//   spiral_bulk_simd               spiral::black_scholes(bs_columns, greeks_columns): the kernel
//                                  in groups of xsimd batches, each group checked in registers
//                                  (this program only links spiral::simd: no include decides)
//   spiral_bulk_simd_compute_only  the same batch loop without the checks
//   spiral_validation_only         the public call with no output wanted: the loop only checks
//                                  (reads the 7 input columns)
//   spiral_bulk_simd_price_delta   only two outputs wanted (the kernel skips the rest)
//   spiral_bulk_simd_float         the public call on float columns (16 lanes per AVX-512 batch)
//   spiral_bulk_dispatch           spiral::dispatch::black_scholes: the target chosen at run time
//   spiral_bulk_scalar             the same kernel one option at a time (each row checked)
//   spiral_element_kernel          spiral::black_scholes(option_type, bs_input<double>) (all 14
//                                  Greeks) in a loop, keeping six
//   quantlib_black_calculator      QuantLib::BlackCalculator per option: payoff, constructor,
//                                  value() delta() gamma() vega() theta() rho()
//   memory_floor                   reads the 7 input columns and writes 6 outputs, no math: the
//                                  bandwidth floor of any bulk kernel over these columns
// items/s = options per second. Inputs: fixed seed, realistic ranges (see book()). The
// QuantLib benchmark also reports the largest difference from spiral over the first 10000
// options (counter max_rel_diff), so both compute the same thing.
#include <spiral/dispatch.hpp>
#include <spiral/options/black_scholes.hpp>
#include <spiral/options/bulk.hpp>

#include <ql/instruments/payoffs.hpp>
#include <ql/pricingengines/blackcalculator.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

static_assert(spiral::bulk_uses_simd, "linking spiral::simd must switch the bulk path to SIMD");

namespace {

constexpr std::size_t option_count = 1'000'000;

struct inputs {
    std::vector<spiral::option_type> type;
    std::vector<double> spot, strike, time, rate, dividend, vol;
    spiral::bs_columns columns() const { return {type, spot, strike, time, rate, dividend, vol}; }
};

struct outputs {
    std::vector<double> price, delta, gamma, vega, theta, rho;
    explicit outputs(std::size_t n) : price(n), delta(n), gamma(n), vega(n), theta(n), rho(n) {}
    spiral::greeks_columns columns() { return {price, delta, gamma, vega, theta, rho}; }
};

// A book of listed-style options: spot 20-500, strikes 60%-160% of spot, expiries one day to
// three years, rates -1%..8%, dividend yields 0-5%, vols 5%-120%, half calls, half puts.
const inputs& book() {
    static const inputs data = [] {
        inputs in;
        std::mt19937_64 rng(20240611);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        for (std::size_t i = 0; i < option_count; ++i) {
            const double spot = 20.0 * std::exp(std::log(25.0) * unit(rng));
            in.type.push_back(unit(rng) < 0.5 ? spiral::option_type::call
                                              : spiral::option_type::put);
            in.spot.push_back(spot);
            in.strike.push_back(spot * (0.6 + 1.0 * unit(rng)));
            in.time.push_back(1.0 / 365.0 + 3.0 * unit(rng));
            in.rate.push_back(-0.01 + 0.09 * unit(rng));
            in.dividend.push_back(0.05 * unit(rng));
            in.vol.push_back(0.05 + 1.15 * unit(rng));
        }
        return in;
    }();
    return data;
}

void finish(benchmark::State& state, const outputs& out) {
    benchmark::DoNotOptimize(out.price.data());
    benchmark::ClobberMemory();
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(option_count));
}

void spiral_bulk_simd(benchmark::State& state) {
    const inputs& in = book();
    outputs out(option_count);
    for (auto _ : state) {
        spiral::black_scholes(in.columns(), out.columns());
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

void spiral_bulk_simd_compute_only(benchmark::State& state) {
    const inputs& in = book();
    outputs out(option_count);
    for (auto _ : state) {
        spiral::detail::bulk_black_scholes<spiral::bulk_target, false>(in.columns(), out.columns());
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

void spiral_validation_only(benchmark::State& state) {
    const inputs& in = book();
    outputs out(option_count);
    for (auto _ : state) {
        spiral::black_scholes(in.columns(), spiral::greeks_columns{});
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

void spiral_bulk_simd_float(benchmark::State& state) {
    const inputs& in = book();
    const auto to_float = [](const std::vector<double>& v) {
        return std::vector<float>(v.begin(), v.end());
    };
    const std::vector<float> spot = to_float(in.spot), strike = to_float(in.strike),
                             time = to_float(in.time), rate = to_float(in.rate),
                             dividend = to_float(in.dividend), vol = to_float(in.vol);
    std::vector<float> price(option_count), delta(option_count), gamma(option_count),
        vega(option_count), theta(option_count), rho(option_count);
    for (auto _ : state) {
        spiral::black_scholes(
            spiral::basic_bs_columns<float>{in.type, spot, strike, time, rate, dividend, vol},
            spiral::basic_greeks_columns<float>{price, delta, gamma, vega, theta, rho});
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(option_count));
}

void spiral_bulk_dispatch(benchmark::State& state) {
    const inputs& in = book();
    outputs out(option_count);
    for (auto _ : state) {
        spiral::dispatch::black_scholes(in.columns(), out.columns());
        benchmark::ClobberMemory();
    }
    finish(state, out);
    state.SetLabel(std::string(spiral::dispatch::target_name()));
}

void spiral_bulk_simd_price_delta(benchmark::State& state) {
    const inputs& in = book();
    outputs out(option_count);
    for (auto _ : state) {
        spiral::black_scholes(in.columns(), {.price = out.price, .delta = out.delta});
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

void spiral_bulk_scalar(benchmark::State& state) {
    const inputs& in = book();
    outputs out(option_count);
    for (auto _ : state) {
        spiral::detail::bulk_black_scholes<spiral::scalar_bulk_target>(in.columns(),
                                                                       out.columns()); // checked
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

void spiral_element_kernel(benchmark::State& state) {
    const inputs& in = book();
    outputs out(option_count);
    for (auto _ : state) {
        for (std::size_t i = 0; i < option_count; ++i) {
            const auto g = spiral::black_scholes(
                in.type[i], spiral::bs_input<double>{in.spot[i], in.strike[i], in.time[i],
                                                     in.rate[i], in.dividend[i], in.vol[i]});
            out.price[i] = g.price;
            out.delta[i] = g.delta;
            out.gamma[i] = g.gamma;
            out.vega[i] = g.vega;
            out.theta[i] = g.theta;
            out.rho[i] = g.rho;
        }
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

QuantLib::BlackCalculator quantlib_calculator(const inputs& in, std::size_t i) {
    using namespace QuantLib;
    const double t = in.time[i];
    const double discount = std::exp(-in.rate[i] * t);
    const double forward = in.spot[i] * std::exp((in.rate[i] - in.dividend[i]) * t);
    const double std_dev = in.vol[i] * std::sqrt(t);
    const Option::Type type = in.type[i] == spiral::option_type::call ? Option::Call : Option::Put;
    return BlackCalculator(ext::make_shared<PlainVanillaPayoff>(type, in.strike[i]), forward,
                           std_dev, discount);
}

// Largest |QuantLib - spiral| / max(|spiral|, 1e-6) over the first `count` options and the six
// outputs (QuantLib's theta and rho have spiral's conventions: per year, per 1.00). Values
// below 1e-6 are compared absolutely: there QuantLib's put formulas lose digits to cancellation
// (a put priced 1e-12 differs by 1e-16 absolute, 1e-4 relative); spiral's are checked against
// a 50-digit oracle in tests/simd/black_scholes.cpp.
double quantlib_difference(const inputs& in, std::size_t count) {
    outputs mine(option_count);
    spiral::black_scholes(in.columns(), mine.columns());
    double worst = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const auto calc = quantlib_calculator(in, i);
        const double theirs[] = {calc.value(),
                                 calc.delta(in.spot[i]),
                                 calc.gamma(in.spot[i]),
                                 calc.vega(in.time[i]),
                                 calc.theta(in.spot[i], in.time[i]),
                                 calc.rho(in.time[i])};
        const double ours[] = {mine.price[i], mine.delta[i], mine.gamma[i],
                               mine.vega[i],  mine.theta[i], mine.rho[i]};
        for (int k = 0; k < 6; ++k)
            worst =
                std::max(worst, std::abs(theirs[k] - ours[k]) / std::max(std::abs(ours[k]), 1e-6));
    }
    return worst;
}

void quantlib_black_calculator(benchmark::State& state) {
    const inputs& in = book();
    outputs out(option_count);
    for (auto _ : state) {
        for (std::size_t i = 0; i < option_count; ++i) {
            const auto calc = quantlib_calculator(in, i);
            out.price[i] = calc.value();
            out.delta[i] = calc.delta(in.spot[i]);
            out.gamma[i] = calc.gamma(in.spot[i]);
            out.vega[i] = calc.vega(in.time[i]);
            out.theta[i] = calc.theta(in.spot[i], in.time[i]);
            out.rho[i] = calc.rho(in.time[i]);
        }
        benchmark::ClobberMemory();
    }
    finish(state, out);
    state.counters["max_rel_diff"] = quantlib_difference(in, 10000);
}

// Same memory traffic as the bulk call (7 columns in, 6 out), one add or multiply per output.
void memory_floor(benchmark::State& state) {
    const inputs& in = book();
    outputs out(option_count);
    const auto* type = reinterpret_cast<const int*>(in.type.data());
    for (auto _ : state) {
        for (std::size_t i = 0; i < option_count; ++i) {
            const double sign = static_cast<double>(type[i]);
            out.price[i] = in.spot[i] + sign;
            out.delta[i] = in.strike[i] + in.time[i];
            out.gamma[i] = in.rate[i];
            out.vega[i] = in.dividend[i];
            out.theta[i] = in.vol[i];
            out.rho[i] = in.spot[i] * in.vol[i];
        }
        benchmark::ClobberMemory();
    }
    finish(state, out);
}

} // namespace

BENCHMARK(spiral_bulk_simd)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(spiral_bulk_simd_compute_only)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(spiral_validation_only)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(spiral_bulk_simd_price_delta)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(spiral_bulk_simd_float)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(spiral_bulk_dispatch)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(spiral_bulk_scalar)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(spiral_element_kernel)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(quantlib_black_calculator)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(memory_floor)->Unit(benchmark::kMillisecond)->UseRealTime();
