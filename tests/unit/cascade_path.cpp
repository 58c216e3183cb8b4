// cascade::run (the cascade along a price path) and the one-shot cascade::simulate on a plain
// book: hand cases, the drop-then-flat path against simulate round by round, the engine
// against the plain step-by-step rescan of support/path_rescan.hpp on thousands of random
// books and paths, the accounting identities in every test, and the boundary checks.
#include <spiral/cascade/cascade.hpp>
#include <spiral/cascade/path.hpp>
#include <spiral/cascade/path_multi.hpp>
#include <spiral/cascade/shorts.hpp>
#include <spiral/cascade/venues.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/resilient.hpp>
#include <spiral/impact/routed.hpp>

#include "support/cascade_random_books.hpp"
#include "support/path_random.hpp"
#include "support/throws.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace unit_tests_cascade_path {

namespace cascade = spiral::cascade;
namespace impact = spiral::impact;

using spiral::test::near_relative;
using spiral::test::price_close;
using spiral::test::require_throws_naming;
using spiral::test::run_checked_path;
using spiral::test::total;
using spiral::test::uniform_source;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double qnan = std::numeric_limits<double>::quiet_NaN();

} // namespace

TEST_CASE("run: one position along a path, by hand", "[cascade][path]") {
    // 1 unit at 1000, debt 800, threshold 0.85: liquidation price 800 / 0.85 = 941.18.
    // Path 1000 -> 960 -> 930 -> 990, linear impact lambda 0.2, reference rules.
    const cascade::book b{{1.0}, {800.0}, {0.85}};
    const std::vector<double> prices{1000, 960, 930, 990};
    const cascade::price_path path{prices, 1.0 / 144};
    const impact::linear curve{0.2};
    cascade::book after;
    const cascade::path_result r = run_checked_path(b, path, curve, {}, &after);
    REQUIRE(r.steps.size() == 3);
    // Step 1 at 960: health 960 * 0.85 / 800 = 1.02, nothing happens.
    CHECK(r.steps[0].liquidations == 0);
    CHECK(r.steps[0].oracle_price == 960);
    CHECK(r.steps[0].price == 960);
    // Step 2 at 930: health 0.988 > 0.95, half the debt: seize 400 * 1.05 / 930.
    const double s2 = 400 * 1.05 / 930;
    CHECK(r.steps[1].liquidations == 1);
    CHECK(r.steps[1].collateral_sold == Approx(s2).epsilon(1e-15));
    CHECK(r.steps[1].debt_repaid == Approx(400).epsilon(1e-15));
    CHECK(r.steps[1].proceeds == Approx(930 * (s2 - 0.1 * s2 * s2)).epsilon(1e-14));
    const double p2 = 930 * (1 - 0.2 * s2);
    CHECK(r.steps[1].price == Approx(p2).epsilon(1e-15));
    // Step 3: the exogenous price rises to 990; the impact stays: market 990 (1 - 0.2 s2).
    const double m3 = 990 * (1 - 0.2 * s2);
    CHECK(r.steps[2].market_price == Approx(m3).epsilon(1e-15));
    // health (1 - s2) m3 0.85 / 400 > 1: nothing more.
    REQUIRE((1 - s2) * m3 * 0.85 / 400 > 1);
    CHECK(r.steps[2].liquidations == 0);
    CHECK(after.collateral[0] == Approx(1 - s2).epsilon(1e-14));
    CHECK(after.debt[0] == Approx(400).epsilon(1e-15));
    CHECK(r.final_price == Approx(m3).epsilon(1e-15));
    CHECK(r.liquidator_profit() == Approx(r.proceeds - 400).epsilon(1e-15));
}

TEST_CASE("run: a path that drops once and stays flat is simulate round by round",
          "[cascade][path]") {
    uniform_source u(20260313);
    int compared = 0, cascades = 0;
    std::size_t longest = 0;
    for (int trial = 0; trial < 600; ++trial) {
        const cascade::book b = spiral::test::random_book(u, 60);
        cascade::rules r = spiral::test::random_rules(u);
        const std::size_t delay = u.bits() % 4 == 0 ? u.bits() % 4 : 0;
        const double shock = u(0.0, 0.5);
        const double alpha = u(0.0, 0.1);
        const auto compare = [&](const auto& curve) {
            cascade::rules with_delay = r;
            with_delay.oracle_delay = delay;
            const cascade::result once =
                cascade::simulate(cascade::prepared_book(b), 100.0, shock, curve, with_delay);
            REQUIRE(!once.truncated);
            cascade::path_rules pr;
            pr.liquidation = r;
            pr.oracle.delay_steps = delay;
            const std::size_t steps = once.rounds + delay + 1;
            std::vector<double> prices(steps + 1, 100 * (1 - shock));
            prices[0] = 100;
            const cascade::path_result along =
                run_checked_path(b, {prices, with_delay.round_days}, curve, pr);
            INFO("trial " << trial << " rounds " << once.rounds);
            for (std::size_t k = 0; k < steps; ++k) {
                INFO("step " << k + 1);
                const cascade::step_record& s = along.steps[k];
                if (k < once.rounds) {
                    const cascade::round_record& x = once.path[k];
                    REQUIRE(s.liquidations == x.liquidations);
                    CHECK(price_close(s.oracle_price, x.oracle_price));
                    CHECK(price_close(s.price, x.price));
                    CHECK(near_relative(s.threshold_multiplier, x.threshold_multiplier, 1e-12));
                    CHECK(std::abs(s.collateral_sold - x.collateral_sold) <=
                          1e-12 * once.collateral_sold);
                    CHECK(std::abs(s.debt_repaid - x.debt_repaid) <= 1e-12 * once.debt_repaid);
                    CHECK(std::abs(s.bad_debt - x.bad_debt) <= 1e-12 * (once.bad_debt + 1e-300));
                    CHECK(std::abs(s.proceeds - x.proceeds) <= 1e-12 * once.proceeds);
                } else {
                    CHECK(s.liquidations == 0); // the quiet rounds that ended simulate
                }
            }
            CHECK(along.liquidations == once.liquidations);
            CHECK(near_relative(along.collateral_sold, once.collateral_sold, 1e-12));
            CHECK(near_relative(along.debt_repaid, once.debt_repaid, 1e-12));
            CHECK(near_relative(along.proceeds, once.proceeds, 1e-12));
            longest = std::max(longest, once.rounds);
            cascades += once.liquidations > 0 ? 1 : 0;
            ++compared;
        };
        if (trial % 3 == 0)
            compare(impact::linear{alpha / 4});
        else if (trial % 3 == 1)
            compare(impact::exponential{alpha});
        else
            compare(impact::resilient{impact::exponential{alpha}, u(0, 300)});
    }
    CHECK(compared == 600);
    CHECK(cascades > 300);
    CHECK(longest >= 10);
}

TEST_CASE("simulate on a plain book (no sort) equals the rescan", "[cascade][path]") {
    spiral::test::one_shot_equals_rescan(77, 1500);
}

TEST_CASE("run equals the plain step-by-step rescan on random books and paths", "[cascade][path]") {
    spiral::test::run_equals_rescan(
        4242, 2000,
        [](uniform_source&, cascade::path_rules&, std::size_t, std::vector<double>&) {});
}

