// capital::evaluate_frontier_parallel — the frontier on every core (oneTBB), bit-identical to
// capital::evaluate_frontier.
//
// Needs oneTBB: link spiral::parallel (spiral + TBB::tbb).
/// \file
/// \ingroup capital
/// \brief capital::evaluate_frontier_parallel: capital::evaluate_frontier on many threads
/// (oneTBB), with the same result for any thread count.
#pragma once

#include <spiral/capital/frontier.hpp>
#include <spiral/stress/parallel.hpp>

#include <cstddef>
#include <span>
#include <string_view>

namespace spiral::capital {

/// capital::evaluate_frontier on `control.threads` threads (0: all the process may use). The
/// scenarios are cut into blocks of detail::frontier_block, handed out in chunks as
/// stress::run_parallel hands out scenarios (one worker per thread: the block's paths and one
/// stress-engine runner per set); a worker generates a block's paths once and runs every set
/// on them, writing entry s of each set's columns for each scenario s of the block. Scenario s
/// depends only on s and the summaries are fixed-order functions of the columns, so the result is
/// bit-identical to evaluate_frontier's for any thread count or chunk size (control.chunk counts
/// blocks). Stop: the points summarise the largest prefix of blocks completed; progress(done, N)
/// counts scenarios. Input checks as evaluate_frontier's (naming
/// "capital::evaluate_frontier_parallel"), all before the first scenario.
template <stress::path_model M, impact_curve<double> C>
frontier_result
evaluate_frontier_parallel(const cascade::book& base, std::span<const parameter_set> sets,
                           const frontier_options& options, const M& model, const C& curve,
                           const cascade::path_rules& rules, const stress::run_spec& spec,
                           const stress::run_control& control = {}) {
    constexpr std::string_view what = "capital::evaluate_frontier_parallel";
    auto states = detail::prepare_frontier(what, base, sets, options, model, curve, rules, spec);
    using runner = detail::frontier_runner<M, C>;
    // The parallel loop hands out blocks of scenarios: progress is reported in scenarios.
    const std::size_t n = spec.scenarios;
    stress::run_control blocks = control;
    if (control.progress)
        blocks.progress = [&control, n](std::size_t done, std::size_t) {
            control.progress(detail::frontier_scenarios(done, n), n);
        };
    const std::size_t completed =
        detail::frontier_scenarios(stress::detail::run_chunks<runner>(
                                       detail::frontier_blocks(n), stress::scenario_columns{},
                                       blocks, [&] { return runner(states, model, curve, spec); }),
                                   n);
    return detail::finish_frontier(sets, states, options, spec, completed);
}

} // namespace spiral::capital
