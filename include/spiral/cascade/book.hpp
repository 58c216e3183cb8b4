// cascade::book — a book of leveraged positions on one collateral asset, and its validation.
/// \file
/// \ingroup cascade
/// \brief cascade::book: leveraged positions on one collateral asset, and its validation.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spiral::cascade {

/// Positions as columns, one row each: collateral (asset units) backing debt (quote currency),
/// liquidatable when collateral * price * threshold < debt.
struct book {
    std::vector<double> collateral; ///< Collateral of each position, in asset units (>= 0).
    std::vector<double> debt;       ///< Debt of each position, in quote currency (>= 0).
    std::vector<double> threshold;  ///< Liquidation threshold of each position, in (0, 1].

    /// The number of positions.
    std::size_t size() const noexcept { return collateral.size(); }

    /// Throws spiral::invalid_argument on mismatched column sizes, collateral or debt negative
    /// or not finite, or a threshold outside (0, 1], naming the column and row. An empty book is
    /// valid.
    void validate() const;
};

namespace detail {

inline void check_book_columns(std::string_view what, std::size_t rows, std::size_t debt_rows,
                               std::size_t threshold_rows) {
    spiral::detail::require_size(what, "debt", debt_rows, rows, "collateral");
    spiral::detail::require_size(what, "threshold", threshold_rows, rows, "collateral");
}

inline void check_amount(std::string_view what, std::string_view field, std::size_t row, double v) {
    spiral::detail::require(spiral::detail::non_negative, what, field, v, row);
}

/// Checks every amount of a column (each finite and >= 0) and that the column's totals stay
/// finite: one total, or `groups` interleaved ones (row i adds to total i % groups: the assets
/// of a multi-asset book). The engines report totals (collateral sold, debt repaid, bad debt)
/// that must not overflow; the row named is the one whose amount makes its total infinite.
inline void check_amounts(std::string_view what, std::string_view field,
                          std::span<const double> column, std::size_t groups = 1) {
    std::vector<double> total(groups == 0 ? 1 : groups, 0.0);
    for (std::size_t i = 0; i < column.size(); ++i) {
        check_amount(what, field, i, column[i]);
        double& sum = total[i % total.size()];
        sum += column[i];
        if (!(sum <= spiral::detail::scalar_limits<double>::max)) [[unlikely]]
            spiral::detail::throw_invalid(what, field, i, column[i],
                                          "makes the column's total overflow the largest double");
    }
}

/// A liquidation threshold: in (0, 1].
inline constexpr spiral::detail::domain threshold_domain = spiral::detail::in_left_open(0, 1);

inline void check_threshold(std::string_view what, std::string_view field, std::size_t row,
                            double v) {
    spiral::detail::require(threshold_domain, what, field, v, row);
}

/// Checks the book row by row, naming the first bad column and row.
inline void validate_book(std::string_view what, const book& b) {
    const std::size_t n = b.collateral.size();
    check_book_columns(what, n, b.debt.size(), b.threshold.size());
    check_amounts(what, "collateral", b.collateral);
    check_amounts(what, "debt", b.debt);
    for (std::size_t i = 0; i < n; ++i)
        check_threshold(what, "threshold", i, b.threshold[i]);
}

/// The same checks, for the engines that carry a CPU target (`Target`, their bulk_target): a
/// vectorised quick test of each whole column first (every amount in [0, inf) with a sum under
/// half the largest double, so that no total of the engines overflows in any order; every
/// threshold in (0, 1]); only when one fails, the row-by-row checks above, which name the row.
template <class Target>
void validate_book(std::string_view what, const book& b, Target target) {
    using spiral::detail::column_within;
    using spiral::detail::summarise_column;
    check_book_columns(what, b.collateral.size(), b.debt.size(), b.threshold.size());
    constexpr double most = spiral::detail::scalar_limits<double>::max / 2;
    const auto amounts_pass = [&](std::span<const double> column) {
        const spiral::detail::column_summary s = summarise_column(column, target);
        return column_within(spiral::detail::non_negative, s) && s.sum <= most;
    };
    if (amounts_pass(b.collateral) && amounts_pass(b.debt) &&
        column_within(threshold_domain, summarise_column(b.threshold, target)))
        return;
    validate_book(what, b);
}

/// The smallest price the engines take: the smallest normal double. Below it a price has
/// lost bits, and a price that rounds to 0 would seize every position for nothing.
inline constexpr double smallest_price = 2.2250738585072014e-308;

/// Checks a market price and its shock, named `price_field` and `shock_field` (with `row` for
/// one asset of several): the price finite and >= smallest_price, the shock in [0, 1), and the
/// shocked price price * (1 - shock) >= smallest_price.
inline void check_market(std::string_view what, std::string_view price_field,
                         std::string_view shock_field, double price, double shock,
                         std::size_t row = spiral::detail::no_row) {
    using namespace spiral::detail;
    require(at_least(smallest_price), what, price_field, price, row);
    require(in_right_open(0, 1), what, shock_field, shock, row);
    if (!(price * (1 - shock) >= smallest_price)) [[unlikely]]
        throw_invalid(
            what, shock_field, row, shock,
            "leaves a shocked price price * (1 - shock) = " + bound_text(price * (1 - shock)) +
                " below the smallest normal " + bound_text(smallest_price));
}

/// Shared checks of simulate's scalar arguments.
inline void validate_market(std::string_view what, double price, double shock) {
    check_market(what, "price", "shock", price, shock);
}

} // namespace detail

inline void book::validate() const {
    detail::validate_book("cascade::book", *this);
}

} // namespace spiral::cascade
