// A limit order book's bid side, walked level by level.
/// \file
/// \ingroup impact
/// \brief A limit order book's bid side, walked level by level.
#pragma once

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

/// The bid side of a limit order book: levels (price, size) that a market sell order of q
/// consumes from the best bid down. Built from data at run time; the levels are sorted by
/// price, best first (any input order is accepted; equal prices merge).
///
/// Prices are relative to `reference()`: the best bid unless another reference is given
/// (e.g. the mid, which makes price_factor(0) = best bid / mid < 1: the half-spread).
/// With levels p_1 > p_2 > ... of sizes s_1, s_2, ... and Q_i = s_1 + ... + s_i:
///
///   price_factor(q) = p_i / reference    for Q_(i-1) <= q < Q_i (the price of the next unit:
///                                        piecewise constant, right-continuous)
///   proceeds(q)     = (sum of p_j s_j over full levels + p_i (q - Q_(i-1))) / reference.
///
/// Exhaustion: beyond the total depth Q_n nothing more is bought: price_factor is 0 and
/// proceeds stays at notional() / reference (the unfilled remainder receives nothing; never a
/// negative price). An empty book is exhausted from the start.
///
/// Allocation happens only in the constructor; the kernels allocate nothing, never throw, and
/// take O(log n) per scalar (binary search) or O(n) per SIMD batch (branch-free sweep).
/// NaN in, NaN out. The kernels read std::vector storage, so they are host-only.
class order_book {
public:
    /// A resting bid: `size` units wanted at `price`.
    struct level {
        double price = 0; ///< Bid price, in quote units (> 0).
        double size = 0;  ///< Units wanted at that price (>= 0).
    };

    constexpr order_book() = default;

    /// Validates every level (spiral::invalid_argument naming "bids[i].price" or
    /// "bids[i].size" and the value) and the reference (0 means the best bid; otherwise it
    /// must be at least the best bid), then sorts and merges.
    constexpr explicit order_book(std::span<const level> bids, double reference = 0) {
        for (std::size_t i = 0; i < bids.size(); ++i) {
            // Prices are divided and multiplied by one another: subnormal ones lose their bits.
            if (!(bids[i].price >= smallest_price) || !detail::is_finite(bids[i].price))
                detail::fail_at(what, "bids", i, "price", bids[i].price,
                                "must be finite and >= 2.2250738585072014e-308");
            if (!(bids[i].size >= 0) || !detail::is_finite(bids[i].size))
                detail::fail_at(what, "bids", i, "size", bids[i].size, "must be finite and >= 0");
        }
        std::vector<level> sorted(bids.begin(), bids.end());
        std::sort(sorted.begin(), sorted.end(), // (equal prices merge: order among them is moot)
                  [](const level& a, const level& b) { return a.price > b.price; });
        for (const level& l : sorted) {
            if (l.size == 0)
                continue;
            if (!price_.empty() && price_.back() == l.price) {
                size_.back() += l.size;
                continue;
            }
            price_.push_back(l.price);
            size_.push_back(l.size);
        }
        double quantity = 0, notional = 0;
        for (std::size_t i = 0; i < price_.size(); ++i) {
            start_quantity_.push_back(quantity);
            start_notional_.push_back(notional);
            quantity += size_[i];
            notional += price_[i] * size_[i];
        }
        // Totals the kernels interpolate in: proceeds beyond the depth are notional / reference.
        if (!detail::is_finite(quantity) || !detail::is_finite(notional))
            detail::fail(what, "bids", notional,
                         "the book's total size and notional (sum of price * size) must be "
                         "finite; size total = " +
                             spiral::detail::bound_text(quantity));
        depth_ = quantity;
        notional_ = notional;
        const double best = price_.empty() ? 1.0 : price_.front();
        if (reference == 0)
            reference = best;
        if (!(reference >= best) || !detail::is_finite(reference))
            detail::fail(what, "reference", reference,
                         "must be 0 (best bid) or a finite price at or above the best bid");
        reference_ = reference;
        // What the kernels interpolate, relative to the reference: (price / reference) size
        // summed level by level, so that no product of a tiny price and a size goes subnormal
        // on the way (proceeds exceeded q by 4e-8 at prices near 1e-300).
        double relative = 0;
        for (std::size_t i = 0; i < price_.size(); ++i) {
            start_notional_[i] = relative;
            relative += price_[i] / reference_ * size_[i];
        }
        relative_notional_ = relative;
    }
    /// The same from a braced list of levels.
    constexpr order_book(std::initializer_list<level> bids, double reference = 0)
        : order_book(std::span<const level>(bids.begin(), bids.size()), reference) {}

