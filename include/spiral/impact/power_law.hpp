// Power-law price impact, with the Almgren–Thum–Hauptmann–Li 3/5 law as a preset.
/// \file
/// \ingroup impact
/// \brief Power-law price impact, with the Almgren–Thum–Hauptmann–Li 3/5 law as a preset.
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
///                     V u* delta / (delta+1)                   beyond (saturated),
///
/// evaluated as q (1 - eta u^delta / (delta + 1)) with eta u^delta from logarithms.
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

    /// ln of the relative drop, ln(eta (q / V)^delta) = ln eta + delta (ln q - ln V): neither
    /// q / V (a volume of 1e-300) nor the power (a subnormal eta) can overflow on the way.
    template <real T>
    SPIRAL_HD constexpr T log_drop(T q) const noexcept {
        using S = scalar_t<T>;
        // ln(q / V) from the quotient where it is a normal number (one rounding; the
        // difference ln q - ln V cancels, 2.5e-5 of a float price near u*), else as that
        // difference (q / V overflows or underflows).
        const T u = q / detail::splat<T>(volume);
        const auto normal =
            u >= T(spiral::detail::scalar_limits<S>::min_normal) && u < detail::infinity<T>();
        const T log_u = select(normal, detail::log_any(u),
                               detail::log_any(q) - detail::splat<T>(spiral::log(volume)));
        return detail::splat<T>(spiral::log(eta)) + detail::splat<T>(exponent) * log_u;
    }

    /// 1 - eta u^delta = -expm1(log_drop): no cancellation where the drop is near 1.
    template <real T>
    SPIRAL_HD constexpr T price_factor(T q) const noexcept {
        if (eta == 0) // no impact (and no ln 0 in log_drop)
            return select(q == q, T(1), q);
        return spiral::max(T(0), -detail::expm1(log_drop(q)));
    }

    /// sold (delta + (1 - eta u^delta)) / (delta + 1), sold = min(q, V u*): a sum of two
    /// non-negative terms (1 - eta u^delta >= 0 up to u*), so in [0, q] and accurate where
    /// the drop is near 1 and delta small, where 1 - drop / (delta + 1) cancels.
    template <real T>
    SPIRAL_HD constexpr T proceeds(T q) const noexcept {
        if (eta == 0)
            return q;
        const double exhausted = spiral::exp(spiral::log(volume) - spiral::log(eta) / exponent);
        const T sold = spiral::min(detail::splat<T>(exhausted), q); // NaN passes
        const T remaining = spiral::max(T(0), -detail::expm1(log_drop(sold)));
        return sold * ((detail::splat<T>(exponent) + remaining) / detail::splat<T>(exponent + 1));
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
