// What every haircut model shares: parameter checks, the per-row kernels that models reduce to,
// and `prepare`, which does a model's per-parameter work (quantiles, square roots) once.
//
// A model is a plain aggregate of `double` parameters with
//   template <real T> T operator()(const collateral<T>&) const noexcept;   // in [0, 1]
//   void validate() const;                   // throws spiral::invalid_argument naming the field
// and, optionally, `prepare() const` returning an equivalent model whose per-row work is only
// arithmetic. `haircut::prepare(model)` returns `model.prepare()` when there is one and the model
// itself otherwise; the bulk entry point (`haircut::apply`) calls it once per call, and so
// should a hand-written loop over many rows. A model and its prepared form give the same values:
// the model's operator() is defined as "prepare, then evaluate".
/// \file
/// \ingroup haircut
/// \brief What every haircut model shares: parameter checks, per-row kernels, and prepare().
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>
#include <spiral/haircut/collateral.hpp>

#include <string_view>

namespace spiral::haircut {
namespace detail {

/// `x` limited to [0, 1]; NaN stays NaN.
template <real T>
SPIRAL_HD constexpr T unit_clamp(T x) noexcept {
    return spiral::clamp(x, T(0), T(1));
}

/// max(0, z_confidence) * sqrt(horizon_days / days_per_year): the standard deviations a
/// diffusive move is charged for, in units of the annualised volatility. A confidence below 1/2
/// charges nothing (a quantile below the median is a gain, not a loss).
SPIRAL_HD constexpr double diffusive_scale(double confidence, double horizon_days,
                                           double days_per_year) noexcept {
    const double z = spiral::max(0.0, norm_quantile(confidence)); // NaN passes (second argument)
    return z * spiral::sqrt(horizon_days / days_per_year);
}

// ------------------------------------------------------------------ parameter checks

inline constexpr double infinity = spiral::detail::scalar_limits<double>::infinity;

constexpr bool is_finite(double v) noexcept {
    return v > -infinity && v < infinity; // false for NaN
}

// The wording comes from core/checks.hpp, shared by every family.

inline void require_in_unit_interval(std::string_view what, std::string_view field, double v) {
    spiral::detail::require(spiral::detail::in_closed(0, 1), what, field, v);
}

inline void require_probability_level(std::string_view what, std::string_view field, double v) {
    spiral::detail::require(spiral::detail::in_open(0, 1), what, field, v);
}

inline void require_non_negative(std::string_view what, std::string_view field, double v) {
    spiral::detail::require(spiral::detail::non_negative, what, field, v);
}

inline void require_positive(std::string_view what, std::string_view field, double v) {
    spiral::detail::require(spiral::detail::positive, what, field, v);
}

inline void require_at_least_one(std::string_view what, std::string_view field, double v) {
    spiral::detail::require(spiral::detail::at_least(1), what, field, v);
}

/// The checks of a confidence / horizon / day-count triple, shared by the diffusive models:
/// confidence in (0, 1), horizon_days finite and >= 0, days_per_year finite and > 0 with
/// horizon_days / days_per_year finite (5e-324 days per year would make the scale infinite,
/// and an infinite scale times a volatility of 0 is NaN).
inline void require_horizon(std::string_view what, double confidence, double horizon_days,
                            double days_per_year) {
    require_probability_level(what, "confidence", confidence);
    require_non_negative(what, "horizon_days", horizon_days);
    require_positive(what, "days_per_year", days_per_year);
    const double years = horizon_days / days_per_year;
    if (!is_finite(years))
        spiral::detail::throw_invalid(what, "days_per_year", spiral::detail::no_row, days_per_year,
                                      "must make horizon_days / days_per_year finite, not " +
                                          spiral::detail::bound_text(years));
}

// ------------------------------------------------------------------ prepared kernels

/// H = clamp(offset + scale * volatility, 0, 1): the prepared form of `volatility`,
/// `fat_tailed` (offset 0) and `depeg`. Non-decreasing in volatility for scale >= 0.
struct affine_in_volatility {
    double offset, scale;

    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T operator()(const collateral<T>& c) const noexcept {
        return unit_clamp(spiral::splat<T>(offset) + spiral::splat<T>(scale) * c.volatility);
    }
};

} // namespace detail

/// The model's prepared form (`model.prepare()`), or the model itself when it has none.
/// Evaluating the result gives the same values as evaluating `model`.
template <class Model>
constexpr auto prepare(const Model& model) {
    if constexpr (requires { model.prepare(); })
        return model.prepare();
    else
        return model;
}

} // namespace spiral::haircut
