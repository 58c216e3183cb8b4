// The stress engine (stress::run, run_parallel), its metrics (empirical_quantile,
// expected_shortfall, summarise): liquidation probability against the GBM closed forms, the
// metrics against a plain sort-and-pick and against the spread of replicated estimates, the
// debt accounting identity in every scenario, threads against the serial run bit for bit,
// stopping, and the boundary checks.
#include <spiral/cascade/book.hpp>
#include <spiral/cascade/path.hpp>
#include <spiral/cascade/path_multi.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/scaled_depth.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/stress/engine.hpp>
#include <spiral/stress/engine_multi.hpp>
#include <spiral/stress/gbm.hpp>
#include <spiral/stress/metrics.hpp>
#include <spiral/stress/replay.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>
#if defined(SPIRAL_TEST_TBB)
#include <spiral/stress/parallel.hpp>

#include <tbb/global_control.h>
#endif

#include "support/stress_columns.hpp"
#include "support/stress_gbm.hpp"
#include "support/throws.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <vector>

namespace unit_tests_stress_engine {

namespace cascade = spiral::cascade;
namespace impact = spiral::impact;
namespace stress = spiral::stress;
using spiral::test::gbm_paths;
using spiral::test::require_throws_naming;
using spiral::test::same_columns;

namespace {

// A stressed synthetic book and spec: a typical scenario liquidates some positions, some end
// with bad debt (impact on a thin curve).
cascade::prepared_book stressed_book(std::size_t positions) {
    cascade::synthetic_book_params p;
    p.positions = positions;
    p.seed = 7;
    return cascade::prepared_book(cascade::synthetic_book(p));
}

stress::run_spec stressed_spec(std::size_t scenarios) {
    stress::run_spec spec;
    spec.scenarios = scenarios;
    spec.seed = 2024;
    spec.path.spot = 2000;
    spec.path.steps = 24;
    spec.path.vol_multiplier = 1.5;
    spec.liquidity = {.reference_vol = 0.8, .elasticity = 1, .floor = 0.1};
    return spec;
}

// The plain sort-and-pick the metrics must equal: rank ceil(q N) for q = num / 100, in
// integers.
double pick(std::vector<double> x, std::size_t percent) {
    std::sort(x.begin(), x.end());
    const std::size_t k = (percent * x.size() + 99) / 100;
    return x[k - 1];
}

double tail_mean(std::vector<double> x, std::size_t percent) {
    std::sort(x.begin(), x.end());
    const std::size_t k = (percent * x.size() + 99) / 100;
    double sum = 0;
    for (std::size_t i = k - 1; i < x.size(); ++i)
        sum += x[i];
    return sum / double(x.size() - k + 1);
}

} // namespace

TEST_CASE("stress::run: liquidation probability of one position against GBM closed forms",
          "[stress][engine]") {
    // One position: 1 unit, debt 1000, threshold 0.8: liquidated when the oracle (the market
    // price, no impact) is below L = 1250, from a spot of 2000. GBM with vol 0.8 x 1.5 = 1.2.
    const cascade::prepared_book book(cascade::book{{1.0}, {1000.0}, {0.8}});
    const double L = 1000.0 / 0.8;
    const gbm_paths model{.vol = 0.8};
    const impact::linear curve{0};
    const std::size_t n = 20000;
    stress::run_spec spec;
    spec.scenarios = n;
    spec.seed = 99;
    spec.path.spot = 2000;
    spec.path.vol_multiplier = 1.5;
    spec.path.step_days = 30; // a 30-day step
    const double sigma = 0.8 * 1.5;
    stress::scenario_results r(n);

    const auto share_liquidated = [&] {
        std::size_t hit = 0;
        for (const double v : r.liquidations)
            hit += v > 0 ? 1 : 0;
        return double(hit) / double(n);
    };
    // 5 standard errors of a binomial share: a false failure has probability < 6e-7.
    const auto five_sigma = [&](double p) { return 5 * std::sqrt(p * (1 - p) / double(n)); };

    SECTION("one step: the terminal probability P(S_T < L), exact") {
        spec.path.steps = 1;
        REQUIRE(stress::run(book, model, curve, {}, spec, r.columns()) == n);
        const double T = spec.path.step_years();
        const double p = spiral::norm_cdf((std::log(L / 2000) + 0.5 * sigma * sigma * T) /
                                          (sigma * std::sqrt(T)));
        CHECK(std::abs(share_liquidated() - p) < five_sigma(p));
    }
    SECTION("96 steps: the continuous barrier with the Broadie-Glasserman-Kou correction") {
        spec.path.steps = 96;
        spec.path.step_days = 30.0 / 96;
        REQUIRE(stress::run(book, model, curve, {}, spec, r.columns()) == n);
        const double dt = spec.path.step_years(), T = dt * 96;
        // Discrete monitoring of a down barrier ~ continuous monitoring of the barrier moved
        // down by exp(-0.5826 sigma sqrt(dt)) (Broadie, Glasserman & Kou 1997; error o(1/sqrt m)).
        const double b = std::log(L / 2000) - 0.5826 * sigma * std::sqrt(dt);
        const double nu = -0.5 * sigma * sigma, s = sigma * std::sqrt(T);
        const double p =
            spiral::norm_cdf((b - nu * T) / s) +
            std::exp(2 * nu * b / (sigma * sigma)) * spiral::norm_cdf((b + nu * T) / s);
        CHECK(std::abs(share_liquidated() - p) < five_sigma(p));
    }
    // No impact: the market price is the path's.
    CHECK(r.final_price == r.final_exogenous_price);
}

TEST_CASE("stress::run: debt accounting in every scenario", "[stress][engine]") {
    // Bonus 0: a liquidation's volume (collateral seized x oracle price) is the debt it repaid,
    // also when the collateral runs out (R = c o). So per scenario: debt outstanding +
    // liquidation volume + bad debt = the book's debt.
    const auto book = stressed_book(3000);
    cascade::path_rules rules;
    rules.liquidation.bonus = 0;
    const auto spec = stressed_spec(300);
    stress::scenario_results r(spec.scenarios);
    REQUIRE(stress::run(book, gbm_paths{}, impact::linear{2e-4}, rules, spec, r.columns()) ==
            spec.scenarios);
    const double d0 = book.total_debt();
    std::size_t with_bad_debt = 0, with_liquidations = 0;
    for (std::size_t s = 0; s < spec.scenarios; ++s) {
        INFO("scenario " << s);
        CHECK(std::abs(r.debt_outstanding[s] + r.liquidation_volume[s] + r.bad_debt[s] - d0) <
              1e-10 * d0);
        CHECK(r.insolvent_value[s] >= r.bad_debt[s]);
        CHECK(r.min_price[s] <= r.final_price[s]);
        CHECK(r.final_price[s] <= r.final_exogenous_price[s]); // impact only lowers
        // sum of max(0, cap - debt) >= sum of (cap - debt), up to rounding of the sums
        CHECK(r.borrowing_power_available[s] >=
              r.borrowing_power[s] - r.debt_outstanding[s] - 1e-12 * r.borrowing_power[s]);
        CHECK(r.depth[s] > 0);
        CHECK(r.depth[s] <= 1);
        with_bad_debt += r.bad_debt[s] > 0 ? 1 : 0;
        with_liquidations += r.liquidations[s] > 0 ? 1 : 0;
    }
    // The scenario set exercises what it is meant to.
    CHECK(with_liquidations > spec.scenarios / 4);
    CHECK(with_bad_debt > 0);
}

TEST_CASE("stress::run: insolvent value of an open position by hand", "[stress][engine]") {
    // A position far below water that no liquidation can reach (threshold tiny: liquidation
    // price below every price the path takes would need... instead: zero-debt positions are
    // never liquidated). Two positions: A 1 unit, no debt; B 1 unit, debt 3000 with threshold
    // 1: liquidated at once at spot 2000 only if health < 1: 2000 x 1 / 3000 < 1, so it is.
    // Check the end state by hand on a flat path: GBM with vol ~ 0 keeps the price at 2000.
    const cascade::prepared_book book(cascade::book{{1.0, 1.0}, {0.0, 3000.0}, {0.5, 1.0}});
    stress::run_spec spec;
    spec.scenarios = 3;
    spec.path.spot = 2000;
    spec.path.steps = 4;
    spec.path.vol_multiplier = 1e-300;
    stress::scenario_results r(spec.scenarios);
    cascade::path_rules rules;
    rules.liquidation.bonus = 0;
    REQUIRE(stress::run(book, gbm_paths{}, impact::linear{0}, rules, spec, r.columns()) == 3);
    // B: health 2/3 < 0.95, closed in full: repay min(3000, 2000) = 2000 for its 1 unit, then
    // 1000 of debt with no collateral is bad debt. A stays: 1 unit x 2000 x 0.5.
    for (std::size_t s = 0; s < 3; ++s) {
        CHECK(r.bad_debt[s] == Approx(1000).epsilon(1e-14));
        CHECK(r.insolvent_value[s] == Approx(1000).epsilon(1e-14));
        CHECK(r.liquidation_volume[s] == Approx(2000).epsilon(1e-14));
        CHECK(r.liquidations[s] == 1);
        CHECK(r.debt_outstanding[s] == 0);
        CHECK(r.collateral_locked[s] == Approx(2000).epsilon(1e-14));
        CHECK(r.borrowing_power[s] == Approx(1000).epsilon(1e-14));
        CHECK(r.borrowing_power_available[s] == Approx(1000).epsilon(1e-14));
    }
}

TEST_CASE("stress::run: against a plain loop over cascade::run", "[stress][engine]") {
    // The engine, written again with the public pieces: the path from the scenario's stream,
    // the depth, cascade::run on the prepared book (final positions in book row order), the
    // columns from the result and the final positions with the book's own thresholds.
    cascade::synthetic_book_params bp;
    bp.positions = 1500;
    bp.seed = 11;
    const cascade::book plain = cascade::synthetic_book(bp);
    const cascade::prepared_book book(plain);
    const auto spec = stressed_spec(40);
    const gbm_paths model{};
    const impact::linear curve{2e-4};
    cascade::path_rules rules;
    rules.liquidation.max_liquidations_per_round = 50; // caps make the order of positions matter
    stress::scenario_results r(spec.scenarios);
    REQUIRE(stress::run(book, model, curve, rules, spec, r.columns()) == spec.scenarios);

    std::vector<double> prices(spec.path.steps + 1), c(plain.size()), d(plain.size());
    cascade::path_workspace ws;
    for (std::size_t s = 0; s < spec.scenarios; ++s) {
        INFO("scenario " << s);
        auto g = spiral::risk::scenario_generator(spec.seed, s);
        model.generate(g, spec.path, prices.data());
        const double depth = spec.liquidity.depth(prices.data(), spec.path);
        const cascade::price_path path{prices, spec.path.step_days};
        const auto res = cascade::run(book, path, impact::scaled_depth{curve, depth}, rules,
                                      cascade::position_columns{c, d}, ws);
        double volume = 0, low = prices[0];
        for (const auto& k : res.steps) {
            volume += k.collateral_seized * k.oracle_price;
            low = std::min({low, k.market_price, k.price});
        }
        double power = 0, locked = 0, owed = 0, available = 0, underwater = 0;
        for (std::size_t i = 0; i < plain.size(); ++i) {
            const double v = c[i] * res.final_price, cap = v * plain.threshold[i];
            power += cap;
            locked += v;
            owed += d[i];
            available += std::max(0.0, cap - d[i]);
            underwater += std::max(0.0, d[i] - v);
        }
        CHECK(r.bad_debt[s] == res.bad_debt);
        CHECK(r.liquidations[s] == double(res.liquidations));
        CHECK(r.liquidation_volume[s] == volume);
        CHECK(r.final_price[s] == res.final_price);
        CHECK(r.final_exogenous_price[s] == prices.back());
        CHECK(r.min_price[s] == low);
        CHECK(r.depth[s] == depth);
        // Sums over the positions in another order: equal up to rounding.
        const double tol = 1e-12;
        CHECK(r.insolvent_value[s] == Approx(res.bad_debt + underwater).epsilon(tol).margin(1e-6));
        CHECK(r.borrowing_power[s] == Approx(power).epsilon(tol));
        CHECK(r.collateral_locked[s] == Approx(locked).epsilon(tol));
        CHECK(r.debt_outstanding[s] == Approx(owed).epsilon(tol).margin(1e-6));
        CHECK(r.borrowing_power_available[s] == Approx(available).epsilon(tol).margin(1e-6));
    }
}

TEST_CASE("stress metrics: against a plain sort-and-pick", "[stress][metrics]") {
    const auto book = stressed_book(2000);
    const auto spec = stressed_spec(1000);
    stress::scenario_results r(spec.scenarios);
    const std::size_t n =
        stress::run(book, gbm_paths{}, impact::linear{2e-4}, {}, spec, r.columns());
    REQUIRE(n == spec.scenarios);
    const stress::summary s = stress::summarise(r, n, book, spec.path.spot);

    CHECK(s.scenarios == n);
    CHECK(s.var95.value == pick(r.insolvent_value, 95));
    CHECK(s.var99.value == pick(r.insolvent_value, 99));
    CHECK(s.lar95.value == pick(r.liquidation_volume, 95));
    CHECK(s.lar99.value == pick(r.liquidation_volume, 99));
    CHECK(s.es95.value == Approx(tail_mean(r.insolvent_value, 95)).epsilon(1e-13));
    CHECK(s.es99.value == Approx(tail_mean(r.insolvent_value, 99)).epsilon(1e-13));
    CHECK(s.final_price_p01.value == pick(r.final_price, 1));
    CHECK(s.final_price_p50.value == pick(r.final_price, 50));
    CHECK(s.liquidations_p95.value == pick(r.liquidations, 95));
    CHECK(s.es95.value >= s.var95.value);
    CHECK(s.var95.lower <= s.var95.value);
    CHECK(s.var95.value <= s.var95.upper);

    // P(bad debt): the count over N.
    std::size_t bad = 0;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        bad += r.insolvent_value[i] > 0 ? 1 : 0;
        sum += r.bad_debt[i];
    }
    CHECK(s.probability_of_bad_debt.value == double(bad) / double(n));
    CHECK(s.mean_bad_debt.value == Approx(sum / double(n)).epsilon(1e-13));
    CHECK(s.initial_debt == Approx(book.total_debt()).epsilon(1e-15));
    CHECK(s.initial_collateral_value ==
          Approx(book.total_collateral() * spec.path.spot).epsilon(1e-13));