TEST_CASE("run equals the rescan along a slow creep (positions parked by fine bucket)",
          "[cascade][path]") {
    // A price that creeps down by 0.02-0.3% a step, rises now and then, and falls 25% in
    // all: the reach crosses each coarse bucket (1/16 octave) in many steps, so the rows a
    // sweep finds below the reach wait, parked by fine bucket (1/256 octave), and are taken a
    // few at a time. Uncapped, capped and keeper rules; every step and row against the rescan.
    uniform_source u(20261203);
    for (int trial = 0; trial < 12; ++trial) {
        cascade::book b;
        for (std::size_t i = 0; i < 3000; ++i) {
            const double t = u(0.6, 0.9), c = std::exp(u(-1, 2));
            b.collateral.push_back(c);
            b.debt.push_back(c * 100 * t / u(1.0, 1.4)); // due between 100 and about 71
            b.threshold.push_back(t);
        }
        std::vector<double> prices{100.0};
        while (prices.back() > 75)
            prices.push_back(prices.back() * (u.bits() % 9 == 0 ? 1.0015 : 1 - u(2e-4, 3e-3)));
        const cascade::price_path path{prices, 1.0 / 1440};
        cascade::path_rules pr;
        pr.liquidation.close_factor = u(0.2, 0.6);
        if (trial % 3 == 1)
            pr.liquidation.max_liquidations_per_round = 1 + u.bits() % 40;
        if (trial % 3 == 2) {
            pr.keepers.only_profitable = true;
            pr.keepers.gas = u(0, 2);
            pr.keepers.latency_steps = u.bits() % 3;
            pr.keepers.max_liquidations = 1 + u.bits() % 60;
        }
        const impact::exponential curve{u(1e-4, 1e-3)};
        spiral::test::path_book plain{b.collateral, b.debt, b.threshold};
        const cascade::path_result slow = spiral::test::rescan_path(plain, path, curve, pr);
        cascade::book after;
        const cascade::path_result fast = run_checked_path(b, path, curve, pr, &after);
        INFO("trial " << trial << ", " << path.steps() << " steps");
        REQUIRE(fast.steps.size() == slow.steps.size());
        CHECK(fast.liquidations == slow.liquidations);
        CHECK(fast.liquidations > (trial % 3 == 0 ? 1000u : 100u));
        CHECK(fast.deferred == slow.deferred);
        CHECK(near_relative(fast.collateral_seized, slow.collateral_seized, 1e-12));
        CHECK(near_relative(fast.debt_repaid, slow.debt_repaid, 1e-12));
        CHECK(near_relative(fast.bad_debt, slow.bad_debt, 1e-12));
        CHECK(price_close(fast.final_price, slow.final_price));
        for (std::size_t k = 0; k < fast.steps.size(); ++k) {
            INFO("step " << k + 1);
            REQUIRE(fast.steps[k].liquidations == slow.steps[k].liquidations);
            CHECK(price_close(fast.steps[k].price, slow.steps[k].price));
        }
        for (std::size_t i = 0; i < b.size(); ++i) {
            INFO("row " << i);
            CHECK(std::abs(after.collateral[i] - plain.collateral[i]) <= 1e-12 * b.collateral[i]);
            CHECK(std::abs(after.debt[i] - plain.debt[i]) <= 1e-12 * b.debt[i]);
        }
    }
}

TEST_CASE("oracle: a heartbeat and a deviation threshold (Chainlink)", "[cascade][path]") {
    // Steps of a quarter day (exact in binary), heartbeat 0.75 days, threshold 0.5%.
    const cascade::book b{{1.0}, {10.0}, {0.8}}; // far from liquidation
    const std::vector<double> prices{100, 100.2, 100.4, 99.9, 99.3, 99.2, 99.25, 99.1};
    cascade::path_rules pr;
    pr.oracle.heartbeat_days = 0.75;
    pr.oracle.deviation = 0.005;
    const cascade::path_result r = run_checked_path(b, {prices, 0.25}, impact::linear{0.0}, pr);
    // 100.2, 100.4: within 0.5% and the heartbeat not due -> still 100. 99.9: 0.75 days since
    // the last update -> published. 99.3: 0.6% away -> published. 99.2, 99.25: within. 99.1:
    // the heartbeat again.
    const std::vector<double> shown{100, 100, 99.9, 99.3, 99.3, 99.3, 99.1};
    REQUIRE(r.steps.size() == shown.size());
    for (std::size_t k = 0; k < shown.size(); ++k) {
        INFO("step " << k + 1);
        CHECK(r.steps[k].oracle_price == shown[k]);
        CHECK(r.steps[k].market_price == prices[k + 1]);
    }
}

TEST_CASE("oracle: Maker's OSM shows the price an hour late", "[cascade][path]") {
    // Hourly steps; liquidation price 800 / (10 * 0.9) = 88.9. The market is below it from
    // step 2 on; with a one-step delay the protocol sees it at step 3.
    const cascade::book b{{10.0}, {800.0}, {0.9}};
    const std::vector<double> prices{100, 95, 88, 88, 88};
    cascade::path_rules instant, osm;
    osm.oracle.delay_steps = 1;
    const double hour = 1.0 / 24;
    const auto now = run_checked_path(b, {prices, hour}, impact::linear{0.0}, instant);
    const auto late = run_checked_path(b, {prices, hour}, impact::linear{0.0}, osm);
    CHECK(now.steps[1].liquidations == 1);
    CHECK(now.steps[1].oracle_price == 88);
    CHECK(late.steps[0].oracle_price == 100);
    CHECK(late.steps[1].oracle_price == 95);
    CHECK(late.steps[1].liquidations == 0);
    CHECK(late.steps[2].oracle_price == 88);
    CHECK(late.steps[2].liquidations == 1);
    // Same liquidation, an hour later: health 10 * 88 * 0.9 / 800 = 0.99 -> half the debt.
    CHECK(late.steps[2].debt_repaid == Approx(400).epsilon(1e-15));
    CHECK(late.steps[2].collateral_sold == Approx(400 * 1.05 / 88).epsilon(1e-15));
}

TEST_CASE("oracle: a median of sources leaves out stale ones and outliers", "[cascade][path]") {
    const cascade::book b{{1.0}, {10.0}, {0.8}};
    const std::vector<double> prices{100, 100, 100, 100, 100};
    const std::vector<double> a{100, 100, 100, 100, 100};
    const std::vector<double> down{100, 101, qnan, qnan, qnan}; // stops reporting after step 1
    const std::vector<double> spike{100, 100, 130, 100, 100};   // alone at 130 in step 2
    const std::vector<cascade::oracle_source> sources{{a}, {down}, {spike}};
    cascade::path_rules pr;
    pr.oracle.sources = sources;
    pr.oracle.max_age_days = 1.5;
    pr.oracle.max_spread = 0.05;
    const auto r = run_checked_path(b, {prices, 1.0}, impact::linear{0.0}, pr);
    // Step 1: median(100, 101, 100) = 100. Step 2: 101 (reported a day ago) still fresh; 130
    // is 29% from the median 101 and left out: median(100, 101) = 100.5. Step 3: the silent
    // source is 2 days old, stale: median(100, 100).
    const std::vector<double> shown{100, 100.5, 100, 100};
    for (std::size_t k = 0; k < shown.size(); ++k)
        CHECK(r.steps[k].oracle_price == shown[k]);
    // Without outlier rejection the spike moves the median to 101.
    pr.oracle.max_spread = inf;
    const auto plain = run_checked_path(b, {prices, 1.0}, impact::linear{0.0}, pr);
    CHECK(plain.steps[1].oracle_price == 101);
}

TEST_CASE("oracle: a minimum price (LUNA's feed at its floor)", "[cascade][path]") {
    // Liquidation prices 0.3 (row 0) and 0.08 (row 1); the feed's floor is 0.1.
    const cascade::book b{{100.0, 100.0}, {24.0, 6.4}, {0.8, 0.8}};
    const std::vector<double> prices{1.0, 0.5, 0.2, 0.05, 0.01};
    cascade::path_rules pr;
    pr.oracle.floor = 0.1;
    cascade::book after;
    const auto r = run_checked_path(b, {prices, 1.0}, impact::linear{0.0}, pr, &after);
    CHECK(r.steps[2].oracle_price == 0.1);
    CHECK(r.steps[3].oracle_price == 0.1);
    // Row 0 is liquidated at 0.2 (health 0.67: all of it); row 1 never: at the floor its health
    // is 100 * 0.1 * 0.8 / 6.4 = 1.25, while its collateral is worth 1 against 6.4 of debt.
    CHECK(r.steps[1].liquidations == 1);
    CHECK(r.liquidations == 1);
    CHECK(after.debt[1] == 6.4);
    CHECK(after.collateral[1] * prices.back() < after.debt[1]);
}

