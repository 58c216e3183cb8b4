// capital::evaluate_frontier and capital::pareto_front — capital efficiency against stress
// risk for many parameter sets on the same scenarios.
/// \file
/// \ingroup capital
/// \brief capital::evaluate_frontier (every parameter set on the same scenarios, each path
/// generated once) and capital::pareto_front (the sets no other set beats on both efficiency
/// and VaR).
#pragma once

#include <spiral/capital/book_response.hpp>
#include <spiral/capital/parameter_set.hpp>
#include <spiral/cascade/book.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/random.hpp>
#include <spiral/impact/curve.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/stress/detail/scenario_runner.hpp>
#include <spiral/stress/metrics.hpp>
#include <spiral/stress/path_model.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>
#include <spiral/stress/summary.hpp>
#include <spiral/stress/validate_model.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace spiral::capital {

/// How a frontier is evaluated besides the scenarios.
struct frontier_options {
    book_response response = book_response::relever(); ///< how the book answers each set
    bool keep_scenarios = false; ///< keep every set's per-scenario columns in its point
};

/// One parameter set evaluated: its book's capital efficiency at the start (the same in every
/// scenario) and its solvency over the scenarios.
struct frontier_point {
    parameter_set set;           ///< the parameters
    double efficiency = 0;       ///< capital efficiency: the borrowing power (= borrowing_power)
    double borrowing_power = 0;  ///< sum of collateral x spot x threshold of the set's book
    double debt = 0;             ///< the set's book's debt (after response and ceiling)
    double collateral_value = 0; ///< collateral locked: sum of collateral x spot
    double average_ltv = 0;      ///< debt / collateral_value (0 without collateral)
    double var95_share = 0;      ///< risk.var95.value / debt (0 when both are 0)
    stress::summary risk;        ///< VaR95/99, ES, P(bad debt), LaR, ... with their errors
    stress::scenario_results scenarios; ///< per-scenario columns (only with keep_scenarios)
};

/// A frontier: one point per parameter set, in the order of the sets.
struct frontier_result {
    std::vector<frontier_point> points; ///< one per set
    std::size_t scenarios = 0;          ///< scenarios completed (a prefix of the spec's)
    std::size_t path_generations = 0;   ///< model paths generated: one per scenario
    std::size_t cascade_runs = 0;       ///< cascades run: sets x scenarios
    /// Path generations a set-by-set evaluation would have made per one made here
    /// (cascade_runs / path_generations = the number of sets).
    double reuse_factor = 0;
};

namespace detail {

/// Scenarios per block: a worker generates the paths of a block once, then runs every set on
/// the whole block, so that each set's book stays in cache across the block's scenarios
/// (set-major within a block; scenario-major loops over 100,000-position books ran slower
/// than one stress::run per set). Internal.
inline constexpr std::size_t frontier_block = 16;

/// The paths of one block of scenarios, and the one being replayed. Internal.
struct stored_paths {
    std::vector<double> prices; ///< frontier_block paths of `points` prices each
    std::size_t points = 0;     ///< prices per path (steps + 1)
    std::size_t current = 0;    ///< the path being replayed, within the block
};

/// A path model that replays the path stored in `paths` (the scenario's path, generated once
/// by the real model): every parameter set's runner reads the same prices. Internal.
struct stored_path {
    const stored_paths* paths = nullptr; ///< the block's paths

    /// Nothing to check: the real model was validated.
    void validate() const noexcept {}
    /// Copies the current stored path (spec.steps + 1 prices).
    void generate(splitmix64&, const stress::path_spec& spec, double* out) const noexcept {
        const double* p = paths->prices.data() + paths->current * paths->points;
        std::copy(p, p + spec.steps + 1, out);
    }
};

/// What one parameter set needs in a run: its book (prepared), rules, columns and the run
/// context of the stress engine. Built once, read by every worker. Internal.
struct set_state {
    cascade::prepared_book book;                      ///< the set's book
    cascade::path_rules rules;                        ///< base rules with the set's fields
    stress::scenario_results out;                     ///< the set's columns
    stress::scenario_columns cols;                    ///< views of out
    std::unique_ptr<stress::detail::run_context> ctx; ///< the engine's per-run context
};

/// Validates everything before any scenario and builds each set's state. Internal.
template <stress::path_model M, impact_curve<double> C>
std::vector<std::unique_ptr<set_state>>
prepare_frontier(std::string_view what, const cascade::book& base,
                 std::span<const parameter_set> sets, const frontier_options& options,
                 const M& model, const C& curve, const cascade::path_rules& rules,
                 const stress::run_spec& spec) {
    spiral::detail::require_not_empty(what, "sets", sets.size());
    options.response.validate(what);
    spec.validate(what);
    stress::validate_model(model, spec.path);
    for (std::size_t i = 0; i < sets.size(); ++i)
        sets[i].validate(what, i);
    std::vector<std::unique_ptr<set_state>> states;
    states.reserve(sets.size());
    const stored_paths none{};
    const stored_path replay{&none};
    for (std::size_t i = 0; i < sets.size(); ++i) {
        auto st = std::make_unique<set_state>();
        st->book = cascade::prepared_book(respond(base, sets[i], options.response, what, i));
        st->rules = rules_for(rules, sets[i]);
        st->out = stress::scenario_results(spec.scenarios);
        st->cols = st->out.columns();
        stress::detail::validate_run(what, st->book, replay, curve, st->rules, spec, st->cols);
        st->ctx = std::make_unique<stress::detail::run_context>(st->book, st->cols);
        states.push_back(std::move(st));
    }
    return states;
}

/// One worker of a frontier: the block's paths and one stress-engine runner. run(b) generates
/// the paths of block b (scenarios [b B, b B + B), B = frontier_block) once with the real
/// model, then runs every set on every scenario of the block, rebinding the runner to each
/// set's context and rules in turn (its buffers, the size of one book, are reused: a worker's
/// memory does not grow with the number of sets), exactly as stress::run would for that set's
/// book and rules. Internal.
template <stress::path_model M, impact_curve<double> C>
class frontier_runner {
public:
    using runner = stress::detail::scenario_runner<stored_path, C>;

