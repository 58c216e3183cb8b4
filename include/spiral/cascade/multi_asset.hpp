// cascade::simulate on positions backed by several collateral assets: cross-collateral
// contagion, where selling one asset's collateral to repay debt drags on the others.
/// \file
/// \ingroup cascade
/// \brief cascade::simulate on positions backed by several collateral assets.
#pragma once

#include <spiral/cascade/book.hpp>
#include <spiral/cascade/detail/worst_first.hpp>
#include <spiral/cascade/market.hpp>
#include <spiral/cascade/position.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/core/error.hpp>
#include <spiral/impact/curve.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spiral::cascade {

/// Positions backed by `assets` collateral assets each, debt in the quote currency.
/// collateral is row-major: position i's holding of asset a is collateral[i * assets + a].
struct multi_book {
    std::size_t assets = 0;         ///< Collateral assets per position.
    std::vector<double> collateral; ///< Holdings in asset units, row-major (position, asset).
    std::vector<double> debt;       ///< Debt of each position, in quote currency.

    /// The number of positions.
    std::size_t size() const noexcept { return debt.size(); }
};

/// One collateral asset: its price before the shock, its own shock (relative, in [0, 1): draw
/// them jointly, e.g. from a correlated scenario generator) and its liquidation threshold.
struct asset_market {
    double price;           ///< Price before the shock, in quote currency (> 0).
    double shock = 0;       ///< Relative price drop of the shock, in [0, 1).
    double threshold = 0.8; ///< Liquidation threshold of the asset, in (0, 1].
};

/// What happened to one asset.
struct asset_outcome {
    double initial_price = 0;   ///< price before the shock
    double shocked_price = 0;   ///< price * (1 - shock): where the shock alone leaves it
    double final_price = 0;     ///< market price after the last liquidation round
    double collateral_sold = 0; ///< asset units
    double proceeds = 0;        ///< quote
    /// Total drop over the shock's drop (+inf for an asset that was not shocked but fell:
    /// pure contagion; NaN when it neither was shocked nor fell).
    double amplification() const noexcept {
        return (initial_price - final_price) / (initial_price - shocked_price);
    }
    /// Drop of the price caused by the cascade's sales, relative to the shocked price.
    double cascade_drop() const noexcept { return 1 - final_price / shocked_price; }
};

/// One round of a multi-asset cascade; per-asset vectors are indexed by asset.
struct multi_round_record {
    std::size_t liquidations = 0;        ///< positions liquidated in the round
    double debt_repaid = 0;              ///< quote
    double bad_debt = 0;                 ///< quote written off in the round
    std::vector<double> oracle_price;    ///< price each asset's liquidations used
    std::vector<double> price;           ///< each market price at the end of the round
    std::vector<double> collateral_sold; ///< each asset seized and sold (asset units)
};

/// The outcome of the multi-asset cascade::simulate. Quantities are totals over all rounds.
struct multi_result {
    std::vector<asset_outcome> assets; ///< what happened to each asset
    double debt_repaid = 0;            ///< quote
    double bad_debt = 0;               ///< quote
    std::size_t liquidations = 0;      ///< liquidations over all rounds
    std::size_t rounds = 0;            ///< rounds up to the last one that liquidated anything
    bool truncated = false; ///< stopped by rules::max_rounds while positions were still falling
    std::vector<multi_round_record> path; ///< one entry per round, path.size() == rounds
};

