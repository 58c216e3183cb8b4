// Curve's StableSwap invariant for a pegged pair, selling the base asset.
/// \file
/// \ingroup impact
/// \brief Curve's StableSwap invariant for a pegged pair, selling the base asset.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/impact/detail.hpp>

#include <cmath>

namespace spiral::impact {

/// A two-coin StableSwap pool (M. Egorov, "StableSwap — efficient mechanism for Stablecoin
/// liquidity", 2019) holding x = `base_reserve` and y = `quote_reserve`, both in units of the
/// peg, with the invariant
///
///   A n^n (x + y) + D = A D n^n + D^(n+1) / (n^n x y),     n = 2,
///
/// where A = `amplification` is the whitepaper's A. (Curve's deployed contracts store
/// A n^(n-1), i.e. 2 A for two coins: a pool showing "A = 200" on chain has amplification 100.)
/// D is found once per call by Newton's method from D = x + y (monotone convergence: the
/// cubic is convex in D). For fixed D the invariant is a quadratic in y,
///
///   y^2 + (x + D/(4A) - D) y - k / x = 0,       k = D^3 / (16 A),
///
/// whose positive root y(x) is taken in closed form (no Newton iteration for y). Selling q
/// moves x to x + q; Curve charges `fee` on the output, so the seller receives
/// (1 - f)(y(x) - y(x + q)). The difference is computed without cancellation as
///
///   y(x) - y(x + q) = q (y1 + k / (x0 x1)) / (y1 + k / (x0 y0)),
///
/// (x0, y0) before and (x1, y1) after. The marginal price (quote per base) at (x, y) is
/// m = (y + k / x^2) / (y + k / (x y)) (1 at balance), and relative to the pre-trade m0:
///
///   price_factor(q)   = m(x0 + q, y(x0 + q)) / m0          (the pool's price after the sale)
///   marginal_price(q) = (1 - f) m(x0 + q, y(x0 + q)) / m0  (what the next unit fetches)
///   proceeds(q)       = (1 - f) (y(x0) - y(x0 + q)) / m0,
///
/// proceeds being exactly the integral of marginal_price, and at most that of price_factor.
/// The fee only lowers what the seller receives. (Curve leaves the fee, less its admin share,
/// in the pool, which raises the pool's price after the sale by less than f (y0 - y1) / y1
/// relative; price_factor reads the invariant of the pre-trade reserves and leaves that out.)
/// Like the constant product, the pool never runs dry: the price tends to 0 and proceeds to
/// (1 - f) y0 / m0 as q grows.
/// y0 is the root y(x0) for the solved D (it differs from quote_reserve by rounding only).
/// Kernels never throw; NaN in, NaN out.
struct stableswap {
    double amplification = 100; ///< A (whitepaper convention), > 0
    double base_reserve = 0;    ///< x, > 0
    double quote_reserve = 0;   ///< y, > 0
    double fee = 0;             ///< fee on the output, in [0, 1) (Curve: e.g. 0.0004)

    /// The invariant D of the reserves, by Newton's method on
    /// g(D) = D^3 / (4 x y) + (4A - 1) D - 4A (x + y) from D = x + y, where g >= 0; g is
    /// convex, so the iterates fall monotonically to the root and stop when they stop falling.
    SPIRAL_HD constexpr double invariant() const noexcept {
        const double x = base_reserve, y = quote_reserve, a4 = 4 * amplification;
        const double s = x + y;
        double d = s;
        for (int i = 0; i < 200; ++i) {
            const double g = d * d * d / (4 * x * y) + (a4 - 1) * d - a4 * s;
            const double slope = 3 * d * d / (4 * x * y) + (a4 - 1);
            const double next = d - g / slope;
            if (!(next < d)) // converged (or NaN input): the iterates no longer fall
                break;
            d = next;
        }
        return d;
    }

    /// y(x): the quote reserve that keeps the invariant `d` when the base reserve is x.
    template <real T>
    SPIRAL_HD constexpr T quote_for(T x, double d) const noexcept {
        const T k = detail::splat<T>(d * d * d / (16 * amplification));
        const T b = x + detail::splat<T>(d / (4 * amplification) - d);
        const T c = k / x;
        const T root = spiral::sqrt(b * b + T(4) * c);
        // positive root of y^2 + b y - c = 0, in the form that does not cancel
        return select(b > T(0), T(2) * c / (b + root), T(0.5) * (root - b));
    }

    /// The market price after selling `q` (asset units), relative to the pre-trade price.
    template <real T>
    SPIRAL_HD constexpr T price_factor(T q) const noexcept {
        return price_after(q, 1.0);
    }

