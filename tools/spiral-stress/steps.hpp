// spiral-stress: the step-by-step view of the first scenarios of a run.
//
// The stress engine (stress::run / run_parallel) keeps one row of totals per scenario. The fan
// chart and the liquidations-over-time plot need each step, so the tool re-runs the first
// `count` scenarios itself exactly as the engine defines a scenario (the path from
// risk::scenario_generator(seed, first_scenario + s), depth from the liquidity response,
// cascade::run into impact::scaled_depth{curve, depth}) and reads path_result::steps. The
// re-run's totals are compared with the engine's columns: a check of both.
#pragma once

#include <spiral/cascade/path.hpp>
#include <spiral/impact/scaled_depth.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <vector>

namespace stress_tool {

/// Per-step data of the first `scenarios` scenarios, scenario-major.
struct step_data {
    std::size_t scenarios = 0;        ///< scenarios re-run
    std::size_t steps = 0;            ///< steps per path
    double step_days = 1;             ///< length of a step
    std::vector<double> exogenous;    ///< scenarios x (steps + 1): the model's prices
    std::vector<double> market;       ///< scenarios x (steps + 1): market price after step k
    std::vector<double> liquidations; ///< scenarios x steps: liquidation events in step k
    std::vector<double> volume;       ///< scenarios x steps: collateral seized x oracle price
    std::size_t compared = 0;         ///< scenarios whose totals were compared with the engine
    std::size_t mismatched = 0;       ///< of those, how many differed
    std::size_t first_mismatch = 0;   ///< the first that differed
};

/// Re-runs scenarios 0, ..., count - 1 of `spec` step by step; compares each with the first
/// `completed` rows of `engine` (liquidation count exactly, volume and final price to 1e-9
/// relative). Stops early (fewer scenarios) when `stop` is set.
template <class M, class C>
step_data rerun_steps(const spiral::cascade::prepared_book& book, const M& model, const C& curve,
                      const spiral::cascade::path_rules& rules,
                      const spiral::stress::run_spec& spec, std::size_t count,
                      const spiral::stress::scenario_results& engine, std::size_t completed,
                      const std::atomic<bool>& stop) {
    step_data d;
    d.steps = spec.path.steps;
    d.step_days = spec.path.step_days;
    const std::size_t points = d.steps + 1;
    std::vector<double> prices(points);
    spiral::cascade::path_workspace ws;
    const auto close = [](double a, double b) {
        return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b)) + 1e-300;
    };
    for (std::size_t s = 0; s < count && !stop.load(std::memory_order_relaxed); ++s) {
        spiral::splitmix64 g = spiral::risk::scenario_generator(spec.seed, spec.first_scenario + s);
        model.generate(g, spec.path, prices.data());
        const double depth = spec.liquidity.depth(prices.data(), spec.path);
        const spiral::cascade::price_path path{prices, spec.path.step_days};
        const auto res = spiral::cascade::run(
            book, path, spiral::impact::scaled_depth{curve, depth}, rules, {}, ws);
        d.exogenous.insert(d.exogenous.end(), prices.begin(), prices.end());
        d.market.push_back(prices[0]);
        double volume = 0;
        for (const auto& step : res.steps) {
            d.market.push_back(step.price);
            d.liquidations.push_back(static_cast<double>(step.liquidations));
            d.volume.push_back(step.collateral_seized * step.oracle_price);
            volume += d.volume.back();
        }
        ++d.scenarios;
        if (s < completed) {
            ++d.compared;
            const bool same = static_cast<double>(res.liquidations) == engine.liquidations[s] &&
                              close(volume, engine.liquidation_volume[s]) &&
                              close(res.final_price, engine.final_price[s]);
            if (!same && d.mismatched++ == 0)
                d.first_mismatch = s;
        }
    }
    return d;
}

} // namespace stress_tool
