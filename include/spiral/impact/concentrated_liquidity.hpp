// Concentrated-liquidity automated market maker (Uniswap v3), selling the base asset.
/// \file
/// \ingroup impact
/// \brief Concentrated-liquidity automated market maker (Uniswap v3), selling the base asset.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/impact/detail.hpp>

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <vector>

namespace spiral::impact {

/// A Uniswap v3 pool (Adams, Zinsmeister, Salem, Keefer, Robinson, "Uniswap v3 Core", 2021)
/// with liquidity in price ranges. Prices are quote per unit of base (v3's token1 / token0)
/// as real numbers, not Q64.96; liquidity L is v3's: within a range [a, b] with sqrt prices
/// sa < sb, moving the price from sb down to sa takes in L (1/sa - 1/sb) of base and pays out
/// L (sb - sa) of quote.
///
/// Selling the base walks the price down from the current `price`, range by range: the
/// segments between consecutive range bounds below the price carry the summed liquidity of
/// the positions covering them; within a segment with top sqrt price su and liquidity L,
/// selling d (after the fee) moves the sqrt price to s = su L / (L + d su) and pays
/// L d su^2 / (L + d su) (v3's SqrtPriceMath step, written without cancellation). Gaps
/// without liquidity are crossed at no quantity (the price jumps to the next range's top).
/// The fee is taken on the input, as in v3: g = 1 - fee of each unit moves the price. With
/// P0 = `price`:
///
///   price_factor(q)   = s(g q)^2 / P0           (the pool's price after the sale; 1 at q = 0
///                                               when liquidity is active at P0)
///   marginal_price(q) = g s(g q)^2 / P0         (what the next unit fetches, fee deducted)
///   proceeds(q)       = quote out for g q / P0  (exactly the integral of marginal_price).
///
/// v3 keeps fees outside the active liquidity, so the fee never moves the price: it only
/// lowers what the seller receives (proceeds <= integral of price_factor).
///
/// Exhaustion: once all the liquidity below P0 is used, at q >= capacity(), nothing more can
/// be sold into the pool: price_factor is 0 and proceeds stays at max_proceeds() (the pool's
/// price would fall to the lowest range bound; documented saturation, never a negative price).
///
/// Allocation happens only in the constructor (the segments are precomputed); the kernels
/// allocate nothing, never throw, and take O(log n) per scalar (binary search over segments)
/// or O(n) per SIMD batch (a branch-free sweep). NaN in, NaN out. The kernels read
/// std::vector storage, so they are host-only (not SPIRAL_HD).
struct concentrated_liquidity {
    /// Liquidity L in the price range [lower_price, upper_price).
    struct position {
        double lower_price = 0; ///< Lower bound of the range, a price in quote per base (> 0).
        double upper_price = 0; ///< Upper bound of the range (excluded), above lower_price.
        double liquidity = 0;   ///< Liquidity L (v3's) over the range (>= 0).
    };

    constexpr concentrated_liquidity() = default; ///< an empty pool: exhausted from the start

    /// Validates (spiral::invalid_argument naming the field and index, e.g.
    /// "positions[2].upper_price") and precomputes the segments below `price`.
    constexpr concentrated_liquidity(double price, std::span<const position> positions,
                                     double fee = 0)
        : price_(price), fee_(fee) {
        check_inputs(positions);
        build(positions);
    }
    /// The same from a braced list of positions.
    constexpr concentrated_liquidity(double price, std::initializer_list<position> positions,
                                     double fee = 0)
        : concentrated_liquidity(
              price, std::span<const position>(positions.begin(), positions.size()), fee) {}

    /// The pool's price before the sale, in quote per base.
    constexpr double price() const noexcept { return price_; }
    /// The fee taken on the input, a fraction of each unit sold, in [0, 1).
    constexpr double fee() const noexcept { return fee_; }
    /// Quantity of base that exhausts the liquidity below the price (fee included).
    constexpr double capacity() const noexcept { return total_base_ / (1 - fee_); }
    /// proceeds at and beyond capacity().
    constexpr double max_proceeds() const noexcept { return total_quote_ / price_; }
    /// Number of segments with liquidity below the price.
    constexpr std::size_t segments() const noexcept { return sqrt_top_.size(); }

    /// The market price after selling `q` (asset units), relative to the pre-trade price.
    template <real T>
    constexpr T price_factor(T q) const noexcept {
        return evaluate(q, quantity::pool_price);
    }