TEST_CASE("debt oracle: a stablecoin that spikes on one source (Compound's DAI at 1.30)",
          "[cascade][path]") {
    // 2.5 ETH at 600 against 1,000 DAI, threshold 0.8: health 1.2 with DAI at 1. One reporter
    // prints DAI at 1.30 for a step (26 Nov 2020); DAI trades at 1 elsewhere.
    const cascade::book b{{2.5}, {1000.0}, {0.8}};
    const std::vector<double> eth{600, 600, 600, 600};
    const std::vector<double> dai_market{1, 1, 1, 1};
    const std::vector<double> reporter{1, 1, 1.3, 1};
    const std::vector<double> steady{1, 1, 1, 1};
    const cascade::price_path path{eth, 1.0 / 24, {}, dai_market};
    const std::vector<cascade::oracle_source> alone{{reporter}};
    cascade::path_rules pr;
    pr.debt_oracle.sources = alone;
    const auto r = run_checked_path(b, path, impact::linear{0.0}, pr);
    // At 600 / 1.3 health is 2.5 * 461.54 * 0.8 / 1000 = 0.923 <= 0.95: the whole debt.
    REQUIRE(r.steps[1].liquidations == 1);
    CHECK(r.steps[1].debt_oracle_price == 1.3);
    CHECK(r.steps[1].debt_repaid == 1000);
    const double seized = 1000 * 1.05 / (600 / 1.3);
    CHECK(r.steps[1].collateral_sold == Approx(seized).epsilon(1e-15));
    // The liquidator buys 1,000 DAI at 1 and sells 2.275 ETH at 600: 365 of profit.
    CHECK(r.liquidator_profit() == Approx(seized * 600 - 1000).epsilon(1e-13));
    // A median of three reporters leaves the spike out: nothing happens.
    const std::vector<cascade::oracle_source> three{{reporter}, {steady}, {steady}};
    pr.debt_oracle.sources = three;
    pr.debt_oracle.max_spread = 0.05;
    const auto calm = run_checked_path(b, path, impact::linear{0.0}, pr);
    CHECK(calm.liquidations == 0);
    CHECK(calm.steps[1].debt_oracle_price == 1);
}

TEST_CASE("run equals the rescan with oracles: heartbeats, deviations, delays, floors, medians",
          "[cascade][path]") {
    struct storage {
        std::vector<std::vector<double>> series;
        std::vector<cascade::oracle_source> collateral, debt;
    } kept;
    const auto random_feed = [&](uniform_source& u, cascade::oracle_rules& o, std::size_t points,
                                 std::vector<cascade::oracle_source>& sources, double level) {
        if (u.bits() % 2)
            o.heartbeat_days = u(0, 0.3);
        if (u.bits() % 2)
            o.deviation = u.bits() % 5 == 0 ? inf : u(0, 0.05);
        if (u.bits() % 4 == 0)
            o.delay_steps = u.bits() % 4;
        if (u.bits() % 4 == 0)
            o.floor = level * u(0.5, 1.0);
        sources.clear();
        if (u.bits() % 2) {
            const std::size_t n = 1 + u.bits() % 4;
            for (std::size_t s = 0; s < n; ++s) {
                cascade::oracle_source src;
                if (u.bits() % 3) {
                    kept.series.emplace_back();
                    std::vector<double>& v = kept.series.back();
                    double p = level;
                    for (std::size_t k = 0; k < points; ++k) {
                        p *= std::exp(u(-0.06, 0.05));
                        const auto kind = u.bits() % 12;
                        v.push_back(kind == 0 ? qnan : kind == 1 ? p * u(1.1, 1.5) : p);
                    }
                }
                src.heartbeat_days = u.bits() % 2 ? 0.0 : u(0, 0.2);
                src.deviation = u.bits() % 2 ? 0.0 : u(0, 0.05);
                sources.push_back(src);
            }
            if (u.bits() % 2)
                o.max_age_days = u(0.01, 0.3);
            if (u.bits() % 2)
                o.max_spread = u(0.01, 0.2);
        }
    };
    spiral::test::run_equals_rescan(
        31415, 2000,
        [&](uniform_source& u, cascade::path_rules& pr, std::size_t points,
            std::vector<double>& debt_prices) {
            kept.series.clear();
            kept.series.reserve(16); // spans into it must not move
            random_feed(u, pr.oracle, points, kept.collateral, 100);
            // attach series to sources in order
            std::size_t next = 0;
            for (auto& src : kept.collateral)
                if (u.bits() % 3 && next < kept.series.size())
                    src.prices = kept.series[next++];
            pr.oracle.sources = kept.collateral;
            if (u.bits() % 2) {
                debt_prices.clear();
                double p = 1;
                for (std::size_t k = 0; k < points; ++k) {
                    p *= std::exp(u(-0.02, 0.02));
                    debt_prices.push_back(p);
                }
                const std::size_t before = kept.series.size();
                random_feed(u, pr.debt_oracle, points, kept.debt, 1);
                for (auto& src : kept.debt)
                    if (before < kept.series.size() && u.bits() % 2)
                        src.prices =
                            kept.series[before + (u.bits() % (kept.series.size() - before))];
                pr.debt_oracle.sources = kept.debt;
            }
        });
}

TEST_CASE("protocol fee on the bonus: Aave v3's example", "[cascade][path]") {
    // 10 ETH at 1,900, threshold 0.825, debt 16,000: health 10 * 1900 * 0.825 / 16000 =
    // 0.98 > 0.95 and both values >= 2,000, so half the debt: 8,000. Bonus 5%, protocol fee 10%.
    const double base = 8000.0 / 1900;              // collateral worth the debt repaid
    const double taken = base * 105 / 100;          // with the bonus: 4.421053
    const double bonus = taken - taken * 100 / 105; // Aave: amount - amount.percentDiv(bonus)
    const double to_protocol = bonus * 10 / 100;    // 0.021053
    const double to_liquidator = taken - to_protocol;
    REQUIRE(to_liquidator == Approx(4.4).epsilon(1e-15));
    REQUIRE(to_protocol == Approx(0.021053).epsilon(2e-5));

    cascade::rules r; // close factor 0.5 above health 0.95, bonus 5%
    cascade::liquidation_terms terms;
    terms.protocol_fee = 0.10;
    terms.full_close_value = 2000; // Aave v3.3 sizes; they do not change this case
    terms.min_leftover_value = 1000;
    const double h = 10 * 1900 * 0.825 / 16000;
    const cascade::liquidation_plan plan =
        cascade::plan_liquidation(10, 16000, 0.825, 0.825, h, 1900, 1, r, terms);
    CHECK(plan.repaid == 8000);
    CHECK(plan.seized == Approx(taken).epsilon(1e-15));
    CHECK(plan.to_liquidator == Approx(to_liquidator).epsilon(1e-15));
    CHECK(plan.protocol_fee == Approx(to_protocol).epsilon(1e-13));
    CHECK_FALSE(plan.blocked);

    // Along a path: the fee stays with the protocol, only the liquidator's part is sold.
    const cascade::book b{{10.0}, {16000.0}, {0.825}};
    const std::vector<double> prices{2000, 1900};
    cascade::path_rules pr;
    pr.terms = terms;
    cascade::book after;
    const auto run = run_checked_path(b, {prices}, impact::linear{0.0}, pr, &after);
    CHECK(run.liquidations == 1);
    CHECK(run.protocol_fee == Approx(to_protocol).epsilon(1e-13));
    CHECK(run.collateral_sold == Approx(4.4).epsilon(1e-15));
    CHECK(run.collateral_seized == Approx(taken).epsilon(1e-15));
    CHECK(after.collateral[0] == Approx(10 - taken).epsilon(1e-15));
    CHECK(after.debt[0] == 8000);
    CHECK(run.proceeds == Approx(4.4 * 1900).epsilon(1e-15));
    CHECK(run.liquidator_profit() == Approx(4.4 * 1900 - 8000).epsilon(1e-13));
}

