// Exponential price impact (Cifuentes, Ferrucci and Shin).
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
///
/// computed without cancellation for small alpha q; proceeds approaches 1/alpha as q grows and
/// the price never reaches 0. alpha = 0 is no impact. Kernels never throw; NaN in, NaN out.
struct exponential {
    double alpha = 0; ///< decay rate per unit sold, >= 0

    template <real T>
    SPIRAL_HD constexpr T price_factor(T q) const noexcept {
        return spiral::exp(-detail::splat<T>(alpha) * q);
    }

    template <real T>
    SPIRAL_HD constexpr T proceeds(T q) const noexcept {
        if (alpha == 0)
            return q;
        return -detail::expm1(-detail::splat<T>(alpha) * q) / detail::splat<T>(alpha);
    }

    /// Throws spiral::invalid_argument unless 0 <= alpha < inf.
    void validate() const { detail::require_non_negative("impact::exponential", "alpha", alpha); }
};

} // namespace spiral::impact