namespace detail {

inline void validate_multi(std::string_view what, const multi_book& b,
                           std::span<const asset_market> markets, std::size_t curves,
                           std::span<const std::size_t> order, const rules& r) {
    const std::size_t n = b.size(), k = b.assets;
    if (k == 0 && n > 0)
        spiral::detail::throw_invalid(what, "book.assets", spiral::detail::no_row, k,
                                      "must be > 0 when there are positions");
    if (b.collateral.size() != n * k)
        spiral::detail::throw_invalid(what, "book.collateral.size()", spiral::detail::no_row,
                                      b.collateral.size(),
                                      "must equal debt.size() * assets = " + std::to_string(n * k));
    if (markets.size() != k)
        spiral::detail::throw_invalid(what, "markets.size()", spiral::detail::no_row,
                                      markets.size(), "must equal assets = " + std::to_string(k));
    if (curves != k)
        spiral::detail::throw_invalid(what, "curves.size()", spiral::detail::no_row, curves,
                                      "must equal assets = " + std::to_string(k));
    if (!order.empty()) {
        if (order.size() != k)
            spiral::detail::throw_invalid(what, "seizure_order.size()", spiral::detail::no_row,
                                          order.size(),
                                          "must be 0 or assets = " + std::to_string(k));
        std::vector<bool> seen(k, false);
        for (std::size_t i = 0; i < k; ++i) {
            if (order[i] >= k || seen[order[i]])
                spiral::detail::throw_invalid(what, "seizure_order", i, order[i],
                                              "must be a permutation of 0 .. assets - 1");
            seen[order[i]] = true;
        }
    }
    for (std::size_t a = 0; a < k; ++a) {
        check_market(what, "markets.price", "markets.shock", markets[a].price, markets[a].shock, a);
        check_threshold(what, "markets.threshold", a, markets[a].threshold);
    }
    check_amounts(what, "book.collateral", b.collateral, k);
    check_amounts(what, "book.debt", b.debt);
    r.validate();
    if (r.max_collateral_per_round < std::numeric_limits<double>::infinity())
        spiral::detail::throw_invalid(what, "rules.max_collateral_per_round",
                                      spiral::detail::no_row, r.max_collateral_per_round,
                                      "must be inf with several assets (units differ); cap "
                                      "liquidations per round instead");
}

} // namespace detail

