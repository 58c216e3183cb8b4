// The capital-efficiency frontier of a synthetic lending book: a grid of liquidation
// threshold scales x liquidation bonuses, each evaluated on the same jump-diffusion scenarios
// (each path generated once), with the book re-levering to the new thresholds and, for
// comparison, staying fixed; the Pareto-efficient sets (most borrowing power, least VaR95);
// the recommendation at three risk appetites; and the SmartLTV closed form for the same
// market.
//
// With --sensitivity: how the recommendations and SmartLTV move when the volatility and the
// market depth move (the re-levered book on a 3 x 3 grid of vol and depth multipliers).
//
//   capital_frontier [--positions N] [--scenarios N] [--seed N] [--sensitivity]
#include "example_support.hpp"
#include "support/command_line.hpp"

#include <spiral/capital/book_response.hpp>
#include <spiral/capital/frontier.hpp>
#include <spiral/capital/parameter_set.hpp>
#include <spiral/capital/recommend.hpp>
#include <spiral/capital/smart_ltv.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/stress/merton.hpp>
#include <spiral/stress/run_spec.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace {

constexpr const char* program = "capital_frontier";
namespace capital = spiral::capital;
namespace cascade = spiral::cascade;
namespace stress = spiral::stress;

const char* binding_name(capital::binding_constraint b) {
    switch (b) {
    case capital::binding_constraint::var_budget:
        return "the VaR budget";
    case capital::binding_constraint::grid_edge:
        return "the edge of the grid";
    case capital::binding_constraint::none_feasible:
        return "nothing: no set is within the budget";
    }
    return "?";
}

void print_frontier(const char* title, const capital::frontier_result& f) {
    const std::vector<std::size_t> front = capital::pareto_front(f);
    std::printf("\n%s\n", title);
    std::printf("%-3s %6s %6s %12s %12s %7s %12s %8s %8s %12s %8s %6s\n", "set", "scale", "bonus",
                "borrow pwr", "debt", "avg LTV", "VaR95", "+/-", "VaR/debt", "ES95", "P(bad)",
                "pareto");
    for (std::size_t i = 0; i < f.points.size(); ++i) {
        const capital::frontier_point& p = f.points[i];
        const bool on = std::find(front.begin(), front.end(), i) != front.end();
        std::printf("%-3zu %6.2f %6.2f %12.0f %12.0f %7.3f %12.0f %8.0f %7.3f%% %12.0f %8.3f %6s\n",
                    i, p.set.threshold_scale, p.set.bonus, p.borrowing_power, p.debt, p.average_ltv,
                    p.risk.var95.value, p.risk.var95.standard_error, 100 * p.var95_share,
                    p.risk.es95.value, p.risk.probability_of_bad_debt.value, on ? "*" : "");
    }
    for (const capital::appetite a : {capital::appetite::conservative, capital::appetite::moderate,
                                      capital::appetite::aggressive}) {
        const char* name = a == capital::appetite::conservative
                               ? "conservative"
                               : (a == capital::appetite::moderate ? "moderate" : "aggressive");
        const capital::recommendation r = capital::recommend(f, a);
        if (r.index == capital::recommendation::no_point) {
            std::printf("  %-12s (VaR95 <= %.1f%% of debt): no set qualifies\n", name,
                        100 * r.budget);
            continue;
        }
        std::printf("  %-12s (VaR95 <= %.1f%% of debt): set %zu (scale %.2f, bonus %.2f), VaR "
                    "%.3f%% +/- %.3f%% of debt; bound by %s\n",
                    name, 100 * r.budget, r.index, f.points[r.index].set.threshold_scale,
                    f.points[r.index].set.bonus, 100 * r.var95_share,
                    100 * r.var95_share_standard_error, binding_name(r.binding));
    }
}

} // namespace

