// Constant-product automated market maker (Uniswap v2), selling the base asset.
/// \file
/// \ingroup impact
/// \brief Constant-product automated market maker (Uniswap v2), selling the base asset.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/impact/detail.hpp>

namespace spiral::impact {

/// A pool holding x = `base_reserve` of the asset and y = `quote_reserve` of the quote
/// currency with x y = k (Adams, Zinsmeister, Robinson, "Uniswap v2 Core", 2020). Selling dx
/// pays `fee` on the input, so (1 - f) dx reaches the pool and the seller receives
///
///   amount_out(dx) = (1 - f) dx y / (x + (1 - f) dx)             (quote currency).
///
/// Relative to the pre-trade pool price y / x, with g = 1 - f:
///
///   proceeds(q)       = amount_out(q) / (y / x)  = g q x / (x + g q)         (fee deducted)
///   price_factor(q)   = x^2 / ((x + g q)(x + q))                    (the pool's price after)
///   marginal_price(q) = d proceeds / dq          = g x^2 / (x + g q)^2
///
/// price_factor is the pool's own quoted price once the sale is done: reserves x + q and
/// y - amount_out(q), the fee staying in the pool as in v2. That is what an oracle reading the
/// pool sees and what the next seller starts from; price_factor(0) = 1. The fee only lowers
/// what the seller receives: proceeds(q) = integral of marginal_price <= integral of
/// price_factor, and with f = 0 all three agree with the fee-free curve.
///
/// The pool never runs dry: the price tends to 0 and proceeds to x as q grows (q = +inf gives
/// exactly 0 and x). Uniswap's contracts work in integers and round the output down; these
/// are the exact real-number values. Kernels never throw; NaN in, NaN out.
struct constant_product {
    double base_reserve = 0;  ///< x, units of the asset in the pool, > 0
    double quote_reserve = 0; ///< y, units of the quote currency in the pool, > 0
    double fee = 0;           ///< fee on the input, in [0, 1) (Uniswap v2: 0.003)

    /// y / x: the pre-trade pool price (quote per unit of the asset).
    SPIRAL_HD constexpr double price() const noexcept { return quote_reserve / base_reserve; }

    /// The pool's price after selling q, relative to y / x: x^2 / ((x + g q)(x + q)).
    template <real T>
    SPIRAL_HD constexpr T price_factor(T q) const noexcept {
        const T x = detail::splat<T>(base_reserve);
        return (x / (x + detail::splat<T>(1 - fee) * q)) * (x / (x + q));
    }

    /// What the next unit fetches after q is sold (fee deducted): g x^2 / (x + g q)^2.
    template <real T>
    SPIRAL_HD constexpr T marginal_price(T q) const noexcept {
        const double g = 1 - fee;
        const T ratio = detail::splat<T>(base_reserve) /
                        (detail::splat<T>(base_reserve) + detail::splat<T>(g) * q);
        return detail::splat<T>(g) * ratio * ratio;
    }

    /// What selling `q` (asset units) fetches, fees deducted, relative to the pre-trade price.
    template <real T>
    SPIRAL_HD constexpr T proceeds(T q) const noexcept {
        // x r / (1 + r), r = g q / x, as g q / (1 + r) below r = 1 and x / (1 + 1/r) above:
        // without the share g q / (x + g q) of share_out, which is subnormal for a huge x and
        // keeps few bits (proceeds exceeded q by 1e-9), and without overflow for a tiny x
        // (r = inf gives x, the limit).
        const T gq = detail::splat<T>(1 - fee) * q;
        const T x = detail::splat<T>(base_reserve);
        const T r = gq / x;
        return select(r < T(1), gq / (T(1) + r), x / (T(1) + T(1) / r));
    }

    /// Quote currency received for selling q of the asset: (1 - f) q y / (x + (1 - f) q).
    template <real T>
    SPIRAL_HD constexpr T amount_out(T q) const noexcept {
        return share_out(q) * detail::splat<T>(quote_reserve);
    }

    /// Former name of price_factor (kept working): the pool's price after the sale.
    template <real T>
    SPIRAL_HD constexpr T pool_price_factor(T q) const noexcept {
        return price_factor(q);
    }

    /// Throws spiral::invalid_argument naming the field unless both reserves are positive
    /// and finite and 0 <= fee < 1.
    void validate() const {
        detail::require_positive("impact::constant_product", "base_reserve", base_reserve);
        detail::require_positive("impact::constant_product", "quote_reserve", quote_reserve);
        detail::require_fee("impact::constant_product", "fee", fee);
    }

private:
    /// g q / (x + g q): the share of the quote reserve paid out; 1 at q = +inf.
    template <real T>
    SPIRAL_HD constexpr T share_out(T q) const noexcept {
        const T gq = detail::splat<T>(1 - fee) * q;
        const T share = gq / (detail::splat<T>(base_reserve) + gq);
        if constexpr (std::floating_point<T>)
            return gq == detail::infinity<T>() ? T(1) : share;
        else
            return select(gq == detail::infinity<T>(), T(1), share);
    }
};

} // namespace spiral::impact