    /// The price that price_factor and proceeds are relative to.
    constexpr double reference() const noexcept { return reference_; }
    /// Total size on the book: proceeds saturate beyond it.
    constexpr double depth() const noexcept { return depth_; }
    /// Sum of price * size over the book (quote currency).
    constexpr double notional() const noexcept { return notional_; }
    /// Number of distinct price levels.
    constexpr std::size_t levels() const noexcept { return price_.size(); }
    /// Level i after sorting and merging (best first).
    constexpr level at(std::size_t i) const noexcept { return {price_[i], size_[i]}; }

    /// The market price after selling `q` (asset units), relative to the pre-trade price.
    template <real T>
    constexpr T price_factor(T q) const noexcept {
        return evaluate(q, true);
    }

    /// What selling `q` (asset units) fetches, fees deducted, relative to the pre-trade price.
    template <real T>
    constexpr T proceeds(T q) const noexcept {
        return evaluate(q, false);
    }

    /// Re-checks the stored levels and reference (the constructor already did).
    constexpr void validate() const {
        for (std::size_t i = 0; i < price_.size(); ++i) {
            if (!(price_[i] >= smallest_price) || !detail::is_finite(price_[i]))
                detail::fail_at(what, "bids", i, "price", price_[i],
                                "must be finite and >= 2.2250738585072014e-308");
            if (!(size_[i] >= 0) || !detail::is_finite(size_[i]))
                detail::fail_at(what, "bids", i, "size", size_[i], "must be finite and >= 0");
        }
        detail::require_positive(what, "reference", reference_);
    }

private:
    static constexpr const char* what = "impact::order_book";
    static constexpr double smallest_price = 2.2250738585072014e-308; // smallest normal

    std::vector<double> price_, size_;
    std::vector<double> start_quantity_, start_notional_; // before each level
    double depth_ = 0, notional_ = 0, reference_ = 1;
    double relative_notional_ = 0; // sum of (price / reference) size
    // start_notional_ holds the relative sums before each level once the reference is known

    template <real T>
    constexpr T in_level(std::size_t i, T q, bool want_price) const noexcept {
        if (want_price)
            return detail::splat<T>(price_[i] / reference_);
        return detail::splat<T>(start_notional_[i]) +
               detail::splat<T>(price_[i] / reference_) *
                   (q - detail::splat<T>(start_quantity_[i]));
    }

    template <real T>
    constexpr T evaluate(T q, bool want_price) const noexcept {
        const T exhausted = want_price ? T(0) : detail::splat<T>(relative_notional_);
        if constexpr (std::floating_point<T>) {
            if (q != q)
                return q;
            if (price_.empty() || !(static_cast<double>(q) < depth_))
                return exhausted;
            const auto it = std::upper_bound(start_quantity_.begin(), start_quantity_.end(),
                                             static_cast<double>(q));
            const auto i = static_cast<std::size_t>(it - start_quantity_.begin()) -
                           (it == start_quantity_.begin() ? 0 : 1);
            return in_level(i, q, want_price);
        } else {
            T result = exhausted;
            for (std::size_t i = 0; i < price_.size(); ++i) {
                const T value = in_level(i, q, want_price);
                result = i == 0 ? value
                                : select(q >= detail::splat<T>(start_quantity_[i]), value, result);
            }
            result = select(q >= detail::splat<T>(depth_), exhausted, result);
            return select(q == q, result, q); // NaN lanes (see concentrated_liquidity.hpp)
        }
    }
};

} // namespace spiral::impact
