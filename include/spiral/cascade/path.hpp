// cascade::run — a book of leveraged positions along an exogenous price path.
/// \file
/// \ingroup cascade
/// \brief cascade::run: a book of leveraged positions along an exogenous price path.
#pragma once

#include <spiral/cascade/book.hpp>
#include <spiral/cascade/detail/path_engine.hpp>
#include <spiral/cascade/detail/worst_first.hpp>
#include <spiral/cascade/market.hpp>
#include <spiral/cascade/path_result.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/path_workspace.hpp>
#include <spiral/cascade/position_columns.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/price_path.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/impact/curve.hpp>

#include <cstddef>
#include <limits>
#include <string_view>

namespace spiral::cascade {

namespace detail {

inline void check_outputs(std::string_view what, const position_columns& out, std::size_t n) {
    spiral::detail::require_size_or_empty(what, "final_positions.collateral", out.collateral.size(),
                                          n);
    spiral::detail::require_size_or_empty(what, "final_positions.debt", out.debt.size(), n);
}

template <class Path, class C, class Abi>
path_result run_path(const book_columns& b, const Path& path, const C& curve, const path_rules& pr,
                     const position_columns& out, path_scratch& ws) {
    path_engine<Path, C, Abi> engine(b, path, curve, pr, ws, out);
    path_result res;
    res.steps.reserve(path.steps());
    for (std::size_t k = 1; k <= path.steps(); ++k) {
        const step_record rec = engine.step(k);
        add_step(res, rec);
        res.steps.push_back(rec);
    }
    engine.finish();
    res.initial_collateral = engine.initial_collateral();
    res.initial_debt = engine.initial_debt();
    res.final_collateral = res.initial_collateral - res.collateral_seized;
    res.final_debt = res.initial_debt - res.debt_repaid - res.bad_debt - res.auction_debt;
    res.final_price = res.steps.empty() ? path.price(0) : res.steps.back().price;
    return res;
}

} // namespace detail

/// Runs the book along `path`: in each step k = 1, ..., path.steps()
///  1. the exogenous price moves to path.prices[k]; a recovering curve (impact::resilient)
///     recovers for the step's length; the market price is the exogenous price times the
///     curve's price_factor of what liquidations have sold (1 before the first sale);
///  2. the oracle shows a price by its rules (default: the market price at the start of the
///     step); the ratio of the collateral and debt oracle prices is what health uses;
///  3. every open position with health below 1 at that ratio is liquidated once, as in one
///     round of cascade::simulate (sizing, bonus, per-step caps from `pr.liquidation`);
///  4. the step's seized collateral is sold into the curve in one sale.
/// With a path that drops once and stays flat (`{price, price (1 - shock), ...}`) and the
/// default rules, step k is round k of simulate. Positions wait in buckets of liquidation
/// price, so a step costs the positions it reaches, never a pass over the book; bucketing a
/// fresh book costs two streaming passes (a prepared_book is read in its order).
/// Throws spiral::invalid_argument naming the field and index of bad input (the book, the
/// path, the rules, the curve's own validate()). When `final_positions` has non-empty spans
/// (each of the book's size) the book after the path is written there, in book row order.
template <impact_curve<double> C, class Abi = detail::engine_abi>
path_result run(const book& b, const price_path& path, const C& curve, const path_rules& pr,
                const position_columns& final_positions, path_workspace& ws) {
    constexpr std::string_view what = "cascade::run";
    detail::validate_book(what, b, Abi{});
    path.validate(what);
    pr.validate(path.prices.size());
    detail::validate_curve(curve);
    detail::check_outputs(what, final_positions, b.size());
    if (b.size() > std::numeric_limits<std::uint32_t>::max())
        spiral::detail::throw_invalid(what, "collateral.size()", spiral::detail::no_row, b.size(),
                                      "must be < 2^32");
    return detail::run_path<price_path, C, Abi>({b.collateral, b.debt, b.threshold}, path, curve,
                                                pr, final_positions, ws.scratch());
}

/// The same on a prepared book (validated once; read in its order).
template <impact_curve<double> C, class Abi = detail::engine_abi>
path_result run(const prepared_book& b, const price_path& path, const C& curve,
                const path_rules& pr, const position_columns& final_positions, path_workspace& ws) {
    constexpr std::string_view what = "cascade::run";
    path.validate(what);
    pr.validate(path.prices.size());
    detail::validate_curve(curve);
    detail::check_outputs(what, final_positions, b.size());
    return detail::run_path<price_path, C, Abi>({b.collateral(), b.debt(), b.threshold(), b.row()},
                                                path, curve, pr, final_positions, ws.scratch());
}

/// The same with a workspace of its own (allocated for this call).
template <impact_curve<double> C, class Abi = detail::engine_abi>
path_result run(const book& b, const price_path& path, const C& curve, const path_rules& pr = {},
                const position_columns& final_positions = {}) {
    path_workspace ws;
    return run<C, Abi>(b, path, curve, pr, final_positions, ws);
}

} // namespace spiral::cascade
