// Liquidity aggregated across venues: a sale split over several curves at equal marginal
// price, the way aggregators and liquidation keepers route it, as a curve of its own.
/// \file
/// \ingroup impact
/// \brief Liquidity aggregated across venues: a sale split at equal marginal price.
#pragma once

#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/curve.hpp>
#include <spiral/impact/detail.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/order_book.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <tuple>
#include <type_traits>
#include <utility>

namespace spiral::impact {

namespace detail {

/// How much of a sale `curve` takes before what its next unit fetches falls to `level`
/// (relative to the common pre-trade price): 0 when its first unit already fetches no more,
/// +inf when it never gets there. Closed forms where the curve has one, else bisection on the
/// curve's own marginal price (non-increasing).
template <class C>
double quantity_at_marginal(const C& curve, double level) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (!(spiral::marginal_price(curve, 0.0) > level))
        return 0;
    if constexpr (std::is_same_v<C, linear>) {
        return curve.lambda > 0 ? (1 - level) / curve.lambda : inf;
    } else if constexpr (std::is_same_v<C, exponential>) {
        return curve.alpha > 0 ? (level > 0 ? -std::log(level) / curve.alpha : inf) : inf;
    } else if constexpr (std::is_same_v<C, constant_product>) {
        // g x^2 / (x + g q)^2 = level
        const double g = 1 - curve.fee, x = curve.base_reserve;
        return level > 0 ? (x * std::sqrt(g / level) - x) / g : inf;
    } else {
        // Grow an upper bound until the marginal price is at or below the level, then bisect.
        double hi = 1;
        while (spiral::marginal_price(curve, hi) > level) {
            hi *= 2;
            if (hi > 1e300)
                return inf;
        }
        double lo = 0;
        for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
            const double mid = 0.5 * (lo + hi);
            (spiral::marginal_price(curve, mid) > level ? lo : hi) = mid;
        }
        return hi;
    }
}

} // namespace detail

/// A sale routed over several venues (any impact curves: AMMs, order books), each quoted
/// relative to the same pre-trade price, split so that the next unit would fetch the same
/// on every venue used (equal marginal execution price, fees deducted): the split that
/// fetches the most. For a total q, venue i takes q_i with sum q_i = q and
/// marginal_price_i(q_i) = m(q) wherever q_i > 0. Then
///
///   proceeds(q)       = sum_i proceeds_i(q_i)          (exactly the integral of m: the split
///                                                       is optimal at every q)
///   marginal_price(q) = m(q)
///   price_factor(q)   = max_i price_factor_i(q_i)      (the best price left anywhere: what an
///                                                       oracle reading the venues sees)
///
/// The split is found by bisection on m (inverse marginal prices in closed form for linear,
/// exponential and constant-product venues, by bisection for the others), about 60 * venues
/// curve evaluations per call: meant for a path engine's few sales per step, not for bulk
/// evaluation. Scalars only. Beyond the venues' total depth the rest fetches nothing.
template <class... Venues>
struct routed {
    std::tuple<Venues...>
        venues; ///< The venues' curves, each relative to the same pre-trade price.

    /// The quantity each venue takes of a sale of q (in the order of `venues`).
    std::array<double, sizeof...(Venues)> split(double q) const {
        std::array<double, sizeof...(Venues)> take{};
        if (!(q > 0)) {
            take.fill(q == q ? 0.0 : q);
            return take;
        }
        const auto taken_at = [&](double level) {
            double sum = 0;
            std::size_t i = 0;
            std::apply(
                [&](const auto&... v) {
                    ((take[i] = detail::quantity_at_marginal(v, level), sum += take[i], ++i), ...);
                },
                venues);
            return sum;
        };
        double hi = 0; // the best first unit anywhere
        std::apply(
            [&](const auto&... v) { ((hi = std::max(hi, spiral::marginal_price(v, 0.0))), ...); },
            venues);
        double lo = 0;
        if (!(taken_at(0.0) > q)) // all the depth there is: every venue to exhaustion
            return take;
        for (int i = 0; i < 200 && hi - lo > 1e-16 * hi; ++i) {
            const double mid = 0.5 * (lo + hi);
            (taken_at(mid) > q ? lo : hi) = mid;
        }
        // Between the two levels bracketing the true one the venues take from slightly less
        // to slightly more than q; what is left is shared in proportion to how much each
        // venue's quantity moves across that bracket (all of it for a venue whose quantity
        // jumps there: an order book's level at exactly that price).
        const auto above = [&] {
            taken_at(lo);
            return take;
        }();
        const double sum = taken_at(hi);
        double moves = 0;
        for (std::size_t i = 0; i < take.size(); ++i)
            moves += std::isfinite(above[i]) ? above[i] - take[i] : 0.0;
        const double rest = q - sum;
        for (std::size_t i = 0; i < take.size(); ++i) {
            const double move = std::isfinite(above[i]) ? above[i] - take[i] : 0.0;
            take[i] += moves > 0 ? rest * (move / moves) : (i == 0 ? rest : 0.0);
        }
        return take;
    }

    /// What selling `q` (asset units) fetches, fees deducted, relative to the pre-trade price.
    template <std::floating_point T>
    T proceeds(T q) const {
        const auto take = split(static_cast<double>(q));
        double sum = 0;
        std::size_t i = 0;
        std::apply([&](const auto&... v) { ((sum += v.proceeds(take[i++])), ...); }, venues);
        return static_cast<T>(sum);
    }

    /// d proceeds / dq at `q`: the next unit's execution price, relative to the pre-trade price.
    template <std::floating_point T>
    T marginal_price(T q) const {
        const auto take = split(static_cast<double>(q));
        double best = 0;
        std::size_t i = 0;
        std::apply(
            [&](const auto&... v) {
                ((best = std::max(best, spiral::marginal_price(v, take[i++]))), ...);
            },
            venues);
        return static_cast<T>(best);
    }

    /// The market price after selling `q` (asset units), relative to the pre-trade price.
    template <std::floating_point T>
    T price_factor(T q) const {
        const auto take = split(static_cast<double>(q));
        double best = 0;
        std::size_t i = 0;
        std::apply(
            [&](const auto&... v) {
                ((best = std::max(best, static_cast<double>(v.price_factor(take[i++])))), ...);
            },
            venues);
        return static_cast<T>(best);
    }

    /// Validates every venue that has a validate().
    void validate() const {
        std::apply(
            [](const auto&... v) {
                (
                    [&] {
                        if constexpr (requires { v.validate(); })
                            v.validate();
                    }(),
                    ...);
            },
            venues);
    }
};

/// Deduction guide: `routed{std::tuple{venue, venue, ...}}`.
template <class... Venues>
routed(std::tuple<Venues...>) -> routed<Venues...>;

/// routed{{venue, venue, ...}}, spelled as a function.
template <class... Venues>
routed<Venues...> route_over(Venues... venues) {
    return {std::tuple<Venues...>(std::move(venues)...)};
}

} // namespace spiral::impact