    // The confidence interval's ranks on a known sample: 1, ..., 1000 at 0.95:
    // 950 -/+ 1.96 sqrt(1000 x 0.95 x 0.05) = 950 -/+ 13.5 -> ranks 936 and 964.
    std::vector<double> ranks(1000);
    for (std::size_t i = 0; i < ranks.size(); ++i)
        ranks[i] = double(ranks.size() - i); // unsorted on purpose
    const auto q = stress::empirical_quantile(ranks, 0.95);
    CHECK(q.value == 950);
    CHECK(q.lower == 936);
    CHECK(q.upper == 964);
    CHECK(q.standard_error == Approx(28 / (2 * 1.959964)).epsilon(1e-6));
    CHECK(stress::empirical_quantile(std::vector<double>{5.0}, 0.5).value == 5);
    CHECK(stress::expected_shortfall(ranks, 0.95).value == Approx(975).epsilon(1e-15));
}

TEST_CASE("stress metrics: standard errors against the spread of replicated estimates",
          "[stress][metrics]") {
    // 400 replicates of N = 2000 exponential draws: the standard deviation of the 400
    // estimates of the 95% quantile and of ES 95% must match the mean standard error each
    // replicate reports. The sample sd of 400 values is within 5 x 3.5% of the truth with
    // probability > 1 - 1e-6; the asymptotic formulas add a few %: tolerance 25%.
    const std::size_t reps = 400, n = 2000;
    spiral::splitmix64 g{17};
    std::vector<double> x(n), qv, qse, ev, ese;
    for (std::size_t r = 0; r < reps; ++r) {
        for (double& v : x)
            v = -std::log(spiral::uniform_open(g));
        const auto q = stress::empirical_quantile(x, 0.95);
        const auto e = stress::expected_shortfall(x, 0.95);
        qv.push_back(q.value);
        qse.push_back(q.standard_error);
        ev.push_back(e.value);
        ese.push_back(e.standard_error);
    }
    const auto sd = [](const std::vector<double>& v) {
        double m = 0, ss = 0;
        for (double a : v)
            m += a;
        m /= double(v.size());
        for (double a : v)
            ss += (a - m) * (a - m);
        return std::sqrt(ss / double(v.size() - 1));
    };
    const auto mean = [](const std::vector<double>& v) {
        double m = 0;
        for (double a : v)
            m += a;
        return m / double(v.size());
    };
    CHECK(mean(qse) == Approx(sd(qv)).epsilon(0.25));
    CHECK(mean(ese) == Approx(sd(ev)).epsilon(0.25));
    // The exponential's 95% quantile is ln 20 and its ES 1 + ln 20.
    CHECK(std::abs(mean(qv) - std::log(20.0)) < 5 * sd(qv) / std::sqrt(double(reps)));
    CHECK(std::abs(mean(ev) - (1 + std::log(20.0))) < 5 * sd(ev) / std::sqrt(double(reps)));
}