TEST_CASE("size rules (Aave v3.3): small positions close whole, no dust left", "[cascade][path]") {
    cascade::rules r;
    cascade::liquidation_terms aave33;
    aave33.full_close_value = 2000;
    aave33.min_leftover_value = 1000;
    // 1,500 of collateral against 1,300 of debt (threshold 0.85): health 0.98 > 0.95, but the
    // collateral is worth less than 2,000: the whole debt may be repaid.
    const double h1 = 1500 * 0.85 / 1300;
    const auto small = cascade::plan_liquidation(1, 1300, 0.85, 0.85, h1, 1500, 1, r, aave33);
    CHECK(small.repaid == 1300);
    CHECK(small.seized == Approx(1300 * 1.05 / 1500).epsilon(1e-15));
    const auto before = cascade::plan_liquidation(1, 1300, 0.85, 0.85, h1, 1500, 1, r, {});
    CHECK(before.repaid == 650); // v3.2: half
    // 2,150 of collateral against 2,200 (threshold 1): health 0.977, half is 1,100, which
    // takes 1,155 and leaves 995 < 1,000 of collateral: Aave reverts (MUST_NOT_LEAVE_DUST).
    const double h2 = 2150.0 / 2200;
    const auto dust = cascade::plan_liquidation(1, 2200, 1.0, 1.0, h2, 2150, 1, r, aave33);
    CHECK(dust.repaid == 1100);
    CHECK(dust.blocked);
    // With 2,200 of collateral it leaves 1,045: allowed.
    const auto fine =
        cascade::plan_liquidation(1, 2200, 1.0, 1.0, 2200.0 / 2200 * 0.999, 2200, 1, r, aave33);
    CHECK_FALSE(fine.blocked);
    // Along a path the blocked position stays as it is and is reported.
    const cascade::book b{{1.0}, {2200.0}, {1.0}};
    const std::vector<double> prices{2500, 2150};
    cascade::path_rules pr;
    pr.terms = aave33;
    cascade::book after;
    const auto run = run_checked_path(b, {prices}, impact::linear{0.0}, pr, &after);
    CHECK(run.liquidations == 0);
    CHECK(run.blocked == 1);
    CHECK(after.debt[0] == 2200);
}

TEST_CASE("Morpho Blue's incentive: min(1.15, 1 / (0.3 LLTV + 0.7))", "[cascade][path]") {
    for (const double lltv : {0.385, 0.5, 0.625, 0.77, 0.86, 0.915, 0.945, 0.965, 0.98}) {
        const double lif = std::min(1.15, 1 / (0.3 * lltv + 0.7));
        CHECK(cascade::morpho_incentive(lltv) == Approx(lif).epsilon(1e-15));
    }
    CHECK(cascade::morpho_incentive(0.86) == Approx(1.0438413).epsilon(1e-7));
    CHECK(cascade::morpho_incentive(0.5) == 1.15); // 1.176 capped
    // A liquidation on an LLTV-0.86 market repays the whole debt (Morpho has no close factor)
    // and seizes repaid * LIF / price.
    const cascade::book b{{10.0}, {8000.0}, {0.86}};
    const std::vector<double> prices{1000, 920};
    cascade::path_rules pr;
    pr.liquidation.close_factor = 1;
    pr.terms.incentive = cascade::incentive_model::morpho_blue;
    const auto run = run_checked_path(b, {prices}, impact::linear{0.0}, pr);
    REQUIRE(run.liquidations == 1);
    CHECK(run.debt_repaid == 8000);
    CHECK(run.collateral_seized == Approx(8000 / (0.3 * 0.86 + 0.7) / 920).epsilon(1e-14));
}

TEST_CASE("keepers liquidate only what pays after gas and margin", "[cascade][path]") {
    // Both positions at health 10 * 900 * 0.85 / 8000 = 0.956 at 900: half the debt. The big
    // one repays 4,000 for 4.667 units worth 4,200 (200 of bonus); the small one 40 for 42.
    const cascade::book b{{10.0, 0.1}, {8000.0, 80.0}, {0.85, 0.85}};
    const std::vector<double> prices{1000, 900};
    cascade::path_rules pr;
    pr.keepers.only_profitable = true;
    pr.keepers.gas = 50;
    const auto run = run_checked_path(b, {prices}, impact::linear{0.0}, pr);
    CHECK(run.liquidations == 1);
    CHECK(run.debt_repaid == 4000);
    CHECK(run.unprofitable == 1); // 42 - 50 < 40
    CHECK(run.steps[0].unprofitable_debt == 80);
    CHECK(run.gas == 50);
    CHECK(run.liquidator_profit() == Approx(200 - 50).epsilon(1e-12));
    // A 4% required margin (4,160 needed, 4,150 fetched after gas): nothing pays.
    pr.keepers.margin = 0.04;
    const auto strict = run_checked_path(b, {prices}, impact::linear{0.0}, pr);
    CHECK(strict.liquidations == 0);
    CHECK(strict.unprofitable == 2);
    // Impact counts: selling 4.667 units into a thin curve fetches less than the debt.
    pr.keepers.margin = 0;
    const auto thin = run_checked_path(b, {prices}, impact::linear{0.05}, pr);
    const double s = 4000 * 1.05 / 900;
    REQUIRE(900 * (s - 0.025 * s * s) - 50 < 4000);
    CHECK(thin.liquidations == 0);
}

TEST_CASE("keepers act a latency late, and within a capacity per step", "[cascade][path]") {
    // Three positions due from step 1 (liquidation prices 941, 930, 920), price flat at 900.
    const cascade::book b{{1.0, 1.0, 1.0}, {800.0, 790.5, 782.0}, {0.85, 0.85, 0.85}};
    const std::vector<double> prices{1000, 900, 900, 900, 900, 900};
    cascade::path_rules late;
    late.keepers.latency_steps = 2;
    const auto slow = run_checked_path(b, {prices}, impact::linear{0.0}, late);
    CHECK(slow.steps[0].liquidations == 0);
    CHECK(slow.steps[0].deferred == 3);
    CHECK(slow.steps[1].liquidations == 0);
    CHECK(slow.steps[2].liquidations == 3); // seen at step 1, served at step 3
    // A position that stops being due forgets it was seen: due at 1, not at 2, due at 3 ->
    // served at 5.
    const cascade::book one{{1.0}, {800.0}, {0.85}};
    const std::vector<double> zigzag{1000, 900, 1000, 900, 900, 900};
    const auto again = run_checked_path(one, {zigzag}, impact::linear{0.0}, late);
    CHECK(again.steps[2].liquidations == 0);
    CHECK(again.steps[4].liquidations == 1);

    // One liquidation per step, lowest health (highest liquidation price) first.
    cascade::path_rules one_per_step;
    one_per_step.keepers.max_liquidations = 1;
    cascade::book after;
    const auto capped = run_checked_path(b, {prices}, impact::linear{0.0}, one_per_step, &after);
    CHECK(capped.steps[0].liquidations == 1);
    CHECK(capped.steps[0].deferred == 2);
    CHECK(capped.steps[0].debt_repaid == 400); // row 0: health 0.956 -> half
    CHECK(capped.steps[1].deferred >= 1);
    // A gas budget of 100 at 40 a liquidation: two per step.
    cascade::path_rules budget;
    budget.keepers.gas = 40;
    budget.keepers.gas_budget = 100;
    const auto two = run_checked_path(b, {prices}, impact::linear{0.0}, budget);
    CHECK(two.steps[0].liquidations == 2);
    CHECK(two.steps[0].gas == 80);
    // At most 800 repaid per step: 400 (row 0) fits, 395.25 more would not.
    cascade::path_rules notional;
    notional.keepers.max_repaid_value = 800;
    const auto paced = run_checked_path(b, {prices}, impact::linear{0.0}, notional);
    CHECK(paced.steps[0].liquidations == 2);
    CHECK(paced.steps[0].repaid_value == Approx(400 + 395.25).epsilon(1e-15));
}