int run_frontier(int argc, char** argv) {
    std::size_t positions = 20000, scenarios = 500;
    std::uint64_t seed = 2024;
    example::command_line cli{
        "Capital-efficiency frontier of a synthetic lending book: threshold x bonus "
        "grid on common jump-diffusion scenarios, Pareto set, recommendations, SmartLTV",
        program};
    cli.add("--positions", positions, "Positions in the synthetic book",
            example::count_in(10, 10'000'000));
    cli.add("--scenarios", scenarios, "Scenarios (the same for every parameter set)",
            example::count_in(20, 1'000'000));
    cli.add("--seed", seed, "Master seed of the scenarios",
            example::count_in(0, 1'000'000'000'000ULL));
    bool sensitivity = false;
    cli.add_switch("--sensitivity", sensitivity,
                   "Also rerun the re-levered frontier with vol x {0.5, 1, 1.5} and depth x {0.5, "
                   "1, 2} and print how the recommendations move");
    if (const int code = cli.parse(argc, argv); code >= 0)
        return code;

    cascade::synthetic_book_params params;
    params.positions = positions;
    const cascade::book book = cascade::synthetic_book(params);
    double collateral = 0, debt = 0;
    for (std::size_t i = 0; i < book.size(); ++i) {
        collateral += book.collateral[i];
        debt += book.debt[i];
    }
    // Depth: selling the whole book's collateral moves the price by a factor exp(-1).
    const spiral::impact::exponential curve{1.0 / collateral};
    // One day of hourly steps; annual vol 0.8 plus about 12 jumps a year of -10% (+/- 5%).
    const stress::merton model{0, 0.8, 12, -0.10, 0.05};
    stress::run_spec spec;
    spec.scenarios = scenarios;
    spec.seed = seed;
    spec.path.spot = params.price;
    spec.path.steps = 24;
    spec.path.step_days = 1.0 / 24;
    spec.path.vol_multiplier = 2; // a stressed day
    spec.path.jump_multiplier = 10;

    std::vector<capital::parameter_set> sets;
    for (const double scale : {0.85, 0.9, 0.95, 1.0, 1.05, 1.1})
        for (const double bonus : {0.05, 0.1})
            sets.push_back({.threshold_scale = scale, .bonus = bonus});

    std::printf("book: %zu positions, collateral %.0f units at %.0f, debt %.0f; %zu scenarios of "
                "one day (hourly, vol x2, jumps x10), %zu parameter sets\n",
                book.size(), collateral, params.price, debt, scenarios, sets.size());
    const auto re = capital::evaluate_frontier(book, sets, {capital::book_response::relever()},
                                               model, curve, {}, spec);
    std::printf("paths generated: %zu; cascades run: %zu; reuse factor %.0f\n", re.path_generations,
                re.cascade_runs, re.reuse_factor);
    print_frontier("borrowers re-lever to the new threshold (same health factors):", re);
    const auto fx = capital::evaluate_frontier(book, sets, {capital::book_response::fixed()}, model,
                                               curve, {}, spec);
    print_frontier("the book stays as it is (looser thresholds look almost free):", fx);

    // SmartLTV for the same market: sigma over one day of the stressed diffusion, the
    // liquidity within slippage beta of the curve (q with exp(-alpha q) = 1 - beta), the
    // book's debt as the debt cap, confidence c = 2.
    const double sigma = 0.8 * spec.path.vol_multiplier * std::sqrt(1.0 / 365);
    std::printf("\nSmartLTV (sigma %.3f over a day, debt cap = the book's debt, c = 2):\n", sigma);
    for (const double beta : {0.05, 0.1}) {
        const double q = -std::log(1 - beta) * collateral;
        const capital::smart_ltv_input in{.volatility = sigma,
                                          .liquidity = q * params.price,
                                          .debt_cap = debt,
                                          .confidence = 2,
                                          .bonus = beta};
        std::printf("  bonus %.2f: liquidity %.0f, LTV %.3f\n", beta, in.liquidity,
                    capital::smart_ltv(in));
    }
    if (!sensitivity)
        return 0;

    // The recommendation at each appetite (the set's threshold scale; "-" when none qualifies)
    // and SmartLTV (beta 5%, c = 2) as the stressed volatility and the depth move.
    std::printf("\nsensitivity (re-levered book): recommended threshold scale at each appetite, "
                "SmartLTV at bonus 0.05\n");
    std::printf("%8s %8s %14s %10s %12s %9s\n", "vol x", "depth x", "conservative", "moderate",
                "aggressive", "SmartLTV");
    for (const double vol : {0.5, 1.0, 1.5})
        for (const double depth : {0.5, 1.0, 2.0}) {
            stress::run_spec sp = spec;
            sp.path.vol_multiplier = spec.path.vol_multiplier * vol;
            const spiral::impact::exponential thinner{curve.alpha / depth};
            const auto f = capital::evaluate_frontier(
                book, sets, {capital::book_response::relever()}, model, thinner, {}, sp);
            std::printf("%8.2f %8.2f", vol, depth);
            for (const capital::appetite a :
                 {capital::appetite::conservative, capital::appetite::moderate,
                  capital::appetite::aggressive}) {
                const capital::recommendation r = capital::recommend(f, a);
                if (r.index == capital::recommendation::no_point)
                    std::printf(" %*s", a == capital::appetite::conservative ? 14 : 10, "-");
                else
                    std::printf(" %*.2f", a == capital::appetite::conservative ? 14 : 10,
                                f.points[r.index].set.threshold_scale);
            }
            const double s_vol = 0.8 * sp.path.vol_multiplier * std::sqrt(1.0 / 365);
            const double q = -std::log(1 - 0.05) * collateral * depth;
            std::printf(" %9.3f\n", capital::smart_ltv({.volatility = s_vol,
                                                        .liquidity = q * params.price,
                                                        .debt_cap = debt,
                                                        .confidence = 2,
                                                        .bonus = 0.05}));
        }
    return 0;
}

int main(int argc, char** argv) {
    return example::guarded_main(program, [&] { return run_frontier(argc, argv); });
}
