// Linear price impact (Kyle's lambda), floored at zero.
/// \file
/// \ingroup impact
/// \brief Linear price impact (Kyle's lambda), floored at zero.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/impact/detail.hpp>

namespace spiral::impact {

/// Kyle (1985): the price falls by `lambda` (relative, per unit sold) for each unit sold.
///
///   price_factor(q) = max(0, 1 - lambda q)
///   proceeds(q)     = q - lambda q^2 / 2            for q <= 1/lambda,
///                     1 / (2 lambda)                 beyond (saturated: the price is 0 there).
///
/// lambda = 0 is no impact (price_factor 1, proceeds q). Kernels never throw; NaN in, NaN out.
struct linear {
    double lambda = 0; ///< relative price drop per unit sold, >= 0

    /// The market price after selling `q` (asset units), relative to the pre-trade price.
    template <real T>
    SPIRAL_HD constexpr T price_factor(T q) const noexcept {
        return spiral::max(T(0), T(1) - detail::splat<T>(lambda) * q);
    }

    /// What selling `q` (asset units) fetches, fees deducted, relative to the pre-trade price.
    template <real T>
    SPIRAL_HD constexpr T proceeds(T q) const noexcept {
        if (lambda == 0)
            return q;
        const T sold = spiral::min(detail::splat<T>(1 / lambda), q); // beyond 1/lambda: nothing
        return sold * (T(1) - T(0.5) * detail::splat<T>(lambda) * sold);
    }

    /// Throws spiral::invalid_argument unless 0 <= lambda < inf.
    void validate() const { detail::require_non_negative("impact::linear", "lambda", lambda); }
};

} // namespace spiral::impact