    /// d proceeds / dq at `q`: the next unit's execution price, relative to the pre-trade price.
    template <real T>
    SPIRAL_HD constexpr T marginal_price(T q) const noexcept {
        return price_after(q, 1 - fee);
    }

    /// What selling `q` (asset units) fetches, fees deducted, relative to the pre-trade price.
    template <real T>
    SPIRAL_HD constexpr T proceeds(T q) const noexcept {
        const state s = start();
        const T x0 = detail::splat<T>(base_reserve);
        const T x1 = x0 + q;
        const T y1 = quote_for(x1, s.d);
        const T k = detail::splat<T>(s.k);
        // The quotient form avoids the cancellation of y0 - y1 for small sales; once y1 is
        // below y0 / 2 the difference is exact enough and the quotient's terms may underflow
        // (a huge amplification leaves k tiny: the pool pays out all of y0, not 0).
        const T y0 = detail::splat<T>(s.y0);
        const T quotient =
            q * (y1 + k / (x0 * x1)) / (y1 + detail::splat<T>(s.k / (base_reserve * s.y0)));
        const T out = select(y1 < T(0.5) * y0, y0 - y1, quotient);
        // q = +inf: everything above is inf/inf; the limit is all of y0.
        const T limit = detail::splat<T>(s.y0);
        if constexpr (std::floating_point<T>)
            return T((1 - fee) / s.m0) * (q == detail::infinity<T>() ? limit : out);
        else
            return detail::splat<T>((1 - fee) / s.m0) *
                   select(q == detail::infinity<T>(), limit, out);
    }

    /// Throws spiral::invalid_argument naming the field unless amplification and both
    /// reserves are finite and > 0, 0 <= fee < 1, and the pool's state is representable:
    /// k = D^3 / (16 A) a finite normal number (an amplification of 2.2e-308 or reserves near
    /// 1e103 overflow it, reserves near 1e-103 underflow it), y(x0) within 1e-9 of
    /// quote_reserve (D resolves both reserves: not so for 1e15 against 1e-6 at A = 1e300) and
    /// the marginal price finite and > 0.
    void validate() const {
        constexpr auto what = "impact::stableswap";
        detail::require_positive(what, "amplification", amplification);
        detail::require_positive(what, "base_reserve", base_reserve);
        detail::require_positive(what, "quote_reserve", quote_reserve);
        detail::require_fee(what, "fee", fee);
        const state s = start();
        constexpr double smallest_normal = 2.2250738585072014e-308;
        const auto usable = [](double v) { return v > 0 && detail::is_finite(v); };
        // y(x0) for the solved D reproduces quote_reserve up to rounding unless the pool is
        // too imbalanced (or A too large) for D to resolve the smaller reserve.
        const bool resolved = std::abs(s.y0 - quote_reserve) <= 1e-9 * quote_reserve;
        if (!(s.k >= smallest_normal && usable(s.k) && usable(s.y0) && usable(s.m0) && resolved))
            detail::fail(what, "amplification", amplification,
                         "with base_reserve = " + spiral::detail::bound_text(base_reserve) +
                             " and quote_reserve = " + spiral::detail::bound_text(quote_reserve) +
                             " the pool's state is not representable: D^3 / (16 A) = " +
                             spiral::detail::bound_text(s.k) +
                             ", y0 = " + spiral::detail::bound_text(s.y0) +
                             ", y(base_reserve) = " + spiral::detail::bound_text(s.y0) +
                             ", marginal price = " + spiral::detail::bound_text(s.m0));
    }

private:
    struct state {
        double d, k, y0, m0;
    };

    /// scale * m(x0 + q, y(x0 + q)) / m0.
    template <real T>
    SPIRAL_HD constexpr T price_after(T q, double scale) const noexcept {
        const state s = start();
        const T x1 = detail::splat<T>(base_reserve) + q;
        const T y1 = quote_for(x1, s.d);
        const T k = detail::splat<T>(s.k);
        const T m1 = (y1 + k / (x1 * x1)) / (y1 + k / (x1 * y1));
        // q = +inf: y1 = 0 and the quotient is NaN; the limit is 0.
        return detail::splat<T>(scale / s.m0) * select(x1 == detail::infinity<T>(), T(0), m1);
    }
    SPIRAL_HD constexpr state start() const noexcept {
        state s{};
        s.d = invariant();
        s.k = s.d * s.d * s.d / (16 * amplification);
        const double x0 = base_reserve;
        s.y0 = quote_for(x0, s.d);
        s.m0 = (s.y0 + s.k / (x0 * x0)) / (s.y0 + s.k / (x0 * s.y0));
        return s;
    }
};

} // namespace spiral::impact
