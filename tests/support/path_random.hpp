// Random books, rules and price paths for the path engine's tests, and the comparison of
// cascade::run with the plain rescan of path_rescan.hpp.
#pragma once

#include <spiral/cascade/book.hpp>
#include <spiral/cascade/path.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/cascade/simulate.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/resilient.hpp>

#include "support/cascade_rescan.hpp"
#include "support/path_rescan.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

namespace spiral::test {

namespace cascade = spiral::cascade;
namespace impact = spiral::impact;

/// Uniform doubles from a 64-bit generator (identical on every platform).
struct uniform_source {
    std::mt19937_64 rng;
    explicit uniform_source(std::uint64_t seed) : rng(seed) {}
    double operator()(double lo, double hi) {
        return lo + (hi - lo) * static_cast<double>(rng() >> 11) * 0x1.0p-53;
    }
    std::uint64_t bits() { return rng(); }
};

/// A book of 1..max_positions positions with health 0.85..1.6 at the price 100, a few without
/// debt, without collateral, or with threshold 1.
inline cascade::book random_book(uniform_source& u, std::size_t max_positions) {
    const std::size_t n = 1 + u.bits() % max_positions;
    cascade::book b;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = u(0.5, 1.0);
        const double h = u(0.85, 1.6);
        const double c = std::exp(u(-2, 3));
        double d = c * 100 * t / h;
        const auto kind = u.bits() % 40;
        if (kind == 0)
            d = 0;
        b.collateral.push_back(kind == 1 ? 0.0 : c);
        b.debt.push_back(d);
        b.threshold.push_back(kind == 2 ? 1.0 : t);
    }
    return b;
}

/// Liquidation rules drawn from every rule set (no oracle delay: the path rules carry it).
inline cascade::rules random_rules(uniform_source& u) {
    cascade::rules r;
    r.close_factor = u(0.2, 1.0);
    r.full_close_below = u(0.0, 1.0);
    r.bonus = u(0.0, 0.15);
    switch (u.bits() % 7) {
    case 0:
        r.size_by = cascade::sizing::target_health;
        r.target_health = u(1.01, 1.3);
        break;
    case 1:
        r.size_by = cascade::sizing::full;
        break;
    case 2:
        r.bonus_slope = u(0, 2);
        r.max_bonus = r.bonus + u(0, 0.2);
        break;
    case 3:
        r.max_liquidations_per_round = 1 + u.bits() % 5;
        break;
    case 4:
        r.max_collateral_per_round = u(0.5, 20);
        break;
    case 5:
        r.tightening.sensitivity = u(0, 0.2);
        r.tightening.base_vol = u(0, 3);
        break;
    default:
        break;
    }
    return r;
}

/// A path of 1..max_steps steps from 100: a random walk with occasional jumps either way.
inline std::vector<double> random_prices(uniform_source& u, std::size_t max_steps) {
    const std::size_t steps = 1 + u.bits() % max_steps;
    std::vector<double> p{100.0};
    const double vol = u(0.0, 0.05);
    for (std::size_t k = 0; k < steps; ++k) {
        double step = vol * u(-1.7, 1.5);
        if (u.bits() % 12 == 0)
            step += u(-0.3, 0.15);
        p.push_back(p.back() * std::exp(step));
    }
    return p;
}

