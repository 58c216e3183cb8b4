// The liquidation cascade on a 1M-position synthetic book (cascade::synthetic_book defaults:
// log-normal sizes, health bunched just above 1), selling into exponential impact whose depth
// is a multiple of the book's collateral:
//   prepare                   cascade::prepared_book: validation + sort by liquidation price
//   stream_columns            one pass reading collateral, debt and threshold: the floor a
//                             "one streaming pass per shock" budget is measured against
//   scan_health               one pass computing every position's health at a shocked price
//                             (what a shock costs without a prepared book, before liquidating)
//   fast/<scenario>           cascade::simulate on the prepared book, reusing a workspace
//                             (the Monte Carlo case)
//   fast/<scenario>_cold      the same with a fresh workspace per call
//   one_shot/<scenario>       cascade::simulate on the plain book (no prepared book): the
//                             path engine along the shock, bucketing the book as it goes;
//                             warm workspace (_cold: a fresh one per call)
//   rescan/<scenario>         the plain engine of tests/support/cascade_rescan.hpp: every open
//                             position checked every round
//   path_day                  cascade::run along one day in minutes (1,440 steps: a 1.5% vol
//                             walk with a 12% fall over an hour), plain book, warm workspace;
//                             counters: steps that liquidated, cost in streaming passes
//   path_day_rescan           the same under tests/support/path_rescan.hpp (one iteration)
// Scenarios (counters show rounds and liquidations):
//   small_shock     5% shock, depth 3x the book: a mild cascade (the common Monte Carlo draw)
//   creep           8% shock, depth 2x: a long, near-critical cascade
//   capped          5% shock, depth 2x, at most 1000 liquidations per round: 100+ rounds
//   black_thursday  43% shock, depth 1x: most of the book goes in a few rounds
//   fast_sweep/<s>  s% shock, depth 3x, warm: counters liquidated_share and passes (time per
//                   shock over one streaming pass, both timed in this binary)
#include <spiral/cascade/cascade.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/core/random.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/resilient.hpp>

#include "support/cascade_rescan.hpp"
#include "support/path_rescan.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

