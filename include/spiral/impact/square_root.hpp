// The square-root law of market impact (Tóth et al.), floored at zero.
/// \file
/// \ingroup impact
/// \brief The square-root law of market impact (Tóth et al.), floored at zero.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/impact/detail.hpp>

namespace spiral::impact {

/// Square-root impact: selling q moves the price by Y sigma sqrt(q / V) (relative), the law
/// measured across markets by Tóth, Lempérière, Deremble, de Lataillade, Kockelkoren and
/// Bouchaud (2011), "Anomalous price impact and the critical nature of liquidity in financial
/// markets", Phys. Rev. X 1, 021006.
///
/// With c = Y sigma / sqrt(V) and q* = 1 / c^2 = V / (Y sigma)^2, where the price reaches 0:
///
///   price_factor(q) = max(0, 1 - c sqrt(q))
///   proceeds(q)     = q - (2/3) c q^(3/2)       for q <= q*,
///                     q* / 3                      beyond (saturated).
///
/// sigma = 0 is no impact. Kernels never throw; NaN in, NaN out.
struct square_root {
    double sigma = 0;  ///< volatility over the horizon V is measured on (e.g. daily), >= 0
    double volume = 1; ///< traded volume over that horizon (e.g. daily volume), > 0
    double y = 1;      ///< the dimensionless prefactor Y (of order 1 empirically), >= 0

    /// c = Y sigma / sqrt(V): the price drop per sqrt(unit sold).
    SPIRAL_HD constexpr double coefficient() const noexcept {
        return y * sigma / spiral::sqrt(volume);
    }

    /// The market price after selling `q` (asset units), relative to the pre-trade price.
    template <real T>
    SPIRAL_HD constexpr T price_factor(T q) const noexcept {
        return spiral::max(T(0), T(1) - detail::splat<T>(coefficient()) * spiral::sqrt(q));
    }

    /// What selling `q` (asset units) fetches, fees deducted, relative to the pre-trade price.
    template <real T>
    SPIRAL_HD constexpr T proceeds(T q) const noexcept {
        const double c = coefficient();
        if (c == 0)
            return q;
        const T sold = spiral::min(detail::splat<T>(1 / (c * c)), q);
        return sold * (T(1) - detail::splat<T>(c * (2.0 / 3)) * spiral::sqrt(sold)); // 2 c: inf
    }

    /// Throws spiral::invalid_argument naming the field unless sigma, y >= 0 and volume > 0,
    /// all finite, with a finite coefficient y sigma / sqrt(volume) (an infinite one makes
    /// price_factor(0) = 1 - inf * 0 NaN).
    void validate() const {
        detail::require_non_negative("impact::square_root", "sigma", sigma);
        detail::require_positive("impact::square_root", "volume", volume);
        detail::require_non_negative("impact::square_root", "y", y);
        if (!detail::is_finite(coefficient()))
            detail::fail("impact::square_root", "sigma", sigma,
                         "y sigma / sqrt(volume) = " + spiral::detail::bound_text(coefficient()) +
                             " must be finite");
    }
};

} // namespace spiral::impact
