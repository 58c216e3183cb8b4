// stress::run_multi — the stress engine on a book backed by several collateral assets.
/// \file
/// \ingroup stress
/// \brief stress::run_multi: a stress run on a multi-asset book (correlated paths per scenario).
#pragma once

#include <spiral/cascade/multi_asset.hpp>
#include <spiral/cascade/path_multi.hpp>
#include <spiral/cascade/price_path.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/impact/curve.hpp>
#include <spiral/impact/scaled_depth.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/stress/detail/scenario_runner.hpp>
#include <spiral/stress/path_model.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

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
    const std::size_t n = book.size(), k = book.assets;
    if (n == 0)
        spiral::detail::throw_invalid(what, "book.size()", spiral::detail::no_row, 0,
                                      "must not be empty");
    if (k == 0)
        spiral::detail::throw_invalid(what, "book.assets", spiral::detail::no_row, 0,
                                      "must be > 0");
    spiral::detail::require_size(what, "book.collateral", book.collateral.size(), n * k,
                                 "book.debt * assets");
    spiral::detail::require_size(what, "curves", curves.size(), k, "book.assets");
    spiral::detail::require_size(what, "assets", assets.size(), k, "book.assets");
    if (static_cast<std::size_t>(model.assets()) != k)
        spiral::detail::throw_invalid(what, "model.assets()", spiral::detail::no_row,
                                      static_cast<std::size_t>(model.assets()),
                                      "must equal book.assets = " + std::to_string(k));
    spec.validate(what);
    validate_model(model, spec.path);
    for (const C& c : curves)
        if constexpr (requires { c.validate(); })
            c.validate();
    rules.validate();
    detail::check_columns(what, out, spec.scenarios);

    const std::size_t points = spec.path.steps + 1;
    const bool positions = detail::needs_positions(out);
    std::vector<double> prices(k * points), collateral(positions ? n * k : 0),
        debt(positions ? n : 0);
    std::vector<cascade::price_path> paths(k);
    std::vector<impact::scaled_depth<C>> thinned(k);
    for (std::size_t a = 0; a < k; ++a)
        paths[a] = {std::span<const double>(prices.data() + a * points, points),
                    spec.path.step_days};
    const auto put = [](std::span<double> c, std::size_t s, double v) {
        if (!c.empty())
            c[s] = v;
    };

    for (std::size_t s = 0; s < spec.scenarios; ++s) {
        if (control.stopped())
            return s;
        splitmix64 g = risk::scenario_generator(spec.seed, spec.first_scenario + s);
        model.generate(g, spec.path, prices.data());
        detail::check_path(spec.first_scenario + s, prices.data(), k * points - 1);
        double least = 1;
        for (std::size_t a = 0; a < k; ++a) {
            const double depth = spec.liquidity.depth(prices.data() + a * points, spec.path);
            thinned[a] = {curves[a], depth};
            least = depth < least ? depth : least;
        }
        const cascade::multi_path_result res =
            cascade::run(book, std::span<const cascade::price_path>(paths),
                         std::span<const impact::scaled_depth<C>>(thinned), assets, rules,
                         std::span<double>(collateral), std::span<double>(debt));

        double volume = 0, low = prices[0];
        for (const cascade::multi_step_record& r : res.steps) {
            for (std::size_t a = 0; a < k; ++a)
                volume += r.collateral_sold[a] * r.oracle_price[a];
            low = r.oracle_price[0] < low ? r.oracle_price[0] : low;
            low = r.price[0] < low ? r.price[0] : low;
        }
        put(out.bad_debt, s, res.bad_debt);
        put(out.liquidation_volume, s, volume);
        put(out.liquidations, s, static_cast<double>(res.liquidations));
        put(out.final_exogenous_price, s, prices[points - 1]);
        put(out.final_price, s, res.final_price[0]);
        put(out.min_price, s, low);
        put(out.depth, s, least);
        if (positions) {
            double power = 0, available = 0, locked = 0, owed = 0, underwater = 0;
            for (std::size_t i = 0; i < n; ++i) {
                double value = 0, cap = 0;
                for (std::size_t a = 0; a < k; ++a) {
                    const double v = collateral[i * k + a] * res.final_price[a];
                    value += v;
                    cap += v * assets[a].threshold;
                }
                power += cap;
                locked += value;
                owed += debt[i];
                available += cap > debt[i] ? cap - debt[i] : 0.0;
                underwater += debt[i] > value ? debt[i] - value : 0.0;
            }
            put(out.insolvent_value, s, res.bad_debt + underwater);
            put(out.borrowing_power, s, power);
            put(out.debt_outstanding, s, owed);
            put(out.borrowing_power_available, s, available);
            put(out.collateral_locked, s, locked);
        }
        if (control.progress)
            control.progress(s + 1, spec.scenarios);
    }
    return spec.scenarios;
}

} // namespace spiral::stress
