// Combinator: transient impact that decays between trades (Obizhaeva–Wang resilience).
/// \file
/// \ingroup impact
/// \brief Combinator: transient impact that decays between trades (Obizhaeva–Wang resilience).
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/impact/curve.hpp>
#include <spiral/impact/detail.hpp>

namespace spiral::impact {

/// A curve whose liquidity refills over time, after Obizhaeva and Wang (2013), "Optimal
/// trading strategy and supply/demand dynamics", J. Financial Markets 16(1): the book
/// recovers exponentially at rate `rho`. The state is the `displaced` volume D: the quantity
/// sold into the curve whose impact has not yet decayed. Trading q moves along the curve from
/// D to D + q; between trades D decays as D exp(-rho dt). Relative to the undisturbed price:
///
///   price_factor(q) = curve.price_factor(D + q)               (next unit after selling q more)
///   proceeds(q)     = curve.proceeds(D + q) - curve.proceeds(D)
///
/// so price_factor(0) = curve.price_factor(D) < 1 while earlier sales still weigh on the price.
/// With rho = 0 the impact is permanent; rho -> inf gives a fresh curve for every trade. This
/// is what makes a cascade's liquidation speed matter: the same total sold in fast rounds gets
/// less than in slow ones. Write `impact::resilient{curve, rho}` (deduction guide).
/// Precision: proceeds is a difference of two values of curve.proceeds, so its error is a few
/// ulps of curve.proceeds(D), not of the (smaller) difference, when q << D; it is kept within
/// [0, q price_factor(0)], where the exact value lies.
template <class C>
struct resilient {
    C curve{};            ///< The curve whose impact decays.
    double rho = 0;       ///< recovery rate per unit of time, >= 0
    double displaced = 0; ///< D, >= 0

    /// The market price after selling `q` (asset units), relative to the pre-trade price.
    SPIRAL_HD_TEMPLATE
    template <real T>
    requires impact_curve<C, T> SPIRAL_HD constexpr T price_factor(T q) const noexcept {
        return curve.price_factor(detail::splat<T>(displaced) + q);
    }

    /// What selling `q` (asset units) fetches, fees deducted, relative to the pre-trade price.
    SPIRAL_HD_TEMPLATE
    template <real T>
    requires impact_curve<C, T> SPIRAL_HD constexpr T proceeds(T q) const noexcept {
        const T before = detail::splat<T>(displaced);
        const T difference = curve.proceeds(before + q) - curve.proceeds(before);
        // Within [0, q price_factor(0)], which the exact value never leaves (the curve only
        // falls): the difference's rounding, ulps of proceeds(D), may (q << D).
        return spiral::clamp(difference, T(0), q * curve.price_factor(before));
    }

    /// d proceeds / dq at `q`: the next unit's execution price, relative to the pre-trade price.
    SPIRAL_HD_TEMPLATE
    template <real T>
    requires impact_curve<C, T> SPIRAL_HD constexpr T marginal_price(T q) const noexcept {
        return spiral::marginal_price(curve, detail::splat<T>(displaced) + q);
    }

    /// Sells q now: returns proceeds(q) and adds q to the displaced volume.
    SPIRAL_HD_TEMPLATE
    SPIRAL_HD constexpr double trade(double q) noexcept {
        const double received = proceeds(q);
        displaced += q;
        return received;
    }

    /// Lets time dt pass: D <- D exp(-rho dt).
    SPIRAL_HD constexpr void decay(double dt) noexcept { displaced *= spiral::exp(-rho * dt); }

    /// Throws spiral::invalid_argument unless rho and displaced are non-negative and finite;
    /// then validates the wrapped curve, if it has a `validate()`.
    void validate() const {
        detail::require_non_negative("impact::resilient", "rho", rho);
        detail::require_non_negative("impact::resilient", "displaced", displaced);
        if constexpr (requires { curve.validate(); })
            curve.validate();
    }
};

/// Deduction guide: `resilient{curve, rho}`.
template <class C>
resilient(C, double) -> resilient<C>;
/// Deduction guide: `resilient{curve, rho, displaced}`.
template <class C>
resilient(C, double, double) -> resilient<C>;

} // namespace spiral::impact
