// stress::run_multi — the stress engine on a book backed by several collateral assets.
/// \file
/// \ingroup stress
/// \brief stress::run_multi: a stress run on a multi-asset book (correlated paths per scenario).
#pragma once

#include <spiral/cascade/multi_asset.hpp>
#include <spiral/cascade/path_multi.hpp>
#include <spiral/impact/curve.hpp>
#include <spiral/stress/detail/multi_scenario_runner.hpp>
#include <spiral/stress/path_model.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>

#include <cstddef>
#include <span>
#include <string_view>

namespace spiral::stress {

/// stress::run on a multi-asset book: for scenario s, `model` writes one path per asset
/// (asset-major, from risk::scenario_generator(spec.seed, spec.first_scenario + s)); asset a's
/// curve is impact::scaled_depth{curves[a], depth_a}, depth_a = spec.liquidity.depth of asset
/// a's own path; the multi-asset cascade::run (cascade/path_multi.hpp) runs the book along the
/// paths with `assets` (threshold and bonus per asset) and `rules`. Columns, as
/// scenario_columns defines them, with these readings for several assets:
/// liquidation_volume = sum over steps and assets of collateral sold x that asset's oracle
/// price; the price columns (final_exogenous_price, final_price, min_price) are asset 0's;
/// depth is the least depth_a; the position columns value position i at the final market
/// prices P_a: collateral value sum_a c_ia P_a, borrowing power sum_a c_ia P_a threshold_a,
/// insolvent_value = bad_debt + sum_i max(0, debt_i - collateral value_i). spec.path.spot is
/// not used (the model holds each asset's spot). Serial; the cost per scenario is the
/// multi-asset engine's, O(positions x assets x steps). Returns and throws as stress::run does
/// (plus book.assets = 0, curves or assets not of book.assets entries, a model whose
/// assets() differs).
template <multi_path_model M, impact_curve<double> C>
std::size_t
run_multi(const cascade::multi_book& book, std::span<const cascade::collateral_terms> assets,
          const M& model, std::span<const C> curves, const cascade::multi_path_rules& rules,
          const run_spec& spec, const scenario_columns& out, const run_control& control = {}) {
    constexpr std::string_view what = "stress::run_multi";
    detail::validate_multi_run(what, book, assets, model, curves, rules, spec, out);
    const detail::multi_run_context<M, C> ctx{
        &book, assets, &model, curves, &rules, &spec, detail::needs_positions(out)};
    detail::multi_scenario_runner<M, C> runner(ctx);
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