    /// d proceeds / dq at `q`: the next unit's execution price, relative to the pre-trade price.
    template <real T>
    constexpr T marginal_price(T q) const noexcept {
        return evaluate(q, quantity::marginal_price);
    }

    /// What selling `q` (asset units) fetches, fees deducted, relative to the pre-trade price.
    template <real T>
    constexpr T proceeds(T q) const noexcept {
        return evaluate(q, quantity::proceeds);
    }

    /// Re-checks the stored state (price a finite normal number, fee in [0, 1)); positions
    /// were checked by the constructor.
    constexpr void validate() const {
        // a subnormal price made price_factor(0) = s^2 / price infinite (spiral_fuzz_impact)
        detail::require_in(smallest_price, what, "price", price_);
        detail::require_fee(what, "fee", fee_);
    }

    // ---- v3 SqrtPriceMath, in real numbers: base = token0, quote = token1, sqrt prices of
    // quote per base. Uniswap rounds these in integers (Q64.96 prices, amounts rounded in the
    // pool's favour); here they are exact up to floating-point rounding.

    /// Adding `amount` of base moves the sqrt price down to sp L / (L + amount sp).
    template <real T>
    SPIRAL_HD static constexpr T next_sqrt_price_from_base_in(T sqrt_price, T liquidity,
                                                              T amount) noexcept {
        return sqrt_price * liquidity / (liquidity + amount * sqrt_price);
    }
    /// Adding `amount` of quote moves the sqrt price up to sp + amount / L.
    template <real T>
    SPIRAL_HD static constexpr T next_sqrt_price_from_quote_in(T sqrt_price, T liquidity,
                                                               T amount) noexcept {
        return sqrt_price + amount / liquidity;
    }
    /// Removing `amount` of base moves the sqrt price up to sp L / (L - amount sp).
    template <real T>
    SPIRAL_HD static constexpr T next_sqrt_price_from_base_out(T sqrt_price, T liquidity,
                                                               T amount) noexcept {
        return sqrt_price * liquidity / (liquidity - amount * sqrt_price);
    }
    /// Removing `amount` of quote moves the sqrt price down to sp - amount / L.
    template <real T>
    SPIRAL_HD static constexpr T next_sqrt_price_from_quote_out(T sqrt_price, T liquidity,
                                                                T amount) noexcept {
        return sqrt_price - amount / liquidity;
    }
    /// Base between two sqrt prices: L |sb - sa| / (sa sb).
    template <real T>
    SPIRAL_HD static constexpr T base_delta(T sqrt_a, T sqrt_b, T liquidity) noexcept {
        return liquidity * spiral::abs(sqrt_b - sqrt_a) / (sqrt_a * sqrt_b);
    }
    /// Quote between two sqrt prices: L |sb - sa|.
    template <real T>
    SPIRAL_HD static constexpr T quote_delta(T sqrt_a, T sqrt_b, T liquidity) noexcept {
        return liquidity * spiral::abs(sqrt_b - sqrt_a);
    }

private:
    static constexpr const char* what = "impact::concentrated_liquidity";

    enum class quantity { pool_price, marginal_price, proceeds };

    double price_ = 1;
    double fee_ = 0;
    double total_base_ = 0;          // effective base (after fee) that empties all segments
    double total_quote_ = 0;         // quote paid out by then
    std::vector<double> sqrt_top_;   // per segment, descending: sqrt price at its top
    std::vector<double> liquidity_;  // L of the segment (> 0)
    std::vector<double> start_base_; // effective base sold before the segment (ascending)
    std::vector<double> start_quote_;

    /// Prices are normal numbers: finite and at least the smallest normal double.
    static constexpr spiral::detail::domain smallest_price =
        spiral::detail::at_least(2.2250738585072014e-308);

    constexpr void check_inputs(std::span<const position> positions) const {
        validate();
        for (std::size_t i = 0; i < positions.size(); ++i) {
            const position& p = positions[i];
            if (!smallest_price.contains(p.lower_price))
                detail::fail_at(what, "positions", i, "lower_price", p.lower_price,
                                spiral::detail::describe(smallest_price));
            if (!(p.upper_price > p.lower_price) || !detail::is_finite(p.upper_price))
                detail::fail_at(what, "positions", i, "upper_price", p.upper_price,
                                "must be finite and above lower_price");
            if (!(p.liquidity >= 0) || !detail::is_finite(p.liquidity))
                detail::fail_at(what, "positions", i, "liquidity", p.liquidity,
                                "must be finite and >= 0");
        }
    }

