// cascade::book — a book of leveraged positions on one collateral asset, and its validation.
#pragma once

#include <spiral/core/error.hpp>

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace spiral::cascade {

/// Positions as columns, one row each: collateral (asset units) backing debt (quote currency),
/// liquidatable when collateral * price * threshold < debt.
struct book {
    std::vector<double> collateral, debt, threshold;

    std::size_t size() const noexcept { return collateral.size(); }

    /// Throws spiral::invalid_argument on mismatched column sizes, collateral or debt negative
    /// or not finite, or a threshold outside (0, 1], naming the column and row. An empty book is
    /// valid.
    void validate() const;
};

namespace detail {

inline void check_book_columns(std::string_view what, std::size_t rows, std::size_t debt_rows,
                               std::size_t threshold_rows) {
    const std::string equal = "must equal collateral.size() = " + std::to_string(rows);
    if (debt_rows != rows)
        spiral::detail::throw_invalid(what, "debt.size()", spiral::detail::no_row, debt_rows,
                                      equal);
    if (threshold_rows != rows)
        spiral::detail::throw_invalid(what, "threshold.size()", spiral::detail::no_row,
                                      threshold_rows, equal);
}

inline void check_amount(std::string_view what, std::string_view field, std::size_t row, double v) {
    if (!(v >= 0 && v < std::numeric_limits<double>::infinity())) // NaN fails too
        spiral::detail::throw_invalid(what, field, row, v, "must be >= 0 and finite");
}

inline void check_threshold(std::string_view what, std::string_view field, std::size_t row,
                            double v) {
    if (!(v > 0 && v <= 1))
        spiral::detail::throw_invalid(what, field, row, v, "must be in (0, 1]");
}

inline void validate_book(std::string_view what, const book& b) {
    const std::size_t n = b.collateral.size();
    check_book_columns(what, n, b.debt.size(), b.threshold.size());
    for (std::size_t i = 0; i < n; ++i) {
        check_amount(what, "collateral", i, b.collateral[i]);
        check_amount(what, "debt", i, b.debt[i]);
        check_threshold(what, "threshold", i, b.threshold[i]);
    }
}

/// Shared checks of simulate's scalar arguments.
inline void validate_market(std::string_view what, double price, double shock) {
    if (!(price > 0 && price < std::numeric_limits<double>::infinity()))
        spiral::detail::throw_invalid(what, "price", spiral::detail::no_row, price,
                                      "must be > 0 and finite");
    if (!(shock >= 0 && shock < 1))
        spiral::detail::throw_invalid(what, "shock", spiral::detail::no_row, shock,
                                      "must be in [0, 1)");
}

} // namespace detail

inline void book::validate() const {
    detail::validate_book("cascade::book", *this);
}

} // namespace spiral::cascade
