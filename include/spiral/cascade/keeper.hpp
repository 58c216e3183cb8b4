// cascade::keeper_rules — the liquidators: whether a liquidation pays them, how many they can
// do in a step, and how late they act.
/// \file
/// \ingroup cascade
/// \brief cascade::keeper_rules: when liquidations pay the keepers, how many, how late.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace spiral::cascade {

/// The keepers who carry out liquidations. The defaults liquidate everything due at once,
/// whatever it pays (the reference rules).
///
/// A keeper who liquidates pays the debt it repays at the debt's market price, receives the
/// collateral the protocol hands over, and sells it into the curve. With `only_profitable`,
/// it does so only when what that sale fetches (judged alone, at the market as the step
/// starts: a keeper cannot see the others' sales in the same block), less `gas`, is at least
/// (1 + margin) times what it pays; positions left due because it does not pay are reported
/// (step_record::unprofitable). Per step the keepers do at most `max_liquidations`
/// liquidations, repay at most `max_repaid_value` (quote) and spend at most `gas_budget` on
/// gas, serving the lowest health first; a liquidation that does not fit waits. A keeper who
/// sees a position due at step k liquidates it at step k + latency_steps if it is still due
/// then (and, after a liquidation, needs to see it due again).
struct keeper_rules {
    bool only_profitable = false;  ///< keepers skip liquidations that do not pay them
    double gas = 0;                ///< quote spent per liquidation, >= 0
    double margin = 0;             ///< required return over what the debt costs, > -1
    std::size_t latency_steps = 0; ///< steps between seeing a position due and liquidating it
    std::size_t max_liquidations = std::numeric_limits<std::size_t>::max(); ///< per step, > 0
    double max_repaid_value = std::numeric_limits<double>::infinity();      ///< per step, > 0
    double gas_budget = std::numeric_limits<double>::infinity();            ///< per step, > 0

    /// True when any rule here changes what the reference rules do.
    bool active() const noexcept { return only_profitable || latency_steps > 0 || limited(); }
    /// True when a per-step capacity is finite.
    bool limited() const noexcept {
        constexpr double inf = std::numeric_limits<double>::infinity();
        return max_liquidations != std::numeric_limits<std::size_t>::max() ||
               max_repaid_value < inf || (gas_budget < inf && gas > 0);
    }

    /// Throws spiral::invalid_argument naming the first field out of its domain.
    void validate(std::string_view what = "cascade::keeper_rules",
                  std::string_view name = "keepers") const {
        using spiral::detail::require;
        const std::string prefix = std::string(name) + ".";
        require(spiral::detail::non_negative, what, prefix + "gas", gas);
        require(spiral::detail::above(-1), what, prefix + "margin", margin);
        if (max_liquidations == 0)
            spiral::detail::throw_invalid(what, prefix + "max_liquidations", spiral::detail::no_row,
                                          max_liquidations, "must be > 0");
        if (!(max_repaid_value > 0))
            spiral::detail::throw_invalid(what, prefix + "max_repaid_value", spiral::detail::no_row,
                                          max_repaid_value, "must be > 0");
        if (!(gas_budget > 0))
            spiral::detail::throw_invalid(what, prefix + "gas_budget", spiral::detail::no_row,
                                          gas_budget, "must be > 0");
    }
};

} // namespace spiral::cascade
