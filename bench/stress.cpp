// The stress engine on a 100,000-position synthetic book (cascade::synthetic_book defaults),
// GBM paths of annual vol 1.0 (vol_multiplier 1) over 96 hourly steps, selling into
// exponential impact of depth 2x the book's collateral, thinned by a liquidity response
// (reference vol 1.0, floor 0.2). Per scenario: path, depth, cascade::run, the column pass.
//   stream_columns        one pass reading collateral, debt and threshold (the unit of cost)
//   serial                stress::run over the scenarios; counters: seconds per scenario,
//                         passes (time per scenario / one streaming pass, both timed in this
//                         binary), liquidated share of positions per scenario
//   serial_calm           the same at vol_multiplier 0.01 (next to no liquidation): the fixed
//                         cost of a scenario
//   parallel/threads:T    stress::run_parallel with T threads; counters as above plus speedup
//                         over the serial run (timed once in this binary)
// Scenarios: 64 by default (CI runs every benchmark briefly); SPIRAL_BENCH_FULL=1 runs 10,000
// (one iteration each; minutes).
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/core/random.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/stress/engine.hpp>
#include <spiral/stress/gbm.hpp>
#include <spiral/stress/parallel.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

namespace cascade = spiral::cascade;
namespace stress = spiral::stress;
constexpr std::size_t positions = 100'000;

bool full() {
    const char* v = std::getenv("SPIRAL_BENCH_FULL");
    return v != nullptr && std::strcmp(v, "1") == 0;
}

std::size_t scenarios() {
    return full() ? 10'000 : 64;
}

// Annual vol 1.0, no drift: the library's own GBM (exact log-normal steps).
constexpr stress::gbm gbm_paths{.drift = 0, .vol = 1.0};

struct setup {
    cascade::synthetic_book_params params;
    cascade::prepared_book book;
    spiral::impact::exponential curve{};
    stress::run_spec spec;
};

const setup& data() {
    static const setup d = [] {
        setup s;
        s.params.positions = positions;
        s.book = cascade::prepared_book(cascade::synthetic_book(s.params));
        s.curve = {1.0 / (2.0 * s.book.total_collateral())};
        s.spec.scenarios = scenarios();
        s.spec.seed = 42;
        s.spec.path.spot = s.params.price;
        s.spec.path.steps = 96;
        s.spec.path.step_days = 1.0 / 24;
        s.spec.path.vol_multiplier = 1.0;
        s.spec.liquidity = {.reference_vol = 1.0, .elasticity = 1, .floor = 0.2};
        return s;
    }();
    return d;
}

double stream_once(const cascade::prepared_book& b) {
    const auto c = b.collateral(), d = b.debt(), t = b.threshold();
    double sc = 0, sd = 0, st = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
        sc += c[i];
        sd += d[i];
        st += t[i];
    }
    return sc + sd + st;
}

// Seconds of one streaming pass (the fastest of 30).
double stream_seconds() {
    static const double seconds = [] {
        double best = 1e300;
        for (int k = 0; k < 30; ++k) {
            const auto start = std::chrono::steady_clock::now();
            benchmark::DoNotOptimize(stream_once(data().book));
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
            best = std::min(best, took.count());
        }
        return best;
    }();
    return seconds;
}

void stream_columns(benchmark::State& state) {
    data(); // built outside the timing
    for (auto _ : state)
        benchmark::DoNotOptimize(stream_once(data().book));
    state.counters["positions"] = double(positions);
}

// One run of every scenario; returns seconds (wall). `vol_multiplier` 0: the stressed spec.
double run_once(unsigned threads, stress::scenario_results& r, double vol_multiplier = 0) {
    const setup& d = data();
    auto spec = d.spec;
    if (vol_multiplier > 0)
        spec.path.vol_multiplier = vol_multiplier;
    const auto start = std::chrono::steady_clock::now();
    if (threads == 0) {
        stress::run(d.book, gbm_paths, d.curve, {}, spec, r.columns());
    } else {
        stress::run_control control;
        control.threads = threads;
        stress::run_parallel(d.book, gbm_paths, d.curve, {}, spec, r.columns(), control);
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    return took.count();
}

// Seconds of the serial run (once), for the parallel runs' speedup counter.
double serial_seconds() {
    static const double seconds = [] {
        stress::scenario_results r(data().spec.scenarios);
        return run_once(0, r);
    }();
    return seconds;
}

void report(benchmark::State& state, double seconds, std::size_t runs,
            const stress::scenario_results& r) {
    const double n = double(data().spec.scenarios);
    const double per = seconds / double(runs) / n;
    state.counters["s_per_scenario"] = per;
    state.counters["passes"] = per / stream_seconds();
    double liquidations = 0, volume = 0;
    for (std::size_t s = 0; s < r.size(); ++s) {
        liquidations += r.liquidations[s];
        volume += r.liquidation_volume[s];
    }
    // Liquidation events per position, and liquidation volume over the book's debt (means).
    state.counters["liquidations_per_position"] = liquidations / n / double(positions);
    state.counters["volume_share"] = volume / n / data().book.total_debt();
    state.counters["scenarios"] = n;
}

void serial(benchmark::State& state) {
    stress::scenario_results r(data().spec.scenarios);
    stream_seconds(); // timed outside the run
    double seconds = 0;
    std::size_t runs = 0;
    for (auto _ : state) {
        seconds += run_once(0, r);
        ++runs;
    }
    report(state, seconds, runs, r);
}

// The same with vol_multiplier 0.01: next to no liquidation, so the time is the fixed cost of
// a scenario (path, bucketing pass, final positions, column pass).
void serial_calm(benchmark::State& state) {
    stress::scenario_results r(data().spec.scenarios);
    stream_seconds(); // timed outside the run
    double seconds = 0;
    std::size_t runs = 0;
    for (auto _ : state) {
        seconds += run_once(0, r, 0.01);
        ++runs;
    }
    report(state, seconds, runs, r);
}

void parallel(benchmark::State& state) {
    const auto threads = static_cast<unsigned>(state.range(0));
    stress::scenario_results r(data().spec.scenarios);
    stream_seconds(); // timed outside the run
    serial_seconds();
    double seconds = 0;
    std::size_t runs = 0;
    for (auto _ : state) {
        seconds += run_once(threads, r);
        ++runs;
    }
    report(state, seconds, runs, r);
    state.counters["speedup"] = serial_seconds() / (seconds / double(runs));
}

void configure(benchmark::internal::Benchmark* b) {
    b->Unit(benchmark::kMillisecond)->UseRealTime();
    if (full())
        b->Iterations(1);
}

} // namespace

BENCHMARK(stream_columns)->Unit(benchmark::kMicrosecond);
BENCHMARK(serial)->Apply(configure);
BENCHMARK(serial_calm)->Apply(configure);
BENCHMARK(parallel)->ArgName("threads")->Arg(1)->Arg(2)->Apply(configure);
