// cascade::run on positions backed by several collateral assets, each along its own price
// path, with a liquidation bonus per collateral and the liquidator choosing what to seize.
/// \file
/// \ingroup cascade
/// \brief cascade::run on positions backed by several assets, each along its own price path.
#pragma once

#include <spiral/cascade/detail/path_engine.hpp>
#include <spiral/cascade/multi_asset.hpp>
#include <spiral/cascade/position.hpp>
#include <spiral/cascade/price_path.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/core/checks.hpp>
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

/// One collateral asset's terms: its liquidation threshold, and its own liquidation bonus
/// (Aave sets both per reserve).
struct collateral_terms {
    double threshold = 0.8; ///< in (0, 1]
    double bonus = 0.05;    ///< >= 0
};

/// Which collateral a liquidation seizes. Aave lets the liquidator pick one collateral per
/// liquidation call; a liquidator picks the one paying the most.
enum class collateral_choice : std::uint8_t {
    highest_bonus, ///< the held collateral with the highest bonus (ties: the lower index)
    in_order,      ///< the first held collateral, by index
};

/// The rules of a multi-asset run.
struct multi_path_rules {
    rules liquidation{}; ///< sizing and caps (its bonus is replaced by the seized asset's)
    collateral_choice choose = collateral_choice::highest_bonus; ///< which collateral is seized

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        liquidation.validate();
        spiral::detail::require_enum("cascade::multi_path_rules", "choose", choose, 2);
        if (liquidation.max_collateral_per_round < std::numeric_limits<double>::infinity())
            spiral::detail::throw_invalid(
                "cascade::multi_path_rules", "liquidation.max_collateral_per_round",
                spiral::detail::no_row, liquidation.max_collateral_per_round,
                "must be inf with several assets (units differ)");
    }
};

/// One step of a multi-asset run; per-asset vectors are indexed by asset.
struct multi_step_record {
    std::size_t liquidations = 0;        ///< positions liquidated in the step
    double debt_repaid = 0;              ///< quote
    double bad_debt = 0;                 ///< quote written off in the step
    std::vector<double> oracle_price;    ///< price each asset's liquidations used
    std::vector<double> price;           ///< each market price at the end of the step
    std::vector<double> collateral_sold; ///< each asset seized and sold (asset units)
    std::vector<double> proceeds;        ///< quote each asset's sales fetched
};

/// The outcome of the multi-asset cascade::run. Totals over all steps.
struct multi_path_result {
    std::size_t liquidations = 0;         ///< liquidations over all steps
    double debt_repaid = 0;               ///< quote
    double bad_debt = 0;                  ///< quote written off
    std::vector<double> collateral_sold;  ///< per asset: seized and sold (asset units)
    std::vector<double> proceeds;         ///< per asset: quote its sales fetched
    std::vector<double> final_price;      ///< per asset: market price after the last step
    std::vector<multi_step_record> steps; ///< one entry per step of the paths
};

