// A plain step-by-step cascade along a price path that rescans every position each step: the
// reference cascade::run is tested and benchmarked against. Written from the rules in
// docs/cascade.md ("Along a price path") with its own market, oracle and volatility
// bookkeeping; it shares only the public per-position kernels (health, close_fraction,
// bonus_at, liquidate).
#pragma once

#include <spiral/cascade/path_result.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/position.hpp>
#include <spiral/cascade/price_path.hpp>
#include <spiral/cascade/rules.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace spiral::test {

struct path_book {
    std::vector<double> collateral, debt, threshold;
};

/// Runs the book along the path; `book` is left as the path leaves it.
template <class C>
cascade::path_result rescan_path(path_book& book, const cascade::price_path& path, const C& curve,
                                 const cascade::path_rules& pr) {
    constexpr bool recovers = requires(C c) {
        c.decay(1.0);
    };
    constexpr double inf = std::numeric_limits<double>::infinity();
    const cascade::rules& r = pr.liquidation;
    const std::size_t n = book.collateral.size();
    C state = curve;
    double sold = 0; // permanent impact: cumulative quantity sold
    bool traded = false;
    const auto market_price = [&](double e) {
        if (!traded)
            return e;
        if constexpr (recovers)
            return e * state.price_factor(0.0);
        else
            return e * curve.price_factor(sold);
    };

    std::vector<double> published{path.price(0)}; // market price at the start of each step
    double last_ratio = path.price(0) / path.debt_price(0), sum_squares = 0, multiplier = 1;

    cascade::path_result out;
    for (std::size_t i = 0; i < n; ++i) {
        out.initial_collateral += book.collateral[i];
        out.initial_debt += book.debt[i];
    }
    for (std::size_t k = 1; k <= path.steps(); ++k) {
        const double e = path.price(k);
        if constexpr (recovers) {
            if (k > 1 && traded)
                state.decay(path.step_length(k));
        }
        cascade::step_record rec;
        rec.time = path.time(k);
        rec.exogenous_price = e;
        rec.market_price = market_price(e);
        published.push_back(rec.market_price);
        const std::size_t delay = pr.oracle.delay_steps;
        rec.oracle_price = published[k >= delay ? k - delay : 0];
        rec.debt_oracle_price = path.debt_price(k);
        const double ratio = rec.oracle_price / rec.debt_oracle_price;
        const cascade::volatility_tightening& v = r.tightening;
        if (v.sensitivity > 0) {
            const double ret = std::log(ratio / last_ratio);
            last_ratio = ratio;
            sum_squares += ret * ret;
            const double days = std::max(path.time(k), v.window_days);
            const double vol = std::sqrt(sum_squares * v.days_per_year / days);
            const double m =
                std::max(v.min_multiplier, 1 - v.sensitivity * std::max(0.0, vol - v.base_vol));
            multiplier = std::min(multiplier, m);
        }
        rec.threshold_multiplier = multiplier;

        // Every open position, every step.
        struct due {
            double health;
            std::size_t row;
        };
        std::vector<due> list;
        for (std::size_t i = 0; i < n; ++i) {
            if (!(book.debt[i] > 0))
                continue;
            const double h = cascade::health(book.collateral[i], ratio,
                                             book.threshold[i] * multiplier, book.debt[i]);
            if (h < 1)
                list.push_back({h, i});
        }
        const bool limited =
            r.max_liquidations_per_round != std::numeric_limits<std::size_t>::max() ||
            r.max_collateral_per_round < inf;
        if (limited)
            std::sort(list.begin(), list.end(), [](const due& a, const due& b) {
                return a.health < b.health || (a.health == b.health && a.row < b.row);
            });
        for (const due& x : list) {
            if (rec.liquidations == r.max_liquidations_per_round)
                break;
            const double room = r.max_collateral_per_round - rec.collateral_seized;
            if (!(room > 0))
                break;
            const std::size_t i = x.row;
            const double t = book.threshold[i] * multiplier;
            const double b = cascade::bonus_at(r, x.health);
            double f = cascade::close_fraction(r, x.health, t, b);
            if (room < inf && ratio > 0)
                f = std::min(f, room * ratio / (book.debt[i] * (1 + b)));
            const auto l = cascade::liquidate(book.collateral[i], book.debt[i], ratio, f, b);
            book.collateral[i] = l.collateral_left;
            book.debt[i] = l.debt_left;
            ++rec.liquidations;
            rec.collateral_seized += l.seized;
            rec.debt_repaid += l.repaid;
            rec.bad_debt += l.bad_debt;
        }
        rec.collateral_sold = rec.collateral_seized;
        rec.repaid_value = rec.debt_repaid * path.debt_price(k);
        if (rec.liquidations > 0) {
            const double q = rec.collateral_sold;
            if constexpr (recovers) {
                rec.proceeds = e * state.proceeds(q);
                state.displaced += q;
            } else {
                rec.proceeds = e * (curve.proceeds(sold + q) - curve.proceeds(sold));
                sold += q;
            }
            traded = true;
        }
        rec.price = market_price(e);
        out.liquidations += rec.liquidations;
        out.collateral_seized += rec.collateral_seized;
        out.collateral_sold += rec.collateral_sold;
        out.debt_repaid += rec.debt_repaid;
        out.bad_debt += rec.bad_debt;
        out.proceeds += rec.proceeds;
        out.repaid_value += rec.repaid_value;
        out.steps.push_back(rec);
    }
    for (std::size_t i = 0; i < n; ++i) {
        out.final_collateral += book.collateral[i];
        out.final_debt += book.debt[i];
    }
    out.final_price = out.steps.empty() ? path.price(0) : out.steps.back().price;
    return out;
}

} // namespace spiral::test
