// The positions a round of an uncapped cascade newly reaches, liquidated in one branch-free
// pass through the library's column loop (core/bulk.hpp): on groups of xsimd batches when the
// build chose SIMD (spiral::simd), one position at a time otherwise.
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
#include <spiral/core/bulk.hpp>
#include <spiral/core/detail/same_simd_choice.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/core/target.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <tuple>

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

/// Names the CPU target `simulate` runs the newly reached positions with: it takes it as a
/// defaulted template argument, so translation units built for different targets never share
/// one instantiation.
using engine_abi = bulk_target;

/// The columns of the intake pass (validated books only: no checks); padding: an empty
/// position, never due.
struct intake_column_set {
    using scalar = double;
    static constexpr std::array<bulk::column_spec, 3> inputs{{
        {.name = "collateral", .padding = 0.0},
        {.name = "debt", .padding = 0.0},
        {.name = "threshold", .padding = 1.0},
    }};
    static constexpr std::array<bulk::output_spec, 3> outputs{
        {{"collateral"}, {"debt"}, {"liquidation_price"}}};
};

/// Single batches per step: the kernel is short and keeps four running sums, which a group of
/// four batches would push out of the registers (measured: 45% slower on a whole-book crash).
inline constexpr std::size_t intake_batches = 1;

/// One step of the pass; sums the step's totals lane by lane.
template <real T>
struct intake_step {
    rules r; // by value: a local copy cannot alias the output columns, so the rules' fields
             // and the branches on them stay out of the loop
    T oracle, multiplier;
    // = T(0), not {0}: an xsimd batch reads {0} as a list of lanes
    T seized = T(0), repaid = T(0), bad_debt = T(0), liquidations = T(0);

    std::array<T, 3> operator()(T collateral, T debt, T threshold) noexcept {
        const liquidation_step<T> s =
            liquidate_if_due(r, oracle, multiplier, collateral, debt, threshold);
        seized = seized + s.seized;
        repaid = repaid + s.repaid;
        bad_debt = bad_debt + s.bad_debt;
        liquidations = liquidations + s.count;
        return {s.collateral, s.debt, s.liquidation_price};
    }
};

/// Liquidates what is due among `count` positions (`collateral`, `debt`, `threshold`) and
/// writes them as they are after it to `collateral_out` and `debt_out` (which may be the
/// inputs), and their new liquidation prices to `key`. Adds to `total`. Uncapped rounds only
/// (every due position is liquidated). The last parameter only puts the CPU target into the
/// function's type.
inline void liquidate_due(const rules& r, double oracle, double multiplier,
                          const double* collateral, const double* debt, const double* threshold,
                          double* collateral_out, double* debt_out, double* key, std::size_t count,
                          round_totals& total, bulk_target = {}) noexcept {
    using T = bulk::step_t<bulk_target, double, intake_batches>;
    const std::tuple inputs{std::span<const double>(collateral, count),
                            std::span<const double>(debt, count),
                            std::span<const double>(threshold, count)};
    const std::array<std::span<double>, 3> outputs{std::span<double>(collateral_out, count),
                                                   std::span<double>(debt_out, count),
                                                   std::span<double>(key, count)};
    intake_step<T> step{r, T(oracle), T(multiplier)};
    bulk::for_each_step<bulk_target, intake_column_set, false, intake_batches>(
        "cascade::simulate", step, count, inputs, outputs);
    total.seized += bulk::sum_lanes(step.seized);
    total.repaid += bulk::sum_lanes(step.repaid);
    total.bad_debt += bulk::sum_lanes(step.bad_debt);
    total.liquidations += static_cast<std::size_t>(bulk::sum_lanes(step.liquidations));
}

} // namespace spiral::cascade::detail
