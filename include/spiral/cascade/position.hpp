// Element kernels for one leveraged position: health, liquidation price, toxicity, and one
// liquidation step. Shared by the cascade engines and usable on SIMD batches and on a GPU.
/// \file
/// \ingroup cascade
/// \brief Element kernels for one leveraged position: health, liquidation price, toxicity.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>

namespace spiral::cascade {

/// Health factor `collateral * price * threshold / debt`: below 1 the position may be
/// liquidated. Debt 0 gives +inf (or NaN when collateral or price is 0 too): never liquidated.
template <real T>
SPIRAL_HD constexpr T health(T collateral, T price, T threshold, T debt) noexcept {
    return collateral * price * threshold / debt;
}

/// The price at which health reaches 1: `debt / (collateral * threshold)`.
template <real T>
SPIRAL_HD constexpr T liquidation_price(T collateral, T debt, T threshold) noexcept {
    return debt / (collateral * threshold);
}

/// The price below which the collateral no longer covers the debt plus the liquidation bonus,
/// `debt * (1 + bonus) / collateral`. Below it a liquidation *lowers* the position's health
/// (health < (1 + bonus) * threshold, whatever the close factor) and a full close leaves bad
/// debt: the toxic spiral. Above 1 / ((1 + bonus) threshold) times the liquidation price, i.e.
/// whenever (1 + bonus) * threshold > 1, every liquidatable position is toxic.
template <real T>
SPIRAL_HD constexpr T toxic_price(T collateral, T debt, T bonus) noexcept {
    return debt * (T(1) + bonus) / collateral;
}

/// What one liquidation at oracle price `price` does to a position.
template <real T>
struct liquidation {
    T seized;          ///< collateral taken (asset units)
    T repaid;          ///< debt repaid (quote)
    T bad_debt;        ///< debt written off because the collateral ran out (quote)
    T collateral_left; ///< collateral after the liquidation
    T debt_left;       ///< debt after it: 0 once closed or written off
};

/// One liquidation: repay `fraction * debt` and seize that times (1 + bonus) in collateral at
/// `price`. If that is more than the collateral, seize all of it and repay what it covers net
/// of the bonus. A position left with no collateral and some debt writes that debt off as bad
/// debt and closes. Branch-free; `fraction` in (0, 1].
template <real T>
SPIRAL_HD constexpr liquidation<T> liquidate(T collateral, T debt, T price, T fraction,
                                             T bonus) noexcept {
    const T wanted_repay = fraction * debt;
    const T wanted_seize = wanted_repay * (T(1) + bonus) / price;
    // Not `>`: at a zero price 0 * inf is NaN, and worthless collateral is all taken.
    const auto runs_out = !(wanted_seize <= collateral);
    // min(): rounding must not let the capped repayment exceed what was asked for.
    const T covered = spiral::min(collateral * price / (T(1) + bonus), wanted_repay);
    const T repaid = spiral::select(runs_out, covered, wanted_repay);
    const T seized = spiral::select(runs_out, collateral, wanted_seize);
    const T collateral_left = collateral - seized;
    const T debt_after = debt - repaid;
    const T written_off =
        spiral::select(collateral_left == T(0) && debt_after > T(0), debt_after, T(0));
    return {seized, repaid, written_off, collateral_left, debt_after - written_off};
}

} // namespace spiral::cascade
