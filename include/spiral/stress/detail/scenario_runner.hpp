// The machinery one worker of a stress run uses for its scenarios (internal): a path buffer,
// a cascade workspace and the final-position buffers, reused from one scenario to the next.
/// \file
/// \ingroup stress
/// \brief stress::detail::scenario_runner: one worker's reusable buffers and the work of one
/// scenario (internal).
#pragma once

#include <spiral/cascade/path.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/path_workspace.hpp>
#include <spiral/cascade/position_columns.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/price_path.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/impact/curve.hpp>
#include <spiral/impact/scaled_depth.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/stress/path_model.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>
#include <spiral/stress/validate_model.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spiral::stress::detail {

/// True when a column needs the positions as the run leaves them (a pass over the book).
inline bool needs_positions(const scenario_columns& out) noexcept {
    return !out.insolvent_value.empty() || !out.borrowing_power.empty() ||
           !out.debt_outstanding.empty() || !out.borrowing_power_available.empty() ||
           !out.collateral_locked.empty();
}

/// Every column must be empty or hold one entry per scenario.
inline void check_columns(std::string_view what, const scenario_columns& out, std::size_t n) {
    using spiral::detail::require_size_or_empty;
    require_size_or_empty(what, "out.bad_debt", out.bad_debt.size(), n);
    require_size_or_empty(what, "out.insolvent_value", out.insolvent_value.size(), n);
    require_size_or_empty(what, "out.liquidation_volume", out.liquidation_volume.size(), n);
    require_size_or_empty(what, "out.liquidations", out.liquidations.size(), n);
    require_size_or_empty(what, "out.final_exogenous_price", out.final_exogenous_price.size(), n);
    require_size_or_empty(what, "out.final_price", out.final_price.size(), n);
    require_size_or_empty(what, "out.min_price", out.min_price.size(), n);
    require_size_or_empty(what, "out.borrowing_power", out.borrowing_power.size(), n);
    require_size_or_empty(what, "out.debt_outstanding", out.debt_outstanding.size(), n);
    require_size_or_empty(what, "out.borrowing_power_available",
                          out.borrowing_power_available.size(), n);
    require_size_or_empty(what, "out.collateral_locked", out.collateral_locked.size(), n);
    require_size_or_empty(what, "out.depth", out.depth.size(), n);
}

/// Every column that is wanted, restricted to scenarios [first, first + count).
inline scenario_columns sub_columns(const scenario_columns& out, std::size_t first,
                                    std::size_t count) noexcept {
    const auto sub = [&](std::span<double> c) { return c.empty() ? c : c.subspan(first, count); };
    return {sub(out.bad_debt),
            sub(out.insolvent_value),
            sub(out.liquidation_volume),
            sub(out.liquidations),
            sub(out.final_exogenous_price),
            sub(out.final_price),
            sub(out.min_price),
            sub(out.borrowing_power),
            sub(out.debt_outstanding),
            sub(out.borrowing_power_available),
            sub(out.collateral_locked),
            sub(out.depth)};
}

/// Writes v at entry s of column c when the column is wanted.
inline void put(std::span<double> c, std::size_t s, double v) noexcept {
    if (!c.empty())
        c[s] = v;
}

/// The position columns of one scenario, summed over the final positions in one pass: each
/// position adds its collateral value, its borrowing capacity (value x threshold) and its debt.
struct position_totals {
    double power = 0, available = 0, locked = 0, owed = 0, underwater = 0;

    void add(double value, double cap, double debt) noexcept {
        power += cap;
        locked += value;
        owed += debt;
        available += cap > debt ? cap - debt : 0.0;
        underwater += debt > value ? debt - value : 0.0;
    }

    /// Entry s of the position columns; insolvent_value = bad_debt + the positions' shortfall.
    void write(const scenario_columns& out, std::size_t s, double bad_debt) const noexcept {
        put(out.insolvent_value, s, bad_debt + underwater);
        put(out.borrowing_power, s, power);
        put(out.debt_outstanding, s, owed);
        put(out.borrowing_power_available, s, available);
        put(out.collateral_locked, s, locked);
    }
};

/// What every worker of a run reads and nobody writes: the book, and its thresholds in book
/// row order (cascade::run writes final positions in book row order; built once per run, and
/// only when a column needs the final positions). The run goes through the public
/// cascade::run with its row map: with per-step caps, which positions go first depends on
/// their book rows, so reading the book in prepared order without rows would change results.
struct run_context {
    const cascade::prepared_book* book = nullptr; ///< the book
    std::vector<double> threshold_by_row;         ///< threshold of book row i
    bool positions = false;                       ///< final positions needed
    double total_collateral = 0;                  ///< the book's collateral (asset units)

    run_context(const cascade::prepared_book& b, const scenario_columns& out)
        : book(&b), positions(needs_positions(out)), total_collateral(b.total_collateral()) {
        if (!positions)
            return;
        threshold_by_row.resize(b.size());
        const auto rows = b.row();
        const auto t = b.threshold();
        for (std::size_t k = 0; k < b.size(); ++k)
            threshold_by_row[rows[k]] = t[k];
    }
};

