// haircut::liquidity — the cost of selling the whole holding into an impact curve.
/// \file
/// \ingroup haircut
/// \brief haircut::liquidity: the cost of selling the whole holding into an impact curve.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/kernel.hpp>
#include <spiral/impact/curve.hpp>

namespace spiral::haircut {

/// H = 1 - proceeds(q) / q with q = c.quantity (asset units, the curve's units), clamped to
/// [0, 1]; H = 0 for q = 0. proceeds(q) / q is the average execution price of selling the whole
/// holding at once, relative to the pre-trade price, so H is the liquidation discount: what the
/// holding loses to price impact if it has to be sold. Non-decreasing in q for every curve
/// whose marginal price is non-increasing (an average of a non-increasing function over [0, q]
/// falls as q grows). Reads c.quantity only; NaN there gives NaN.
///
/// `Curve` is any spiral::impact_curve (e.g. `impact::exponential{alpha}`); written
/// `liquidity{curve}`. Batches work when the curve's functions accept them.
template <class Curve>
struct liquidity {
    Curve curve; ///< The impact curve the holding is sold into.

    /// The liquidation discount of selling `c.quantity` at once, a fraction in [0, 1].
    SPIRAL_HD_TEMPLATE
    template <real T>
    requires impact_curve<Curve, T> SPIRAL_HD constexpr T
    operator()(const collateral<T>& c) const noexcept {
        const T q = c.quantity;
        const mask_t<T> nothing = q == T(0);
        const T q_safe = select(nothing, T(1), q); // keeps 0/0 out of the lanes that hold 0
        const T cost = T(1) - spiral::average_price(curve, q_safe);
        return select(nothing, T(0), detail::unit_clamp(cost));
    }

    /// The curve's own validate(), when it has one.
    void validate() const {
        if constexpr (requires { curve.validate(); })
            curve.validate();
    }
};

/// Deduction guide: `liquidity{curve}`.
template <class Curve>
liquidity(Curve) -> liquidity<Curve>;

} // namespace spiral::haircut