TEST_CASE("run: liquidating one by one equals the batch kernel when nothing else changes",
          "[cascade][path]") {
    // A finite but unreachable keeper capacity sends every step through the one-by-one path.
    uniform_source u(5150);
    for (int trial = 0; trial < 500; ++trial) {
        const cascade::book b = spiral::test::random_book(u, 50);
        cascade::path_rules plain;
        plain.liquidation = spiral::test::random_rules(u);
        const std::vector<double> prices = spiral::test::random_prices(u, 30);
        cascade::path_rules one_by_one = plain;
        one_by_one.keepers.max_liquidations = std::numeric_limits<std::size_t>::max() - 1;
        const impact::exponential curve{u(0, 0.1)};
        const auto fast = run_checked_path(b, {prices, 0.01}, curve, plain);
        const auto slow = run_checked_path(b, {prices, 0.01}, curve, one_by_one);
        INFO("trial " << trial);
        REQUIRE(fast.liquidations == slow.liquidations);
        CHECK(price_close(fast.final_price, slow.final_price));
        CHECK(near_relative(fast.collateral_sold, slow.collateral_sold, 1e-12));
        CHECK(near_relative(fast.debt_repaid, slow.debt_repaid, 1e-12));
        CHECK(near_relative(fast.bad_debt, slow.bad_debt, 1e-12));
    }
}

TEST_CASE("run equals the rescan with keepers, fees, size rules and Morpho's incentive",
          "[cascade][path]") {
    spiral::test::run_equals_rescan(
        2718, 2000,
        [](uniform_source& u, cascade::path_rules& pr, std::size_t, std::vector<double>&) {
            cascade::keeper_rules& k = pr.keepers;
            cascade::liquidation_terms& t = pr.terms;
            if (u.bits() % 2) {
                k.only_profitable = true;
                k.gas = u.bits() % 2 ? 0.0 : u(0, 20);
                k.margin = u(-0.05, 0.05);
            }
            if (u.bits() % 3 == 0)
                k.latency_steps = u.bits() % 4;
            if (u.bits() % 4 == 0)
                k.max_liquidations = 1 + u.bits() % 4;
            if (u.bits() % 4 == 0)
                k.max_repaid_value = u(10, 500);
            if (u.bits() % 5 == 0) {
                k.gas = u(1, 10);
                k.gas_budget = u(5, 40);
            }
            if (u.bits() % 2)
                t.protocol_fee = u(0, 0.5);
            if (u.bits() % 3 == 0)
                t.full_close_value = u(0, 400);
            if (u.bits() % 3 == 0)
                t.min_leftover_value = u(0, 150);
            if (u.bits() % 4 == 0)
                t.incentive = cascade::incentive_model::morpho_blue;
        });
}

TEST_CASE("Compound III: absorb, then the storefront sells at a discount", "[cascade][path]") {
    // 1 WETH against 2,500 USDC, liquidateCF 0.9: health 1.08 at 3,000, 0.972 at 2,700.
    const cascade::book b{{1.0}, {2500.0}, {0.9}};
    const std::vector<double> prices{3000, 2700, 2700, 2700};
    cascade::path_rules pr;
    pr.design = cascade::liquidation_design::absorb;
    pr.absorb = cascade::absorb_rules::usdc_mainnet_weth();
    pr.absorb.target_reserves = inf; // always for sale
    cascade::book after;
    const auto r = run_checked_path(b, {prices, 1.0 / 1440}, impact::linear{0.0}, pr, &after);
    // Step 1: absorbed whole. Credit 2,700 * 0.95 = 2,565 against 2,500: the 65 left over is
    // the owner's; the protocol holds 1 WETH.
    CHECK(r.steps[0].auctions_started == 1);
    CHECK(r.steps[0].debt_repaid == 2500);
    CHECK(r.steps[0].bad_debt == 0);
    CHECK(r.steps[0].returned_value == Approx(65).epsilon(1e-13));
    CHECK(r.steps[0].protocol_collateral == 1);
    CHECK(after.collateral[0] == 0);
    CHECK(after.debt[0] == 0);
    // Step 2: a buyer pays 2,700 (1 - 0.5 (1 - 0.95)) = 2,632.5 and resells at 2,700.
    const double storefront = 2700 * (1 - 0.5 * (1 - 0.95));
    CHECK(r.steps[1].collateral_sold == 1);
    CHECK(r.steps[1].raised == Approx(storefront).epsilon(1e-15));
    CHECK(r.steps[1].proceeds == 2700);
    CHECK(r.protocol_collateral == 0);
    CHECK(r.liquidator_profit() == Approx(2700 - storefront).epsilon(1e-13));
    // Under water: 1 WETH at 2,000 credits 1,900 against 2,500: 600 of bad debt.
    const std::vector<double> crash{3000, 2000};
    const auto deep = run_checked_path(b, {crash}, impact::linear{0.0}, pr);
    CHECK(deep.debt_repaid == Approx(1900).epsilon(1e-15));
    CHECK(deep.bad_debt == Approx(600).epsilon(1e-13));
    // With impact the buyer stops where the next unit fetches the storefront price:
    // 2,700 (1 - lambda q) = 2,632.5.
    const double lambda = 0.05;
    const auto thin = run_checked_path(b, {prices}, impact::linear{lambda}, pr);
    const double q = (1 - storefront / 2700) / lambda;
    CHECK(thin.steps[1].collateral_sold == Approx(q).epsilon(1e-9));
    CHECK(thin.steps[1].protocol_collateral == Approx(1 - q).epsilon(1e-9));
    // Above the target reserves the collateral is not for sale.
    pr.absorb.initial_reserves = 1e7;
    pr.absorb.target_reserves = 5e6;
    const auto kept = run_checked_path(b, {prices}, impact::linear{0.0}, pr);
    CHECK(kept.collateral_sold == 0);
    CHECK(kept.protocol_collateral == 1);
}

TEST_CASE("Maker Liquidations 2.0: a Dutch auction from 120% of the oracle", "[cascade][path]") {
    // 10 ETH against 1,000 DAI at a 150% liquidation ratio (threshold 2/3): health 0.933 at
    // 140. Minute steps; ETH-B's 2021 parameters (buf 1.2, 1% every 60 s).
    const cascade::book b{{10.0}, {1000.0}, {1.0 / 1.5}};
    std::vector<double> prices(40, 140.0);
    prices[0] = 200;
    cascade::path_rules pr;
    pr.design = cascade::liquidation_design::dutch_auction;
    pr.clipper = cascade::clipper_rules::eth_b_2021();
    cascade::book after;
    const auto r = run_checked_path(b, {prices, 1.0 / 1440}, impact::linear{0.0}, pr, &after);
    // Barked at step 1: tab 1,130, top 140 * 1.2 = 168, the barker paid 300 + 0.1% of 1,130.
    CHECK(r.steps[0].auctions_started == 1);
    CHECK(r.steps[0].incentives == Approx(300 + 1.13).epsilon(1e-15));
    CHECK(after.debt[0] == 0);
    CHECK(after.collateral[0] == 0);
    // Keepers take once 168 * 0.99^n <= 140: n = 19 steps of the auction's clock, at step 20.
    const int n = static_cast<int>(std::ceil(std::log(140.0 / 168) / std::log(0.99)));
    REQUIRE(n == 19);
    const double price = 168 * std::pow(0.99, n);
    for (int k = 0; k < n; ++k)
        CHECK(r.steps[static_cast<std::size_t>(k)].collateral_sold == 0);
    const cascade::step_record& take = r.steps[static_cast<std::size_t>(n)];
    const double slice = 1130 / price; // covers the tab; the rest goes back to the owner
    CHECK(take.collateral_sold == Approx(slice).epsilon(1e-14));
    CHECK(take.collateral_returned == Approx(10 - slice).epsilon(1e-13));
    CHECK(take.raised == Approx(1130).epsilon(1e-15));
    CHECK(take.auctions_settled == 1);
    CHECK(take.debt_repaid == 1000);
    CHECK(take.penalty == Approx(130).epsilon(1e-13));
    CHECK(r.bad_debt == 0);
    CHECK(r.shortfall() == Approx(301.13 - 130).epsilon(1e-12));
    CHECK(r.liquidator_profit() == Approx(slice * 140 - 1130).epsilon(1e-12));
    // The room under hole: a second vault gets what is left, 1,500 - 1,130 = 370 of tab.
    const cascade::book two{{10.0, 10.0}, {1000.0, 1000.0}, {1.0 / 1.5, 1.0 / 1.5}};
    pr.clipper.hole = 1500;
    const auto limited = run_checked_path(two, {prices, 1.0 / 1440}, impact::linear{0.0}, pr);
    const double part = 370 / 1.13; // of the second vault's debt
    CHECK(limited.steps[0].auctions_started == 2);
    CHECK(limited.steps[0].auction_debt == Approx(1000 + part).epsilon(1e-13));
    CHECK(limited.steps[0].collateral_seized == Approx(10 + 10 * part / 1000).epsilon(1e-13));
    // Dust: a partial bark may not auction less than ilk.dust (327 < 600: the second vault
    // waits for room), nor leave less than it (with dust 700 the 673 left would be dust: the
    // whole vault goes, over the room).
    pr.clipper.dust = 600;
    const auto dusty = run_checked_path(two, {prices, 1.0 / 1440}, impact::linear{0.0}, pr);
    CHECK(dusty.steps[0].auctions_started == 1);
    CHECK(dusty.steps[0].blocked == 1);
    pr.clipper.dust = 700;
    const auto whole = run_checked_path(two, {prices, 1.0 / 1440}, impact::linear{0.0}, pr);
    CHECK(whole.steps[0].auctions_started == 2);
    CHECK(whole.steps[0].auction_debt == 2000);
    // A reset: after tail (90 minutes) the auction restarts at the oracle times buf. With
    // keepers who never find it worth it (gas), it keeps resetting; each reset pays the tip.
    pr.clipper = cascade::clipper_rules::eth_b_2021();
    pr.keepers.gas = 1e6;
    std::vector<double> long_path(200, 140.0);
    long_path[0] = 200;
    const auto stuck = run_checked_path(b, {long_path, 1.0 / 1440}, impact::linear{0.0}, pr);
    CHECK(stuck.collateral_sold == 0);
    // 168 * 0.99^n < 0.4 * 168 at n = 92 > 90 minutes: reset by tail after 91 minutes.
    CHECK(stuck.incentives == Approx(3 * 301.13).epsilon(1e-12)); // bark + resets at 92, 183
    CHECK(stuck.auction_debt == 1000);
    CHECK(stuck.protocol_collateral == 10);
}

