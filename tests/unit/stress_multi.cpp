// The multi-asset stress engine on many threads (stress::run_multi_parallel) against the
// serial stress::run_multi bit for bit, for 1, 2 and 8 threads and several chunk sizes, with
// correlated Student-t paths; stopping returns a prefix of the serial run; a run split into
// ranges of first_scenario (what threads and ranks do) equals one run; some columns only;
// the input checks name the parallel entry point. (run_multi itself is checked against a
// plain loop over the multi-asset cascade::run in stress_engine.cpp.)
#include <spiral/cascade/book.hpp>
#include <spiral/cascade/multi_asset.hpp>
#include <spiral/cascade/path_multi.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/risk/scenarios.hpp>
#include <spiral/stress/correlated_gbm.hpp>
#include <spiral/stress/engine_multi.hpp>
#include <spiral/stress/metrics.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>
#if defined(SPIRAL_TEST_TBB)
#include <spiral/stress/parallel.hpp>

#include <tbb/global_control.h>
#endif

#include "support/stress_columns.hpp"
#include "support/throws.hpp"

#include <catch2/catch.hpp>

#include <Eigen/Dense>

#include <atomic>
#include <cstddef>
#include <cstring>
#include <span>
#include <vector>

namespace unit_tests_stress_multi {

namespace cascade = spiral::cascade;
namespace impact = spiral::impact;
namespace stress = spiral::stress;
using spiral::test::require_throws_naming;
using spiral::test::same_columns;

namespace {

using terms_span = std::span<const cascade::collateral_terms>;
using curves_span = std::span<const impact::linear>;

// Three assets (ETH-, BTC- and SOL-like) with a t copula: fat joint tails, so that many
// scenarios liquidate and some leave bad debt.
struct multi_setup {
    cascade::multi_book book;
    std::vector<cascade::collateral_terms> terms{{0.8, 0.05}, {0.75, 0.08}, {0.6, 0.1}};
    std::vector<impact::linear> curves{impact::linear{2e-3}, impact::linear{5e-2},
                                       impact::linear{2e-5}};
    stress::correlated_gbm model;
    stress::run_spec spec;

    explicit multi_setup(std::size_t positions, std::size_t scenarios) {
        Eigen::MatrixXd rho(3, 3);
        rho << 1, 0.7, 0.5, 0.7, 1, 0.4, 0.5, 0.4, 1;
        model = stress::make_correlated_gbm({2000, 30000, 100}, {0.8, 0.6, 1.2}, rho,
                                            spiral::risk::copula::student_t, 4);
        const double spots[3] = {2000, 30000, 100};
        book.assets = 3;
        spiral::splitmix64 g{11};
        for (std::size_t i = 0; i < positions; ++i) {
            double cap = 0;
            for (std::size_t a = 0; a < 3; ++a) {
                // Some positions hold one asset only (zeros in the book).
                const double c =
                    spiral::uniform_open(g) < 0.3 ? 0.0 : 1000 / spots[a] * spiral::uniform_open(g);
                book.collateral.push_back(c);
                cap += c * spots[a] * terms[a].threshold;
            }
            if (cap == 0) { // at least one asset
                book.collateral[3 * i] = 0.5;
                cap = 0.5 * spots[0] * terms[0].threshold;
            }
            book.debt.push_back(cap / (1.02 + 0.6 * spiral::uniform_open(g)));
        }
        spec.scenarios = scenarios;
        spec.seed = 77;
        spec.path.steps = 24;
        spec.path.step_days = 1; // daily steps: t-copula days that jump past the bonus margin
        spec.path.vol_multiplier = 1.5;
        spec.liquidity = {.reference_vol = 0.8, .elasticity = 1, .floor = 0.1};
    }

