// cascade::prepared_book — a book sorted once by liquidation price, for many fast cascades.
/// \file
/// \ingroup cascade
/// \brief cascade::prepared_book: a book sorted once by liquidation price, for many fast cascades.
#pragma once

#include <spiral/cascade/book.hpp>
#include <spiral/cascade/position.hpp>
#include <spiral/core/target.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace spiral::cascade {

/// A validated book with its positions ordered by liquidation price, highest first (ties:
/// lower book row first). A cascade then touches only the positions its prices reach: the
/// ones at the front, down to the lowest oracle price of the cascade. Build it once (a sort,
/// O(n log n)) and run any number of shocks, curves and rule sets on it.
class prepared_book {
public:
    prepared_book() = default;

    /// Validates `b` (spiral::invalid_argument naming column and row) and sorts it. The last
    /// parameter only puts the CPU target into the constructor's type: its loops are
    /// vectorised for the target the translation unit is built for, and two units built for
    /// different targets must not share one definition (see core/target.hpp).
    explicit prepared_book(const book& b, bulk_target target = {}) {
        detail::validate_book("cascade::prepared_book", b, target);
        const std::size_t n = b.size();
        // Rows are stored as 32-bit indices to halve the sort's traffic.
        if (n > std::numeric_limits<std::uint32_t>::max())
            spiral::detail::throw_invalid("cascade::prepared_book", "collateral.size()",
                                          spiral::detail::no_row, n, "must be < 2^32");
        std::vector<std::pair<double, std::uint32_t>> order(n);
        for (std::size_t i = 0; i < n; ++i)
            order[i] = {key(b.collateral[i], b.debt[i], b.threshold[i]),
                        static_cast<std::uint32_t>(i)};
        std::sort(order.begin(), order.end(), [](const auto& x, const auto& y) {
            return x.first > y.first || (x.first == y.first && x.second < y.second);
        });
        liquidation_price_.resize(n);
        collateral_.resize(n);
        debt_.resize(n);
        threshold_.resize(n);
        row_.resize(n);
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t i = order[k].second;
            liquidation_price_[k] = order[k].first;
            collateral_[k] = b.collateral[i];
            debt_[k] = b.debt[i];
            threshold_[k] = b.threshold[i];
            row_[k] = order[k].second;
            total_debt_ += b.debt[i];
            total_collateral_ += b.collateral[i];
            indebted_ += b.debt[i] > 0 ? 1 : 0;
        }
    }

    /// The number of positions.
    std::size_t size() const noexcept { return row_.size(); }
    /// True for a book without positions.
    bool empty() const noexcept { return row_.empty(); }

    /// Position k of the order (k = 0: the highest liquidation price).
    std::span<const double> liquidation_price() const noexcept { return liquidation_price_; }
    /// The collateral of position k of the order, in asset units.
    std::span<const double> collateral() const noexcept { return collateral_; }
    /// The debt of position k of the order, in quote currency.
    std::span<const double> debt() const noexcept { return debt_; }
    /// The liquidation threshold of position k of the order.
    std::span<const double> threshold() const noexcept { return threshold_; }
    /// The book row of position k.
    std::span<const std::uint32_t> row() const noexcept { return row_; }

    /// Positions with debt: the first indebted() of the order (the rest can never be liquidated).
    std::size_t indebted() const noexcept { return indebted_; }
    /// The book's debt, in quote currency.
    double total_debt() const noexcept { return total_debt_; }
    /// The book's collateral, in asset units.
    double total_collateral() const noexcept { return total_collateral_; }

    /// The sort key: liquidation price, 0 without debt (never liquidated), +inf for debt with
    /// no collateral (liquidated at any price).
    static double key(double collateral, double debt, double threshold) noexcept {
        return debt > 0 ? cascade::liquidation_price(collateral, debt, threshold) : 0.0;
    }

private:
    std::vector<double> liquidation_price_, collateral_, debt_, threshold_;
    std::vector<std::uint32_t> row_;
    double total_debt_ = 0, total_collateral_ = 0;
    std::size_t indebted_ = 0;
};

} // namespace spiral::cascade
