// Comparing the columns of two stress runs as bytes: runs split over threads, ranks or
// scenario ranges must give the same numbers bit for bit, not merely close ones.
#pragma once

#include <spiral/stress/scenario_results.hpp>

#include <cstddef>
#include <cstring>
#include <vector>

namespace spiral::test {

/// Every column of `a` and `b` equal as bytes over entries [first, first + n).
inline bool same_columns(const stress::scenario_results& a, const stress::scenario_results& b,
                         std::size_t n, std::size_t first = 0) {
    const auto eq = [&](const std::vector<double>& x, const std::vector<double>& y) {
        return x.size() >= first + n && y.size() >= first + n &&
               std::memcmp(x.data() + first, y.data() + first, n * sizeof(double)) == 0;
    };
    return eq(a.bad_debt, b.bad_debt) && eq(a.insolvent_value, b.insolvent_value) &&
           eq(a.liquidation_volume, b.liquidation_volume) && eq(a.liquidations, b.liquidations) &&
           eq(a.final_exogenous_price, b.final_exogenous_price) &&
           eq(a.final_price, b.final_price) && eq(a.min_price, b.min_price) &&
           eq(a.borrowing_power, b.borrowing_power) && eq(a.debt_outstanding, b.debt_outstanding) &&
           eq(a.borrowing_power_available, b.borrowing_power_available) &&
           eq(a.collateral_locked, b.collateral_locked) && eq(a.depth, b.depth);
}

} // namespace spiral::test
