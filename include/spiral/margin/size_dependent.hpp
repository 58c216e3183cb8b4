// Size-dependent (non-linear) margin: requirements that grow faster than the position, because
// closing a large position moves the price against the closer.
//
//   sqrt_size          rate(size) = max(base, factor sqrt(size))
//                      (the square-root impact law behind e.g. Eurex's and dYdX's large-position
//                      add-ons; size in units of the position, e.g. contracts)
//   open_interest_scaled  rate = base                       for share <= low_cap,
//                      base + (1 - base)(share - low_cap)/(high_cap - low_cap)  between,
//                      1 (100%: fully collateralised)        for share >= high_cap,
//                      share = size / open_interest (Mango/Drift-style OI-scaled initial margin)
//   leverage_brackets  tiered maintenance rates by notional (Binance / Bybit risk limits):
//                      MM(N) = N r_k - A_k for N in tier k = [floor_k, floor_{k+1}),
//                      A_k = A_{k-1} + floor_k (r_k - r_{k-1}), A_0 = 0,
//                      the "maintenance amount" that makes MM continuous at every tier edge
//                      (equivalently MM(N) = sum_k r_k * (the part of N inside tier k)).
/// \file
/// \ingroup margin
/// \brief Size-dependent (non-linear) margin: requirements that grow faster than the position.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/margin/checks.hpp>

#include <cstddef>
#include <span>

namespace spiral::margin {

/// rate = max(base, factor sqrt(size)), size >= 0 (|size| is used for short positions).
struct sqrt_size {
    double base = 0.05;    ///< Smallest rate, a fraction of the notional (>= 0).
    double factor = 0.001; ///< Rate per sqrt(unit of size) (>= 0).

    /// The margin rate of a position of `size` units, a fraction of its notional.
    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T rate(T size) const noexcept {
        using S = scalar_t<T>;
        return spiral::max(T(S(base)), T(S(factor)) * spiral::sqrt(spiral::abs(size)));
    }
    /// Requirement: |size| price rate(size).
    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T operator()(T size, T price) const noexcept {
        return spiral::abs(size) * price * rate(size);
    }

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        detail::require_non_negative("margin::sqrt_size", "base", base);
        detail::require_non_negative("margin::sqrt_size", "factor", factor);
    }
};

/// Initial-margin rate scaled by the position's share of open interest, linear from `base`
/// at `low_cap` to 1 at `high_cap`.
struct open_interest_scaled {
    double base = 0.1;      ///< Rate up to low_cap, a fraction of the notional, in [0, 1].
    double low_cap = 0.05;  ///< share of open interest up to which the base rate applies
    double high_cap = 0.25; ///< share from which the position is margined at 100%

    /// The rate of a position of `size` units in a market with `open_interest` units open.
    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T rate(T size, T open_interest) const noexcept {
        using S = scalar_t<T>;
        const T share = spiral::abs(size) / open_interest;
        const T t = spiral::clamp((share - T(S(low_cap))) / T(S(high_cap - low_cap)), T(0), T(1));
        return T(S(base)) + (T(1) - T(S(base))) * t;
    }

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        constexpr auto what = "margin::open_interest_scaled";
        detail::require_unit(what, "base", base);
        detail::require_non_negative(what, "low_cap", low_cap);
        if (!(high_cap > low_cap && high_cap < detail::infinity))
            spiral::detail::throw_invalid(what, "high_cap", detail::no_row, high_cap,
                                          "must be finite and > low_cap");
    }
};

/// One tier of a leverage-bracket table: from `notional_floor` up, maintenance rate
/// `maintenance_rate` (and the venue's `max_leverage`, informative).
struct bracket {
    double notional_floor;   ///< Notional from which the tier applies, in quote units.
    double maintenance_rate; ///< Maintenance margin rate, a fraction of the notional.
    double max_leverage;     ///< The venue's maximum leverage in the tier (informative).
};

/// A leverage-bracket table (tiers by ascending notional_floor, the first at 0, rates
/// non-decreasing). The span must outlive the object.
struct leverage_brackets {
    std::span<const bracket> tiers; ///< The tiers, by ascending notional_floor.

    /// Checks the table; throws naming the tier.
    void validate() const {
        constexpr auto what = "margin::leverage_brackets";
        detail::require_rows(what, "tiers", tiers.size());
        if (tiers[0].notional_floor != 0.0)
            spiral::detail::throw_invalid(what, "tiers.notional_floor", 0, tiers[0].notional_floor,
                                          "must be 0 for the first tier");
        for (std::size_t i = 0; i < tiers.size(); ++i) {
            detail::require_non_negative(what, "tiers.notional_floor", tiers[i].notional_floor, i);
            detail::require_unit(what, "tiers.maintenance_rate", tiers[i].maintenance_rate, i);
            // leverage below 1 would margin more than the notional (1e-310 gave inf)
            spiral::detail::require(spiral::detail::at_least(1), what, "tiers.max_leverage",
                                    tiers[i].max_leverage, i);
            if (i > 0 && !(tiers[i].notional_floor > tiers[i - 1].notional_floor))
                spiral::detail::throw_invalid(what, "tiers.notional_floor", i,
                                              tiers[i].notional_floor,
                                              "must exceed the previous tier's");
            if (i > 0 && !(tiers[i].maintenance_rate >= tiers[i - 1].maintenance_rate))
                spiral::detail::throw_invalid(what, "tiers.maintenance_rate", i,
                                              tiers[i].maintenance_rate,
                                              "must be >= the previous tier's");
        }
    }

    /// Index of the tier of `notional` (>= 0): the last with notional_floor <= notional.
    std::size_t tier(double notional) const noexcept {
        std::size_t k = 0;
        while (k + 1 < tiers.size() && tiers[k + 1].notional_floor <= notional)
            ++k;
        return k;
    }

    /// The maintenance amount A_k of tier k (see the file comment).
    double maintenance_amount(std::size_t k) const noexcept {
        double amount = 0.0;
        for (std::size_t j = 1; j <= k && j < tiers.size(); ++j)
            amount += tiers[j].notional_floor *
                      (tiers[j].maintenance_rate - tiers[j - 1].maintenance_rate);
        return amount;
    }

    /// Maintenance margin of a position of notional |notional|: N r_k - A_k.
    double maintenance_margin(double notional) const noexcept {
        const double n = spiral::abs(notional);
        const std::size_t k = tier(n);
        return n * tiers[k].maintenance_rate - maintenance_amount(k);
    }

    /// Initial margin at the tier's maximum leverage: N / max_leverage_k.
    double initial_margin(double notional) const noexcept {
        const double n = spiral::abs(notional);
        return n / tiers[tier(n)].max_leverage;
    }
};

} // namespace spiral::margin
