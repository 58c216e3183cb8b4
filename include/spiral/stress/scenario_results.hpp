// stress::scenario_results — what each scenario of a stress run ended with, as columns.
/// \file
/// \ingroup stress
/// \brief stress::scenario_results: one row per scenario of a stress run, as columns.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace spiral::stress {

/// Where a stress run writes its per-scenario results: one entry per scenario, in scenario
/// order. An empty span means "not wanted". Money is in the quote currency.
struct scenario_columns {
    /// Debt written off during the run (positions left with debt and no collateral).
    std::span<double> bad_debt;
    /// Gauntlet's net insolvent value at the end of the run: bad_debt plus, over the positions
    /// still open whose debt is worth more than their collateral at the final prices,
    /// the sum of (debt value - collateral value).
    std::span<double> insolvent_value;
    /// Liquidation volume: the quote value, at the oracle price that seized it, of all
    /// collateral liquidations took from positions.
    std::span<double> liquidation_volume;
    /// Liquidation events (a position liquidated twice counts twice).
    std::span<double> liquidations;
    /// The exogenous (model) price at the end of the path, before impact.
    std::span<double> final_exogenous_price;
    /// The market price at the end of the run (after the impact of liquidation sales).
    std::span<double> final_price;
    /// The lowest market price over the run.
    std::span<double> min_price;
    /// Borrowing power at the end: sum of collateral value x threshold over open positions.
    std::span<double> borrowing_power;
    /// Debt outstanding at the end (the borrowing power used).
    std::span<double> debt_outstanding;
    /// Borrowing power still available at the end: sum over positions of
    /// max(0, collateral value x threshold - debt).
    std::span<double> borrowing_power_available;
    /// Collateral locked at the end: the quote value of all collateral still in positions.
    std::span<double> collateral_locked;
    /// The depth multiplier the scenario's liquidity got (1 without a liquidity response).
    std::span<double> depth;
};

/// Owning storage for scenario_columns.
struct scenario_results {
    std::vector<double> bad_debt;        ///< debt written off (see scenario_columns)
    std::vector<double> insolvent_value; ///< net insolvent value at the end (see scenario_columns)
    std::vector<double>
        liquidation_volume;           ///< quote value of collateral seized (see scenario_columns)
    std::vector<double> liquidations; ///< liquidation events (see scenario_columns)
    std::vector<double> final_exogenous_price; ///< model price at the end (see scenario_columns)
    std::vector<double> final_price;           ///< market price at the end (see scenario_columns)
    std::vector<double> min_price;             ///< lowest market price (see scenario_columns)
    std::vector<double> borrowing_power;  ///< borrowing power at the end (see scenario_columns)
    std::vector<double> debt_outstanding; ///< debt at the end (see scenario_columns)
    std::vector<double> borrowing_power_available; ///< borrowing power still available at the end
                                                   ///< (see scenario_columns)
    std::vector<double> collateral_locked; ///< collateral value at the end (see scenario_columns)
    std::vector<double> depth; ///< the scenario's depth multiplier (see scenario_columns)

    /// Sizes every column for `n` scenarios.
    explicit scenario_results(std::size_t n = 0)
        : bad_debt(n), insolvent_value(n), liquidation_volume(n), liquidations(n),
          final_exogenous_price(n), final_price(n), min_price(n), borrowing_power(n),
          debt_outstanding(n), borrowing_power_available(n), collateral_locked(n), depth(n) {}

    /// The number of scenarios.
    std::size_t size() const noexcept { return bad_debt.size(); }

    /// Views of every column, for a run to write into.
    scenario_columns columns() noexcept {
        return {bad_debt,
                insolvent_value,
                liquidation_volume,
                liquidations,
                final_exogenous_price,
                final_price,
                min_price,
                borrowing_power,
                debt_outstanding,
                borrowing_power_available,
                collateral_locked,
                depth};
    }
};

} // namespace spiral::stress
