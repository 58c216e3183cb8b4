// Shared by the scalar (tests/unit) and batch (tests/simd) cascade tests: a simulate wrapper
// that checks the accounting identities, and the fast engine against the plain rescan of
// cascade_rescan.hpp on random books. Include after <spiral/simd.hpp> where the engine should
// run on batches.
#pragma once

#include <spiral/cascade/cascade.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/resilient.hpp>

#include "support/cascade_rescan.hpp"

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

inline double sum(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

/// Runs simulate and checks the two accounting identities on the book it leaves:
/// collateral before = after + sold, debt before = after + repaid + bad debt.
template <class C>
cascade::result run_checked(const cascade::book& b, double price, double shock, const C& curve,
                            const cascade::rules& r, cascade::book* after = nullptr) {
    std::vector<double> c(b.size()), d(b.size());
    const cascade::result res =
        cascade::simulate(cascade::prepared_book(b), price, shock, curve, r, {c, d});
    const double scale_c = std::max(1.0, sum(b.collateral));
    const double scale_d = std::max(1.0, sum(b.debt));
    CHECK(std::abs(sum(b.collateral) - (sum(c) + res.collateral_sold)) <= 1e-12 * scale_c);
    CHECK(std::abs(sum(b.debt) - (sum(d) + res.debt_repaid + res.bad_debt)) <= 1e-12 * scale_d);
    double sold = 0, repaid = 0, bad = 0;
    std::size_t count = 0;
    for (const cascade::round_record& x : res.path) {
        sold += x.collateral_sold;
        repaid += x.debt_repaid;
        bad += x.bad_debt;
        count += x.liquidations;
    }
    CHECK(std::abs(sold - res.collateral_sold) <= 1e-12 * scale_c);
    CHECK(std::abs(repaid - res.debt_repaid) <= 1e-12 * scale_d);
    CHECK(std::abs(bad - res.bad_debt) <= 1e-12 * scale_d);
    CHECK(count == res.liquidations);
    CHECK(res.path.size() == res.rounds);
    if (after)
        *after = {c, d, b.threshold};
    return res;
}

inline bool close(double a, double b, double rel) {
    return std::abs(a - b) <= rel * std::max({std::abs(a), std::abs(b), 1e-300}) ||
           (std::isnan(a) && std::isnan(b));
}

/// Runs `trials` random books (sizes 1 to `max_positions`, every rule set, three curves) through
/// the fast engine and the rescan and requires the same rounds and liquidations, totals within
/// 1e-12 relative and the same final book.
inline void fast_engine_equals_rescan(int trials, std::uint64_t seed,
                                      std::size_t max_positions = 60) {
    std::mt19937_64 rng(seed);
    const auto uniform = [&](double lo, double hi) {
        return lo + (hi - lo) * double(rng() >> 11) * 0x1.0p-53;
    };
    int books = 0, cascades = 0;
    std::size_t max_rounds_seen = 0;
    for (int trial = 0; trial < trials; ++trial) {
        const std::size_t n = 1 + rng() % max_positions;
        cascade::book b;
        for (std::size_t i = 0; i < n; ++i) {
            const double t = uniform(0.5, 1.0);
            const double h = uniform(0.85, 1.6); // health at the pre-shock price 100
            const double c = std::exp(uniform(-2, 3));
            double d = c * 100 * t / h;
            const auto kind = rng() % 40;
            if (kind == 0)
                d = 0; // no debt
            b.collateral.push_back(kind == 1 ? 0.0 : c);
            b.debt.push_back(d);
            b.threshold.push_back(kind == 2 ? 1.0 : t);
        }
        cascade::rules r;
        r.close_factor = uniform(0.2, 1.0);
        r.full_close_below = uniform(0.0, 1.0);
        r.bonus = uniform(0.0, 0.15);
        switch (rng() % 8) {
        case 0:
            r.size_by = cascade::sizing::target_health;
            r.target_health = uniform(1.01, 1.3);
            break;
        case 1:
            r.size_by = cascade::sizing::full;
            break;
        case 2:
            r.bonus_slope = uniform(0, 2);
            r.max_bonus = r.bonus + uniform(0, 0.2);
            break;
        case 3:
            r.max_liquidations_per_round = 1 + rng() % 5;
            break;
        case 4:
            r.max_collateral_per_round = uniform(0.5, 20);
            break;
        case 5:
            r.oracle_delay = rng() % 4;
            break;
        case 6:
            r.tightening.sensitivity = uniform(0, 0.2);
            r.tightening.base_vol = uniform(0, 3);
            break;
        default:
            break;
        }
        if (rng() % 10 == 0)
            r.max_rounds = 1 + rng() % 5;
        const double shock = uniform(0.0, 0.5);
        const double alpha = uniform(0.0, 0.1);

        // Prices within 1e-12 relative, or, where the cascade has crushed the price (an
        // exponential curve at e^-490 after selling most of a large book), ln(price) within
        // 1e-12 of its size: ln(price) is -alpha * sold there, so that is sold within 1e-12,
        // and the two engines sum sold in different orders.
        const auto price_close = [](double a, double x) {
            return close(a, x, 1e-12) ||
                   (a > 0 && x > 0 &&
                    std::abs(std::log(a) - std::log(x)) <= 1e-12 * std::abs(std::log(x)));
        };
        const auto compare = [&](const auto& curve) {
            spiral::test::rescan_book plain{b.collateral, b.debt, b.threshold};
            const cascade::result slow =
                spiral::test::rescan_cascade(plain, 100.0, shock, curve, r);
            cascade::book after;
            const cascade::result fast = run_checked(b, 100.0, shock, curve, r, &after);
            INFO("trial " << trial << " cap " << r.max_liquidations_per_round << " capc "
                          << r.max_collateral_per_round << " delay " << r.oracle_delay << " sizing "
                          << int(r.size_by) << " n " << n);
            REQUIRE(fast.rounds == slow.rounds);
            REQUIRE(fast.liquidations == slow.liquidations);
            CHECK(fast.truncated == slow.truncated);
            CHECK(price_close(fast.final_price, slow.final_price));
            CHECK(close(fast.collateral_sold, slow.collateral_sold, 1e-12));
            CHECK(close(fast.debt_repaid, slow.debt_repaid, 1e-12));
            CHECK(close(fast.bad_debt, slow.bad_debt, 1e-12));
            CHECK(close(fast.proceeds, slow.proceeds, 1e-12));
            // Within a round the two sum in different orders, so a round's or a position's
            // small remainder may differ in its last bits: compare those on the scale of the
            // cascade's totals and of the position's original size.
            const auto near = [](double a, double x, double scale) {
                return std::abs(a - x) <= 1e-12 * scale;
            };
            for (std::size_t k = 0; k < fast.rounds; ++k) {
                INFO("round " << k);
                CHECK(fast.path[k].liquidations == slow.path[k].liquidations);
                CHECK(price_close(fast.path[k].oracle_price, slow.path[k].oracle_price));
                CHECK(near(fast.path[k].collateral_sold, slow.path[k].collateral_sold,
                           slow.collateral_sold));
                CHECK(near(fast.path[k].debt_repaid, slow.path[k].debt_repaid, slow.debt_repaid));
                CHECK(close(fast.path[k].threshold_multiplier, slow.path[k].threshold_multiplier,
                            1e-12));
            }
            for (std::size_t i = 0; i < n; ++i) {
                INFO("row " << i);
                CHECK(near(after.collateral[i], plain.collateral[i], b.collateral[i]));
                CHECK(near(after.debt[i], plain.debt[i], b.debt[i]));
            }
            max_rounds_seen = std::max(max_rounds_seen, fast.rounds);
            cascades += fast.liquidations > 0 ? 1 : 0;
        };
        if (trial % 3 == 0)
            compare(impact::linear{alpha / 4});
        else if (trial % 3 == 1)
            compare(impact::exponential{alpha});
        else
            compare(impact::resilient{impact::exponential{alpha}, uniform(0, 300)});
        ++books;
    }
    CHECK(books == trials);
    CHECK(cascades > trials / 2); // most trials do cascade
    CHECK(max_rounds_seen >= 10);
}

} // namespace spiral::test