    std::size_t run_serial(const stress::run_spec& s, const stress::scenario_columns& out,
                           const stress::run_control& control = {}) const {
        return stress::run_multi(book, terms_span(terms), model, curves_span(curves), {}, s, out,
                                 control);
    }
};

bool same(std::span<const double> x, std::span<const double> y) {
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0;
}

} // namespace

TEST_CASE("stress::run_multi: a run split by first_scenario equals one run; some columns only",
          "[stress][engine]") {
    const multi_setup m(300, 60);
    stress::scenario_results whole(m.spec.scenarios);
    REQUIRE(m.run_serial(m.spec, whole.columns()) == m.spec.scenarios);
    // The comparisons below are between scenarios that liquidate and leave bad debt.
    std::size_t liquidated = 0, bad = 0;
    for (std::size_t s = 0; s < m.spec.scenarios; ++s) {
        liquidated += whole.liquidations[s] > 0 ? 1 : 0;
        bad += whole.bad_debt[s] > 0 ? 1 : 0;
    }
    CHECK(liquidated > m.spec.scenarios / 4);
    CHECK(bad > 0);

    // Scenarios [0, 23) and [23, 60) as two runs (the ranges threads and ranks get).
    stress::scenario_results parts(m.spec.scenarios);
    auto head = m.spec, tail = m.spec;
    head.scenarios = 23;
    tail.first_scenario = 23;
    tail.scenarios = m.spec.scenarios - 23;
    const auto all = parts.columns();
    const auto sub = [&](std::size_t first, std::size_t count) {
        stress::scenario_columns c = all;
        for (std::span<double>* col :
             {&c.bad_debt, &c.insolvent_value, &c.liquidation_volume, &c.liquidations,
              &c.final_exogenous_price, &c.final_price, &c.min_price, &c.borrowing_power,
              &c.debt_outstanding, &c.borrowing_power_available, &c.collateral_locked, &c.depth})
            *col = col->subspan(first, count);
        return c;
    };
    REQUIRE(m.run_serial(head, sub(0, 23)) == 23);
    REQUIRE(m.run_serial(tail, sub(23, tail.scenarios)) == tail.scenarios);
    CHECK(same_columns(whole, parts, m.spec.scenarios));

    // Without the position columns the run skips the pass over the book: the rest is the same.
    std::vector<double> bad_debt(m.spec.scenarios), final_price(m.spec.scenarios),
        volume(m.spec.scenarios);
    stress::scenario_columns few;
    few.bad_debt = bad_debt;
    few.final_price = final_price;
    few.liquidation_volume = volume;
    REQUIRE(m.run_serial(m.spec, few) == m.spec.scenarios);
    CHECK(same(bad_debt, whole.bad_debt));
    CHECK(same(final_price, whole.final_price));
    CHECK(same(volume, whole.liquidation_volume));
}

TEST_CASE("stress::summarise (multi-asset): the book's totals by hand, the rest as the "
          "single-asset summarise",
          "[stress][metrics]") {
    const multi_setup m(50, 40);
    stress::scenario_results r(m.spec.scenarios);
    REQUIRE(m.run_serial(m.spec, r.columns()) == m.spec.scenarios);
    const std::vector<double> spots{2000, 30000, 100};
    const auto s = stress::summarise(r, 30, m.book, spots, terms_span(m.terms));
    // The column figures do not depend on the book: the single-asset summarise with any book.
    const cascade::prepared_book one(cascade::book{{1.0}, {1.0}, {0.5}});
    const auto t = stress::summarise(r, 30, one, 1.0);
    CHECK(s.scenarios == 30);
    CHECK(s.var99.value == t.var99.value);
    CHECK(s.es95.value == t.es95.value);
    CHECK(s.lar99.value == t.lar99.value);
    CHECK(s.probability_of_bad_debt.value == t.probability_of_bad_debt.value);
    CHECK(s.mean_collateral_locked.value == t.mean_collateral_locked.value);
    CHECK(s.final_price_p05.value == t.final_price_p05.value);
    // The totals, summed here in a different order (asset by asset).
    double debt = 0, value = 0, power = 0;
    for (const double d : m.book.debt)
        debt += d;
    for (std::size_t a = 0; a < 3; ++a)
        for (std::size_t i = 0; i < m.book.size(); ++i) {
            value += m.book.collateral[3 * i + a] * spots[a];
            power += m.book.collateral[3 * i + a] * spots[a] * m.terms[a].threshold;
        }
    CHECK(s.initial_debt == Approx(debt).epsilon(1e-13));
    CHECK(s.initial_collateral_value == Approx(value).epsilon(1e-13));
    CHECK(s.initial_borrowing_power == Approx(power).epsilon(1e-13));
    require_throws_naming(
        [&] {
            stress::summarise(r, 30, m.book, std::span<const double>(spots).first(2),
                              terms_span(m.terms));
        },
        {"stress::summarise", "spots"});
    const std::vector<double> bad_spots{2000, -1, 100};
    require_throws_naming([&] { stress::summarise(r, 30, m.book, bad_spots, terms_span(m.terms)); },
                          {"stress::summarise", "spots[1]", "-1"});
    require_throws_naming([&] { stress::summarise(r, 41, m.book, spots, terms_span(m.terms)); },
                          {"completed", "41"});
}

#if defined(SPIRAL_TEST_TBB)
TEST_CASE("stress::run_multi_parallel: bit-identical to run_multi for any thread count",
          "[stress][parallel]") {
    const multi_setup m(400, 90);
    stress::scenario_results serial(m.spec.scenarios);
    REQUIRE(m.run_serial(m.spec, serial.columns()) == m.spec.scenarios);
    double liquidations = 0;
    for (const double v : serial.liquidations)
        liquidations += v;
    CHECK(liquidations > 0);
    // Let the arena have 8 threads on a machine with fewer cores.
    const tbb::global_control allow(tbb::global_control::max_allowed_parallelism, 8);
    for (const unsigned threads : {1u, 2u, 8u})
        for (const std::size_t chunk : {std::size_t(0), std::size_t(1), std::size_t(7)}) {
            INFO(threads << " threads, chunk " << chunk);
            stress::scenario_results par(m.spec.scenarios);
            stress::run_control control;
            control.threads = threads;
            control.chunk = chunk;
            std::size_t last = 0, calls = 0;
            control.progress = [&](std::size_t done, std::size_t total) {
                CHECK(done >= last); // reported from one thread at a time, never falling
                CHECK(total == m.spec.scenarios);
                last = done;
                ++calls;
            };
            REQUIRE(stress::run_multi_parallel(m.book, terms_span(m.terms), m.model,
                                               curves_span(m.curves), {}, m.spec, par.columns(),
                                               control) == m.spec.scenarios);
            CHECK(same_columns(serial, par, m.spec.scenarios));
            CHECK(last == m.spec.scenarios);
            CHECK(calls > 0);
        }
}

TEST_CASE("stress::run_multi_parallel: stopping returns a prefix of the serial run",
          "[stress][parallel]") {
    const multi_setup m(200, 120);
    stress::scenario_results serial(m.spec.scenarios);
    REQUIRE(m.run_serial(m.spec, serial.columns()) == m.spec.scenarios);
    std::atomic<bool> stop{false};
    stress::run_control control;
    control.stop = &stop;
    control.threads = 2;
    control.chunk = 5;
    control.progress = [&](std::size_t done, std::size_t) {
        if (done >= 40)
            stop = true;
    };
    stress::scenario_results par(m.spec.scenarios);
    const std::size_t got =
        stress::run_multi_parallel(m.book, terms_span(m.terms), m.model, curves_span(m.curves), {},
                                   m.spec, par.columns(), control);
    // Not got >= 40: 40 scenarios done need not be the first 40 (another thread's chunk may
    // still be running when the stop comes; the run returns the completed prefix). Seen under
    // ASan: 20.
    CHECK(got < m.spec.scenarios);
    CHECK(same_columns(serial, par, got));
    stop = true;
    CHECK(stress::run_multi_parallel(m.book, terms_span(m.terms), m.model, curves_span(m.curves),
                                     {}, m.spec, par.columns(), control) == 0);
}

TEST_CASE("stress::run_multi_parallel: bad input names the entry point and the field",
          "[stress][parallel]") {
    const multi_setup m(10, 4);
    stress::scenario_results r(4);
    const auto call = [&](const cascade::multi_book& b, terms_span t, curves_span c,
                          const stress::run_spec& s, const stress::scenario_columns& out) {
        stress::run_multi_parallel(b, t, m.model, c, {}, s, out);
    };
    cascade::multi_book empty;
    empty.assets = 3;
    require_throws_naming(
        [&] { call(empty, terms_span(m.terms), curves_span(m.curves), m.spec, r.columns()); },
        {"stress::run_multi_parallel", "book.size()"});
    require_throws_naming(
        [&] {
            call(m.book, terms_span(m.terms).first(2), curves_span(m.curves), m.spec, r.columns());
        },
        {"stress::run_multi_parallel", "assets"});
    require_throws_naming(
        [&] {
            call(m.book, terms_span(m.terms), curves_span(m.curves).first(1), m.spec, r.columns());
        },
        {"stress::run_multi_parallel", "curves"});
    auto short_book = m.book;
    short_book.collateral.pop_back();
    require_throws_naming(
        [&] { call(short_book, terms_span(m.terms), curves_span(m.curves), m.spec, r.columns()); },
        {"stress::run_multi_parallel", "book.collateral"});
    stress::scenario_results short_results(3);
    require_throws_naming(
        [&] {
            call(m.book, terms_span(m.terms), curves_span(m.curves), m.spec,
                 short_results.columns());
        },
        {"stress::run_multi_parallel", "out.bad_debt.size()", "3"});
    auto bad = m.spec;
    bad.scenarios = 0;
    require_throws_naming(
        [&] { call(m.book, terms_span(m.terms), curves_span(m.curves), bad, r.columns()); },
        {"stress::run_multi_parallel", "scenarios", "0"});
    // A model of two assets for a book of three.
    Eigen::MatrixXd rho2(2, 2);
    rho2 << 1, 0.5, 0.5, 1;
    const auto two = stress::make_correlated_gbm({2000, 30000}, {0.8, 0.6}, rho2);
    require_throws_naming(
        [&] {
            stress::run_multi_parallel(m.book, terms_span(m.terms), two, curves_span(m.curves), {},
                                       m.spec, r.columns());
        },
        {"stress::run_multi_parallel", "model.assets()", "2"});
    const std::vector<impact::linear> negative{impact::linear{-1}, impact::linear{0},
                                               impact::linear{0}};
    require_throws_naming(
        [&] { call(m.book, terms_span(m.terms), curves_span(negative), m.spec, r.columns()); },
        {"lambda", "-1"});
    cascade::multi_path_rules rules;
    rules.liquidation.close_factor = 2;
    require_throws_naming(
        [&] {
            stress::run_multi_parallel(m.book, terms_span(m.terms), m.model, curves_span(m.curves),
                                       rules, m.spec, r.columns());
        },
        {"close_factor"});
}
#endif

} // namespace unit_tests_stress_multi