TEST_CASE("stress::run: stopping returns a prefix of the full run", "[stress][engine]") {
    const auto book = stressed_book(500);
    const auto spec = stressed_spec(64);
    const gbm_paths model{};
    const impact::linear curve{2e-4};
    stress::scenario_results full(spec.scenarios);
    REQUIRE(stress::run(book, model, curve, {}, spec, full.columns()) == spec.scenarios);

    std::atomic<bool> stop{false};
    stress::run_control control;
    control.stop = &stop;
    control.progress = [&](std::size_t done, std::size_t total) {
        CHECK(total == spec.scenarios);
        if (done == 37)
            stop = true;
    };
    stress::scenario_results part(spec.scenarios);
    const double sentinel = -12345;
    for (auto* c : {&part.bad_debt, &part.final_price, &part.depth})
        std::fill(c->begin(), c->end(), sentinel);
    CHECK(stress::run(book, model, curve, {}, spec, part.columns(), control) == 37);
    CHECK(same_columns(full, part, 37));
    CHECK(part.bad_debt[37] == sentinel);
    CHECK(part.final_price[63] == sentinel);

    // Stopped before it starts: nothing run.
    CHECK(stress::run(book, model, curve, {}, spec, part.columns(), control) == 0);

    // A later range of the same stream is the same scenarios.
    auto tail = spec;
    tail.first_scenario = 40;
    tail.scenarios = 24;
    stress::scenario_results later(tail.scenarios);
    REQUIRE(stress::run(book, model, curve, {}, tail, later.columns()) == 24);
    CHECK(std::memcmp(later.insolvent_value.data(), full.insolvent_value.data() + 40,
                      24 * sizeof(double)) == 0);
    CHECK(std::memcmp(later.min_price.data(), full.min_price.data() + 40, 24 * sizeof(double)) ==
          0);

    // Columns not wanted are left alone and need no final positions.
    stress::scenario_results some(spec.scenarios);
    stress::scenario_columns cols;
    cols.bad_debt = some.bad_debt;
    cols.final_price = some.final_price;
    REQUIRE(stress::run(book, model, curve, {}, spec, cols) == spec.scenarios);
    CHECK(some.bad_debt == full.bad_debt);
    CHECK(some.final_price == full.final_price);
}