TEST_CASE("Maker Liquidations 1.2: English auctions, dents, and zero bids", "[cascade][path]") {
    // 10 ETH against 1,000 DAI at 150%; price 140 flat from step 1; minute steps; ETH-A's
    // auctions of March 2020 (3% steps, bids live 10 minutes, a zero bidder).
    const cascade::book b{{10.0}, {1000.0}, {1.0 / 1.5}};
    std::vector<double> prices(30, 140.0);
    prices[0] = 200;
    cascade::path_rules pr;
    pr.design = cascade::liquidation_design::english_auction;
    pr.flipper = cascade::flipper_rules::eth_a_march_2020();
    const cascade::price_path path{prices, 1.0 / 1440};
    const auto r = run_checked_path(b, path, impact::linear{0.0}, pr);
    // Step 2: keepers bid the whole tab (the lot is worth 1,400). Step 3: they offer the tab
    // for 1,130 / 140 = 8.07 ETH (at most 10 / 1.03), the rest back to the owner. The bid
    // then stands for 10 minutes: dealt at step 13.
    CHECK(r.steps[1].raised == 0);
    CHECK(r.steps[2].collateral_returned == Approx(10 - 1130.0 / 140).epsilon(1e-12));
    CHECK(r.steps[12].auctions_settled == 1);
    CHECK(r.steps[12].collateral_sold == Approx(1130.0 / 140).epsilon(1e-12));
    CHECK(r.raised == 1130);
    CHECK(r.debt_repaid == 1000);
    CHECK(r.penalty == Approx(130).epsilon(1e-13));
    CHECK(r.zero_bid_auctions == 0);
    // Congestion: gas that no bid pays for (2,000 against a 1,400 lot). Nobody outbids the
    // zero bid: 10 minutes after the start the collateral goes for nothing.
    pr.keepers.gas = 2000;
    const auto jammed = run_checked_path(b, path, impact::linear{0.0}, pr);
    CHECK(jammed.steps[10].auctions_settled == 1); // started at minute 1, dealt at 11
    CHECK(jammed.zero_bid_auctions == 1);
    CHECK(jammed.zero_bid_share() == 1);
    CHECK(jammed.raised == 0);
    CHECK(jammed.bad_debt == 1000);
    CHECK(jammed.steps[10].collateral_sold == 10);
    // A lot worth less than the tab (price 100): keepers bid its worth, 1,000, and stop.
    pr.keepers.gas = 0;
    std::vector<double> low(30, 100.0);
    low[0] = 200;
    const auto cheap = run_checked_path(b, {low, 1.0 / 1440}, impact::linear{0.0}, pr);
    CHECK(cheap.raised == Approx(1000).epsilon(1e-15));
    CHECK(cheap.collateral_returned == 0);
    CHECK(cheap.bad_debt == Approx(0).margin(1e-12));
}

TEST_CASE("run equals the rescan under absorb and auction designs", "[cascade][path]") {
    spiral::test::run_equals_rescan(
        1618, 1500,
        [](uniform_source& u, cascade::path_rules& pr, std::size_t, std::vector<double>&) {
            switch (u.bits() % 3) {
            case 0:
                pr.design = cascade::liquidation_design::absorb;
                pr.absorb.liquidation_factor = u(0.8, 1.0);
                pr.absorb.store_front_price_factor = u(0, 1);
                if (u.bits() % 2) {
                    pr.absorb.target_reserves = u(1, 500);
                    pr.absorb.initial_reserves = u(-200, 600);
                }
                break;
            case 1:
                pr.design = cascade::liquidation_design::dutch_auction;
                pr.clipper.buf = u(1, 1.4);
                pr.clipper.cut = u(0.9, 0.999);
                pr.clipper.step_seconds = u(10, 4000);
                pr.clipper.tail_seconds = u(1000, 50000);
                pr.clipper.cusp = u(0.2, 0.7);
                pr.clipper.tip = u(0, 5);
                pr.clipper.chop = u(1, 1.2);
                if (u.bits() % 2)
                    pr.clipper.hole = u(20, 500);
                if (u.bits() % 3 == 0)
                    pr.clipper.dust = u(0, 30);
                break;
            default:
                pr.design = cascade::liquidation_design::english_auction;
                pr.flipper.beg = u(1.01, 1.1);
                pr.flipper.ttl_seconds = u(100, 8000);
                pr.flipper.tau_seconds = u(1000, 50000);
                pr.flipper.chop = u(1, 1.2);
                pr.flipper.zero_bidder = u.bits() % 2;
                if (u.bits() % 2)
                    pr.flipper.box = u(20, 500);
                break;
            }
            if (u.bits() % 2)
                pr.keepers.gas = u(0, 5);
            if (u.bits() % 3 == 0)
                pr.keepers.max_liquidations = 1 + u.bits() % 3;
            if (u.bits() % 4 == 0)
                pr.keepers.latency_steps = u.bits() % 3;
        });
}