inline double total(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

inline bool near_relative(double a, double b, double rel) {
    return std::abs(a - b) <= rel * std::max({std::abs(a), std::abs(b), 1e-300}) ||
           (std::isnan(a) && std::isnan(b));
}

/// Runs cascade::run and checks the accounting on the book it leaves: collateral before =
/// after + seized, seized = sold + kept by the protocol, debt before = after + repaid + bad
/// debt, and the steps add up to the totals.
template <class C>
cascade::path_result run_checked_path(const cascade::book& b, const cascade::price_path& path,
                                      const C& curve, const cascade::path_rules& pr,
                                      cascade::book* after = nullptr) {
    std::vector<double> c(b.size()), d(b.size());
    const cascade::path_result res = cascade::run(b, path, curve, pr, {c, d});
    const double scale_c = std::max(1.0, total(b.collateral));
    const double scale_d = std::max(1.0, total(b.debt));
    CHECK(std::abs(total(b.collateral) - (total(c) + res.collateral_seized)) <= 1e-12 * scale_c);
    CHECK(std::abs(res.collateral_seized - (res.collateral_sold + res.protocol_fee +
                                            res.collateral_returned + res.protocol_collateral)) <=
          1e-12 * scale_c);
    CHECK(std::abs(total(b.debt) - (total(d) + res.debt_repaid + res.bad_debt +
                                    res.auction_debt)) <= 1e-12 * scale_d);
    CHECK(std::abs(res.final_collateral - total(c)) <= 1e-12 * scale_c);
    CHECK(std::abs(res.final_debt - total(d)) <= 1e-12 * scale_d);
    double seized = 0, repaid = 0, bad = 0, proceeds = 0;
    std::size_t count = 0;
    for (const cascade::step_record& s : res.steps) {
        seized += s.collateral_seized;
        repaid += s.debt_repaid;
        bad += s.bad_debt;
        proceeds += s.proceeds;
        count += s.liquidations;
    }
    CHECK(std::abs(seized - res.collateral_seized) <= 1e-12 * scale_c);
    CHECK(std::abs(repaid - res.debt_repaid) <= 1e-12 * scale_d);
    CHECK(std::abs(bad - res.bad_debt) <= 1e-12 * scale_d);
    CHECK(near_relative(proceeds, res.proceeds, 1e-12));
    CHECK(count == res.liquidations);
    CHECK(res.steps.size() == path.steps());
    if (after)
        *after = {c, d, b.threshold};
    return res;
}

/// Prices within 1e-12 relative, or, where a cascade has crushed the price (an exponential
/// curve far down its tail), ln(price) within 1e-12 of its size: sums taken in another order.
inline bool price_close(double a, double x) {
    return near_relative(a, x, 1e-12) ||
           (a > 0 && x > 0 && std::abs(std::log(a) - std::log(x)) <= 1e-12 * std::abs(std::log(x)));
}

/// cascade::simulate on a plain book (the path engine, no sort) against the plain round-by-round
/// rescan of cascade_rescan.hpp on `trials` random books and rule sets.
inline void one_shot_equals_rescan(std::uint64_t seed, int trials) {
    uniform_source u(seed);
    int cascades = 0;
    for (int trial = 0; trial < trials; ++trial) {
        const cascade::book b = random_book(u, 60);
        cascade::rules r = random_rules(u);
        if (u.bits() % 5 == 0)
            r.oracle_delay = u.bits() % 4;
        if (u.bits() % 10 == 0)
            r.max_rounds = 1 + u.bits() % 5;
        const double shock = u(0.0, 0.5);
        const double alpha = u(0.0, 0.1);
        const auto compare = [&](const auto& curve) {
            rescan_book plain{b.collateral, b.debt, b.threshold};
            const cascade::result slow = rescan_cascade(plain, 100.0, shock, curve, r);
            const cascade::result fast = cascade::simulate(b, 100.0, shock, curve, r);
            INFO("trial " << trial);
            REQUIRE(fast.rounds == slow.rounds);
            REQUIRE(fast.liquidations == slow.liquidations);
            CHECK(fast.truncated == slow.truncated);
            CHECK(price_close(fast.final_price, slow.final_price));
            CHECK(near_relative(fast.collateral_sold, slow.collateral_sold, 1e-12));
            CHECK(near_relative(fast.debt_repaid, slow.debt_repaid, 1e-12));
            CHECK(near_relative(fast.bad_debt, slow.bad_debt, 1e-12));
            CHECK(near_relative(fast.proceeds, slow.proceeds, 1e-12));
            for (std::size_t k = 0; k < fast.rounds; ++k) {
                CHECK(fast.path[k].liquidations == slow.path[k].liquidations);
                CHECK(price_close(fast.path[k].oracle_price, slow.path[k].oracle_price));
            }
            // conservation against the book the rescan leaves
            CHECK(std::abs(total(b.collateral) - total(plain.collateral) - fast.collateral_sold) <=
                  1e-12 * std::max(1.0, total(b.collateral)));
            CHECK(std::abs(total(b.debt) - total(plain.debt) - fast.debt_repaid - fast.bad_debt) <=
                  1e-12 * std::max(1.0, total(b.debt)));
            cascades += fast.liquidations > 0 ? 1 : 0;
        };
        if (trial % 3 == 0)
            compare(impact::linear{alpha / 4});
        else if (trial % 3 == 1)
            compare(impact::exponential{alpha});
        else
            compare(impact::resilient{impact::exponential{alpha}, u(0, 300)});
    }
    CHECK(cascades > trials / 2);
}

/// cascade::run against the plain rescan on `trials` random books and paths.
template <class Configure>
void run_equals_rescan(std::uint64_t seed, int trials, Configure&& configure) {
    uniform_source u(seed);
    int cascades = 0;
    for (int trial = 0; trial < trials; ++trial) {
        const cascade::book b = random_book(u, 50);
        cascade::path_rules pr;
        pr.liquidation = random_rules(u);
        if (u.bits() % 4 == 0)
            pr.oracle.delay_steps = u.bits() % 5;
        const std::vector<double> prices = random_prices(u, 40);
        std::vector<double> debt_prices;
        configure(u, pr, prices.size(), debt_prices);
        std::vector<double> times;
        cascade::price_path path{prices, u(1e-3, 0.1)};
        path.debt_prices = debt_prices;
        if (u.bits() % 3 == 0) { // uneven steps
            double t = u(-5, 5);
            for (std::size_t k = 0; k < prices.size(); ++k) {
                times.push_back(t);
                t += u(1e-4, 0.2);
            }
            path.times = times;
        }
        const double alpha = u(0.0, 0.1);
        const auto compare = [&](const auto& curve) {
            path_book plain{b.collateral, b.debt, b.threshold};
            const cascade::path_result slow = rescan_path(plain, path, curve, pr);
            cascade::book after;
            const cascade::path_result fast = run_checked_path(b, path, curve, pr, &after);
            INFO("trial " << trial << " n " << b.size() << " steps " << path.steps());
            REQUIRE(fast.steps.size() == slow.steps.size());
            REQUIRE(fast.liquidations == slow.liquidations);
            CHECK(price_close(fast.final_price, slow.final_price));
            CHECK(near_relative(fast.collateral_seized, slow.collateral_seized, 1e-12));
            CHECK(near_relative(fast.collateral_sold, slow.collateral_sold, 1e-12));
            CHECK(near_relative(fast.protocol_fee, slow.protocol_fee, 1e-12));
            CHECK(near_relative(fast.debt_repaid, slow.debt_repaid, 1e-12));
            CHECK(near_relative(fast.bad_debt, slow.bad_debt, 1e-12));
            CHECK(near_relative(fast.proceeds, slow.proceeds, 1e-12));
            CHECK(near_relative(fast.repaid_value, slow.repaid_value, 1e-12));
            CHECK(fast.unprofitable == slow.unprofitable);
            CHECK(fast.deferred == slow.deferred);
            CHECK(fast.blocked == slow.blocked);
            const auto near = [](double a, double x, double scale) {
                return std::abs(a - x) <= 1e-12 * scale;
            };
            for (std::size_t k = 0; k < fast.steps.size(); ++k) {
                INFO("step " << k + 1);
                const cascade::step_record &f = fast.steps[k], &s = slow.steps[k];
                REQUIRE(f.liquidations == s.liquidations);
                CHECK(price_close(f.oracle_price, s.oracle_price));
                CHECK(price_close(f.market_price, s.market_price));
                CHECK(price_close(f.price, s.price));
                CHECK(near_relative(f.threshold_multiplier, s.threshold_multiplier, 1e-12));
                CHECK(near(f.collateral_seized, s.collateral_seized, slow.collateral_seized));
                CHECK(near(f.debt_repaid, s.debt_repaid, slow.debt_repaid));
                CHECK(f.unprofitable == s.unprofitable);
                CHECK(f.deferred == s.deferred);
                CHECK(f.blocked == s.blocked);
            }
            for (std::size_t i = 0; i < b.size(); ++i) {
                INFO("row " << i);
                CHECK(near(after.collateral[i], plain.collateral[i], b.collateral[i]));
                CHECK(near(after.debt[i], plain.debt[i], b.debt[i]));
            }
            cascades += fast.liquidations > 0 ? 1 : 0;
        };
        if (trial % 3 == 0)
            compare(impact::linear{alpha / 4});
        else if (trial % 3 == 1)
            compare(impact::exponential{alpha});
        else
            compare(impact::resilient{impact::exponential{alpha}, u(0, 300)});
    }
    CHECK(cascades > trials / 2);
}

} // namespace spiral::test