#if defined(SPIRAL_TEST_TBB)
TEST_CASE("stress::run_parallel: bit-identical to the serial run for any thread count",
          "[stress][parallel]") {
    const auto book = stressed_book(2000);
    const auto spec = stressed_spec(150);
    const gbm_paths model{};
    const impact::linear curve{2e-4};
    stress::scenario_results serial(spec.scenarios);
    REQUIRE(stress::run(book, model, curve, {}, spec, serial.columns()) == spec.scenarios);
    // Let the arena have 8 threads on a machine with fewer cores.
    const tbb::global_control allow(tbb::global_control::max_allowed_parallelism, 8);
    for (const unsigned threads : {1u, 2u, 8u})
        for (const std::size_t chunk : {std::size_t(0), std::size_t(1), std::size_t(7)}) {
            INFO(threads << " threads, chunk " << chunk);
            stress::scenario_results par(spec.scenarios);
            stress::run_control control;
            control.threads = threads;
            control.chunk = chunk;
            std::size_t last = 0, calls = 0;
            control.progress = [&](std::size_t done, std::size_t total) {
                CHECK(done >= last); // reported from one thread at a time, never falling
                CHECK(total == spec.scenarios);
                last = done;
                ++calls;
            };
            REQUIRE(stress::run_parallel(book, model, curve, {}, spec, par.columns(), control) ==
                    spec.scenarios);
            CHECK(same_columns(serial, par, spec.scenarios));
            CHECK(last == spec.scenarios);
            CHECK(calls > 0);
        }
}