    frontier_runner(const std::vector<std::unique_ptr<set_state>>& states, const M& model,
                    const C& curve, const stress::run_spec& spec)
        : states_(&states), model_(&model), spec_(&spec), paths_(std::make_unique<stored_paths>()),
          replay_(std::make_unique<stored_path>(stored_path{paths_.get()})),
          runner_(*states.front()->ctx, *replay_, curve, states.front()->rules, spec) {
        paths_->points = spec.path.steps + 1;
        paths_->prices.resize(frontier_block * paths_->points);
    }

    /// Block b of the spec's scenarios for every set (the columns argument is not used: each
    /// set writes its own).
    void run(std::size_t b, const stress::scenario_columns& = {}) {
        const std::size_t lo = b * frontier_block;
        const std::size_t hi = std::min(spec_->scenarios, lo + frontier_block);
        for (std::size_t s = lo; s < hi; ++s) {
            splitmix64 g = risk::scenario_generator(spec_->seed, spec_->first_scenario + s);
            model_->generate(g, spec_->path, paths_->prices.data() + (s - lo) * paths_->points);
        }
        for (const auto& st : *states_) {
            runner_.rebind(*st->ctx, st->rules);
            for (std::size_t s = lo; s < hi; ++s) {
                paths_->current = s - lo;
                runner_.run(s, st->cols);
            }
        }
    }

private:
    const std::vector<std::unique_ptr<set_state>>* states_;
    const M* model_;
    const stress::run_spec* spec_;
    std::unique_ptr<stored_paths> paths_; // heap: stable when the runner moves
    std::unique_ptr<stored_path> replay_;
    runner runner_;
};

/// Blocks of frontier_block scenarios in n scenarios. Internal.
inline std::size_t frontier_blocks(std::size_t n) noexcept {
    return (n + frontier_block - 1) / frontier_block;
}

/// Scenarios completed when the first `blocks` blocks of n scenarios are. Internal.
inline std::size_t frontier_scenarios(std::size_t blocks, std::size_t n) noexcept {
    return std::min(n, blocks * frontier_block);
}

/// The points of a frontier from the first `completed` scenarios of every set. Internal.
inline frontier_result finish_frontier(std::span<const parameter_set> sets,
                                       std::vector<std::unique_ptr<set_state>>& states,
                                       const frontier_options& options,
                                       const stress::run_spec& spec, std::size_t completed) {
    frontier_result r;
    r.scenarios = completed;
    r.path_generations = completed;
    r.cascade_runs = completed * sets.size();
    r.reuse_factor = static_cast<double>(sets.size());
    if (completed == 0)
        return r;
    r.points.reserve(sets.size());
    const double spot = spec.path.spot;
    for (std::size_t i = 0; i < sets.size(); ++i) {
        set_state& st = *states[i];
        frontier_point p;
        p.set = sets[i];
        p.risk = stress::summarise(st.out, completed, st.book, spot);
        p.borrowing_power = p.risk.initial_borrowing_power;
        p.efficiency = p.borrowing_power;
        p.debt = p.risk.initial_debt;
        p.collateral_value = p.risk.initial_collateral_value;
        p.average_ltv = p.collateral_value > 0 ? p.debt / p.collateral_value : 0.0;
        const double var = p.risk.var95.value;
        p.var95_share = p.debt > 0 ? var / p.debt : (var > 0 ? var : 0.0);
        if (options.keep_scenarios)
            p.scenarios = std::move(st.out);
        r.points.push_back(std::move(p));
    }
    return r;
}

} // namespace detail

