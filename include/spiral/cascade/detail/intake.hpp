// The positions a round of an uncapped cascade newly reaches, liquidated in one branch-free
// pass: on xsimd batches when <spiral/simd.hpp> was included before the cascade headers, one
// position at a time otherwise.
//
// They are contiguous in the prepared order (the frontier advances over them), so the pass
// streams their columns; only the survivors' bucket insertion stays scalar. The kernel is the
// same per-position sequence as a single liquidation (health, bonus, close fraction,
// liquidate, new liquidation price), so the scalar instantiation gives the same bits as the
// position-at-a-time loop, and batches differ from it only in the order the round's totals are
// summed.
#pragma once

#include <spiral/cascade/position.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/core/bulk_abi.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>

#include <cstddef>

#define SPIRAL_CASCADE_ABI SPIRAL_BULK_NAME(cascade) // cascade_avx512bw, ..., cascade_scalar

namespace spiral::cascade::detail {

/// A round's totals.
struct round_totals {
    std::size_t liquidations = 0;
    double seized = 0, repaid = 0, bad_debt = 0;
};

/// A position after `liquidate_if_due`, and what the liquidation (if any) did.
template <real T>
struct liquidation_step {
    T collateral, debt;                ///< after the step
    T liquidation_price;               ///< of what is left (meaningful where debt > 0)
    T seized, repaid, bad_debt, count; ///< 0 where not due; count 1 where due
};

/// Liquidates the position if its health at `oracle` (thresholds times `multiplier`) is below
/// 1, as `liquidate_one` in simulate.hpp does for one position with no per-round cap.
template <real T>
SPIRAL_HD constexpr liquidation_step<T> liquidate_if_due(const rules& r, T oracle, T multiplier,
                                                         T collateral, T debt,
                                                         T threshold) noexcept {
    const T t = threshold * multiplier;
    const T h = health(collateral, oracle, t, debt);
    const auto due = debt > T(0) && h < T(1);
    const T b = bonus_at(r, h);
    const T f = close_fraction(r, h, t, b);
    const liquidation<T> l = liquidate(collateral, debt, oracle, f, b);
    const T zero(0);
    const T c = select(due, l.collateral_left, collateral);
    const T d = select(due, l.debt_left, debt);
    return {c,
            d,
            cascade::liquidation_price(c, d, threshold),
            select(due, l.seized, zero),
            select(due, l.repaid, zero),
            select(due, l.bad_debt, zero),
            select(due, T(1), zero)};
}

inline namespace SPIRAL_CASCADE_ABI {

/// Names this choice of code: `simulate` takes it as a defaulted template argument, so
/// translation units that differ in it never share one instantiation.
struct engine_abi {};

/// Liquidates what is due among `count` positions (`collateral`, `debt`, `threshold`) and
/// writes them as they are after it to `collateral_out` and `debt_out` (which may be the
/// inputs), and their new liquidation prices to `key`. Adds to `total`. Uncapped rounds only
/// (every due position is liquidated).
inline void liquidate_due(const rules& r, double oracle, double multiplier,
                          const double* collateral, const double* debt, const double* threshold,
                          double* collateral_out, double* debt_out, double* key, std::size_t count,
                          round_totals& total) noexcept {
    std::size_t i = 0;
#if SPIRAL_BULK_USES_SIMD
    using B = xsimd::batch<double>;
    constexpr std::size_t width = B::size;
    if (count >= width) {
        const B oracle_b(oracle), multiplier_b(multiplier);
        B seized(0.0), repaid(0.0), bad_debt(0.0), liquidations(0.0);
        for (; i + width <= count; i += width) {
            const liquidation_step<B> s =
                liquidate_if_due(r, oracle_b, multiplier_b, B::load_unaligned(collateral + i),
                                 B::load_unaligned(debt + i), B::load_unaligned(threshold + i));
            s.collateral.store_unaligned(collateral_out + i);
            s.debt.store_unaligned(debt_out + i);
            s.liquidation_price.store_unaligned(key + i);
            seized += s.seized;
            repaid += s.repaid;
            bad_debt += s.bad_debt;
            liquidations += s.count;
        }
        total.seized += xsimd::hadd(seized);
        total.repaid += xsimd::hadd(repaid);
        total.bad_debt += xsimd::hadd(bad_debt);
        total.liquidations += static_cast<std::size_t>(xsimd::hadd(liquidations));
    }
#endif
    for (; i < count; ++i) {
        const liquidation_step<double> s =
            liquidate_if_due(r, oracle, multiplier, collateral[i], debt[i], threshold[i]);
        collateral_out[i] = s.collateral;
        debt_out[i] = s.debt;
        key[i] = s.liquidation_price;
        total.seized += s.seized;
        total.repaid += s.repaid;
        total.bad_debt += s.bad_debt;
        total.liquidations += static_cast<std::size_t>(s.count);
    }
}

} // namespace SPIRAL_CASCADE_ABI
} // namespace spiral::cascade::detail