TEST_CASE("stress::run_parallel: stopping returns a prefix of the serial run",
          "[stress][parallel]") {
    const auto book = stressed_book(1000);
    const auto spec = stressed_spec(200);
    const gbm_paths model{};
    const impact::linear curve{2e-4};
    stress::scenario_results serial(spec.scenarios);
    REQUIRE(stress::run(book, model, curve, {}, spec, serial.columns()) == spec.scenarios);
    std::atomic<bool> stop{false};
    stress::run_control control;
    control.stop = &stop;
    control.threads = 2;
    control.chunk = 5;
    control.progress = [&](std::size_t done, std::size_t) {
        if (done >= 60)
            stop = true;
    };
    stress::scenario_results par(spec.scenarios);
    const std::size_t got =
        stress::run_parallel(book, model, curve, {}, spec, par.columns(), control);
    CHECK(got < spec.scenarios);
    CHECK(same_columns(serial, par, got));
    stop = true;
    CHECK(stress::run_parallel(book, model, curve, {}, spec, par.columns(), control) == 0);
}
#endif

namespace {

// Two independent GBM assets (asset-major output), for the multi-asset entry point.
struct two_gbm {
    double spots[2] = {2000, 30};
    double vols[2] = {0.8, 1.2};
    std::size_t assets() const noexcept { return 2; }
    void validate() const {}
    void generate(spiral::splitmix64& g, const stress::path_spec& s, double* p) const noexcept {
        for (std::size_t a = 0; a < 2; ++a) {
            stress::path_spec one = s;
            one.spot = spots[a];
            gbm_paths{vols[a]}.generate(g, one, p + a * (s.steps + 1));
        }
    }
};
static_assert(stress::multi_path_model<two_gbm>);

} // namespace

