// The impact_curve concept: what selling a cumulative quantity q does to the price.
/// \file
/// \ingroup impact
/// \brief The impact_curve concept: what selling a cumulative quantity q does to the price.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/real.hpp>

#include <concepts>

namespace spiral {

/// A price-impact curve over the cumulative quantity sold `q` (asset units), relative to the
/// pre-trade price:
///   price_factor(q) — the market price after selling q (what an oracle reading the venue
///                     sees), divided by the pre-trade price; in (0, 1] or 0 once the
///                     curve's liquidity is exhausted, non-increasing in q;
///   proceeds(q)     — what the seller receives for selling q, fees deducted, divided by the
///                     pre-trade price.
/// Fee-free curves: proceeds(q) is exactly the integral of price_factor from 0 to q. Curves
/// with a fee: proceeds(q) <= that integral, the difference being what the fee takes; their
/// `marginal_price(q)` (d proceeds / dq, the next unit's execution price) lies below
/// price_factor(q). See spiral::marginal_price for any curve.
template <class C, class T>
concept impact_curve = requires(const C& c, T q) {
    { c.price_factor(q) } -> std::convertible_to<T>;
    { c.proceeds(q) } -> std::convertible_to<T>;
};

/// d proceeds / dq at q: what the next unit sold fetches (fees deducted), relative to the
/// pre-trade price. The curve's own `marginal_price` where it has one (the fee curves);
/// otherwise its price_factor, which is that derivative on a fee-free curve.
SPIRAL_HD_TEMPLATE
template <class C, real T>
requires impact_curve<C, T> SPIRAL_HD constexpr T marginal_price(const C& curve, T q) noexcept {
    if constexpr (requires { curve.marginal_price(q); })
        return curve.marginal_price(q);
    else
        return curve.price_factor(q);
}

/// proceeds(q) / q for q > 0: the average execution price of selling q at once (fees
/// deducted), relative to the pre-trade price. The curve's own `average_price` where it has one
/// (one division fewer, and no rounding of proceeds before it); otherwise the quotient.
SPIRAL_HD_TEMPLATE
template <class C, real T>
requires impact_curve<C, T> SPIRAL_HD constexpr T average_price(const C& curve, T q) noexcept {
    if constexpr (requires { curve.average_price(q); })
        return curve.average_price(q);
    else
        return T(curve.proceeds(q)) / q;
}

} // namespace spiral
