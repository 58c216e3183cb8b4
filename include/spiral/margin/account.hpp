// Collateral accounts of lending protocols and margin venues (Aave/Compound style): health
// factor, borrowing power, liquidation price and distance to liquidation.
//
//   health factor     h = sum_i q_i p_i t_i / debt         (t_i: liquidation threshold)
//   borrowing power   b = sum_i q_i p_i l_i - debt         (l_i: loan-to-value, l_i < t_i)
//   liquidation price of asset k, the other prices held:
//                     p_k* = (debt - sum_{i != k} q_i p_i t_i) / (q_k t_k)
//   distance to liquidation  d = 1 - p_k* / p_k             (the fall of p_k that makes h = 1)
// The account is liquidatable when h < 1. Aave v3 documents the same health factor and
// borrowing rule (LTV below the liquidation threshold, so a new loan never starts liquidatable).
/// \file
/// \ingroup margin
/// \brief Collateral accounts: health factor, borrowing power, liquidation price and distance.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/margin/checks.hpp>

#include <cstddef>
#include <span>

namespace spiral::margin {

/// Health factor of collateral worth `weighted_collateral` (already times thresholds) against
/// `debt`: +inf for debt 0 (nothing can be liquidated), NaN in, NaN out.
template <real T>
SPIRAL_HD constexpr T health_factor(T weighted_collateral, T debt) noexcept {
    constexpr auto inf = spiral::detail::scalar_limits<scalar_t<T>>::infinity;
    return select(debt == T(0), T(inf), weighted_collateral / debt);
}

/// Price of one collateral asset (quantity q, threshold t) at which the health factor reaches
/// 1, the rest of the account (`other_weighted`: sum of q p t of the other assets) held fixed.
/// 0 when the other assets alone cover the debt (no price of this one liquidates the account).
template <real T>
SPIRAL_HD constexpr T liquidation_price(T quantity, T threshold, T debt,
                                        T other_weighted = T(0)) noexcept {
    return spiral::max(T(0), (debt - other_weighted) / (quantity * threshold));
}

/// Fraction by which the price may fall before liquidation: 1 - liquidation_price / price
/// (negative: already liquidatable; 1: never).
template <real T>
SPIRAL_HD constexpr T distance_to_liquidation(T price, T liquidation_price_value) noexcept {
    return T(1) - liquidation_price_value / price;
}

/// A multi-asset account: one row per collateral asset.
struct account_columns {
    std::span<const double> quantity{}; ///< Units of each asset held (>= 0).
    std::span<const double> price{};    ///< Price of each asset, in quote units.
    /// Each asset's liquidation threshold, a fraction of its value in [0, 1].
    std::span<const double> liquidation_threshold{};
    /// Each asset's loan-to-value for borrowing, below its threshold (may be empty).
    std::span<const double> loan_to_value{};
};

namespace detail {

inline constexpr std::string_view account_what = "margin::account";

/// Checks lengths, rows and debt; returns the number of assets.
inline std::size_t validate_account(const account_columns& a, double debt) {
    const std::size_t n = a.quantity.size();
    require_rows(account_what, "quantity", n);
    require_size(account_what, "price", a.price.size(), n, "quantity");
    require_size(account_what, "liquidation_threshold", a.liquidation_threshold.size(), n,
                 "quantity");
    if (!a.loan_to_value.empty())
        require_size(account_what, "loan_to_value", a.loan_to_value.size(), n, "quantity");
    require_non_negative(account_what, "debt", debt);
    for (std::size_t i = 0; i < n; ++i) {
        require_non_negative(account_what, "quantity", a.quantity[i], i);
        require_positive(account_what, "price", a.price[i], i);
        const double t = a.liquidation_threshold[i];
        if (!(t >= 0.0 && t <= 1.0))
            spiral::detail::throw_invalid(account_what, "liquidation_threshold", i, t,
                                          "must be in [0, 1]");
        if (!a.loan_to_value.empty()) {
            const double l = a.loan_to_value[i];
            if (!(l >= 0.0 && (l < t || l == 0.0)))
                spiral::detail::throw_invalid(account_what, "loan_to_value", i, l,
                                              "must be in [0, liquidation_threshold) or 0");
        }
    }
    return n;
}

inline double weighted_sum(std::span<const double> q, std::span<const double> p,
                           std::span<const double> w, std::size_t skip = no_row) noexcept {
    double sum = 0.0;
    for (std::size_t i = 0; i < q.size(); ++i)
        if (i != skip)
            sum += q[i] * (p[i] * w[i]); // a weight of 0 gives 0, even where q p overflows
    return sum;
}

} // namespace detail

/// sum q p t / debt over the account's assets (+inf without debt). Throws
/// spiral::invalid_argument for an empty account, mismatched columns, quantity < 0,
/// price <= 0, a threshold outside [0, 1], loan_to_value not below its threshold, debt < 0.
inline double health_factor(const account_columns& account, double debt) {
    detail::validate_account(account, debt);
    return health_factor(
        detail::weighted_sum(account.quantity, account.price, account.liquidation_threshold), debt);
}

/// sum q p l - debt: how much more may be borrowed (negative: over the borrowing limit).
/// Needs the loan_to_value column.
inline double borrowing_power(const account_columns& account, double debt) {
    detail::validate_account(account, debt);
    detail::require_size(detail::account_what, "loan_to_value", account.loan_to_value.size(),
                         account.quantity.size(), "quantity");
    return detail::weighted_sum(account.quantity, account.price, account.loan_to_value) - debt;
}

/// Price of asset `asset` at which the account's health factor is 1, the other prices held.
/// +inf when that asset has no weight (quantity or threshold 0) and the others do not cover
/// the debt: no price of it saves the account.
inline double liquidation_price(const account_columns& account, double debt, std::size_t asset) {
    const std::size_t n = detail::validate_account(account, debt);
    if (asset >= n)
        spiral::detail::throw_invalid(detail::account_what, "asset", detail::no_row, asset,
                                      "must be below the number of assets");
    const double others =
        detail::weighted_sum(account.quantity, account.price, account.liquidation_threshold, asset);
    const double weight = account.quantity[asset] * account.liquidation_threshold[asset];
    if (weight == 0.0)
        return others >= debt ? 0.0 : detail::infinity;
    return liquidation_price(account.quantity[asset], account.liquidation_threshold[asset], debt,
                             others);
}

} // namespace spiral::margin