TEST_CASE("stress::run_multi: against a plain loop and the debt identity", "[stress][engine]") {
    // 300 positions holding both assets; bonuses 0 so that volume = debt repaid.
    cascade::multi_book book;
    book.assets = 2;
    spiral::splitmix64 g{5};
    for (std::size_t i = 0; i < 300; ++i) {
        const double c0 = 1 + 4 * spiral::uniform_open(g), c1 = 100 * spiral::uniform_open(g);
        book.collateral.insert(book.collateral.end(), {c0, c1});
        const double health = 1.02 + 0.5 * spiral::uniform_open(g);
        book.debt.push_back((c0 * 2000 * 0.8 + c1 * 30 * 0.7) / health);
    }
    const std::vector<cascade::collateral_terms> terms{{0.8, 0.0}, {0.7, 0.0}};
    const std::vector<impact::linear> curves{impact::linear{1e-3}, impact::linear{1e-5}};
    auto spec = stressed_spec(60);
    const two_gbm model{};
    stress::scenario_results r(spec.scenarios);
    REQUIRE(stress::run_multi(book, std::span<const cascade::collateral_terms>(terms), model,
                              std::span<const impact::linear>(curves), {}, spec,
                              r.columns()) == spec.scenarios);
    double d0 = 0;
    for (const double d : book.debt)
        d0 += d;
    std::vector<double> prices(2 * (spec.path.steps + 1)), c(600), d(300);
    std::size_t liquidated = 0;
    for (std::size_t s = 0; s < spec.scenarios; ++s) {
        INFO("scenario " << s);
        auto gs = spiral::risk::scenario_generator(spec.seed, s);
        model.generate(gs, spec.path, prices.data());
        const std::size_t m = spec.path.steps + 1;
        const std::vector<cascade::price_path> paths{
            {std::span<const double>(prices.data(), m), spec.path.step_days},
            {std::span<const double>(prices.data() + m, m), spec.path.step_days}};
        const double d0s = spec.liquidity.depth(prices.data(), spec.path);
        const double d1s = spec.liquidity.depth(prices.data() + m, spec.path);
        const std::vector<impact::scaled_depth<impact::linear>> thin{{curves[0], d0s},
                                                                     {curves[1], d1s}};
        const auto res = cascade::run(book, std::span<const cascade::price_path>(paths),
                                      std::span<const impact::scaled_depth<impact::linear>>(thin),
                                      std::span<const cascade::collateral_terms>(terms), {},
                                      std::span<double>(c), std::span<double>(d));
        double underwater = 0;
        for (std::size_t i = 0; i < 300; ++i) {
            const double v = c[2 * i] * res.final_price[0] + c[2 * i + 1] * res.final_price[1];
            underwater += std::max(0.0, d[i] - v);
        }
        CHECK(r.bad_debt[s] == res.bad_debt);
        CHECK(r.liquidations[s] == double(res.liquidations));
        CHECK(r.liquidation_volume[s] == Approx(res.debt_repaid).epsilon(1e-12).margin(1e-6));
        CHECK(r.final_price[s] == res.final_price[0]);
        CHECK(r.depth[s] == std::min(d0s, d1s));
        CHECK(r.insolvent_value[s] ==
              Approx(res.bad_debt + underwater).epsilon(1e-12).margin(1e-6));
        CHECK(std::abs(r.debt_outstanding[s] + r.liquidation_volume[s] + r.bad_debt[s] - d0) <
              1e-10 * d0);
        liquidated += r.liquidations[s] > 0 ? 1 : 0;
    }
    CHECK(liquidated > spec.scenarios / 4);
    require_throws_naming(
        [&] {
            stress::run_multi(book, std::span<const cascade::collateral_terms>(terms).first(1),
                              model, std::span<const impact::linear>(curves), {}, spec,
                              r.columns());
        },
        {"stress::run_multi", "assets"});
}

