// Implied total stddev s = vol sqrt(T) of 65,536 options, solved again every iteration
// (items/s = options per second):
//   spiral_scalar     spiral::implied_stddev<double>, one option at a time
//   spiral_batch      spiral::implied_stddev<xsimd::batch<double>> (AVX-512 with -march=native)
//   spiral_float      spiral::implied_stddev<float>
//   spiral_bulk       spiral::implied_stddev(implied_stddev_columns, stddev): the public bulk
//                     call (checks every value; calls and puts mixed in one batch)
//   quantlib          QuantLib::blackFormulaImpliedStdDev, default accuracy 1e-6
// Three books (the benchmark argument): 0 "listed": spot 20-500, strikes 60%-160% of spot,
// expiries one day to three years, rates -1%..8%, dividend yields 0-5%, vols 5%-120% (as
// bench/black_scholes.cpp); 1 "wide": strikes 20%-500%, expiries one day to ten years, vols
// 5%-200%; 2 "listed_mixed": the listed ranges with the type drawn per option. In books 0 and 1
// the option type is drawn per block of 8 (one batch), as spiral_batch needs. Prices come from a
// long double Black formula (independent of spiral), rounded to double. Options QuantLib rejects
// (it throws when a deep in-the-money price leaves a negative out-of-the-money price after parity)
// and options with no time value left in double are dropped from the book for all contenders.
// Counters (double contenders), over the options whose s the price determines to 1e-15 (rounding
// the price to double moves s by less):
//   max_rel_err         max |s_found - s_true| / s_true
//   max_rel_err_1e-8    the same over options worth at least 1e-8 of the discounted forward
//                       (QuantLib returns 0 for some far smaller prices)
//   ill_conditioned     options left out of both
#include <spiral/options/implied_vol.hpp>
#include <spiral/options/implied_vol_bulk.hpp>

#include <ql/pricingengines/blackformula.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace {

constexpr std::size_t option_count = 65'536;
using batch = xsimd::batch<double>;
constexpr std::size_t width = batch::size;

struct book_t {
    std::vector<spiral::option_type> type;
    std::vector<double> price, forward, strike, discount, stddev;
    std::vector<char> well_conditioned, priced; // priced: worth >= 1e-8 of D F
    std::size_t ill_conditioned = 0;
};

long double reference_price(bool call, long double f, long double k, long double s, long double d) {
    const long double d1 = std::log(f / k) / s + s / 2;
    const long double d2 = d1 - s;
    auto cdf = [](long double z) { return 0.5L * std::erfc(-z / std::sqrt(2.0L)); };
    return call ? d * (f * cdf(d1) - k * cdf(d2)) : d * (k * cdf(-d2) - f * cdf(-d1));
}

book_t make_book(bool wide, bool mixed = false) {
    book_t b;
    std::mt19937_64 rng(wide ? 20240612 : (mixed ? 20240613 : 20240611));
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto type = spiral::option_type::call;
    while (b.price.size() < option_count) {
        if (mixed || b.price.size() % width == 0)
            type = unit(rng) < 0.5 ? spiral::option_type::call : spiral::option_type::put;
        const double spot = 20.0 * std::exp(std::log(25.0) * unit(rng));
        const double strike = wide ? spot * std::exp(std::log(0.2) + std::log(25.0) * unit(rng))
                                   : spot * (0.6 + 1.0 * unit(rng));
        const double time = 1.0 / 365.0 + (wide ? 10.0 : 3.0) * unit(rng);
        const double rate = -0.01 + 0.09 * unit(rng);
        const double dividend = 0.05 * unit(rng);
        const double vol = 0.05 + (wide ? 1.95 : 1.15) * unit(rng);
        const double forward = spot * std::exp((rate - dividend) * time);
        const double discount = std::exp(-rate * time);
        const double s = vol * std::sqrt(time);
        const bool call = type == spiral::option_type::call;
        const double price =
            static_cast<double>(reference_price(call, forward, strike, s, discount));
        const double intrinsic =
            discount * std::max(call ? forward - strike : strike - forward, 0.0);
        if (!(price > intrinsic))
            continue; // no time value left in double: s is not determined
        try {
            (void)QuantLib::blackFormulaImpliedStdDev(call ? QuantLib::Option::Call
                                                           : QuantLib::Option::Put,
                                                      strike, forward, price, discount);
        } catch (...) {
            continue;
        }
        // How far rounding the price to double moves s: eps * price / vega, vega = dprice/ds.
        const double x = std::log(forward / strike);
        const double vega = discount * std::sqrt(forward * strike) *
                            std::exp(-0.5 * (x * x / (s * s) + s * s / 4)) / std::sqrt(2 * M_PI);
        const bool well = std::numeric_limits<double>::epsilon() * price / vega < 1e-15 * s;
        b.type.push_back(type);
        b.price.push_back(price);
        b.forward.push_back(forward);
        b.strike.push_back(strike);
        b.discount.push_back(discount);
        b.stddev.push_back(s);
        b.well_conditioned.push_back(well ? 1 : 0);
        b.priced.push_back(price >= 1e-8 * discount * forward ? 1 : 0);
        b.ill_conditioned += well ? 0 : 1;
    }
    return b;
}

