// haircut::wrong_way — collateral whose value moves with the exposure it secures.
/// \file
/// \ingroup haircut
/// \brief haircut::wrong_way: collateral whose value moves with the exposure it secures.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/kernel.hpp>

namespace spiral::haircut {

namespace detail {

/// Prepared wrong_way: H = clamp(scale * (sqrt(sc^2 + se^2 + 2 rho sc se) - se)).
struct wrong_way_kernel {
    double scale, exposure_volatility;

    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T operator()(const collateral<T>& c) const noexcept {
        const T se = spiral::splat<T>(exposure_volatility);
        // Both volatilities over the larger one, m (1 where both are 0): sc^2 at vol 1e155
        // would overflow, and a scale of 0 (confidence below 1/2) times inf is NaN.
        const T m = spiral::max(c.volatility, se);
        const T unit = select(m > T(0), m, T(1));
        const T sc = c.volatility / unit;
        const T se_unit = se / unit;
        // rho enters through monotone roundings only (a product with sc*se >= 0, a sum, the
        // square root), so H is non-decreasing in rho in floating point too, not just in
        // exact arithmetic. max(0, .) guards rho = -1, sc = se, where rounding could go below 0.
        const T variance = (sc * sc + se_unit * se_unit) + T(2) * c.correlation * (sc * se_unit);
        const T combined = spiral::sqrt(spiral::max(T(0), variance));
        // (combined - se) unit <= sc unit = the volatility (up to rounding): finite
        return unit_clamp(spiral::splat<T>(scale) * ((combined - se_unit) * unit));
    }
};

} // namespace detail

/// The collateral's share of the combined quantile of exposure and collateral:
///   H = z sqrt(tau) [ sqrt(sc^2 + 2 rho sc se + se^2) - se ],   clamped to [0, 1],
/// with z = Phi^-1(confidence) (below 1/2: H = 0), tau = horizon_days / days_per_year,
/// sc = c.volatility (the collateral's annualised volatility), se = exposure_volatility and
/// rho = c.correlation, the *wrong-way correlation*: the correlation between a fall in the
/// collateral's price and a rise in the exposure it secures.
///
/// Derivation. Over the horizon the secured party loses L = dE - dC per unit of collateral
/// value: the exposure's rise plus the collateral's fall, jointly normal with standard
/// deviations se sqrt(tau) and sc sqrt(tau) and correlation rho. The margin that covers L at the
/// confidence level is z sqrt(tau) sqrt(sc^2 + 2 rho sc se + se^2) (the variance of a sum,
/// as in the Basel/ISDA SIMM aggregation of correlated risks); the exposure's own margin,
/// charged elsewhere, is z sqrt(tau) se. H is the add-on over it: the part of the combined
/// requirement that the collateral causes (incremental VaR).
///   rho = 1 (same-asset wrong way: the collateral falls exactly when the exposure grows):
///       H = z sqrt(tau) sc, the full standalone `volatility` haircut; exposure margin plus
///       haircut is the independent sum z sqrt(tau) (se + sc), with no diversification credit.
///   rho = 0 (uncorrelated collateral, e.g. a tokenised treasury bill against a crypto
///       exposure): H = z sqrt(tau) (sqrt(sc^2 + se^2) - se) < the standalone haircut: credited.
///   rho < 0 (right-way, the collateral hedges the exposure): smaller still; 0 once
///       sc <= -2 rho se.
///   se = 0 (a fixed exposure such as a stablecoin loan): H = the `volatility` haircut.
/// H is non-decreasing in rho, in sc (strictly in the part above 0), in the horizon and in
/// the confidence. Reads c.volatility and c.correlation; NaN there gives NaN.
/// Numerics: the difference of the square root and se loses relative (not absolute) accuracy
/// when sc << se; the absolute error stays within a few ulps of z sqrt(tau) se.
struct wrong_way {
    double exposure_volatility; ///< annualised, as a fraction of the collateral's value
    double confidence = 0.99;   ///< Confidence level of the quantile, in (0, 1).
    double horizon_days = 1;    ///< Holding period in days (>= 0).
    double days_per_year = 365; ///< Days per year: converts the horizon to years.

    /// The per-row kernel, with z sqrt(tau) computed once.
    SPIRAL_HD constexpr detail::wrong_way_kernel prepare() const noexcept {
        return {detail::diffusive_scale(confidence, horizon_days, days_per_year),
                exposure_volatility};
    }

    /// The haircut of `c`, a fraction in [0, 1].
    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T operator()(const collateral<T>& c) const noexcept {
        return prepare()(c);
    }

    /// exposure_volatility finite and >= 0; confidence in (0, 1); horizon_days finite and
    /// >= 0; days_per_year finite and > 0.
    void validate() const {
        constexpr auto what = "haircut::wrong_way";
        detail::require_non_negative(what, "exposure_volatility", exposure_volatility);
        detail::require_horizon(what, confidence, horizon_days, days_per_year);
    }
};

} // namespace spiral::haircut
