// The impact_curve concept: what selling a cumulative quantity q does to the price.
#pragma once

#include <concepts>

namespace spiral {

/// A price-impact curve over the cumulative quantity sold `q` (asset units), relative to the
/// pre-trade price:
///   price_factor(q) — price after selling q, divided by the pre-trade price; in (0, 1] or 0
///                     once the curve's liquidity is exhausted, non-increasing in q;
///   proceeds(q)     — quote received for selling q, divided by the pre-trade price:
///                     the integral of price_factor from 0 to q (so proceeds(q) <= q).
template <class C, class T>
concept impact_curve = requires(const C& c, T q) {
    { c.price_factor(q) } -> std::convertible_to<T>;
    { c.proceeds(q) } -> std::convertible_to<T>;
};

} // namespace spiral
