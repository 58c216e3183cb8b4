// spiral-stress: the step-by-step view of the first scenarios of a run.
//
// The stress engine (stress::run / run_parallel) keeps one row of totals per scenario. The fan
// chart and the liquidations-over-time plot need each step, so the tool re-runs the first
// `count` scenarios itself exactly as the engine defines a scenario (the path from
// risk::scenario_generator(seed, first_scenario + s), depth from the liquidity response,
// cascade::run into impact::scaled_depth{curve, depth}) and reads path_result::steps, on every
// core like the run. The re-run's totals are compared with the engine's columns: a check of
// both.
#pragma once

#include <spiral/cascade/multi_asset.hpp>
#include <spiral/cascade/path.hpp>
#include <spiral/cascade/path_multi.hpp>
#include <spiral/impact/scaled_depth.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <span>
#include <utility>
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

/// The bookkeeping both re-runs share: the per-step buffers, which scenarios finished, and
/// whether each agreed with the engine's row.
class step_collector {
public:
    step_collector(const spiral::stress::run_spec& spec, std::size_t count)
        : done_(count, 0), same_(count, 1) {
        d_.steps = spec.path.steps;
        d_.step_days = spec.path.step_days;
        d_.exogenous.assign(count * points(), 0);
        d_.market.assign(count * points(), 0);
        d_.liquidations.assign(count * d_.steps, 0);
        d_.volume.assign(count * d_.steps, 0);
    }

    step_data& data() noexcept { return d_; }
    std::size_t points() const noexcept { return d_.steps + 1; }

    /// Scenario s is done; its totals are compared with the engine's row s when s < completed
    /// (liquidation count exactly, volume and final price to 1e-9 relative).
    void finish(std::size_t s, double liquidations, double volume, double final_price,
                const spiral::stress::scenario_results& engine, std::size_t completed) {
        const auto close = [](double a, double b) {
            return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b)) + 1e-300;
        };
        if (s < completed)
            same_[s] = liquidations == engine.liquidations[s] &&
                       close(volume, engine.liquidation_volume[s]) &&
                       close(final_price, engine.final_price[s]);
        done_[s] = 1;
    }

    /// one(s, local.local()) for s = 0, ..., count - 1 on `threads` threads (0: all), until
    /// `stop` is set.
    template <class Local, class One>
    void run_all(std::size_t count, unsigned threads, const std::atomic<bool>& stop, Local& local,
                 const One& one) {
        tbb::task_arena arena(threads > 0 ? static_cast<int>(threads)
                                          : int{tbb::task_arena::automatic});
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, 8), [&](const auto& range) {
                auto& scratch = local.local();
                for (std::size_t s = range.begin(); s != range.end(); ++s) {
                    if (stop.load(std::memory_order_relaxed))
                        return;
                    one(s, scratch);
                }
            });
        });
    }

    /// The leading scenarios that finished, with the comparison with the engine's first
    /// `completed` rows.
    step_data take(std::size_t completed) {
        const std::size_t count = done_.size();
        while (d_.scenarios < count && done_[d_.scenarios])
            ++d_.scenarios;
        d_.exogenous.resize(d_.scenarios * points());
        d_.market.resize(d_.scenarios * points());
        d_.liquidations.resize(d_.scenarios * d_.steps);
        d_.volume.resize(d_.scenarios * d_.steps);
        for (std::size_t s = 0; s < std::min(d_.scenarios, completed); ++s) {
            ++d_.compared;
            if (!same_[s] && d_.mismatched++ == 0)
                d_.first_mismatch = s;
        }
        return std::move(d_);
    }

private:
    step_data d_;
    std::vector<unsigned char> done_, same_;
};