const book_t& book(std::int64_t which) {
    static const book_t listed = make_book(false);
    static const book_t wide = make_book(true);
    static const book_t listed_mixed = make_book(false, true);
    return which == 0 ? listed : which == 1 ? wide : listed_mixed;
}

template <class V>
double max_relative_error(const book_t& b, const V& found, bool priced_only) {
    double worst = 0;
    for (std::size_t i = 0; i < b.price.size(); ++i)
        if (b.well_conditioned[i] && (!priced_only || b.priced[i])) {
            const double err = std::abs(static_cast<double>(found[i]) - b.stddev[i]) / b.stddev[i];
            worst =
                std::isnan(err) ? std::numeric_limits<double>::infinity() : std::max(worst, err);
        }
    return worst;
}

const char* label(std::int64_t which) {
    return which == 0 ? "listed" : which == 1 ? "wide" : "listed_mixed";
}

template <class V>
void finish(benchmark::State& state, const book_t& b, const V& found) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(b.price.size()));
    state.SetLabel(label(state.range(0)));
    state.counters["max_rel_err"] = max_relative_error(b, found, false);
    state.counters["max_rel_err_1e-8"] = max_relative_error(b, found, true);
    state.counters["ill_conditioned"] = static_cast<double>(b.ill_conditioned);
}

void spiral_scalar(benchmark::State& state) {
    const book_t& b = book(state.range(0));
    std::vector<double> found(b.price.size());
    for (auto _ : state) {
        for (std::size_t i = 0; i < b.price.size(); ++i)
            found[i] = spiral::implied_stddev(b.type[i], b.price[i], b.forward[i], b.strike[i],
                                              b.discount[i]);
        benchmark::DoNotOptimize(found.data());
        benchmark::ClobberMemory();
    }
    finish(state, b, found);
}
BENCHMARK(spiral_scalar)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void spiral_batch(benchmark::State& state) {
    const book_t& b = book(state.range(0));
    std::vector<double> found(b.price.size());
    for (auto _ : state) {
        for (std::size_t i = 0; i < b.price.size(); i += width) {
            const batch s = spiral::implied_stddev(
                b.type[i], batch::load_unaligned(&b.price[i]), batch::load_unaligned(&b.forward[i]),
                batch::load_unaligned(&b.strike[i]), batch::load_unaligned(&b.discount[i]));
            s.store_unaligned(&found[i]);
        }
        benchmark::DoNotOptimize(found.data());
        benchmark::ClobberMemory();
    }
    finish(state, b, found);
}
BENCHMARK(spiral_batch)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void spiral_float(benchmark::State& state) {
    const book_t& b = book(state.range(0));
    std::vector<float> price(b.price.begin(), b.price.end());
    std::vector<float> forward(b.forward.begin(), b.forward.end());
    std::vector<float> strike(b.strike.begin(), b.strike.end());
    std::vector<float> discount(b.discount.begin(), b.discount.end());
    std::vector<float> found(b.price.size());
    for (auto _ : state) {
        for (std::size_t i = 0; i < b.price.size(); ++i)
            found[i] =
                spiral::implied_stddev(b.type[i], price[i], forward[i], strike[i], discount[i]);
        benchmark::DoNotOptimize(found.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(b.price.size()));
    state.SetLabel(label(state.range(0)));
}
BENCHMARK(spiral_float)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void spiral_bulk(benchmark::State& state) {
    const book_t& b = book(state.range(0));
    std::vector<double> found(b.price.size());
    for (auto _ : state) {
        spiral::implied_stddev({b.type, b.price, b.forward, b.strike, b.discount}, found);
        benchmark::ClobberMemory();
    }
    finish(state, b, found);
}
BENCHMARK(spiral_bulk)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void quantlib(benchmark::State& state) {
    const book_t& b = book(state.range(0));
    std::vector<double> found(b.price.size());
    for (auto _ : state) {
        for (std::size_t i = 0; i < b.price.size(); ++i)
            found[i] = QuantLib::blackFormulaImpliedStdDev(
                b.type[i] == spiral::option_type::call ? QuantLib::Option::Call
                                                       : QuantLib::Option::Put,
                b.strike[i], b.forward[i], b.price[i], b.discount[i]);
        benchmark::DoNotOptimize(found.data());
        benchmark::ClobberMemory();
    }
    finish(state, b, found);
}
BENCHMARK(quantlib)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

} // namespace
