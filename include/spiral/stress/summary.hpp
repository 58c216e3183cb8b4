// stress::summary — the metrics of a stress run, each with its Monte Carlo error.
/// \file
/// \ingroup stress
/// \brief stress::summary: VaR, LaR, expected shortfall and the rest, with Monte Carlo errors.
#pragma once

#include <cstddef>

namespace spiral::stress {

/// A Monte Carlo estimate and its standard error.
struct estimate {
    double value = 0;          ///< the estimate
    double standard_error = 0; ///< its Monte Carlo standard error
};

/// An empirical quantile: the ceil(level N)-th smallest of N values (the inverse of the
/// empirical distribution function), with a distribution-free 95% confidence interval from
/// the binomial distribution of order statistics and a standard error read from it.
struct quantile_estimate {
    double level = 0;          ///< the probability level, in (0, 1)
    double value = 0;          ///< the order statistic
    double lower = 0;          ///< lower end of the 95% confidence interval
    double upper = 0;          ///< upper end of the 95% confidence interval
    double standard_error = 0; ///< (upper - lower) / (2 x 1.959964)
};

/// What a stress run found over its scenarios (see scenario_columns for each quantity).
/// VaR and LaR follow Gauntlet's published definitions: the 95th (and 99th) percentile of the
/// net insolvent value at the end of a run, and of the liquidation volume.
struct summary {
    std::size_t scenarios = 0; ///< N
    quantile_estimate var95;   ///< VaR: 95th percentile of insolvent_value
    quantile_estimate var99;   ///< 99th percentile of insolvent_value
    estimate es95;             ///< expected shortfall: mean insolvent_value at and beyond var95
    estimate es99;             ///< mean insolvent_value at and beyond var99
    quantile_estimate lar95;   ///< LaR: 95th percentile of liquidation_volume
    quantile_estimate lar99;   ///< 99th percentile of liquidation_volume
    estimate probability_of_bad_debt;        ///< share of scenarios with insolvent_value > 0
    estimate mean_bad_debt;                  ///< mean of bad_debt
    estimate mean_insolvent_value;           ///< mean of insolvent_value
    estimate mean_liquidation_volume;        ///< mean of liquidation_volume
    estimate mean_liquidations;              ///< mean of liquidations
    quantile_estimate final_price_p01;       ///< 1st percentile of the final price
    quantile_estimate final_price_p05;       ///< 5th percentile of the final price
    quantile_estimate final_price_p50;       ///< median final price
    quantile_estimate liquidations_p50;      ///< median liquidation count
    quantile_estimate liquidations_p95;      ///< 95th percentile of the liquidation count
    quantile_estimate liquidations_p99;      ///< 99th percentile of the liquidation count
    estimate mean_borrowing_power;           ///< mean borrowing power at the end
    estimate mean_borrowing_power_available; ///< mean available borrowing power at the end
    estimate mean_collateral_locked;         ///< mean collateral locked at the end
    // The book before the run (the same in every scenario).
    double initial_debt = 0;             ///< the book's debt at the start
    double initial_collateral_value = 0; ///< its collateral at the spot price
    double initial_borrowing_power = 0;  ///< sum of collateral value x threshold at the start
};

} // namespace spiral::stress
