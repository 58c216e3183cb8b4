// A plain round-by-round cascade that rescans every position each round: the reference the
// fast engine (spiral::cascade::simulate) is tested and benchmarked against. Written straight
// from the rules in docs/cascade.md, with its own market, oracle and volatility bookkeeping;
// it shares only the public per-position kernels (health, close_fraction, bonus_at, liquidate).
#pragma once

#include <spiral/cascade/position.hpp>
#include <spiral/cascade/result.hpp>
#include <spiral/cascade/rules.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <vector>

namespace spiral::test {

struct rescan_book {
    std::vector<double> collateral, debt, threshold;
};

/// Runs the cascade; `book` is left as the cascade leaves it.
template <class C>
cascade::result rescan_cascade(rescan_book& book, double price, double shock, const C& curve,
                               const cascade::rules& r) {
    constexpr bool recovers = requires(C c) {
        c.decay(1.0);
    };
    const std::size_t n = book.collateral.size();
    C state = curve;
    const double base = price * (1 - shock);
    double p = base, sold = 0;
    bool traded = false;
    std::vector<double> start_prices;
    double last_oracle = price, sum_squares = 0, multiplier = 1;

    cascade::result out;
    out.initial_price = price;
    out.shocked_price = base;
    out.final_price = base;
    std::size_t quiet = 0;
    bool ended = false;
    for (std::size_t round = 1; round <= r.max_rounds; ++round) {
        if constexpr (recovers) {
            if (round > 1 && traded) {
                state.decay(r.round_days);
                p = base * state.price_factor(0.0);
            }
        }
        start_prices.push_back(p);
        const double oracle = start_prices.size() > r.oracle_delay
                                  ? start_prices[start_prices.size() - 1 - r.oracle_delay]
                                  : price;
        const cascade::volatility_tightening& v = r.tightening;
        if (v.sensitivity > 0) {
            const double ret = std::log(oracle / last_oracle);
            last_oracle = oracle;
            sum_squares += ret * ret;
            const double days = std::max(double(round) * r.round_days, v.window_days);
            const double vol = std::sqrt(sum_squares * v.days_per_year / days);
            const double m =
                std::max(v.min_multiplier, 1 - v.sensitivity * std::max(0.0, vol - v.base_vol));
            multiplier = std::min(multiplier, m);
        }

        // Every open position, every round.
        struct due {
            double health;
            std::size_t row;
        };
        std::vector<due> list;
        std::size_t open = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (!(book.debt[i] > 0))
                continue;
            ++open;
            const double h = cascade::health(book.collateral[i], oracle,
                                             book.threshold[i] * multiplier, book.debt[i]);
            if (h < 1)
                list.push_back({h, i});
        }
        const bool capped = list.size() > r.max_liquidations_per_round ||
                            r.max_collateral_per_round < std::numeric_limits<double>::infinity();
        if (capped)
            std::sort(list.begin(), list.end(), [](const due& a, const due& b) {
                return a.health < b.health || (a.health == b.health && a.row < b.row);
            });
        cascade::round_record rec{oracle, p, multiplier, 0, 0, 0, 0, 0};
        for (const due& x : list) {
            if (rec.liquidations == r.max_liquidations_per_round)
                break;
            const double room = r.max_collateral_per_round - rec.collateral_sold;
            if (!(room > 0))
                break;
            const std::size_t i = x.row;
            const double t = book.threshold[i] * multiplier;
            const double b = cascade::bonus_at(r, x.health);
            double f = cascade::close_fraction(r, x.health, t, b);
            if (room < std::numeric_limits<double>::infinity() && oracle > 0)
                f = std::min(f, room * oracle / (book.debt[i] * (1 + b)));
            const auto l = cascade::liquidate(book.collateral[i], book.debt[i], oracle, f, b);
            // What is left of a collateral cap too small to change the position: the cap is
            // used up, and no liquidation happens (docs/cascade.md).
            if (room < std::numeric_limits<double>::infinity() &&
                l.collateral_left == book.collateral[i] && l.debt_left == book.debt[i])
                break;
            book.collateral[i] = l.collateral_left;
            book.debt[i] = l.debt_left;
            open -= l.debt_left > 0 ? 0 : 1;
            ++rec.liquidations;
            rec.collateral_sold += l.seized;
            rec.debt_repaid += l.repaid;
            rec.bad_debt += l.bad_debt;
        }
        if (rec.liquidations > 0) {
            if constexpr (recovers) {
                rec.proceeds = base * state.proceeds(rec.collateral_sold);
                state.displaced += rec.collateral_sold;
                p = base * state.price_factor(0.0);
            } else {
                rec.proceeds =
                    base * (curve.proceeds(sold + rec.collateral_sold) - curve.proceeds(sold));
                sold += rec.collateral_sold;
                p = base * curve.price_factor(sold);
            }
            traded = true;
            rec.price = p;
            quiet = 0;
            out.rounds = round;
            out.final_price = p;
            out.liquidations += rec.liquidations;
            out.collateral_sold += rec.collateral_sold;
            out.debt_repaid += rec.debt_repaid;
            out.bad_debt += rec.bad_debt;
            out.proceeds += rec.proceeds;
        } else {
            ++quiet;
        }
        out.path.push_back(rec);
        if (quiet > r.oracle_delay || open == 0) {
            ended = true;
            break;
        }
    }
    out.truncated = !ended;
    out.path.resize(out.rounds);
    return out;
}

} // namespace spiral::test