TEST_CASE("stress::run and metrics: bad input names the field", "[stress][engine]") {
    const auto book = stressed_book(100);
    const gbm_paths model{};
    const impact::linear curve{0};
    stress::run_spec spec;
    spec.scenarios = 4;
    stress::scenario_results r(4);
    require_throws_naming(
        [&] { stress::run(cascade::prepared_book{}, model, curve, {}, spec, r.columns()); },
        {"stress::run", "book.size()"});
    stress::scenario_results short_results(3);
    require_throws_naming(
        [&] { stress::run(book, model, curve, {}, spec, short_results.columns()); },
        {"stress::run", "out.bad_debt.size()", "3"});
    auto bad = spec;
    bad.scenarios = 0;
    require_throws_naming([&] { stress::run(book, model, curve, {}, bad, r.columns()); },
                          {"stress::run", "scenarios", "0"});
    bad = spec;
    bad.path.steps = 0;
    require_throws_naming([&] { stress::run(book, model, curve, {}, bad, r.columns()); },
                          {"stress::run", "steps"});
    bad = spec;
    bad.path.spot = -1;
    require_throws_naming([&] { stress::run(book, model, curve, {}, bad, r.columns()); },
                          {"spot", "-1"});
    bad = spec;
    bad.liquidity.floor = 0;
    require_throws_naming([&] { stress::run(book, model, curve, {}, bad, r.columns()); },
                          {"floor"});
    bad = spec;
    bad.first_scenario = std::numeric_limits<std::uint64_t>::max() - 1;
    require_throws_naming([&] { stress::run(book, model, curve, {}, bad, r.columns()); },
                          {"first_scenario"});
    require_throws_naming(
        [&] { stress::run(book, model, impact::linear{-1}, {}, spec, r.columns()); },
        {"lambda", "-1"});
    // A replay window longer than its history: the engine checks the model against the grid
    // (before, only replay::validate() ran and generate read past the history's end).
    const std::vector<double> history{100, 90, 80, 95, 70};
    bad = spec;
    bad.path.steps = 8;
    require_throws_naming(
        [&] { stress::run(book, stress::replay{.prices = history}, curve, {}, bad, r.columns()); },
        {"stress::replay", "spec.steps", "8"});
    // Parameters validate() accepts but a path cannot hold (an annual vol of 1e4 reaches 0 in
    // the first hour): the error names the model's path, not cascade::run's `prices`.
    require_throws_naming(
        [&] { stress::run(book, stress::gbm{.vol = 1e4}, curve, {}, spec, r.columns()); },
        {"stress::run", "scenario 0: the model's path"});
    // A path within double's range that prices the book's collateral beyond it (found by the
    // stress fuzz target: borrowing_power and collateral_locked came back inf).
    {
        const cascade::prepared_book rich(cascade::book{{1e300}, {1}, {0.8}});
        stress::run_spec high = spec;
        high.path.spot = 1e10;
        require_throws_naming(
            [&] { stress::run(rich, stress::gbm{.vol = 0.1}, curve, {}, high, r.columns()); },
            {"stress::run", "scenario 0: the model's path", "book's collateral"});
    }
    cascade::path_rules rules;
    rules.liquidation.close_factor = 2;
    require_throws_naming([&] { stress::run(book, model, curve, rules, spec, r.columns()); },
                          {"close_factor"});

    const std::vector<double> x{1, 2, 3};
    require_throws_naming([&] { stress::empirical_quantile(x, 1.0); }, {"level", "1"});
    require_throws_naming([&] { stress::empirical_quantile(x, 0.0); }, {"level", "0"});
    require_throws_naming([&] { stress::expected_shortfall(x, -0.5); }, {"level"});
    require_throws_naming([&] { stress::empirical_quantile(std::vector<double>{}, 0.5); },
                          {"values.size()"});
    require_throws_naming(
        [&] {
            stress::expected_shortfall(
                std::vector<double>{1, std::numeric_limits<double>::quiet_NaN()}, 0.5);
        },
        {"values[1]"});
    require_throws_naming([&] { stress::summarise(r, 0, book, 1); }, {"completed", "0"});
    require_throws_naming([&] { stress::summarise(r, 5, book, 1); }, {"completed", "5"});
    require_throws_naming([&] { stress::summarise(r, 4, book, 0); }, {"spot"});
}

} // namespace unit_tests_stress_engine
