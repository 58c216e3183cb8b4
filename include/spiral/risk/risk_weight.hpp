// Per-asset risk weights from an asset's volatility and its correlation to a market factor.
//
// Standard library only (part of <spiral/spiral.hpp>); one template per formula for float,
// double and xsimd batches.
/// \file
/// \ingroup risk
/// \brief Per-asset risk weights from an asset's volatility and its correlation to a market factor.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>
#include <spiral/haircut/volatility.hpp>

namespace spiral::risk {

/// The stress a risk weight is computed for: the market factor falls to its `confidence`
/// quantile over `horizon_days`; the asset's own (idiosyncratic) part is taken at
/// `idiosyncratic_confidence` (1/2: its median, i.e. no idiosyncratic stress).
struct stress_horizon {
    double confidence = 0.99;              ///< Quantile of the market factor, in (0.5, 1).
    double idiosyncratic_confidence = 0.5; ///< Quantile of the asset's own part, in [0.5, 1).
    double horizon_days = 1;               ///< Stress horizon in days (>= 0).
    double days_per_year = 365;            ///< Days per year: converts the horizon to years.

    /// sqrt(horizon_days / days_per_year).
    SPIRAL_HD constexpr double time_scale() const noexcept {
        return spiral::sqrt(horizon_days / days_per_year);
    }

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        constexpr const char* what = "stress_horizon";
        if (!(confidence > 0.5 && confidence < 1))
            spiral::detail::throw_invalid(what, "confidence", spiral::detail::no_row, confidence,
                                          "must be in (0.5, 1)");
        if (!(idiosyncratic_confidence >= 0.5 && idiosyncratic_confidence < 1))
            spiral::detail::throw_invalid(what, "idiosyncratic_confidence", spiral::detail::no_row,
                                          idiosyncratic_confidence, "must be in [0.5, 1)");
        if (!(horizon_days >= 0 && horizon_days < 1e300))
            spiral::detail::throw_invalid(what, "horizon_days", spiral::detail::no_row,
                                          horizon_days, "must be finite and >= 0");
        if (!(days_per_year > 0 && days_per_year < 1e300))
            spiral::detail::throw_invalid(what, "days_per_year", spiral::detail::no_row,
                                          days_per_year, "must be finite and > 0");
    }
};

/// Beta-based weight: the asset's expected fall when the market factor falls to its
/// confidence quantile, beta * (z sigma_m sqrt(h)) = z rho sigma sqrt(h) with
/// beta = rho sigma / sigma_m; clamped to [0, 1]. A negatively correlated asset gets 0.
/// `vol` annualised; `rho` the asset's correlation with the market factor. NaN in, NaN out.
template <real T>
SPIRAL_HD constexpr T beta_risk_weight(T vol, T rho, const stress_horizon& s) noexcept {
    const T z = spiral::splat<T>(norm_quantile(s.confidence) * s.time_scale());
    return spiral::clamp(z * rho * vol, T(0), T(1));
}

/// Quantile-based weight: the asset's return quantile when the market factor sits at its
/// confidence quantile and the asset's own part at idiosyncratic_confidence, in a
/// one-factor normal model r = rho z_m + sqrt(1 - rho^2) z_i (times sigma sqrt(h)):
///   w = clamp((rho z(confidence) + sqrt(1 - rho^2) z(idiosyncratic)) sigma sqrt(h), 0, 1).
/// idiosyncratic_confidence = 1/2 gives the beta weight; rho = 1 the stand-alone quantile.
template <real T>
SPIRAL_HD constexpr T quantile_risk_weight(T vol, T rho, const stress_horizon& s) noexcept {
    using S = scalar_t<T>;
    const T zm = T(static_cast<S>(norm_quantile(s.confidence)));
    const T zi = T(static_cast<S>(norm_quantile(s.idiosyncratic_confidence)));
    const T h = T(static_cast<S>(s.time_scale()));
    const T idio = spiral::sqrt(spiral::max(T(0), T(1) - rho * rho));
    return spiral::clamp((rho * zm + idio * zi) * vol * h, T(0), T(1));
}

/// Stand-alone weight: z(confidence) sigma sqrt(h), clamped to [0, 1]: the volatility
/// haircut of the same stress (haircut::volatility).
template <real T>
SPIRAL_HD constexpr T standalone_risk_weight(T vol, const stress_horizon& s) noexcept {
    const haircut::volatility haircut{s.confidence, s.horizon_days, s.days_per_year};
    return haircut(collateral<T>{T(0), T(0), vol});
}

} // namespace spiral::risk