/// Runs a multi-asset book along one price path per asset (all of the same length and
/// times). In each step every asset's market moves with its path and its own curve's impact,
/// the oracle shows each market price as the step starts, and every position with health
/// sum_a collateral_a oracle_a threshold_a / debt below 1 is liquidated once: the liquidator
/// seizes one collateral (`choose`), with that collateral's bonus b: repay f debt (f from
/// `liquidation`: close factor, full close below its threshold, target health with the
/// seized collateral's threshold) for f debt (1 + b) of it at its oracle price, or all of it
/// and what it covers when there is not enough. A position left with no collateral writes
/// its debt off. Each asset's seizures are sold into its curve at the end of the step. Every
/// open position is examined each step: O(positions x assets x steps). Debt is in the quote
/// currency (the paths' debt_prices are not used). Throws spiral::invalid_argument naming the
/// field and index of bad input. `final_collateral` / `final_debt`, when not empty, receive
/// the book after the path.
template <impact_curve<double> C>
multi_path_result run(const multi_book& b, std::span<const price_path> paths,
                      std::span<const C> curves, std::span<const collateral_terms> assets,
                      const multi_path_rules& r = {}, std::span<double> final_collateral = {},
                      std::span<double> final_debt = {}) {
    constexpr std::string_view what = "cascade::run (multi-asset)";
    const std::size_t n = b.size(), k = b.assets;
    if (k == 0)
        spiral::detail::throw_invalid(what, "book.assets", spiral::detail::no_row, k,
                                      "must be > 0");
    spiral::detail::require_size(what, "book.collateral", b.collateral.size(), n * k,
                                 "debt * assets");
    spiral::detail::require_size(what, "paths", paths.size(), k, "book.assets");
    spiral::detail::require_size(what, "curves", curves.size(), k, "book.assets");
    spiral::detail::require_size(what, "assets", assets.size(), k, "book.assets");
    for (std::size_t a = 0; a < k; ++a) {
        paths[a].validate(what);
        spiral::detail::require_size(what, "paths[" + std::to_string(a) + "].prices",
                                     paths[a].prices.size(), paths[0].prices.size(),
                                     "paths[0].prices");
        detail::check_threshold(what, "assets.threshold", a, assets[a].threshold);
        spiral::detail::require(spiral::detail::non_negative, what, "assets.bonus", assets[a].bonus,
                                a);
        detail::validate_curve(curves[a]);
    }
    detail::check_amounts(what, "book.collateral", b.collateral, b.assets);
    detail::check_amounts(what, "book.debt", b.debt);
    r.validate();
    spiral::detail::require_size_or_empty(what, "final_collateral", final_collateral.size(), n * k);
    spiral::detail::require_size_or_empty(what, "final_debt", final_debt.size(), n);

    std::vector<double> collateral = b.collateral, debt = b.debt;
    std::vector<detail::path_market<C>> market;
    for (std::size_t a = 0; a < k; ++a)
        market.emplace_back(curves[a]);
    multi_path_result out;
    out.collateral_sold.assign(k, 0);
    out.proceeds.assign(k, 0);
    out.final_price.resize(k);
    for (std::size_t a = 0; a < k; ++a)
        out.final_price[a] = paths[a].price(0);
    std::vector<double> oracle(k), sold(k);
    std::vector<detail::candidate> due;
    const std::size_t steps = paths[0].steps();
    for (std::size_t s = 1; s <= steps; ++s) {
        multi_step_record rec;
        for (std::size_t a = 0; a < k; ++a) {
            if (s > 1)
                market[a].let_pass(paths[a].step_length(s));
            oracle[a] = market[a].price(paths[a].price(s));
        }
        due.clear();
        for (std::size_t i = 0; i < n; ++i) {
            if (!(debt[i] > 0))
                continue;
            double value = 0;
            for (std::size_t a = 0; a < k; ++a)
                value += collateral[i * k + a] * oracle[a] * assets[a].threshold;
            const double h = value / debt[i];
            if (h < 1)
                due.push_back({h, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i)});
        }
        detail::keep_worst(due, r.liquidation.max_liquidations_per_round);
        const std::size_t count = std::min(due.size(), r.liquidation.max_liquidations_per_round);
        std::fill(sold.begin(), sold.end(), 0.0);
        for (std::size_t j = 0; j < count; ++j) {
            const std::size_t i = due[j].row;
            const double h = due[j].health;
            double* held = collateral.data() + i * k;
            std::size_t pick = k;
            for (std::size_t a = 0; a < k; ++a) {
                if (!(held[a] > 0))
                    continue;
                if (pick == k || (r.choose == collateral_choice::highest_bonus &&
                                  assets[a].bonus > assets[pick].bonus))
                    pick = a;
            }
            double repaid = 0, written_off = 0;
            if (pick == k) { // nothing left to seize: the debt is bad
                written_off = debt[i];
                debt[i] = 0;
            } else {
                rules seized_rules = r.liquidation;
                seized_rules.bonus = assets[pick].bonus;
                seized_rules.max_bonus = std::max(seized_rules.max_bonus, assets[pick].bonus);
                const double bonus = bonus_at(seized_rules, h);
                const double f = close_fraction(seized_rules, h, assets[pick].threshold, bonus);
                const liquidation<double> l =
                    liquidate(held[pick], debt[i], oracle[pick], f, bonus);
                // liquidate() writes off a position whose collateral runs out; here only the
                // seized asset may have, so keep the rest of the debt while others remain.
                held[pick] = l.collateral_left;
                sold[pick] += l.seized;
                repaid = l.repaid;
                debt[i] -= l.repaid;
                bool empty = true;
                for (std::size_t a = 0; a < k; ++a)
                    empty = empty && !(held[a] > 0);
                if (empty && debt[i] > 0) {
                    written_off = debt[i];
                    debt[i] = 0;
                }
            }
            ++rec.liquidations;
            rec.debt_repaid += repaid;
            rec.bad_debt += written_off;
        }
        rec.oracle_price = oracle;
        rec.collateral_sold = sold;
        rec.proceeds.assign(k, 0);
        rec.price.resize(k);
        for (std::size_t a = 0; a < k; ++a) {
            const double e = paths[a].price(s);
            if (sold[a] > 0)
                rec.proceeds[a] = market[a].sell(e, sold[a]);
            rec.price[a] = market[a].price(e);
            out.collateral_sold[a] += sold[a];
            out.proceeds[a] += rec.proceeds[a];
            out.final_price[a] = rec.price[a];
        }
        out.liquidations += rec.liquidations;
        out.debt_repaid += rec.debt_repaid;
        out.bad_debt += rec.bad_debt;
        out.steps.push_back(std::move(rec));
    }
    if (!final_collateral.empty())
        std::copy(collateral.begin(), collateral.end(), final_collateral.begin());
    if (!final_debt.empty())
        std::copy(debt.begin(), debt.end(), final_debt.begin());
    return out;
}

} // namespace spiral::cascade