namespace {

namespace cascade = spiral::cascade;
constexpr std::size_t positions = 1'000'000;

struct market_data {
    cascade::synthetic_book_params params;
    cascade::book book;
    cascade::prepared_book prepared;
    double total_collateral;
};

const market_data& data() {
    static const market_data d = [] {
        market_data m;
        m.params.positions = positions;
        m.book = cascade::synthetic_book(m.params);
        m.prepared = cascade::prepared_book(m.book);
        m.total_collateral =
            std::accumulate(m.book.collateral.begin(), m.book.collateral.end(), 0.0);
        return m;
    }();
    return d;
}

struct scenario {
    double shock;
    double depth; // impact depth as a multiple of the book's collateral
    std::size_t cap = static_cast<std::size_t>(-1);
};

spiral::impact::exponential curve_for(const scenario& s) {
    return {1.0 / (s.depth * data().total_collateral)};
}

cascade::rules rules_for(const scenario& s) {
    cascade::rules r;
    r.max_liquidations_per_round = s.cap;
    return r;
}

void report(benchmark::State& state, const cascade::result& r) {
    state.counters["rounds"] = static_cast<double>(r.rounds);
    state.counters["liquidations"] = static_cast<double>(r.liquidations);
    state.counters["amplification"] = r.amplification();
}

void prepare(benchmark::State& state) {
    const market_data& d = data();
    for (auto _ : state) {
        cascade::prepared_book p(d.book);
        benchmark::DoNotOptimize(p.total_debt());
    }
}

double stream_once(const market_data& d) {
    double c = 0, debt = 0, t = 0;
    for (std::size_t i = 0; i < positions; ++i) {
        c += d.book.collateral[i];
        debt += d.book.debt[i];
        t += d.book.threshold[i];
    }
    return c + debt + t;
}

void stream_columns(benchmark::State& state) {
    const market_data& d = data();
    for (auto _ : state)
        benchmark::DoNotOptimize(stream_once(d));
}

// Seconds of one streaming pass (the fastest of 30), for the sweep's passes counter.
double stream_seconds() {
    static const double seconds = [] {
        const market_data& d = data();
        double best = 1e300;
        for (int k = 0; k < 30; ++k) {
            const auto start = std::chrono::steady_clock::now();
            benchmark::DoNotOptimize(stream_once(d));
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
            best = std::min(best, took.count());
        }
        return best;
    }();
    return seconds;
}

// One pass that evaluates every position's health at a shocked price and counts those under
// water: the least a shock costs without a prepared book (one round of a scan, no liquidation).
void scan_health(benchmark::State& state) {
    const market_data& d = data();
    const double price = d.params.price * 0.95;
    for (auto _ : state) {
        std::size_t under = 0;
        for (std::size_t i = 0; i < positions; ++i)
            under += cascade::health(d.book.collateral[i], price, d.book.threshold[i],
                                     d.book.debt[i]) < 1
                         ? 1
                         : 0;
        benchmark::DoNotOptimize(under);
    }
}

// warm: one workspace for every call (the Monte Carlo case); cold: a fresh one per call (and
// no warm one alive meanwhile, which would change what the allocator hands out).
void fast(benchmark::State& state, scenario s, bool warm) {
    const market_data& d = data();
    const auto curve = curve_for(s);
    const cascade::rules r = rules_for(s);
    const auto run = [&](cascade::workspace& ws) {
        return cascade::simulate(d.prepared, d.params.price, s.shock, curve, r, {}, ws);
    };
    cascade::workspace shared;
    cascade::result res;
    if (warm)
        res = run(shared);
    for (auto _ : state) {
        if (warm) {
            res = run(shared);
        } else {
            cascade::workspace fresh;
            res = run(fresh);
        }
        benchmark::DoNotOptimize(res.final_price);
    }
    report(state, res);
}

// Shocks of 1% to 43% (the argument, in percent) on the prepared book, depth 3x, warm
// workspace. Counters: the share of the book liquidated (liquidations / positions; a position
// liquidated twice counts twice) and the cost in streaming passes, timed in this binary.
void fast_sweep(benchmark::State& state) {
    const market_data& d = data();
    const scenario s{static_cast<double>(state.range(0)) / 100, 3.0};
    const auto curve = curve_for(s);
    const cascade::rules r = rules_for(s);
    const double pass = stream_seconds();
    cascade::workspace ws;
    cascade::result res = cascade::simulate(d.prepared, d.params.price, s.shock, curve, r, {}, ws);
    std::size_t runs = 0;
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
        res = cascade::simulate(d.prepared, d.params.price, s.shock, curve, r, {}, ws);
        benchmark::DoNotOptimize(res.final_price);
        ++runs;
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    report(state, res);
    state.counters["liquidated_share"] =
        static_cast<double>(res.liquidations) / static_cast<double>(positions);
    state.counters["passes"] = took.count() / static_cast<double>(runs) / pass;
}

// One shot on the plain book: cascade::simulate(book, ...) buckets the book by liquidation
// price in two streaming passes and runs the path engine; no prepared book, no sort.
void one_shot(benchmark::State& state, scenario s, bool warm) {
    const market_data& d = data();
    const auto curve = curve_for(s);
    const cascade::rules r = rules_for(s);
    cascade::result res;
    cascade::path_workspace shared;
    if (warm) // grow the workspace once, outside the timing
        res = cascade::simulate(d.book, d.params.price, s.shock, curve, r, shared);
    for (auto _ : state) {
        if (warm) {
            res = cascade::simulate(d.book, d.params.price, s.shock, curve, r, shared);
        } else {
            res = cascade::simulate(d.book, d.params.price, s.shock, curve, r);
        }
        benchmark::DoNotOptimize(res.final_price);
    }
    report(state, res);
}

void rescan(benchmark::State& state, scenario s) {
    const market_data& d = data();
    const auto curve = curve_for(s);
    const cascade::rules r = rules_for(s);
    cascade::result res;
    spiral::test::rescan_book book;
    for (auto _ : state) {
        state.PauseTiming();
        book = {d.book.collateral, d.book.debt, d.book.threshold};
        state.ResumeTiming();
        res = spiral::test::rescan_cascade(book, d.params.price, s.shock, curve, r);
        benchmark::DoNotOptimize(res.final_price);
    }
    report(state, res);
}

// One day in minutes: a random walk (1.5% daily vol) with a 12% fall over an hour at noon,
// half of it recovered over the afternoon. Liquidations happen in a few hundred of the 1,440
// steps. Depth 3x the book, recovering with a one-hour half-life.
std::vector<double> day_in_minutes() {
    std::vector<double> p{2000.0};
    spiral::splitmix64 rng{7};
    for (int k = 1; k <= 1440; ++k) {
        double step = 0.015 / std::sqrt(1440.0) * spiral::standard_normal(rng);
        if (k > 720 && k <= 780)
            step += std::log(0.88) / 60;
        if (k > 780 && k <= 1080)
            step += -std::log(0.94) / 300;
        p.push_back(p.back() * std::exp(step));
    }
    return p;
}

// cascade::run along the day on the plain book (bucketed in one streaming pass each call),
// warm workspace. Counters: steps that liquidated, and the cost in streaming passes.
void path_day(benchmark::State& state) {
    const market_data& d = data();
    static const std::vector<double> prices = day_in_minutes();
    const cascade::price_path path{prices, 1.0 / 1440};
    const spiral::impact::resilient curve{spiral::impact::exponential{1 / (3 * d.total_collateral)},
                                          std::log(2.0) * 24};
    const double pass = stream_seconds();
    cascade::path_workspace ws;
    cascade::path_result res = cascade::run(d.book, path, curve, {}, {}, ws);
    std::size_t runs = 0;
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
        res = cascade::run(d.book, path, curve, {}, {}, ws);
        benchmark::DoNotOptimize(res.final_price);
        ++runs;
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::size_t active = 0;
    for (const auto& s : res.steps)
        active += s.liquidations > 0 ? 1 : 0;
    state.counters["liquidations"] = static_cast<double>(res.liquidations);
    state.counters["steps_liquidating"] = static_cast<double>(active);
    state.counters["passes"] = took.count() / static_cast<double>(runs) / pass;
}

// The same day under the plain step-by-step rescan of tests/support/path_rescan.hpp.
void path_day_rescan(benchmark::State& state) {
    const market_data& d = data();
    static const std::vector<double> prices = day_in_minutes();
    const cascade::price_path path{prices, 1.0 / 1440};
    const spiral::impact::resilient curve{spiral::impact::exponential{1 / (3 * d.total_collateral)},
                                          std::log(2.0) * 24};
    cascade::path_result res;
    spiral::test::path_book book;
    for (auto _ : state) {
        state.PauseTiming();
        book = {d.book.collateral, d.book.debt, d.book.threshold};
        state.ResumeTiming();
        res = spiral::test::rescan_path(book, path, curve, {});
        benchmark::DoNotOptimize(res.final_price);
    }
    state.counters["liquidations"] = static_cast<double>(res.liquidations);
}

const scenario small_shock{0.05, 3.0};
const scenario creep{0.08, 2.0};
const scenario capped{0.05, 2.0, 1000};
const scenario black_thursday{0.43, 1.0};

} // namespace

