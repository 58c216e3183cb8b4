// capital::parameter_set — one candidate set of collateral parameters for a frontier.
/// \file
/// \ingroup capital
/// \brief capital::parameter_set: a liquidation threshold, bonus, close factor, per-step
/// liquidation cap and debt ceiling to evaluate, and the cascade::path_rules it gives.
#pragma once

#include <spiral/cascade/path_rules.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace spiral::capital {

/// One candidate set of collateral parameters. The threshold is either an absolute
/// liquidation threshold given to every position (`threshold` > 0) or a multiplier of each
/// position's own threshold (`threshold` = 0: t' = threshold_scale x t). The other fields
/// replace the fields of the base cascade::path_rules named in rules_for(); the debt ceiling
/// caps the book's total debt (see capital::respond).
struct parameter_set {
    double threshold_scale = 1; ///< t' = threshold_scale x t when threshold is 0; > 0
    double threshold = 0;       ///< absolute liquidation threshold, in (0, 1]; 0: use the scale
    double bonus = 0.05;        ///< liquidation bonus (rules.liquidation.bonus), >= 0
    double close_factor = 0.5;  ///< share of the debt one liquidation repays, in (0, 1]
    /// Most collateral (asset units) liquidated per path step
    /// (rules.liquidation.max_collateral_per_round); > 0, +inf: no cap.
    double max_collateral_per_step = std::numeric_limits<double>::infinity();
    /// Most total debt the book may hold (quote currency); > 0, +inf: no ceiling.
    double debt_ceiling = std::numeric_limits<double>::infinity();

    /// Throws spiral::invalid_argument naming `what`, the field (as its name, or
    /// `sets.NAME[row]` with a row) and the value for a field out of its domain.
    void validate(std::string_view what = "capital::parameter_set",
                  std::size_t row = spiral::detail::no_row) const {
        using namespace spiral::detail;
        const auto name = [row](std::string_view f) {
            return row == no_row ? std::string(f) : "sets." + std::string(f);
        };
        require(positive, what, name("threshold_scale"), threshold_scale, row);
        require(zero_or(in_left_open(0, 1)), what, name("threshold"), threshold, row);
        require(non_negative, what, name("bonus"), bonus, row);
        require(in_left_open(0, 1), what, name("close_factor"), close_factor, row);
        if (!(max_collateral_per_step > 0)) // NaN fails too; +inf is no cap
            throw_invalid(what, name("max_collateral_per_step"), row, max_collateral_per_step,
                          "must be > 0; +inf is no cap");
        if (!(debt_ceiling > 0))
            throw_invalid(what, name("debt_ceiling"), row, debt_ceiling,
                          "must be > 0; +inf is no ceiling");
    }
};

/// `base` with the set's liquidation parameters: liquidation.bonus = set.bonus,
/// liquidation.close_factor = set.close_factor, liquidation.max_collateral_per_round =
/// set.max_collateral_per_step (along a path a round is a step); liquidation.max_bonus is
/// raised to the bonus where it was below it. Everything else is base's. Does not validate.
inline cascade::path_rules rules_for(const cascade::path_rules& base, const parameter_set& set) {
    cascade::path_rules r = base;
    r.liquidation.bonus = set.bonus;
    r.liquidation.close_factor = set.close_factor;
    r.liquidation.max_collateral_per_round = set.max_collateral_per_step;
    if (r.liquidation.max_bonus < set.bonus)
        r.liquidation.max_bonus = set.bonus;
    return r;
}

} // namespace spiral::capital
