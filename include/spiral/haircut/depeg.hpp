// haircut::depeg — a jump haircut for collateral pegged to another asset: liquid staking and
// restaking tokens (stETH against ETH), wrapped and bridged tokens, stablecoins, synthetic and
// interest-bearing receipts. The peg can break: a jump loss on top of the diffusive moves.
/// \file
/// \ingroup haircut
/// \brief haircut::depeg: a jump haircut for collateral pegged to another asset.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/kernel.hpp>

namespace spiral::haircut {

/// Loss over the horizon L = D + J B: a normal diffusive fall D with standard deviation
/// sigma sqrt(tau) (sigma = c.volatility, tau = horizon_days / days_per_year) plus a depeg of
/// size J = jump_size that happens (B = 1) with probability p = jump_probability within the
/// horizon, independently of D. The haircut charges the diffusive quantile plus the jump's
/// expected shortfall at the same confidence alpha:
///   H = z sigma sqrt(tau) + J min(1, p / (1 - alpha)),   clamped to [0, 1],
/// z = Phi^-1(alpha) (below 1/2: the first term is 0). ES_alpha(J B) = J min(1, p / (1 - alpha))
/// is the mean loss of the jump over the worst (1 - alpha) of outcomes: all of J once the
/// depeg is at least as likely as 1 - alpha, and a pro-rata share of it below that, so a rare
/// depeg is still charged and H moves continuously with p (the alpha-quantile of L alone jumps
/// from about z sigma sqrt(tau) to about J where p crosses 1 - alpha, and is not monotone in
/// sigma near there).
/// Properties: H is an upper bound of the alpha-quantile of L: exactly so for p >= 1 - alpha
/// (P(L > J + z s) <= (1 - p)(1 - alpha) + p (1 - alpha)), and checked numerically over
/// generated inputs with alpha >= 1/2 for p < 1 - alpha. H = the `volatility` haircut for J = 0
/// or p = 0, and J + z sigma sqrt(tau) for p = 1. Non-decreasing in sigma, the horizon, J, p
/// and the confidence. Reads c.volatility only; NaN there gives NaN.
struct depeg {
    double jump_size;           ///< J: fraction of value lost when the peg breaks, in [0, 1]
    double jump_probability;    ///< p: probability that it breaks within the horizon, in [0, 1]
    double confidence = 0.99;   ///< Confidence level of the quantile, in (0, 1).
    double horizon_days = 1;    ///< Holding period in days (>= 0).
    double days_per_year = 365; ///< Days per year: converts the horizon to years.

    /// The jump's expected shortfall J min(1, p / (1 - alpha)).
    SPIRAL_HD constexpr double jump_charge() const noexcept {
        return jump_size * spiral::min(1.0, jump_probability / (1.0 - confidence));
    }

    /// The per-row kernel: clamp(jump_charge() + z sqrt(tau) sigma), its constants computed once.
    SPIRAL_HD constexpr detail::affine_in_volatility prepare() const noexcept {
        return {jump_charge(), detail::diffusive_scale(confidence, horizon_days, days_per_year)};
    }

    /// The haircut of `c`, a fraction in [0, 1].
    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T operator()(const collateral<T>& c) const noexcept {
        return prepare()(c);
    }

    /// jump_size and jump_probability in [0, 1]; confidence in (0, 1); horizon_days finite and
    /// >= 0; days_per_year finite and > 0.
    void validate() const {
        constexpr auto what = "haircut::depeg";
        detail::require_in_unit_interval(what, "jump_size", jump_size);
        detail::require_in_unit_interval(what, "jump_probability", jump_probability);
        detail::require_horizon(what, confidence, horizon_days, days_per_year);
    }
};

} // namespace spiral::haircut
