// stress::run — Monte Carlo over price paths: the path cascade run once per scenario.
/// \file
/// \ingroup stress
/// \brief stress::run: a stress run on one thread (scenario paths, depth, cascade::run,
/// per-scenario results).
#pragma once

#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/impact/curve.hpp>
#include <spiral/stress/detail/scenario_runner.hpp>
#include <spiral/stress/path_model.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>

#include <cstddef>
#include <string_view>

namespace spiral::stress {

/// Runs spec.scenarios scenarios on this thread. For scenario s (0-based, written at entry s
/// of every non-empty column of `out`):
///  1. `model` writes a path of spec.path.steps + 1 prices from
///     risk::scenario_generator(spec.seed, spec.first_scenario + s);
///  2. the depth multiplier is spec.liquidity.depth(path);
///  3. cascade::run runs the book along the path (step length spec.path.step_days) into
///     impact::scaled_depth{curve, depth} under `rules`;
///  4. the columns are filled as scenario_columns defines them: the step totals give
///     bad_debt, liquidation_volume (sum over steps of collateral seized x oracle price),
///     liquidations, final and lowest prices; when any of insolvent_value, borrowing_power,
///     debt_outstanding, borrowing_power_available or collateral_locked is wanted, one
///     streaming pass over the positions as the run left them, at the final market price
///     (debt price 1), gives them: insolvent_value = bad_debt + sum of max(0, debt -
///     collateral x price) over positions (Gauntlet's net insolvent value).
/// Cost per scenario: the cascade's bucketing pass over the book and the write of the final
/// positions (cascade::run), the pass above, and the positions the prices reach.
///
/// Returns the number of scenarios completed: spec.scenarios, or fewer when control.stop was
/// set (checked before each scenario); then entries [returned, N) of the columns are left as
/// they were. Throws spiral::invalid_argument naming the field for an empty book, a column
/// whose size is neither 0 nor spec.scenarios, a bad spec, model, curve or rule set (all
/// checked before the first scenario), or a path the model made that cascade::run rejects.
template <path_model M, impact_curve<double> C>
std::size_t run(const cascade::prepared_book& book, const M& model, const C& curve,
                const cascade::path_rules& rules, const run_spec& spec, const scenario_columns& out,
                const run_control& control = {}) {
    constexpr std::string_view what = "stress::run";
    detail::validate_run(what, book, model, curve, rules, spec, out);
    const detail::run_context ctx(book, out);
    detail::scenario_runner<M, C> runner(ctx, model, curve, rules, spec);
    const std::size_t n = spec.scenarios;
    for (std::size_t s = 0; s < n; ++s) {
        if (control.stopped())
            return s;
        runner.run(s, out);
        if (control.progress)
            control.progress(s + 1, n);
    }
    return n;
}

} // namespace spiral::stress