/// The cascade of docs/cascade.md on a multi-asset book. Health is
/// sum_a collateral_a * oracle_a * threshold_a / debt. A liquidation repays as in the single-
/// asset engine and seizes repaid * (1 + bonus) in value from the position's assets in
/// `seizure_order` (default: asset 0 first), each at its oracle price, all of one asset before
/// the next; each asset's seizures of a round are sold into its own curve. Target-health sizing
/// uses the threshold of the first asset seized (exact when that asset covers the seizure).
/// The round rules, oracle delay, recovering curves and volatility tightening (per asset, from
/// its own oracle) are those of the single-asset engine; a per-round collateral cap is not
/// (units differ across assets): cap the number of liquidations instead. Every open position is
/// checked every round: O(positions x assets x rounds). Throws spiral::invalid_argument naming
/// the field and index of bad input; an empty book is a no-op. When `final_collateral` /
/// `final_debt` are not empty (the book's sizes) the book after the cascade is written there.
template <impact_curve<double> C>
multi_result simulate(const multi_book& b, std::span<const asset_market> markets,
                      std::span<const C> curves, const rules& r = {},
                      std::span<const std::size_t> seizure_order = {},
                      std::span<double> final_collateral = {}, std::span<double> final_debt = {}) {
    constexpr std::string_view what = "cascade::simulate (multi-asset)";
    detail::validate_multi(what, b, markets, curves.size(), seizure_order, r);
    for (const C& c : curves)
        detail::validate_curve(c);
    const std::size_t n = b.size(), k = b.assets;
    if (!final_collateral.empty() && final_collateral.size() != n * k)
        spiral::detail::throw_invalid(what, "final_collateral.size()", spiral::detail::no_row,
                                      final_collateral.size(), "must be 0 or the book's size");
    if (!final_debt.empty() && final_debt.size() != n)
        spiral::detail::throw_invalid(what, "final_debt.size()", spiral::detail::no_row,
                                      final_debt.size(), "must be 0 or the book's size");

    std::vector<std::size_t> order(k);
    for (std::size_t a = 0; a < k; ++a)
        order[a] = seizure_order.empty() ? a : seizure_order[a];
    std::vector<double> collateral = b.collateral, debt = b.debt;
    std::vector<detail::market<C>> market;
    std::vector<detail::tightening_state> tightening;
    market.reserve(k);
    tightening.reserve(k);
    multi_result out;
    out.assets.resize(k);
    for (std::size_t a = 0; a < k; ++a) {
        market.emplace_back(curves[a], markets[a].price, markets[a].shock);
        tightening.emplace_back(r, markets[a].price);
        out.assets[a].initial_price = markets[a].price;
        out.assets[a].shocked_price = out.assets[a].final_price = market[a].base();
    }
    std::vector<std::uint32_t> live;
    for (std::size_t i = 0; i < n; ++i)
        if (debt[i] > 0)
            live.push_back(static_cast<std::uint32_t>(i));

    std::vector<detail::candidate> due_now;
    std::vector<double> oracle(k), limit(k), sold(k);
    std::size_t quiet = 0;
    bool ended = live.empty();
    for (std::size_t round = 1; !ended && round <= r.max_rounds; ++round) {
        for (std::size_t a = 0; a < k; ++a) {
            if (round > 1)
                market[a].next_round(r.round_days);
            oracle[a] = market[a].oracle(r.oracle_delay);
            limit[a] = markets[a].threshold * tightening[a].observe(oracle[a], round);
        }
        due_now.clear();
        for (const std::uint32_t i : live) {
            double value = 0; // sum_a c_a o_a t_a
            for (std::size_t a = 0; a < k; ++a)
                value += collateral[i * k + a] * oracle[a] * limit[a];
            const double h = value / debt[i];
            if (h < 1)
                due_now.push_back({h, i, i});
        }
        detail::keep_worst(due_now, r.max_liquidations_per_round);
        const std::size_t count = std::min(due_now.size(), r.max_liquidations_per_round);
        multi_round_record rec;
        std::fill(sold.begin(), sold.end(), 0.0);
        for (std::size_t j = 0; j < count; ++j) {
            const double h = due_now[j].health;
            const std::uint32_t i = due_now[j].row;
            double* held = collateral.data() + std::size_t(i) * k;
            // The first asset the seizure will take sets the threshold target-health uses.
            double first_limit = limit[order[0]];
            for (const std::size_t a : order)
                if (held[a] > 0) {
                    first_limit = limit[a];
                    break;
                }
            const double bonus = bonus_at(r, h);
            const double f = close_fraction(r, h, first_limit, bonus);
            // Repayment is counted in debt units asset by asset, as a sum of what each asset
            // covers: a difference `wanted - left` would cancel (debt 1e20 against collateral
            // worth 1 repays 0) and `debt * (1 + bonus)` can overflow.
            const double wanted = f * debt[i];
            double to_repay = wanted, covered = 0;
            bool changed = false;
            for (const std::size_t a : order) {
                if (!(to_repay > 0))
                    break;
                const double covers = held[a] * oracle[a] / (1 + bonus);
                if (covers > to_repay) { // a part of this asset settles the rest
                    // below held[a] (up to rounding) in exact arithmetic: no overflow
                    const double take = std::min(held[a], to_repay / oracle[a] * (1 + bonus));
                    const double left = held[a] - take;
                    changed = changed || left != held[a];
                    sold[a] += held[a] - left; // what the holding lost, so units are conserved
                    held[a] = left;
                    to_repay = 0;
                } else {
                    changed = changed || held[a] > 0;
                    sold[a] += held[a];
                    held[a] = 0;
                    covered += covers;
                    to_repay -= covers;
                }
            }
            // Settled: exactly what was wanted (a full close leaves no dust of debt).
            const double repaid = to_repay > 0 ? covered : wanted;
            double debt_left = debt[i] - repaid;
            bool empty = true;
            for (std::size_t a = 0; a < k; ++a)
                empty = empty && held[a] == 0;
            double written_off = 0;
            if (empty && debt_left > 0) {
                written_off = debt_left;
                debt_left = 0;
            }
            // A step below the position's rounding changes nothing: no liquidation (else
            // max_rounds identical rounds follow; see simulate.hpp).
            if (!changed && debt_left == debt[i])
                continue;
            debt[i] = debt_left;
            ++rec.liquidations;
            rec.debt_repaid += repaid;
            rec.bad_debt += written_off;
        }
        rec.oracle_price = oracle;
        rec.collateral_sold = sold;
        rec.price.resize(k);
        for (std::size_t a = 0; a < k; ++a) {
            if (rec.liquidations > 0 && sold[a] > 0) {
                out.assets[a].proceeds += market[a].sell(sold[a]);
                out.assets[a].collateral_sold += sold[a];
            }
            rec.price[a] = market[a].price();
        }
        if (rec.liquidations > 0) {
            quiet = 0;
            out.rounds = round;
            for (std::size_t a = 0; a < k; ++a)
                out.assets[a].final_price = rec.price[a];
            out.liquidations += rec.liquidations;
            out.debt_repaid += rec.debt_repaid;
            out.bad_debt += rec.bad_debt;
        } else {
            ++quiet;
        }
        out.path.push_back(std::move(rec));
        std::erase_if(live, [&](std::uint32_t i) { return !(debt[i] > 0); });
        ended = quiet > r.oracle_delay || live.empty();
    }
    out.truncated = !ended;
    out.path.resize(out.rounds);
    if (!final_collateral.empty())
        std::copy(collateral.begin(), collateral.end(), final_collateral.begin());
    if (!final_debt.empty())
        std::copy(debt.begin(), debt.end(), final_debt.begin());
    return out;
}

} // namespace spiral::cascade