/// Re-runs scenarios 0, ..., count - 1 of `spec` step by step, on `threads` threads (0: all;
/// each scenario is written to its own slots, so the data do not depend on the thread count),
/// and compares each with the first `completed` rows of `engine` (liquidation count exactly,
/// volume and final price to 1e-9 relative). When `stop` is set it keeps the leading
/// scenarios that completed.
template <class M, class C>
step_data rerun_steps(const spiral::cascade::prepared_book& book, const M& model, const C& curve,
                      const spiral::cascade::path_rules& rules,
                      const spiral::stress::run_spec& spec, std::size_t count, unsigned threads,
                      const spiral::stress::scenario_results& engine, std::size_t completed,
                      const std::atomic<bool>& stop) {
    step_collector collect(spec, count);
    step_data& d = collect.data();
    const std::size_t points = d.steps + 1, steps = d.steps;
    struct scratch {
        spiral::cascade::path_workspace ws;
    };
    tbb::enumerable_thread_specific<scratch> local;
    const auto one = [&](std::size_t s, scratch& x) {
        double* prices = d.exogenous.data() + s * points;
        spiral::splitmix64 g = spiral::risk::scenario_generator(spec.seed, spec.first_scenario + s);
        model.generate(g, spec.path, prices);
        const double depth = spec.liquidity.depth(prices, spec.path);
        const spiral::cascade::price_path path{std::span<const double>(prices, points),
                                               spec.path.step_days};
        const auto res = spiral::cascade::run(
            book, path, spiral::impact::scaled_depth{curve, depth}, rules, {}, x.ws);
        d.market[s * points] = prices[0];
        double volume = 0;
        for (std::size_t k = 0; k < res.steps.size() && k < steps; ++k) {
            const auto& step = res.steps[k];
            d.market[s * points + k + 1] = step.price;
            d.liquidations[s * steps + k] = static_cast<double>(step.liquidations);
            d.volume[s * steps + k] = step.collateral_seized * step.oracle_price;
            volume += d.volume[s * steps + k];
        }
        collect.finish(s, static_cast<double>(res.liquidations), volume, res.final_price, engine,
                       completed);
    };
    collect.run_all(count, threads, stop, local, one);
    return collect.take(completed);
}

/// rerun_steps for a multi-asset book: scenarios 0, ..., count - 1 re-run with the multi-asset
/// cascade::run directly (paths from `model`, each asset's curve thinned by its own path's
/// depth), keeping asset 0's prices (the price columns of a multi-asset run are asset 0's),
/// liquidations per step and volume per step (sum over assets of collateral sold x oracle
/// price); compared with the engine's rows as rerun_steps does.
template <class M, class C>
step_data rerun_steps_multi(const spiral::cascade::multi_book& book,
                            std::span<const spiral::cascade::collateral_terms> assets,
                            const M& model, std::span<const C> curves,
                            const spiral::cascade::multi_path_rules& rules,
                            const spiral::stress::run_spec& spec, std::size_t count,
                            unsigned threads, const spiral::stress::scenario_results& engine,
                            std::size_t completed, const std::atomic<bool>& stop) {
    step_collector collect(spec, count);
    step_data& d = collect.data();
    const std::size_t points = d.steps + 1, steps = d.steps, k = book.assets;
    tbb::enumerable_thread_specific<std::vector<double>> local(
        [&] { return std::vector<double>(k * points); });
    const auto one = [&](std::size_t s, std::vector<double>& prices) {
        spiral::splitmix64 g = spiral::risk::scenario_generator(spec.seed, spec.first_scenario + s);
        model.generate(g, spec.path, prices.data());
        std::vector<spiral::cascade::price_path> paths;
        std::vector<spiral::impact::scaled_depth<C>> thin;
        for (std::size_t a = 0; a < k; ++a) {
            const double* p = prices.data() + a * points;
            paths.push_back({std::span<const double>(p, points), spec.path.step_days});
            thin.push_back({curves[a], spec.liquidity.depth(p, spec.path)});
        }
        const auto res = spiral::cascade::run(
            book, std::span<const spiral::cascade::price_path>(paths),
            std::span<const spiral::impact::scaled_depth<C>>(thin), assets, rules);
        std::copy(prices.begin(), prices.begin() + std::ptrdiff_t(points),
                  d.exogenous.begin() + std::ptrdiff_t(s * points));
        d.market[s * points] = prices[0];
        double volume = 0;
        for (std::size_t j = 0; j < res.steps.size() && j < steps; ++j) {
            const auto& step = res.steps[j];
            d.market[s * points + j + 1] = step.price[0];
            d.liquidations[s * steps + j] = static_cast<double>(step.liquidations);
            double v = 0;
            for (std::size_t a = 0; a < k; ++a)
                v += step.collateral_sold[a] * step.oracle_price[a];
            d.volume[s * steps + j] = v;
            volume += v;
        }
        collect.finish(s, static_cast<double>(res.liquidations), volume, res.final_price[0], engine,
                       completed);
    };
    collect.run_all(count, threads, stop, local, one);
    return collect.take(completed);
}

} // namespace stress_tool
