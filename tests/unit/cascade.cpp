// cascade::simulate (single collateral asset): hand-computed cases, the accounting identities,
// each mechanism's defining property, the fast engine against the plain rescan in
// support/cascade_rescan.hpp on thousands of random books, and the boundary checks.
#include <spiral/cascade/cascade.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/resilient.hpp>

#include "support/cascade_random_books.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace unit_tests_cascade {

namespace cascade = spiral::cascade;
namespace impact = spiral::impact;
using Catch::Matchers::Contains;

using spiral::test::close;
using spiral::test::run_checked;
using spiral::test::sum;

namespace {

constexpr double qnan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

} // namespace

TEST_CASE("cascade: a partial then a full liquidation, by hand", "[cascade]") {
    // One position: 1 unit of collateral at 1000, debt 800, threshold 0.85. A 10% shock puts
    // the oracle at 900: health 1*900*0.85/800 = 0.95625, above 0.95, so half the debt goes.
    const cascade::book b{{1.0}, {800.0}, {0.85}};
    const impact::linear curve{0.2};
    cascade::book after;
    const cascade::result r = run_checked(b, 1000.0, 0.10, curve, {}, &after);

    const double o1 = 900;
    const double s1 = 400 * 1.05 / o1;            // seized in round 1
    const double p1 = 900 * (1 - 0.2 * s1);       // market after selling s1
    const double h2 = (1 - s1) * p1 * 0.85 / 400; // health at round 2's oracle
    REQUIRE(h2 < 0.95);                           // -> full close
    const double s2 = 400 * 1.05 / p1;
    const double p2 = 900 * (1 - 0.2 * (s1 + s2));
    REQUIRE(r.rounds == 2);
    CHECK(r.liquidations == 2);
    CHECK(r.path[0].oracle_price == o1);
    CHECK(r.path[0].debt_repaid == Approx(400).epsilon(1e-15));
    CHECK(r.path[0].collateral_sold == Approx(s1).epsilon(1e-15));
    CHECK(r.path[1].oracle_price == Approx(p1).epsilon(1e-15));
    CHECK(r.path[1].collateral_sold == Approx(s2).epsilon(1e-15));
    CHECK(r.debt_repaid == Approx(800).epsilon(1e-15));
    CHECK(r.bad_debt == 0);
    CHECK(r.final_price == Approx(p2).epsilon(1e-15));
    CHECK(after.collateral[0] == Approx(1 - s1 - s2).epsilon(1e-13));
    CHECK(after.debt[0] == 0);
    // amplification = (1000 - p2) / (1000 - 900)
    CHECK(r.amplification() == Approx((1000 - p2) / 100).epsilon(1e-13));
    // proceeds: 900 * integral of (1 - 0.2 q) over [0, s1 + s2]
    const double q = s1 + s2;
    CHECK(r.proceeds == Approx(900 * (q - 0.1 * q * q)).epsilon(1e-14));
}

TEST_CASE("cascade: collateral runs out and the rest is bad debt", "[cascade]") {
    // Health 1*800*0.9/900 = 0.8 -> full close; it wants 900*1.05/800 = 1.18 units, there is 1.
    const cascade::book b{{1.0, 2.0}, {900.0, 100.0}, {0.9, 0.9}};
    cascade::book after;
    const cascade::result r = run_checked(b, 1000.0, 0.2, impact::linear{0.0}, {}, &after);
    REQUIRE(r.rounds == 1);
    CHECK(r.liquidations == 1); // the second position stays healthy (health 14.4)
    CHECK(r.collateral_sold == 1.0);
    CHECK(r.debt_repaid == Approx(800 / 1.05).epsilon(1e-15));
    CHECK(r.bad_debt == Approx(900 - 800 / 1.05).epsilon(1e-14));
    CHECK(after.collateral[0] == 0);
    CHECK(after.debt[0] == 0);
    CHECK(after.debt[1] == 100);
    CHECK(r.final_price == 800); // no impact: the price stays at the shocked level
    CHECK(r.amplification() == 1);
}

