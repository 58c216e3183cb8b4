// Short positions (perpetual futures on Hyperliquid or dYdX, where the liability is the
// asset) as a book the cascade engines run: the same positions seen from the asset.
/// \file
/// \ingroup cascade
/// \brief Short positions (perpetual futures) as a book the cascade engines run.
#pragma once

#include <spiral/cascade/book.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/impact/constant_product.hpp>

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace spiral::cascade {

/// Short positions: `size` units of the asset owed, backed by `margin` in the quote currency
/// (the collateral posted plus what the short sold at entry: C + size * entry), liquidated
/// once the account value falls below `maintenance` times the notional:
/// margin - size p < maintenance size p, i.e. margin / ((1 + maintenance) size p) < 1.
struct short_positions {
    std::vector<double> margin;      ///< Margin of each position, in quote currency (>= 0).
    std::vector<double> size;        ///< Units of the asset each position owes (>= 0).
    std::vector<double> maintenance; ///< Maintenance rate of each position, in [0, 1).

    /// The number of positions.
    std::size_t size_of_book() const noexcept { return margin.size(); }

    /// Throws spiral::invalid_argument naming the column and row: sizes that differ, margin or
    /// size negative or not finite, maintenance not in [0, 1).
    void validate(std::string_view what = "cascade::short_positions") const {
        const std::size_t n = margin.size();
        spiral::detail::require_size(what, "size", size.size(), n, "margin");
        spiral::detail::require_size(what, "maintenance", maintenance.size(), n, "margin");
        for (std::size_t i = 0; i < n; ++i) {
            spiral::detail::require(spiral::detail::non_negative, what, "margin", margin[i], i);
            spiral::detail::require(spiral::detail::non_negative, what, "size", size[i], i);
            spiral::detail::require(spiral::detail::in_right_open(0, 1), what, "maintenance",
                                    maintenance[i], i);
        }
    }
};

/// The shorts seen from the asset, as a cascade::book: the collateral is the margin (quote
/// units, priced at 1/p in the asset), the debt is the asset owed, and the threshold
/// 1 / (1 + maintenance), so that health margin (1/p) threshold / size is below 1 exactly when
/// the exchange liquidates. Run it along inverse_prices(path) with a curve for buying the
/// asset (selling quote for it: inverse_pool for a constant-product pool): a liquidation
/// repays the asset owed and "sells" margin for it, which pushes the asset's price up.
inline book as_inverse_book(const short_positions& s) {
    s.validate();
    book b;
    b.collateral = s.margin;
    b.debt = s.size;
    b.threshold.resize(s.maintenance.size());
    for (std::size_t i = 0; i < s.maintenance.size(); ++i)
        b.threshold[i] = 1 / (1 + s.maintenance[i]);
    return b;
}

/// 1 / p for each price: the quote currency's price in the asset.
inline std::vector<double> inverse_prices(std::span<const double> prices) {
    std::vector<double> out(prices.size());
    for (std::size_t k = 0; k < prices.size(); ++k)
        out[k] = 1 / prices[k];
    return out;
}

/// The same pool seen from the quote currency: selling quote into it buys the asset.
inline impact::constant_product inverse_pool(const impact::constant_product& pool) {
    return {pool.quote_reserve, pool.base_reserve, pool.fee};
}

} // namespace spiral::cascade
