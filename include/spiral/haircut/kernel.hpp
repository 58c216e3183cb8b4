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
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>
#include <spiral/haircut/collateral.hpp>

#include <string_view>

namespace spiral::haircut {
namespace detail {

/// A `double` parameter as a `T` (a batch: every lane), converted explicitly for float.
template <real T>
SPIRAL_HD constexpr T broadcast(double value) noexcept {
    return T(static_cast<scalar_t<T>>(value));
}

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

inline void require_in_unit_interval(std::string_view what, std::string_view field, double v) {
    if (!(v >= 0.0 && v <= 1.0))
        spiral::detail::throw_invalid(what, field, spiral::detail::no_row, v, "must be in [0, 1]");
}

inline void require_probability_level(std::string_view what, std::string_view field, double v) {
    if (!(v > 0.0 && v < 1.0))
        spiral::detail::throw_invalid(what, field, spiral::detail::no_row, v, "must be in (0, 1)");
}

inline void require_non_negative(std::string_view what, std::string_view field, double v) {
    if (!(v >= 0.0 && v < infinity))
        spiral::detail::throw_invalid(what, field, spiral::detail::no_row, v,
                                      "must be finite and >= 0");
}

inline void require_positive(std::string_view what, std::string_view field, double v) {
    if (!(v > 0.0 && v < infinity))
        spiral::detail::throw_invalid(what, field, spiral::detail::no_row, v,
                                      "must be finite and > 0");
}

inline void require_at_least_one(std::string_view what, std::string_view field, double v) {
    if (!(v >= 1.0 && v < infinity))
        spiral::detail::throw_invalid(what, field, spiral::detail::no_row, v,
                                      "must be finite and >= 1");
}

/// The checks of a confidence / horizon / day-count triple, shared by the diffusive models.
inline void require_horizon(std::string_view what, double confidence, double horizon_days,
                            double days_per_year) {
    require_probability_level(what, "confidence", confidence);
    require_non_negative(what, "horizon_days", horizon_days);
    require_positive(what, "days_per_year", days_per_year);
}

// ------------------------------------------------------------------ prepared kernels

/// H = clamp(offset + scale * volatility, 0, 1): the prepared form of `volatility`,
/// `fat_tailed` (offset 0) and `depeg`. Non-decreasing in volatility for scale >= 0.
struct affine_in_volatility {
    double offset, scale;

    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T operator()(const collateral<T>& c) const noexcept {
        return unit_clamp(broadcast<T>(offset) + broadcast<T>(scale) * c.volatility);
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
