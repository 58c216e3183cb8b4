// The capital-efficiency frontier on a 100,000-position synthetic book (cascade::synthetic_book
// defaults), GBM paths of annual vol 1.0 over 96 hourly steps, selling into exponential impact
// of depth 2x the book's collateral; the sets are a grid of threshold scales x bonuses on the
// re-levered book. Per (set, scenario): one cascade::run and the column pass; per scenario:
// one path, shared by every set.
//   frontier_serial          capital::evaluate_frontier; counters: s_per_run (seconds per
//                            set x scenario), reuse_factor (path generations a set-by-set
//                            loop would make per one made here), full_bar_s (the bar,
//                            200 sets x 5,000 scenarios, extrapolated at this cost on one
//                            thread)
//   set_by_set               the same sets as one stress::run each (every path generated once
//                            per set): what the path reuse saves
//   frontier_parallel/threads:T  capital::evaluate_frontier_parallel on T threads; full_bar_s
//                            at that rate
// Default: 4 sets x 16 scenarios (CI runs every benchmark briefly); SPIRAL_BENCH_FULL=1 runs
// 20 sets x 200 scenarios (one iteration each; minutes); SPIRAL_BENCH_FULL=bar runs the issue's
// bar itself, 200 sets (10 threshold scales x 5 bonuses x 4 close factors) x 5,000 scenarios
// (run only frontier_parallel with --benchmark_filter: about half an hour on 2 cores).
#include <spiral/capital/frontier.hpp>
#include <spiral/capital/frontier_parallel.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/core/random.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/stress/engine.hpp>
#include <spiral/stress/gbm.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

namespace capital = spiral::capital;
namespace cascade = spiral::cascade;
namespace stress = spiral::stress;
constexpr std::size_t positions = 100'000;
constexpr double full_bar_runs = 200.0 * 5000.0; // the bar: sets x scenarios

bool full() {
    const char* v = std::getenv("SPIRAL_BENCH_FULL");
    return v != nullptr && std::strcmp(v, "1") == 0;
}

bool bar() {
    const char* v = std::getenv("SPIRAL_BENCH_FULL");
    return v != nullptr && std::strcmp(v, "bar") == 0;
}

// Annual vol 1.0, no drift: the library's own GBM (exact log-normal steps).
constexpr stress::gbm gbm_paths{.drift = 0, .vol = 1.0};

struct setup {
    cascade::book book;
    spiral::impact::exponential curve{};
    stress::run_spec spec;
    std::vector<capital::parameter_set> sets;
};

const setup& data() {
    static const setup d = [] {
        setup s;
        cascade::synthetic_book_params params;
        params.positions = positions;
        s.book = cascade::synthetic_book(params);
        double collateral = 0;
        for (const double c : s.book.collateral)
            collateral += c;
        s.curve = {1.0 / (2.0 * collateral)};
        s.spec.scenarios = bar() ? 5000 : full() ? 200 : 16;
        s.spec.seed = 42;
        s.spec.path.spot = params.price;
        s.spec.path.steps = 96;
        s.spec.path.step_days = 1.0 / 24;
        const std::vector<double> scales = full() ? std::vector<double>{0.9, 0.95, 1.0, 1.05, 1.1}
                                                  : std::vector<double>{0.95, 1.05};
        const std::vector<double> bonuses =
            full() ? std::vector<double>{0.03, 0.05, 0.08, 0.12} : std::vector<double>{0.05, 0.1};
        if (bar()) {
            for (int k = 0; k < 10; ++k)
                for (const double bonus : {0.03, 0.05, 0.075, 0.1, 0.125})
                    for (const double close : {0.25, 0.5, 0.75, 1.0})
                        s.sets.push_back({.threshold_scale = 0.88 + 0.02 * k,
                                          .bonus = bonus,
                                          .close_factor = close});
            return s;
        }
        for (const double scale : scales)
            for (const double bonus : bonuses)
                s.sets.push_back({.threshold_scale = scale, .bonus = bonus});
        return s;
    }();
    return d;
}

void report(benchmark::State& state, double seconds, std::size_t runs, double reuse) {
    const setup& d = data();
    const double cascades = double(d.sets.size()) * double(d.spec.scenarios);
    const double per = seconds / double(runs) / cascades;
    state.counters["s_per_run"] = per;
    state.counters["reuse_factor"] = reuse;
    state.counters["full_bar_s"] = per * full_bar_runs;
    state.counters["sets"] = double(d.sets.size());
    state.counters["scenarios"] = double(d.spec.scenarios);
}

double frontier_once(unsigned threads, capital::frontier_result& out) {
    const setup& d = data();
    const auto start = std::chrono::steady_clock::now();
    if (threads == 0) {
        out = capital::evaluate_frontier(d.book, d.sets, {}, gbm_paths, d.curve, {}, d.spec);
    } else {
        stress::run_control c;
        c.threads = threads;
        out = capital::evaluate_frontier_parallel(d.book, d.sets, {}, gbm_paths, d.curve, {},
                                                  d.spec, c);
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    return took.count();
}

void frontier_serial(benchmark::State& state) {
    data();
    capital::frontier_result f;
    double seconds = 0;
    std::size_t runs = 0;
    for (auto _ : state) {
        seconds += frontier_once(0, f);
        ++runs;
    }
    report(state, seconds, runs, f.reuse_factor);
}

void set_by_set(benchmark::State& state) {
    const setup& d = data();
    std::vector<cascade::prepared_book> books;
    std::vector<cascade::path_rules> rules;
    for (const auto& s : d.sets) {
        books.emplace_back(capital::respond(d.book, s, capital::book_response::relever()));
        rules.push_back(capital::rules_for({}, s));
    }
    stress::scenario_results r(d.spec.scenarios);
    double seconds = 0;
    std::size_t runs = 0;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < books.size(); ++i)
            stress::run(books[i], gbm_paths, d.curve, rules[i], d.spec, r.columns());
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        seconds += took.count();
        ++runs;
    }
    report(state, seconds, runs, 1.0);
}

void frontier_parallel(benchmark::State& state) {
    data();
    capital::frontier_result f;
    double seconds = 0;
    std::size_t runs = 0;
    for (auto _ : state) {
        seconds += frontier_once(static_cast<unsigned>(state.range(0)), f);
        ++runs;
    }
    report(state, seconds, runs, f.reuse_factor);
}

} // namespace

BENCHMARK(frontier_serial)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(set_by_set)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(frontier_parallel)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();
