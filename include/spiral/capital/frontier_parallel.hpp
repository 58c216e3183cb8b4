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
/// scenarios are cut into chunks and handed out as stress::run_parallel does (same chunking,
/// one worker per thread: a path buffer and one stress-engine runner per set); a worker
/// generates scenario s's path once and runs every set on it, writing entry s of each set's
/// columns. Scenario s depends only on s and the summaries are fixed-order functions of the
/// columns, so the result is bit-identical to evaluate_frontier's for any thread count or
/// chunk size. Stop: the points summarise the largest prefix of scenarios completed. Input
/// checks as evaluate_frontier's (naming "capital::evaluate_frontier_parallel"), all before
/// the first scenario.
template <stress::path_model M, impact_curve<double> C>
frontier_result
evaluate_frontier_parallel(const cascade::book& base, std::span<const parameter_set> sets,
                           const frontier_options& options, const M& model, const C& curve,
                           const cascade::path_rules& rules, const stress::run_spec& spec,
                           const stress::run_control& control = {}) {
    constexpr std::string_view what = "capital::evaluate_frontier_parallel";
    auto states = detail::prepare_frontier(what, base, sets, options, model, curve, rules, spec);
    using runner = detail::frontier_runner<M, C>;
    const std::size_t completed =
        stress::detail::run_chunks<runner>(spec.scenarios, stress::scenario_columns{}, control,
                                           [&] { return runner(states, model, curve, spec); });
    return detail::finish_frontier(sets, states, options, spec, completed);
}

} // namespace spiral::capital
