// Delta–gamma–vega margin: the loss of an option position over a price and volatility move
// from its Greeks (a second-order Taylor expansion in the price, first order in the vol), and
// the same loss by full Black–Scholes revaluation, so the two can be compared.
//
//   Taylor   P&L ~ q (delta dS + gamma dS^2 / 2 + vega dvol)
//   full     P&L  = q (V(S + dS, vol + dvol) - V(S, vol))
//
// The expansion is the "delta-gamma-vega" approximation of RiskMetrics and of the sensitivity
// based margin models (e.g. ISDA SIMM's delta, vega and curvature terms). It fails where the
// option's payoff curvature changes over the move: short options near expiry and at the money
// (gamma concentrated near the strike), far out-of-the-money options under large moves, and
// large vol moves (volga and vanna are left out).
/// \file
/// \ingroup margin
/// \brief Delta–gamma–vega margin, and the same loss by full Black–Scholes revaluation.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/margin/checks.hpp>
#include <spiral/options/black_scholes.hpp>

namespace spiral::margin {

/// Taylor P&L of `quantity` options with Greeks `g` for a spot change `spot_change` (absolute,
/// quote currency) and a vol change `vol_change` (absolute, e.g. 0.05 = five vol points).
template <real T>
SPIRAL_HD constexpr T taylor_pnl(const greeks<T>& g, T quantity, T spot_change,
                                 T vol_change) noexcept {
    return quantity * (g.delta * spot_change + T(0.5) * g.gamma * spot_change * spot_change +
                       g.vega * vol_change);
}

/// Full-revaluation P&L of `quantity` options for the same move (vol floored at 0).
template <real T>
SPIRAL_HD constexpr T revaluation_pnl(option_type type, const bs_input<T>& in, T quantity,
                                      T spot_change, T vol_change) noexcept {
    bs_input<T> moved = in;
    moved.spot = in.spot + spot_change;
    moved.vol = spiral::max(T(0), in.vol + vol_change);
    return quantity * (black_scholes_price(type, moved) - black_scholes_price(type, in));
}

/// Margin of one option position as the worst loss over the nine moves
/// {-price_move, 0, +price_move} x {-vol_move, 0, +vol_move}, by the Taylor expansion and by
/// full revaluation.
struct delta_gamma_vega {
    double price_move = 0.15; ///< relative move of the underlying (0.15 = 15%)
    double vol_move = 0.10;   ///< absolute move of the vol (0.10 = ten vol points)

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        constexpr auto what = "margin::delta_gamma_vega";
        detail::require_non_negative(what, "price_move", price_move);
        detail::require_non_negative(what, "vol_move", vol_move);
    }

    /// The worst loss by each method.
    template <class T>
    struct result {
        T taylor; ///< Worst loss (>= 0) by the delta-gamma-vega expansion, in quote units.
        T full;   ///< Worst loss (>= 0) by full Black–Scholes revaluation, in quote units.
    };

    /// Worst losses of `quantity` options; NaN in, NaN out.
    template <real T>
    SPIRAL_HD constexpr result<T> operator()(option_type type, const bs_input<T>& in,
                                             T quantity) const noexcept {
        const greeks<T> g = black_scholes(type, in);
        T taylor = T(0), full = T(0);
        for (int i = -1; i <= 1; ++i) {
            for (int j = -1; j <= 1; ++j) {
                const T ds = in.spot * spiral::splat<T>(i * price_move);
                const T dv = spiral::splat<T>(j * vol_move);
                taylor = spiral::max(taylor, -taylor_pnl(g, quantity, ds, dv));
                full = spiral::max(full, -revaluation_pnl(type, in, quantity, ds, dv));
            }
        }
        return {taylor, full};
    }
};

} // namespace spiral::margin
