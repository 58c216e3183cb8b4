// cascade::run (the cascade along a price path) and the one-shot cascade::simulate on a plain
// book: hand cases, the drop-then-flat path against simulate round by round, the engine
// against the plain step-by-step rescan of support/path_rescan.hpp on thousands of random
// books and paths, the accounting identities in every test, and the boundary checks.
#include <spiral/cascade/cascade.hpp>
#include <spiral/cascade/path.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/resilient.hpp>

#include "support/cascade_random_books.hpp"
#include "support/path_random.hpp"
#include "support/throws.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

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
    spiral::test::run_equals_rescan(4242, 2000, [](uniform_source&, cascade::path_rules&) {});
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