BENCHMARK(prepare)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(stream_columns)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(scan_health)->Unit(benchmark::kMillisecond)->UseRealTime();
#define SPIRAL_CASCADE_BENCH(name)                                                                 \
    BENCHMARK_CAPTURE(fast, name, name, true)->Unit(benchmark::kMillisecond)->UseRealTime();       \
    BENCHMARK_CAPTURE(fast, name##_cold, name, false)                                              \
        ->Unit(benchmark::kMillisecond)                                                            \
        ->UseRealTime();                                                                           \
    BENCHMARK_CAPTURE(one_shot, name, name, true)->Unit(benchmark::kMillisecond)->UseRealTime();   \
    BENCHMARK_CAPTURE(one_shot, name##_cold, name, false)                                          \
        ->Unit(benchmark::kMillisecond)                                                            \
        ->UseRealTime();                                                                           \
    BENCHMARK_CAPTURE(rescan, name, name)->Unit(benchmark::kMillisecond)->UseRealTime()
SPIRAL_CASCADE_BENCH(small_shock);
SPIRAL_CASCADE_BENCH(creep);
SPIRAL_CASCADE_BENCH(capped);
SPIRAL_CASCADE_BENCH(black_thursday);
BENCHMARK(fast_sweep)
    ->Arg(1)
    ->Arg(2)
    ->Arg(5)
    ->Arg(8)
    ->Arg(12)
    ->Arg(20)
    ->Arg(30)
    ->Arg(43)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(path_day)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(path_day_rescan)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