TEST_CASE("cascade: at a zero price collateral is worthless and the debt is written off",
          "[cascade]") {
    // 0 * inf is NaN inside: the kernel must still take everything and write the debt off.
    const auto l = cascade::liquidate(3.0, 10.0, 0.0, 0.5, 0.05);
    CHECK(l.seized == 3);
    CHECK(l.repaid == 0);
    CHECK(l.bad_debt == 10);
    CHECK(l.collateral_left == 0);
    CHECK(l.debt_left == 0);
}

TEST_CASE("cascade: a toxic spiral, each liquidation lowering health until bad debt", "[cascade]") {
    // (1 + bonus) * threshold = 1.1 * 0.95 = 1.045 > 1: every liquidation of a position under
    // water lowers its health. With a 50% close factor at every health (full_close_below 0),
    // health after one liquidation is h' = (h - 0.5 * 1.045) / 0.5 = 2h - 1.045.
    cascade::rules rules;
    rules.bonus = 0.1;
    rules.full_close_below = 0;
    const double h0 = 0.99;
    const double debt = 1000;
    const double coll = h0 * debt / (100 * 0.95); // health h0 at the oracle price 100
    const cascade::book b{{coll}, {debt}, {0.95}};
    cascade::book after;
    // No impact: every round sees the same price, so only the position's own spiral acts.
    const cascade::result r = run_checked(b, 100 / 0.9, 0.1, impact::linear{0.0}, rules, &after);

    // Health and debt by the recurrence, until the seizure wants more than is left.
    std::vector<double> healths{h0};
    double d = debt;
    while (true) {
        const double h = healths.back();
        // wanted seizure 0.5 d * 1.1 / 100 vs collateral h d / (100 * 0.95)
        if (0.5 * 1.1 > h / 0.95)
            break;
        healths.push_back(2 * h - 1.045);
        d *= 0.5;
    }
    REQUIRE(healths.size() >= 4); // 0.99, 0.935, 0.825, 0.605, 0.165
    CHECK(std::is_sorted(healths.rbegin(), healths.rend()));
    CHECK(r.rounds == healths.size());
    CHECK(r.liquidations == healths.size());
    CHECK(r.bad_debt > 0);
    // The last round seizes everything left, worth h_last * d / 0.95, and covers that / 1.1.
    const double last_value = healths.back() * d / 0.95;
    CHECK(r.bad_debt == Approx(d - last_value / 1.1).epsilon(1e-12));
    CHECK(after.collateral[0] == 0);
    CHECK(after.debt[0] == 0);
    // toxic_price marks it: the shocked price 100 is below debt * 1.1 / collateral.
    CHECK(100 < cascade::toxic_price(coll, debt, 0.1));
}