TEST_CASE("liquidity routed across venues at equal marginal price", "[cascade][path][impact]") {
    // Two fee-free constant-product pools of reserves (x, y) are one pool of (2x, 2y): the
    // split is half and half and the proceeds are 2x q / (2x + q).
    const impact::constant_product pool{400, 8e5, 0};
    const auto two = impact::route_over(pool, pool);
    const impact::constant_product both{800, 1.6e6, 0};
    for (double q : {1e-6, 1.0, 50.0, 400.0, 1e4}) {
        const auto take = two.split(q);
        CHECK(take[0] == Approx(q / 2).epsilon(1e-9));
        CHECK(two.proceeds(q) == Approx(both.proceeds(q)).epsilon(1e-12));
        CHECK(two.price_factor(q) == Approx(both.price_factor(q)).epsilon(1e-11));
    }
    // An order book (best bid 99.5% of the reference, 30 units down to 95%) and a Uniswap v2
    // pool with a fee: small sales go to the venue with the better next unit; the marginal
    // prices are equal wherever both are used; the proceeds beat every fixed split.
    const std::vector<impact::order_book::level> bids{{99.5, 10}, {98.0, 10}, {95.0, 10}};
    const impact::order_book book(bids, 100.0);
    const impact::constant_product amm{1000, 1e5, 0.003};
    const auto venues = impact::route_over(book, amm);
    // The pool's first units fetch 0.997, the book's 0.995: half a unit all goes to the pool.
    CHECK(venues.split(0.5)[1] == Approx(0.5).epsilon(1e-12));
    for (double q : {0.5, 3.0, 12.0, 25.0, 45.0, 80.0}) {
        INFO("q = " << q);
        const auto take = venues.split(q);
        CHECK(take[0] + take[1] == Approx(q).epsilon(1e-12));
        double best_fixed = 0;
        for (int j = 0; j <= 400; ++j) {
            const double a = q * j / 400;
            best_fixed = std::max(best_fixed, book.proceeds(a) + amm.proceeds(q - a));
        }
        CHECK(venues.proceeds(q) >= best_fixed * (1 - 1e-12));
        // d proceeds / dq is the common marginal price
        const double h = 1e-6 * q;
        CHECK((venues.proceeds(q + h) - venues.proceeds(q - h)) / (2 * h) ==
              Approx(venues.marginal_price(q)).epsilon(1e-4));
        CHECK(venues.price_factor(q) >= venues.marginal_price(q));
    }
    // Past the book's 30 units, the pool takes everything more.
    const auto deep = venues.split(200.0);
    CHECK(deep[0] == Approx(30).epsilon(1e-9));
    // In a cascade: a keeper's sale goes through the router; conservation holds.
    const cascade::book b{{10.0, 5.0}, {800.0, 420.0}, {0.85, 0.85}};
    const std::vector<double> prices{100, 90, 90};
    const auto r = run_checked_path(b, {prices}, venues, {});
    CHECK(r.liquidations >= 2);
    CHECK(r.proceeds == Approx(90 * venues.proceeds(r.steps[0].collateral_sold)).epsilon(1e-12));
}

TEST_CASE("shorts: a perpetual short liquidated as the price rises", "[cascade][path]") {
    // Short 10 ETH at 2,000 with 2,000 USDC posted (10x), maintenance margin 5%: margin
    // 2,000 + 20,000 = 22,000; liquidated once 22,000 < 1.05 * 10 * p, p > 2,095.24.
    const cascade::short_positions shorts{{22000.0}, {10.0}, {0.05}};
    const cascade::book b = cascade::as_inverse_book(shorts);
    CHECK(b.threshold[0] == Approx(1 / 1.05).epsilon(1e-15));
    const std::vector<double> eth{2000, 2050, 2100};
    const std::vector<double> usd_in_eth = cascade::inverse_prices(eth);
    // Buying the 10 ETH back from a pool of 1,000 ETH and 2,000,000 USDC (no fee).
    const impact::constant_product pool{1000, 2e6, 0};
    const impact::constant_product buy_side = cascade::inverse_pool(pool);
    cascade::path_rules pr;
    pr.liquidation.close_factor = 1; // the exchange closes the whole position
    pr.liquidation.bonus = 0;        // no liquidation fee here
    cascade::book after;
    const auto r = run_checked_path(b, {usd_in_eth}, buy_side, pr, &after);
    // At 2,050: health 22,000 / (1.05 * 10 * 2,050) = 1.022. At 2,100: 0.998 -> liquidated.
    CHECK(r.steps[0].liquidations == 0);
    REQUIRE(r.steps[1].liquidations == 1);
    CHECK(r.steps[1].debt_repaid == 10);                               // ETH
    CHECK(r.steps[1].collateral_sold == Approx(21000).epsilon(1e-14)); // USDC at 2,100
    CHECK(after.collateral[0] == Approx(1000).epsilon(1e-12));
    // Buying pushes ETH up: the pool's price of USDC in ETH falls, so ETH's rises by
    // 1 / price_factor(21,000 USDC) (x + q)^2 / x^2 with x = 2e6.
    const double rise = (2e6 + 21000) * (2e6 + 21000) / (2e6 * 2e6);
    CHECK(1 / r.steps[1].price == Approx(2100 * rise).epsilon(1e-12));
}

TEST_CASE("venues: presets carry their documented values", "[cascade][path]") {
    namespace venues = spiral::cascade::venues;
    const double minute = 1.0 / 1440;
    for (const cascade::path_rules& p :
         {venues::aave_v3(), venues::aave_v3_3(), venues::morpho_blue(),
          venues::compound_v3_usdc_weth(), venues::maker_flipper_march_2020(minute),
          venues::maker_clipper_2021(minute)})
        CHECK_NOTHROW(p.validate());
    CHECK(venues::aave_v3_3().terms.full_close_value == 2000);
    CHECK(venues::aave_v3_3().terms.min_leftover_value == 1000);
    CHECK(venues::maker_osm(minute).delay_steps == 60);
    CHECK(venues::maker_osm(1.0 / 24).delay_steps == 1);
    CHECK(venues::compound_v3_usdc_weth().absorb.storefront_factor() ==
          Approx(1 - 0.5 * 0.05).epsilon(1e-15));
    CHECK(cascade::clipper_rules::eth_b_2021().tail_seconds == 5400);
    CHECK(cascade::flipper_rules::contract_defaults().ttl_seconds == 10800);
    // Aave v3's example through the preset.
    const cascade::book b{{10.0}, {16000.0}, {0.825}};
    const std::vector<double> prices{2000, 1900};
    const auto r = run_checked_path(b, {prices}, impact::linear{0.0}, venues::aave_v3());
    CHECK(r.collateral_sold == Approx(4.4).epsilon(1e-15));
    CHECK(r.protocol_fee == Approx(0.0210526).epsilon(1e-5));
}

TEST_CASE("several collaterals along their paths: a bonus per collateral, the liquidator's choice",
          "[cascade][path]") {
    // One position: 1 ETH (threshold 0.8, bonus 5%) and 0.05 BTC (threshold 0.75, bonus
    // 10%) against 3,000. Health at ETH 2,000 and BTC 40,000: (1600 + 1500) / 3000 = 1.033;
    // at ETH 1,900: (1520 + 1500) / 3000 = 1.0067; at 1,800: 0.98 -> half the debt, seized
    // from BTC (the higher bonus): 1500 * 1.1 / 40000 = 0.04125 BTC.
    const cascade::multi_book b{2, {1.0, 0.05}, {3000.0}};
    const std::vector<double> eth{2000, 1900, 1800}, btc{40000, 40000, 40000};
    const std::vector<cascade::price_path> paths{{eth}, {btc}};
    const std::vector<impact::linear> curves{impact::linear{0.0}, impact::linear{0.0}};
    const std::vector<cascade::collateral_terms> assets{{0.8, 0.05}, {0.75, 0.10}};
    std::vector<double> c(2), d(1);
    const auto r = cascade::run(b, std::span<const cascade::price_path>(paths),
                                std::span<const impact::linear>(curves),
                                std::span<const cascade::collateral_terms>(assets), {}, c, d);
    CHECK(r.steps[0].liquidations == 0);
    REQUIRE(r.steps[1].liquidations == 1);
    CHECK(r.steps[1].debt_repaid == 1500);
    CHECK(r.steps[1].collateral_sold[1] == Approx(1500 * 1.1 / 40000).epsilon(1e-15));
    CHECK(r.steps[1].collateral_sold[0] == 0);
    CHECK(c[1] == Approx(0.05 - 0.04125).epsilon(1e-13));
    CHECK(d[0] == 1500);
    // Seizing in order instead takes ETH, at its 5%: 1500 * 1.05 / 1800.
    cascade::multi_path_rules in_order;
    in_order.choose = cascade::collateral_choice::in_order;
    const auto o = cascade::run(b, std::span<const cascade::price_path>(paths),
                                std::span<const impact::linear>(curves),
                                std::span<const cascade::collateral_terms>(assets), in_order);
    CHECK(o.steps[1].collateral_sold[0] == Approx(1500 * 1.05 / 1800).epsilon(1e-15));
    // Conservation per asset and of debt.
    CHECK(c[0] + r.collateral_sold[0] == Approx(1.0).epsilon(1e-15));
    CHECK(c[1] + r.collateral_sold[1] == Approx(0.05).epsilon(1e-15));
    CHECK(d[0] + r.debt_repaid + r.bad_debt == Approx(3000).epsilon(1e-15));
}

