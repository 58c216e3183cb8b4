// Exponential price impact (Cifuentes, Ferrucci and Shin).
/// \file
/// \ingroup impact
/// \brief Exponential price impact (Cifuentes, Ferrucci and Shin).
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/impact/detail.hpp>

namespace spiral::impact {

/// Cifuentes, Ferrucci and Shin (2005), "Liquidity risk and contagion", JEEA 3(2-3): the price
/// after selling q is exp(-alpha q) of its pre-trade value.
///
///   price_factor(q) = exp(-alpha q)
///   proceeds(q)     = (1 - exp(-alpha q)) / alpha = -expm1(-alpha q) / alpha,
///   average_price(q) = proceeds(q) / q = -expm1(-y) / y with y = alpha q,
///
/// computed without cancellation for small alpha q; proceeds approaches 1/alpha as q grows and
/// the price never reaches 0. alpha = 0 is no impact. Kernels never throw; NaN in, NaN out.
struct exponential {
    double alpha = 0; ///< decay rate per unit sold, >= 0

    /// The market price after selling `q` (asset units), relative to the pre-trade price.
    template <real T>
    SPIRAL_HD constexpr T price_factor(T q) const noexcept {
        return spiral::exp(-detail::splat<T>(alpha) * q);
    }

    /// What selling `q` (asset units) fetches, fees deducted, relative to the pre-trade price.
    template <real T>
    SPIRAL_HD constexpr T proceeds(T q) const noexcept {
        if (alpha == 0)
            return q;
        // With y = alpha q: q (1 - e^-y) / y below y = 1, where a subnormal alpha (or y) keeps
        // its few bits out of the result (q, not q (1 +- 1e-9)); (1 - e^-y) / alpha above,
        // where y may overflow (alpha 1e300) but 1 / alpha cannot.
        // One expm1 serves both forms: 1 - e^-y is in [0, 1] for every y >= 0, inf included.
        const T y = detail::splat<T>(alpha) * q;
        const T price_drop = -detail::expm1(-y);
        const mask_t<T> small = y < T(1);
        const T y_small = select(small && y > T(0), y, T(1));
        const T near_zero = q * select(y > T(0), price_drop / y_small, T(1));
        const T far = price_drop / detail::splat<T>(alpha);
        return select(small, near_zero, far);
    }

    /// proceeds(q) / q for q > 0: (1 - e^-y) / y with y = alpha q, 1 where y is 0 (no impact,
    /// or y below double's range).
    template <real T>
    SPIRAL_HD constexpr T average_price(T q) const noexcept {
        const T y = detail::splat<T>(alpha) * q;
        const mask_t<T> none = y == T(0);
        const T y_safe = select(none, T(1), y);
        return select(none, T(1), -detail::expm1(-y_safe) / y_safe);
    }

    /// Throws spiral::invalid_argument unless 0 <= alpha < inf.
    void validate() const { detail::require_non_negative("impact::exponential", "alpha", alpha); }
};

} // namespace spiral::impact