TEST_CASE("cascade: rule-set mechanisms", "[cascade]") {
    // A book of 40 positions with health 1.02 .. 1.41 at the pre-shock price 100.
    cascade::book b;
    for (int i = 0; i < 40; ++i) {
        b.collateral.push_back(10.0);
        b.debt.push_back(10 * 100 * 0.8 / (1.02 + 0.01 * i));
        b.threshold.push_back(0.8);
    }
    const impact::exponential curve{0.004};

    SECTION("target-health sizing restores exactly the target") {
        cascade::rules r;
        r.size_by = cascade::sizing::target_health;
        r.target_health = 1.1;
        r.full_close_below = 0;
        cascade::book after;
        const cascade::result res = run_checked(b, 100.0, 0.05, curve, r, &after);
        REQUIRE(res.rounds >= 1);
        // After round 1, every position it liquidated sits at health 1.1 at round 1's oracle.
        cascade::book one_round = b;
        cascade::rules first = r;
        first.max_rounds = 1;
        run_checked(b, 100.0, 0.05, curve, first, &one_round);
        const double o = res.path[0].oracle_price;
        int touched = 0;
        for (std::size_t i = 0; i < b.size(); ++i) {
            if (one_round.debt[i] == b.debt[i])
                continue;
            ++touched;
            CHECK(cascade::health(one_round.collateral[i], o, 0.8, one_round.debt[i]) ==
                  Approx(1.1).epsilon(1e-12));
        }
        CHECK(touched == int(res.path[0].liquidations));
    }

    SECTION("full absorption closes every liquidated position at once") {
        cascade::rules r;
        r.size_by = cascade::sizing::full;
        r.bonus = 0.08;
        cascade::book after;
        const cascade::result res = run_checked(b, 100.0, 0.05, curve, r, &after);
        std::size_t closed = 0;
        for (std::size_t i = 0; i < b.size(); ++i)
            closed += after.debt[i] == 0 ? 1 : 0;
        CHECK(closed == res.liquidations); // each position liquidated once, fully
    }

    SECTION("a Dutch-auction bonus grows as health falls, up to its cap") {
        cascade::rules r;
        r.bonus = 0.02;
        r.bonus_slope = 1.0;
        r.max_bonus = 0.1;
        CHECK(cascade::bonus_at(r, 1.0) == 0.02);
        CHECK(cascade::bonus_at(r, 0.97) == Approx(0.05).epsilon(1e-14));
        CHECK(cascade::bonus_at(r, 0.5) == 0.1);
        // Each seizure is then repaid * (1 + bonus at that health) / oracle: check round 1.
        cascade::rules one = r;
        one.max_rounds = 1;
        cascade::book after;
        const cascade::result res = run_checked(b, 100.0, 0.1, curve, one, &after);
        double expected = 0;
        const double o = 90;
        for (std::size_t i = 0; i < b.size(); ++i) {
            const double h = b.collateral[i] * o * 0.8 / b.debt[i];
            if (h >= 1)
                continue;
            const double bonus = std::min(0.1, 0.02 + (1 - h));
            const double f = h > 0.95 ? 0.5 : 1.0;
            expected += f * b.debt[i] * (1 + bonus) / o;
        }
        CHECK(res.collateral_sold == Approx(expected).epsilon(1e-13));
    }

    SECTION("per-round caps bound each round and stretch the cascade") {
        cascade::rules free_rules;
        const cascade::result free = run_checked(b, 100.0, 0.08, curve, free_rules, nullptr);
        cascade::rules capped = free_rules;
        capped.max_liquidations_per_round = 3;
        const cascade::result by_count = run_checked(b, 100.0, 0.08, curve, capped, nullptr);
        for (const cascade::round_record& x : by_count.path)
            CHECK(x.liquidations <= 3);
        CHECK(by_count.rounds > free.rounds);

        cascade::rules by_size = free_rules;
        by_size.max_collateral_per_round = 2.5;
        const cascade::result sized = run_checked(b, 100.0, 0.08, curve, by_size, nullptr);
        for (const cascade::round_record& x : sized.path)
            CHECK(x.collateral_sold <= 2.5 * (1 + 1e-14));
        CHECK(sized.rounds > free.rounds);
    }

    SECTION("oracle delay: the first rounds still see the pre-shock price") {
        cascade::rules r;
        r.oracle_delay = 2;
        const cascade::result late = run_checked(b, 100.0, 0.08, curve, r, nullptr);
        const cascade::result now = run_checked(b, 100.0, 0.08, curve, {}, nullptr);
        REQUIRE(late.rounds >= 3);
        CHECK(late.path[0].oracle_price == 100);
        CHECK(late.path[1].oracle_price == 100);
        CHECK(late.path[0].liquidations == 0);
        CHECK(late.path[2].oracle_price == 92);
        // Without impact in the meantime, the same book and prices: the same liquidations,
        // two rounds later, as long as every round's sales are seen.
        CHECK(late.path[2].liquidations == now.path[0].liquidations);
    }

    SECTION("liquidity that recovers between rounds softens the cascade") {
        cascade::rules r;
        const cascade::result permanent = run_checked(b, 100.0, 0.08, curve, r, nullptr);
        const cascade::result fast_recovery =
            run_checked(b, 100.0, 0.08, impact::resilient{curve, 500.0}, r, nullptr);
        // rho = 0: the same as the plain curve.
        const cascade::result no_recovery =
            run_checked(b, 100.0, 0.08, impact::resilient{curve, 0.0}, r, nullptr);
        CHECK(no_recovery.final_price == Approx(permanent.final_price).epsilon(1e-14));
        CHECK(no_recovery.collateral_sold == Approx(permanent.collateral_sold).epsilon(1e-14));
        CHECK(fast_recovery.collateral_sold < permanent.collateral_sold);
        CHECK(fast_recovery.final_price > permanent.final_price);
        // Between rounds the price recovers by exp(-rho dt) of the displaced volume.
        if (fast_recovery.rounds >= 2) {
            const double d1 = fast_recovery.path[0].collateral_sold;
            const double dt = r.round_days;
            CHECK(fast_recovery.path[1].oracle_price ==
                  Approx(92 * std::exp(-0.004 * d1 * std::exp(-500 * dt))).epsilon(1e-14));
        }
    }

    SECTION("volatility-tightened thresholds liquidate more: the procyclical loop") {
        // Shallow impact, so the static-threshold cascade stays small.
        const impact::exponential shallow{0.001};
        cascade::rules r;
        const cascade::result fixed = run_checked(b, 100.0, 0.06, shallow, r, nullptr);
        r.tightening.sensitivity = 0.05;
        r.tightening.base_vol = 0.8;
        const cascade::result tight = run_checked(b, 100.0, 0.06, shallow, r, nullptr);
        // Round 1 sees the shock: vol = |ln 0.94| * sqrt(365 / 1 day window).
        const double vol = -std::log(0.94) * std::sqrt(365.0);
        REQUIRE(tight.rounds >= 1);
        CHECK(tight.path[0].threshold_multiplier ==
              Approx(std::max(0.5, 1 - 0.05 * (vol - 0.8))).epsilon(1e-14));
        for (std::size_t k = 1; k < tight.rounds; ++k)
            CHECK(tight.path[k].threshold_multiplier <= tight.path[k - 1].threshold_multiplier);
        // Same oracle, lower thresholds: round 1 liquidates a superset.
        CHECK(tight.path[0].liquidations >= fixed.path[0].liquidations);
        CHECK(tight.collateral_sold > fixed.collateral_sold);
        CHECK(tight.final_price < fixed.final_price);
    }
}

