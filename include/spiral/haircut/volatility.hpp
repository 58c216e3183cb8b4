// haircut::volatility — the price fall a normal diffusion reaches at a confidence level.
/// \file
/// \ingroup haircut
/// \brief haircut::volatility: the price fall a normal diffusion reaches at a confidence level.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/real.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/kernel.hpp>

namespace spiral::haircut {

/// H = z * sigma * sqrt(horizon_days / days_per_year), clamped to [0, 1], with
/// z = Phi^-1(confidence) (spiral::norm_quantile; a confidence below 1/2 gives H = 0) and
/// sigma = c.volatility (annualised). The one-sided quantile of a normal return over the
/// holding period: the VaR haircut of Basel II paragraph 156 (99%, own estimates) and of most
/// exchanges' and lending protocols' volatility-based collateral rules.
/// Reads c.volatility only; NaN there gives NaN.
struct volatility {
    double confidence = 0.99;   ///< Confidence level of the quantile, in (0, 1).
    double horizon_days = 1;    ///< Holding period in days (>= 0).
    double days_per_year = 365; ///< Days per year: converts the horizon to years.

    /// The prepared form: clamp(scale * sigma), scale = z * sqrt(h / days) computed once.
    SPIRAL_HD constexpr detail::affine_in_volatility prepare() const noexcept {
        return {0.0, detail::diffusive_scale(confidence, horizon_days, days_per_year)};
    }

    /// The haircut of `c`, a fraction in [0, 1].
    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T operator()(const collateral<T>& c) const noexcept {
        return prepare()(c);
    }

    /// confidence in (0, 1); horizon_days finite and >= 0; days_per_year finite and > 0.
    void validate() const {
        detail::require_horizon("haircut::volatility", confidence, horizon_days, days_per_year);
    }
};

} // namespace spiral::haircut