TEST_CASE("several collaterals: one asset is the single-asset run", "[cascade][path]") {
    uniform_source u(8080);
    for (int trial = 0; trial < 300; ++trial) {
        cascade::book single = spiral::test::random_book(u, 40);
        const double t = u(0.5, 1.0);
        std::fill(single.threshold.begin(), single.threshold.end(), t);
        cascade::rules rules = spiral::test::random_rules(u);
        rules.max_collateral_per_round = inf;
        rules.tightening = {};
        const double bonus = u(0, 0.15);
        rules.bonus = bonus;
        rules.max_bonus = std::max(rules.max_bonus, bonus);
        const std::vector<double> prices = spiral::test::random_prices(u, 30);
        const impact::exponential curve{u(0, 0.1)};
        cascade::path_rules pr;
        pr.liquidation = rules;
        const auto one = run_checked_path(single, {prices, 0.01}, curve, pr);
        const cascade::multi_book multi{1, single.collateral, single.debt};
        const std::vector<cascade::price_path> paths{{prices, 0.01}};
        const std::vector<impact::exponential> curves{curve};
        const std::vector<cascade::collateral_terms> assets{{t, bonus}};
        cascade::multi_path_rules mr;
        mr.liquidation = rules;
        const auto many = cascade::run(multi, std::span<const cascade::price_path>(paths),
                                       std::span<const impact::exponential>(curves),
                                       std::span<const cascade::collateral_terms>(assets), mr);
        INFO("trial " << trial);
        REQUIRE(many.liquidations == one.liquidations);
        CHECK(near_relative(many.collateral_sold[0], one.collateral_sold, 1e-12));
        CHECK(near_relative(many.debt_repaid, one.debt_repaid, 1e-12));
        CHECK(near_relative(many.bad_debt, one.bad_debt, 1e-12));
        CHECK(price_close(many.final_price[0], one.final_price));
    }
}

TEST_CASE("run: bad input names the field and index", "[cascade][path]") {
    const cascade::book b{{1.0, 2.0}, {50.0, 60.0}, {0.8, 0.8}};
    const impact::linear curve{0.01};
    const auto run_on = [&](const cascade::price_path& path, const cascade::path_rules& pr = {}) {
        (void)cascade::run(b, path, curve, pr);
    };
    const std::vector<double> good{100, 90, 80};
    const std::vector<double> nan_inside{100, qnan, 80};
    const std::vector<double> negative{100, 90, -1};
    const std::vector<double> infinite{100, inf};
    const std::vector<double> empty;
    require_throws_naming([&] { run_on({nan_inside}); }, {"cascade::run", "prices[1]", "nan"});
    require_throws_naming([&] { run_on({negative}); }, {"prices[2] = -1", "> 0"});
    require_throws_naming([&] { run_on({infinite}); }, {"prices[1] = inf"});
    require_throws_naming([&] { run_on({empty}); }, {"prices.size() = 0"});
    require_throws_naming([&] { run_on({good, 0.0}); }, {"step_days = 0"});
    require_throws_naming([&] { run_on({good, -1.0}); }, {"step_days = -1"});
    const std::vector<double> unsorted{0.0, 2.0, 1.0};
    require_throws_naming(
        [&] {
            run_on({good, 1.0, unsorted});
        },
        {"times[2] = 1", "sorted in time"});
    const std::vector<double> short_times{0.0, 1.0};
    require_throws_naming(
        [&] {
            run_on({good, 1.0, short_times});
        },
        {"times.size() = 2", "prices.size() = 3"});
    const std::vector<double> debt_prices{1.0, 0.0, 1.0};
    require_throws_naming([&] { run_on({good, 1.0, {}, debt_prices}); }, {"debt_prices[1] = 0"});
    cascade::path_rules delayed;
    delayed.liquidation.oracle_delay = 2;
    require_throws_naming([&] { run_on({good}, delayed); },
                          {"liquidation.oracle_delay = 2", "oracle.delay_steps"});
    cascade::path_rules bad_rules;
    bad_rules.liquidation.close_factor = 0;
    require_throws_naming([&] { run_on({good}, bad_rules); }, {"close_factor = 0"});
    const std::vector<double> short_source{1.0, 2.0};
    const std::vector<cascade::oracle_source> sources{{}, {short_source}};
    cascade::path_rules bad_oracle;
    bad_oracle.oracle.sources = sources;
    require_throws_naming([&] { run_on({good}, bad_oracle); },
                          {"oracle.sources[1].prices.size() = 2", "prices.size() = 3"});
    const std::vector<double> negative_source{1.0, -2.0, 1.0};
    const std::vector<cascade::oracle_source> bad_values{{negative_source}};
    bad_oracle.debt_oracle.sources = bad_values;
    bad_oracle.oracle.sources = {};
    require_throws_naming([&] { run_on({good}, bad_oracle); },
                          {"debt_oracle.sources[0].prices[1] = -2"});
    cascade::path_rules bad_terms;
    bad_terms.terms.protocol_fee = 1.5;
    require_throws_naming([&] { run_on({good}, bad_terms); }, {"terms.protocol_fee = 1.5"});
    cascade::path_rules bad_keepers;
    bad_keepers.keepers.max_liquidations = 0;
    require_throws_naming([&] { run_on({good}, bad_keepers); }, {"keepers.max_liquidations = 0"});
    bad_keepers.keepers.max_liquidations = 3;
    bad_keepers.keepers.margin = -1;
    require_throws_naming([&] { run_on({good}, bad_keepers); }, {"keepers.margin = -1"});
    cascade::path_rules bad_design;
    bad_design.clipper.cut = 1.0;
    require_throws_naming([&] { run_on({good}, bad_design); }, {"clipper.cut = 1", "(0, 1)"});
    bad_design.clipper.cut = 0.99;
    bad_design.clipper.buf = 0.9;
    require_throws_naming([&] { run_on({good}, bad_design); }, {"clipper.buf = 0.9", ">= 1"});
    bad_design.clipper.buf = 1.2;
    bad_design.flipper.beg = 1.0;
    require_throws_naming([&] { run_on({good}, bad_design); }, {"flipper.beg = 1"});
    bad_design.flipper.beg = 1.05;
    bad_design.absorb.liquidation_factor = 0;
    require_throws_naming([&] { run_on({good}, bad_design); }, {"absorb.liquidation_factor = 0"});
    bad_design.absorb.liquidation_factor = 0.9;
    bad_design.design = static_cast<cascade::liquidation_design>(7);
    require_throws_naming([&] { run_on({good}, bad_design); }, {"design = 7"});
    cascade::path_rules bad_heartbeat;
    bad_heartbeat.oracle.heartbeat_days = -1;
    require_throws_naming([&] { run_on({good}, bad_heartbeat); }, {"oracle.heartbeat_days = -1"});
    bad_heartbeat.oracle.heartbeat_days = 0;
    bad_heartbeat.oracle.max_age_days = 0;
    require_throws_naming([&] { run_on({good}, bad_heartbeat); }, {"oracle.max_age_days = 0"});
    const cascade::book bad_book{{1.0, 2.0}, {50.0, -3.0}, {0.8, 0.8}};
    require_throws_naming([&] { (void)cascade::run(bad_book, {good}, curve); }, {"debt[1] = -3"});
    std::vector<double> out(5);
    require_throws_naming(
        [&] {
            (void)cascade::run(b, {good}, curve, {}, {out, {}});
        },
        {"final_positions.collateral.size() = 5"});
    require_throws_naming([&] { (void)cascade::run(b, {good}, impact::linear{-1.0}); }, {"lambda"});
    // A path of one point has no steps: nothing happens.
    const std::vector<double> one{100};
    const cascade::path_result none = cascade::run(b, {one}, curve);
    CHECK(none.steps.empty());
    CHECK(none.final_price == 100);
    CHECK(none.final_debt == 110);
}

} // namespace unit_tests_cascade_path