TEST_CASE("cascade: the fast engine equals the plain rescan on random books", "[cascade]") {
    spiral::test::fast_engine_equals_rescan(3000, 20200312);
}

TEST_CASE("cascade: bad input is rejected at the boundary, an empty book is a no-op", "[cascade]") {
    const impact::linear curve{0.01};
    const auto message = [&](const cascade::book& b, double price = 100, double shock = 0.1,
                             const cascade::rules& r = {}) {
        try {
            (void)cascade::simulate(b, price, shock, curve, r);
        } catch (const spiral::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no throw");
    };
    const cascade::book good{{1, 2}, {50, 60}, {0.8, 0.8}};
    CHECK_THAT(message({{1, 2}, {50}, {0.8, 0.8}}),
               Contains("debt.size() = 1") && Contains("must equal collateral.size() = 2"));
    CHECK_THAT(message({{1, 2}, {50, 60}, {0.8}}), Contains("threshold.size() = 1"));
    CHECK_THAT(message({{1, -2}, {50, 60}, {0.8, 0.8}}), Contains("collateral[1] = -2"));
    CHECK_THAT(message({{1, qnan}, {50, 60}, {0.8, 0.8}}), Contains("collateral[1] = nan"));
    CHECK_THAT(message({{1, 2}, {-50, 60}, {0.8, 0.8}}), Contains("debt[0] = -50"));
    CHECK_THAT(message({{1, 2}, {50, inf}, {0.8, 0.8}}), Contains("debt[1] = inf"));
    CHECK_THAT(message({{1, 2}, {50, 60}, {0.8, 0}}),
               Contains("threshold[1] = 0 (must be in (0, 1])"));
    CHECK_THAT(message({{1, 2}, {50, 60}, {1.5, 0.8}}), Contains("threshold[0] = 1.5"));
    CHECK_THAT(message(good, 100, 1.0), Contains("shock = 1 (must be in [0, 1))"));
    CHECK_THAT(message(good, 100, -0.1), Contains("shock = -0.1"));
    CHECK_THAT(message(good, qnan), Contains("price = nan"));
    cascade::rules r;
    r.bonus = -0.01;
    CHECK_THAT(message(good, 100, 0.1, r), Contains("bonus = -0.01 (must be finite and >= 0)"));
    r = {};
    r.close_factor = 0;
    CHECK_THAT(message(good, 100, 0.1, r), Contains("close_factor = 0"));
    CHECK_THAT(message(good), Contains("no throw"));
    try {
        (void)cascade::simulate(good, 100, 0.1, impact::linear{-1});
        FAIL("no throw");
    } catch (const spiral::invalid_argument& e) {
        CHECK_THAT(std::string(e.what()), Contains("lambda"));
    }

    // The quick whole-column test in front of the row-by-row checks lets nothing through: one
    // bad value planted at any row of a 1,003-row book (every lane of the eight-lane summary
    // and the tail) is named with its row, and only the first of two is.
    std::mt19937_64 rng(29);
    for (int trial = 0; trial < 200; ++trial) {
        cascade::book b{std::vector<double>(1003, 2.0), std::vector<double>(1003, 50.0),
                        std::vector<double>(1003, 0.8)};
        const std::size_t row = std::uniform_int_distribution<std::size_t>(0, 1002)(rng);
        const int kind = trial % 8;
        std::vector<double>& column = kind < 3 ? b.collateral : kind < 5 ? b.debt : b.threshold;
        const double bad[] = {-1e-300, qnan, inf, -0.5, qnan, 0.0, 1.0000000000000002, qnan};
        column[row] = bad[kind];
        if (row + 1 < 1003)
            column[1002] = bad[kind]; // a second bad value later: the first is named
        const std::string name = kind < 3 ? "collateral[" : kind < 5 ? "debt[" : "threshold[";
        INFO("kind " << kind << ", row " << row);
        CHECK_THAT(message(b), Contains(name + std::to_string(row) + "] = "));
        // the row-by-row checks alone (book::validate) say the same of it
        try {
            b.validate();
            FAIL("no throw");
        } catch (const spiral::invalid_argument& e) {
            const std::string quick = message(b), exact = e.what();
            CHECK(quick.substr(quick.find(name)) == exact.substr(exact.find(name)));
        }
    }
    // A total that overflows only near the end of the column is named at the row that makes
    // it infinite, not refused wholesale.
    cascade::book huge{std::vector<double>(16, 2.0), std::vector<double>(16, 50.0),
                       std::vector<double>(16, 0.8)};
    huge.debt[9] = 1e308;
    CHECK_THAT(message(huge), Contains("no throw"));
    huge.debt[13] = 1e308;
    CHECK_THAT(message(huge), Contains("debt[13] = 1e+308") && Contains("overflow"));

    const cascade::result empty = cascade::simulate(cascade::book{}, 100.0, 0.3, curve);
    CHECK(empty.rounds == 0);
    CHECK(empty.liquidations == 0);
    CHECK(empty.final_price == 70);
    CHECK(empty.amplification() == 1);
    CHECK_FALSE(empty.truncated);
}

} // namespace unit_tests_cascade
