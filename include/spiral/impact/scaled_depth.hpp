// Combinator: the same curve with liquidity k times deeper (k > 1) or thinner (k < 1).
/// \file
/// \ingroup impact
/// \brief Combinator: the same curve with liquidity k times deeper (k > 1) or thinner (k < 1).
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/real.hpp>
#include <spiral/impact/curve.hpp>
#include <spiral/impact/detail.hpp>

namespace spiral::impact {

/// `curve` with every quantity scale multiplied by `depth`: k units now move the price as one
/// unit did. The hook for liquidity that evaporates under stress (depth < 1).
///
///   price_factor(q) = curve.price_factor(q / k)
///   proceeds(q)     = k curve.proceeds(q / k)      (integral of marginal_price(q / k))
///
/// For a constant-product pool this equals scaling both reserves by k; for an order book,
/// every level's size. Write `impact::scaled_depth{curve, 0.5}` (the deduction guide makes
/// the curve type implicit). Kernels never throw; NaN in, NaN out.
template <class C>
struct scaled_depth {
    C curve{};        ///< The curve whose liquidity is scaled.
    double depth = 1; ///< k > 0

    /// The market price after selling `q` (asset units), relative to the pre-trade price.
    SPIRAL_HD_TEMPLATE
    template <real T>
    requires impact_curve<C, T> SPIRAL_HD constexpr T price_factor(T q) const noexcept {
        return curve.price_factor(q / detail::splat<T>(depth));
    }

    /// What selling `q` (asset units) fetches, fees deducted, relative to the pre-trade price.
    SPIRAL_HD_TEMPLATE
    template <real T>
    requires impact_curve<C, T> SPIRAL_HD constexpr T proceeds(T q) const noexcept {
        return detail::splat<T>(depth) * curve.proceeds(q / detail::splat<T>(depth));
    }

    /// d proceeds / dq at `q`: the next unit's execution price, relative to the pre-trade price.
    SPIRAL_HD_TEMPLATE
    template <real T>
    requires impact_curve<C, T> SPIRAL_HD constexpr T marginal_price(T q) const noexcept {
        return spiral::marginal_price(curve, q / detail::splat<T>(depth));
    }

    /// Throws spiral::invalid_argument unless depth is in [1e-100, 1e100] (so that q / depth
    /// stays finite for every quantity up to 1e200, the curves' domain); then validates the
    /// wrapped curve, if it has a `validate()`.
    void validate() const {
        detail::require_in(spiral::detail::in_closed(1e-100, 1e100), "impact::scaled_depth",
                           "depth", depth);
        if constexpr (requires { curve.validate(); })
            curve.validate();
    }
};

/// Deduction guide: `scaled_depth{curve, depth}`.
template <class C>
scaled_depth(C, double) -> scaled_depth<C>;

} // namespace spiral::impact