    constexpr void build(std::span<const position> positions) {
        std::vector<double> bounds{price_};
        for (const position& p : positions)
            for (double b : {p.lower_price, p.upper_price})
                if (b < price_)
                    bounds.push_back(b);
        std::sort(bounds.begin(), bounds.end(), [](double a, double b) { return a > b; });
        bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
        double base = 0, quote = 0;
        for (std::size_t j = 0; j + 1 < bounds.size(); ++j) {
            const double hi = bounds[j], lo = bounds[j + 1];
            double l = 0;
            for (const position& p : positions)
                if (p.lower_price <= lo && p.upper_price >= hi)
                    l += p.liquidity;
            if (!(l > 0))
                continue;
            const double su = spiral::sqrt(hi), sl = spiral::sqrt(lo);
            sqrt_top_.push_back(su);
            liquidity_.push_back(l);
            start_base_.push_back(base);
            start_quote_.push_back(quote);
            base += base_delta(sl, su, l);
            quote += quote_delta(sl, su, l);
            // What the pool holds below the price must be a finite amount of either asset
            // (else proceeds beyond capacity() would be inf): name a position of the segment.
            if (!detail::is_finite(l) || !detail::is_finite(base) ||
                !detail::is_finite(quote / price_))
                for (std::size_t i = 0; i < positions.size(); ++i)
                    if (positions[i].lower_price <= lo && positions[i].upper_price >= hi &&
                        positions[i].liquidity > 0)
                        detail::fail_at(what, "positions", i, "liquidity", positions[i].liquidity,
                                        "makes the pool hold more than the largest double");
        }
        total_base_ = base;
        total_quote_ = quote;
    }

    /// A price factor or the proceeds within segment k, `d` of effective base into it.
    template <real T>
    constexpr T in_segment(std::size_t k, T d, quantity want) const noexcept {
        const T su = detail::splat<T>(sqrt_top_[k]);
        const T l = detail::splat<T>(liquidity_[k]);
        const T denominator = l + d * su;
        if (want != quantity::proceeds) {
            const T s = su * (l / denominator); // l su itself may overflow
            const double fee_part = want == quantity::marginal_price ? 1 - fee_ : 1.0;
            return detail::splat<T>(fee_part / price_) * s * s;
        }
        // The quote paid in the segment, l su u with u = d su / (l + d su), is also d s su
        // with s = su t the new sqrt price and t = l / (l + d su) = 1 - u. Each form goes
        // through the larger of u and t (at least 1/2), as the other may be subnormal (l =
        // 1e308 made u 5e-318 and the proceeds 9e-5 too high, spiral_fuzz_impact). u = 1 - t
        // also holds when d su overflows (t = 0, u = 1), and neither product can overflow:
        // both are at most the segment's finite quote.
        const T t = l / denominator;
        const T quote = select(t <= T(0.5), l * (su * (T(1) - t)), (d * (su * t)) * su);
        return (detail::splat<T>(start_quote_[k]) + quote) / detail::splat<T>(price_);
    }

    template <real T>
    constexpr T evaluate(T q, quantity want) const noexcept {
        const T effective = detail::splat<T>(1 - fee_) * q;
        const T exhausted =
            want != quantity::proceeds ? T(0) : detail::splat<T>(total_quote_ / price_);
        if constexpr (std::floating_point<T>) {
            if (q != q)
                return q;
            if (sqrt_top_.empty() || !(static_cast<double>(effective) < total_base_))
                return exhausted;
            // the last segment starting at or before `effective`
            const auto it = std::upper_bound(start_base_.begin(), start_base_.end(),
                                             static_cast<double>(effective));
            const auto k = static_cast<std::size_t>(it - start_base_.begin()) -
                           (it == start_base_.begin() ? 0 : 1);
            return in_segment(k, effective - static_cast<T>(start_base_[k]), want);
        } else {
            // Ascending sweep: each lane ends with the last segment it has reached.
            T result = exhausted;
            for (std::size_t k = 0; k < sqrt_top_.size(); ++k) {
                const T start = detail::splat<T>(start_base_[k]);
                const T value = in_segment(k, effective - start, want);
                result = k == 0 ? value : select(effective >= start, value, result);
            }
            result = select(effective >= detail::splat<T>(total_base_), exhausted, result);
            // NaN lanes: q == q is false there (xsimd 8.1 compares != as ordered, so q != q
            // would not find them)
            result = select(q == q, result, q);
            return result;
        }
    }
};

} // namespace spiral::impact