/// Validates the arguments every entry point shares, in the order a reader checks them.
template <class M, class C>
void validate_run(std::string_view what, const cascade::prepared_book& b, const M& model,
                  const C& curve, const cascade::path_rules& rules, const run_spec& spec,
                  const scenario_columns& out) {
    if (b.empty())
        spiral::detail::throw_invalid(what, "book.size()", spiral::detail::no_row, 0,
                                      "must not be empty");
    spec.validate(what);
    validate_model(model, spec.path); // with the grid: replay's window must fit its history
    if constexpr (requires { curve.validate(); })
        curve.validate();
    rules.validate(spec.path.steps + 1);
    check_columns(what, out, spec.scenarios);
}

/// A model whose parameters pass validate() can still leave double's range along a path (an
/// annual vol of 1e4 reaches 0 in one hourly step), or take the price so high that the book's
/// collateral is worth more than a double holds (1e6 units at 1e303): say so naming the model
/// and scenario, not the cascade's `prices` the caller never passed (or an inf in a column).
/// One pass over the path's points.
inline void check_path(std::uint64_t scenario, const double* prices, std::size_t steps,
                       double total_collateral = 0) {
    constexpr double most = spiral::detail::scalar_limits<double>::max;
    const auto where = [scenario] {
        return "scenario " + std::to_string(scenario) + ": the model's path";
    };
    for (std::size_t k = 0; k <= steps; ++k) {
        if (!(prices[k] > 0 && prices[k] <= most)) [[unlikely]]
            spiral::detail::throw_invalid(
                "stress::run", where(), k, prices[k],
                "must be finite and > 0: the model's volatility, drift or jumps (times the "
                "stress multipliers) take the price out of double's range");
        if (!(total_collateral <= most / prices[k])) [[unlikely]]
            spiral::detail::throw_invalid(
                "stress::run", where(), k, prices[k],
                "times the book's collateral (" + std::to_string(total_collateral) +
                    ") exceeds double's range: the model takes the price too high for this book");
    }
}

/// One worker's buffers, reused from one scenario to the next: once sized, a scenario
/// allocates only what cascade::run allocates for its step records (one vector).
template <path_model M, impact_curve<double> C>
class scenario_runner {
public:
    scenario_runner(const run_context& ctx, const M& model, const C& curve,
                    const cascade::path_rules& rules, const run_spec& spec)
        : ctx_(&ctx), model_(&model), curve_(&curve), rules_(&rules), spec_(&spec),
          prices_(spec.path.steps + 1) {
        if (ctx.positions) {
            collateral_.resize(ctx.book->size());
            debt_.resize(ctx.book->size());
        }
    }

    /// Points the runner at another run's context and rules (the same model, curve and spec),
    /// keeping its buffers: one worker can serve many books in turn (the capital frontier runs
    /// every parameter set's book on each block of scenarios) with one book's worth of memory.
    void rebind(const run_context& ctx, const cascade::path_rules& rules) {
        ctx_ = &ctx;
        rules_ = &rules;
        if (ctx.positions) {
            collateral_.resize(ctx.book->size());
            debt_.resize(ctx.book->size());
        }
    }

    /// Runs scenario first_scenario + s of the spec and writes entry s of every wanted column.
    void run(std::size_t s, const scenario_columns& out) {
        const run_spec& spec = *spec_;
        splitmix64 g = risk::scenario_generator(spec.seed, spec.first_scenario + s);
        double* prices = prices_.data();
        model_->generate(g, spec.path, prices);
        check_path(spec.first_scenario + s, prices, spec.path.steps, ctx_->total_collateral);
        const double depth = spec.liquidity.depth(prices, spec.path);
        const cascade::price_path path{prices_, spec.path.step_days};
        const cascade::position_columns final_positions =
            ctx_->positions ? cascade::position_columns{collateral_, debt_}
                            : cascade::position_columns{};
        const cascade::path_result res = cascade::run(
            *ctx_->book, path, impact::scaled_depth{*curve_, depth}, *rules_, final_positions, ws_);

        // Totals over the steps (a pass over the steps, not the book).
        double volume = 0, low = prices[0];
        for (const cascade::step_record& k : res.steps) {
            volume += k.collateral_seized * k.oracle_price;
            low = k.market_price < low ? k.market_price : low;
            low = k.price < low ? k.price : low;
        }
        put(out.bad_debt, s, res.bad_debt);
        put(out.liquidation_volume, s, volume);
        put(out.liquidations, s, static_cast<double>(res.liquidations));
        put(out.final_exogenous_price, s, prices[spec.path.steps]);
        put(out.final_price, s, res.final_price);
        put(out.min_price, s, low);
        put(out.depth, s, depth);
        if (!ctx_->positions)
            return;

        // One streaming pass over the final positions (book row order) at the final market
        // price; the debt asset is the quote currency (price 1). Thresholds as the rules had
        // them at the last step (volatility tightening scales them).
        const double p = res.final_price;
        const double tm = res.steps.empty() ? 1.0 : res.steps.back().threshold_multiplier;
        const std::size_t n = collateral_.size();
        const double* c = collateral_.data();
        const double* d = debt_.data();
        const double* t = ctx_->threshold_by_row.data();
        position_totals totals;
        for (std::size_t i = 0; i < n; ++i) {
            const double value = c[i] * p;
            totals.add(value, value * (t[i] * tm), d[i]);
        }
        totals.write(out, s, res.bad_debt);
    }

private:
    const run_context* ctx_;
    const M* model_;
    const C* curve_;
    const cascade::path_rules* rules_;
    const run_spec* spec_;
    std::vector<double> prices_, collateral_, debt_;
    cascade::path_workspace ws_;
};

} // namespace spiral::stress::detail
