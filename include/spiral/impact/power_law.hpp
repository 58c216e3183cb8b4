// Power-law price impact, with the Almgren–Thum–Hauptmann–Li 3/5 law as a preset.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/impact/detail.hpp>

namespace spiral::impact {

/// Power-law impact: selling q moves the price by eta (q / V)^delta (relative), floored at 0.
/// delta = 1 is linear impact, delta = 1/2 the square-root law (see `square_root`), and
/// delta = 3/5 the law estimated by Almgren, Thum, Hauptmann and Li (2005), "Direct estimation
/// of equity market impact", Risk 18(7): temporary impact eta sigma (X / (V T))^(3/5) with
/// eta = 0.142 (`three_fifths`).
///
/// With u = q / V and u* = eta^(-1/delta), where the price reaches 0:
///
///   price_factor(q) = max(0, 1 - eta u^delta)
///   proceeds(q)     = V (u - eta u^(delta+1) / (delta+1))    for u <= u*,
///                     V u* delta / (delta+1)                   beyond (saturated).
///
/// eta = 0 is no impact. Kernels never throw; NaN in, NaN out.
struct power_law {
    double eta = 0;        ///< price drop (relative) at q = V, >= 0
    double volume = 1;     ///< the quantity scale V (e.g. daily volume), > 0
    double exponent = 0.5; ///< delta, > 0

    /// Almgren et al. (2005): delta = 3/5 and eta = 0.142 sigma, with sigma the volatility
    /// and V the volume over the same period (their fit used daily values; selling q over
    /// one period). `coefficient` replaces their 0.142.
    static constexpr power_law three_fifths(double sigma, double volume,
                                            double coefficient = 0.142) noexcept {
        return power_law{coefficient * sigma, volume, 0.6};
    }

    template <real T>
    SPIRAL_HD constexpr T price_factor(T q) const noexcept {
        const T u = q / detail::splat<T>(volume);
        return spiral::max(T(0), T(1) - detail::splat<T>(eta) * detail::pow(u, exponent));
    }

    template <real T>
    SPIRAL_HD constexpr T proceeds(T q) const noexcept {
        if (eta == 0)
            return q;
        const double exhausted = detail::pow(1 / eta, 1 / exponent); // u*
        const T u = spiral::min(detail::splat<T>(exhausted), q / detail::splat<T>(volume));
        const T uplus = u * detail::pow(u, exponent); // u^(delta+1)
        return detail::splat<T>(volume) * (u - detail::splat<T>(eta / (exponent + 1)) * uplus);
    }

    /// Throws spiral::invalid_argument naming the field unless eta >= 0, volume > 0 and
    /// exponent > 0, all finite.
    void validate() const {
        detail::require_non_negative("impact::power_law", "eta", eta);
        detail::require_positive("impact::power_law", "volume", volume);
        detail::require_positive("impact::power_law", "exponent", exponent);
    }
};

} // namespace spiral::impact
