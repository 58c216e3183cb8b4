// The machinery one worker of a multi-asset stress run uses for its scenarios (internal): the
// input checks every multi-asset entry point shares, and one worker's reusable buffers (paths,
// thinned curves, final positions) with the work of one scenario.
/// \file
/// \ingroup stress
/// \brief stress::detail::multi_scenario_runner: the checks of a multi-asset run, one worker's
/// reusable buffers and the work of one multi-asset scenario (internal).
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
#include <spiral/stress/validate_model.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spiral::stress::detail {

/// What every worker of a multi-asset run reads and nobody writes.
template <class M, class C>
struct multi_run_context {
    const cascade::multi_book* book = nullptr;         ///< the book
    std::span<const cascade::collateral_terms> assets; ///< threshold and bonus per asset
    const M* model = nullptr;                          ///< the path model
    std::span<const C> curves;                         ///< the impact curve per asset
    const cascade::multi_path_rules* rules = nullptr;  ///< the cascade's rules
    const run_spec* spec = nullptr;                    ///< scenarios, seed, grid, liquidity
    bool positions = false;                            ///< final positions needed
};

/// Validates the arguments every multi-asset entry point shares (before any scenario), in the
/// order a reader checks them.
template <multi_path_model M, impact_curve<double> C>
void validate_multi_run(std::string_view what, const cascade::multi_book& book,
                        std::span<const cascade::collateral_terms> assets, const M& model,
                        std::span<const C> curves, const cascade::multi_path_rules& rules,
                        const run_spec& spec, const scenario_columns& out) {
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
    check_columns(what, out, spec.scenarios);
}

/// One worker's buffers for a multi-asset run, reused from one scenario to the next: the
/// asset-major paths, the price_path views of them, the thinned curves and the final
/// positions. A scenario allocates only what the multi-asset cascade::run allocates.
template <multi_path_model M, impact_curve<double> C>
class multi_scenario_runner {
public:
    /// Sizes the buffers for `ctx` (which must outlive the runner).
    explicit multi_scenario_runner(const multi_run_context<M, C>& ctx)
        : ctx_(&ctx), points_(ctx.spec->path.steps + 1), prices_(ctx.book->assets * points_),
          paths_(ctx.book->assets), thinned_(ctx.book->assets) {
        if (ctx.positions) {
            collateral_.resize(ctx.book->size() * ctx.book->assets);
            debt_.resize(ctx.book->size());
        }
        for (std::size_t a = 0; a < paths_.size(); ++a)
            paths_[a] = {std::span<const double>(prices_.data() + a * points_, points_),
                         ctx.spec->path.step_days};
    }

    // The price_path views point into this runner's own buffer.
    multi_scenario_runner(const multi_scenario_runner&) = delete;
    multi_scenario_runner& operator=(const multi_scenario_runner&) = delete;

    /// Runs scenario first_scenario + s of the spec and writes entry s of every wanted column.
    void run(std::size_t s, const scenario_columns& out) {
        const run_spec& spec = *ctx_->spec;
        const std::size_t n = ctx_->book->size(), k = ctx_->book->assets, points = points_;
        splitmix64 g = risk::scenario_generator(spec.seed, spec.first_scenario + s);
        double* prices = prices_.data();
        ctx_->model->generate(g, spec.path, prices);
        check_path(spec.first_scenario + s, prices, k * points - 1);
        double least = 1;
        for (std::size_t a = 0; a < k; ++a) {
            const double depth = spec.liquidity.depth(prices + a * points, spec.path);
            thinned_[a] = {ctx_->curves[a], depth};
            least = depth < least ? depth : least;
        }
        const std::span<const cascade::collateral_terms> assets = ctx_->assets;
        const cascade::multi_path_result res =
            cascade::run(*ctx_->book, std::span<const cascade::price_path>(paths_),
                         std::span<const impact::scaled_depth<C>>(thinned_), assets, *ctx_->rules,
                         std::span<double>(collateral_), std::span<double>(debt_));

        // Totals over the steps (a pass over the steps, not the book).
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
        if (!ctx_->positions)
            return;

        // One pass over the final positions at the final market prices (debt price 1).
        position_totals totals;
        for (std::size_t i = 0; i < n; ++i) {
            double value = 0, cap = 0;
            for (std::size_t a = 0; a < k; ++a) {
                const double v = collateral_[i * k + a] * res.final_price[a];
                value += v;
                cap += v * assets[a].threshold;
            }
            totals.add(value, cap, debt_[i]);
        }
        totals.write(out, s, res.bad_debt);
    }

private:
    const multi_run_context<M, C>* ctx_;
    std::size_t points_;
    std::vector<double> prices_, collateral_, debt_;
    std::vector<cascade::price_path> paths_;
    std::vector<impact::scaled_depth<C>> thinned_;
};

} // namespace spiral::stress::detail