/// Evaluates every parameter set of `sets` on the same scenarios (common random numbers).
///
/// For set i, the book is respond(base, sets[i], options.response) and the rules
/// rules_for(rules, sets[i]); the run is exactly stress::run(book_i, model, curve, rules_i,
/// spec) — same seed, same scenario indices, so the same paths — but each scenario's path is
/// generated once and replayed to every set (path_generations = scenarios, cascade_runs =
/// sets x scenarios; reuse_factor = sets.size() generations a set-by-set loop would make per
/// one made here). Each point holds the set's capital efficiency at the start (borrowing power
/// sum c x spot x t', debt, collateral value, average LTV = debt / collateral value; the
/// efficiency used by pareto_front and recommend is the borrowing power) and its
/// stress::summarise of the scenarios (VaR95 / ES95 of the net insolvent value, P(bad debt),
/// LaR95, each with its Monte Carlo error). var95_share = VaR95 / the set's debt.
///
/// Memory: every set's prepared book and columns are held at once (about 44 bytes per
/// position and 96 bytes per scenario, per set), and each worker one book's worth of buffers.
///
/// The scenarios are run in blocks of detail::frontier_block (16): the block's paths are
/// generated, then every set runs on the whole block (each set's book stays in cache across
/// the block). Serial; capital::evaluate_frontier_parallel (frontier_parallel.hpp, oneTBB)
/// gives the same result bit for bit on many threads. control.stop is checked before each
/// block, control.progress(done, N) called after each: the points then summarise the
/// scenarios completed (none: no points). Throws
/// spiral::invalid_argument naming "capital::evaluate_frontier", the field and the value for
/// no sets, a bad set (sets.NAME[i]), response, spec, model, curve, rules or base book,
/// a threshold a set takes outside (0, 1], all before the first scenario; and as stress::run
/// for a path the model leaves double's range with.
template <stress::path_model M, impact_curve<double> C>
frontier_result evaluate_frontier(const cascade::book& base, std::span<const parameter_set> sets,
                                  const frontier_options& options, const M& model, const C& curve,
                                  const cascade::path_rules& rules, const stress::run_spec& spec,
                                  const stress::run_control& control = {}) {
    constexpr std::string_view what = "capital::evaluate_frontier";
    auto states = detail::prepare_frontier(what, base, sets, options, model, curve, rules, spec);
    detail::frontier_runner<M, C> runner(states, model, curve, spec);
    const std::size_t n = spec.scenarios, blocks = detail::frontier_blocks(n);
    std::size_t s = 0;
    for (std::size_t b = 0; b < blocks; ++b) {
        if (control.stopped())
            break;
        runner.run(b);
        s = detail::frontier_scenarios(b + 1, n);
        if (control.progress)
            control.progress(s, n);
    }
    return detail::finish_frontier(sets, states, options, spec, s);
}

/// The Pareto-efficient points of (efficiency, risk): indices i such that no j has
/// efficiency[j] >= efficiency[i] and risk[j] <= risk[i] with one of the two strict (higher
/// efficiency is better, lower risk is better). Points equal in both are all kept. Returned in
/// increasing efficiency (ties: increasing index). O(n log n): a sort by efficiency
/// (descending), then a sweep keeping the lowest risk seen. Throws spiral::invalid_argument
/// naming "capital::pareto_front" for spans of different sizes or a NaN value (naming its
/// row).
inline std::vector<std::size_t> pareto_front(std::span<const double> efficiency,
                                             std::span<const double> risk) {
    constexpr std::string_view what = "capital::pareto_front";
    const std::size_t n = efficiency.size();
    spiral::detail::require_size(what, "risk", risk.size(), n, "efficiency");
    for (std::size_t i = 0; i < n; ++i) {
        if (efficiency[i] != efficiency[i])
            spiral::detail::throw_invalid(what, "efficiency", i, efficiency[i], "must not be NaN");
        if (risk[i] != risk[i])
            spiral::detail::throw_invalid(what, "risk", i, risk[i], "must not be NaN");
    }
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i)
        order[i] = i;
    // Best first: higher efficiency, then lower risk.
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (efficiency[a] != efficiency[b])
            return efficiency[a] > efficiency[b];
        if (risk[a] != risk[b])
            return risk[a] < risk[b];
        return a < b;
    });
    std::vector<std::size_t> front;
    // Sweep groups of equal efficiency: a point is kept when its risk is below every risk of
    // strictly higher efficiency, and is the lowest risk of its own group.
    double best_above = __builtin_huge_val(); // lowest risk at strictly higher efficiency
    for (std::size_t k = 0; k < n;) {
        std::size_t end = k;
        while (end < n && efficiency[order[end]] == efficiency[order[k]])
            ++end;
        const double group_min = risk[order[k]];
        for (std::size_t m = k; m < end && risk[order[m]] == group_min; ++m)
            if (group_min < best_above)
                front.push_back(order[m]);
        best_above = std::min(best_above, group_min);
        k = end;
    }
    std::sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
        return efficiency[a] != efficiency[b] ? efficiency[a] < efficiency[b] : a < b;
    });
    return front;
}

/// pareto_front of a frontier's points: efficiency against risk.var95.value.
inline std::vector<std::size_t> pareto_front(const frontier_result& frontier) {
    std::vector<double> e, v;
    e.reserve(frontier.points.size());
    v.reserve(frontier.points.size());
    for (const frontier_point& p : frontier.points) {
        e.push_back(p.efficiency);
        v.push_back(p.risk.var95.value);
    }
    return pareto_front(e, v);
}

} // namespace spiral::capital
