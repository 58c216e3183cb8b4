// spiral-stress frontier / recommend: the grid of parameter sets a configuration's [frontier]
// table names, its recommendations and the SmartLTV baseline, and the files the two modes write
// (report.md, frontier.csv, recommendations.csv, frontier.png). The run itself is in main.cpp
// (capital::evaluate_frontier_parallel, with Ctrl-C and progress as the stress mode).
#pragma once

#include "choices.hpp"
#include "config.hpp"
#include "report.hpp"

#include <spiral/capital/book_response.hpp>
#include <spiral/capital/frontier.hpp>
#include <spiral/capital/parameter_set.hpp>
#include <spiral/capital/recommend.hpp>
#include <spiral/capital/smart_ltv.hpp>
#include <spiral/risk/random.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace stress_tool {

namespace capital = spiral::capital;

/// The parameter sets of the grid: every combination of the [frontier] lists, the threshold
/// outermost, then bonus, close factor, per-step cap and debt ceiling.
inline std::vector<capital::parameter_set> build_sets(const config& c) {
    if (c.given("frontier.thresholds") && c.given("frontier.threshold_scales"))
        c.fail_key("frontier.thresholds", "set frontier.thresholds or frontier.threshold_scales, "
                                          "not both");
    const bool absolute = !c.reals("frontier.thresholds").empty();
    const std::vector<double>& thresholds =
        absolute ? c.reals("frontier.thresholds") : c.reals("frontier.threshold_scales");
    std::vector<capital::parameter_set> sets;
    for (const double t : thresholds)
        for (const double bonus : c.reals("frontier.bonuses"))
            for (const double cf : c.reals("frontier.close_factors"))
                for (const double cap : c.reals("frontier.max_collateral_per_step"))
                    for (const double ceiling : c.reals("frontier.debt_ceilings"))
                        sets.push_back({.threshold_scale = absolute ? 1.0 : t,
                                        .threshold = absolute ? t : 0.0,
                                        .bonus = bonus,
                                        .close_factor = cf,
                                        .max_collateral_per_step = cap,
                                        .debt_ceiling = ceiling});
    return sets;
}

/// How the book answers each set (frontier.book_response).
inline capital::frontier_options build_frontier_options(const config& c) {
    capital::frontier_options o;
    const std::string& r = c.text("frontier.book_response");
    o.response = r == "fixed"   ? capital::book_response::fixed()
                 : r == "share" ? capital::book_response{c.real("frontier.response_share")}
                                : capital::book_response::relever();
    return o;
}

/// One VaR budget to recommend at: an appetite's name ("moderate") or "budget".
struct budget_choice {
    std::string name;
    double budget = 0;
};

/// The budgets of frontier.appetites, or of frontier.budgets when given.
inline std::vector<budget_choice> build_budgets(const config& c) {
    if (c.given("frontier.budgets") && c.given("frontier.appetites"))
        c.fail_key("frontier.budgets", "set frontier.budgets or frontier.appetites, not both");
    std::vector<budget_choice> out;
    if (!c.reals("frontier.budgets").empty()) {
        for (const double b : c.reals("frontier.budgets"))
            out.push_back({"budget", b});
        return out;
    }
    for (const std::string& a : c.texts("frontier.appetites")) {
        for (const budget_choice& seen : out)
            if (seen.name == a)
                c.fail_key("frontier.appetites", "'" + a + "' is listed twice");
        const capital::appetite x = a == "conservative" ? capital::appetite::conservative
                                    : a == "aggressive" ? capital::appetite::aggressive
                                                        : capital::appetite::moderate;
        out.push_back({a, capital::var_budget(x)});
    }
    return out;
}

/// The SmartLTV baseline at one bonus.
struct smart_ltv_row {
    double bonus = 0;
    double liquidity = 0; ///< value (quote) sellable within slippage = bonus; inf: the curve
                          ///< never falls that far
    double ltv = 0;
    bool defined = true; ///< false for a bonus >= 1 (outside SmartLTV's domain)
};

/// The SmartLTV inputs common to every bonus, and its value at each bonus of the grid.
struct smart_ltv_baseline {
    double volatility = 0;
    bool volatility_estimated = false; ///< from the scenarios (frontier.smart_ltv_volatility = 0)
    double debt_cap = 0;               ///< the base book's debt
    double confidence = 2;
    std::vector<smart_ltv_row> rows;
};

/// The quantity q (asset units) with curve.price_factor(q) = 1 - slippage, by bisection;
/// +inf when the curve stays above it.
template <class Curve>
double quantity_at_slippage(const Curve& curve, double slippage) {
    const double target = 1 - slippage;
    double lo = 0, hi = 1;
    while (curve.price_factor(hi) > target) {
        lo = hi;
        hi *= 2;
        if (hi > 1e300)
            return std::numeric_limits<double>::infinity();
    }
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        (curve.price_factor(mid) > target ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

/// SmartLTV (capital::smart_ltv) for the market of the configuration: sigma
/// frontier.smart_ltv_volatility, or (0) the standard deviation of log(final / spot) over the
/// run's first scenarios (at most 10,000, generated again with the model); the liquidity within
/// slippage beta = the bonus, from the impact curve at the spot; the debt cap = the base book's
/// debt; c = frontier.smart_ltv_confidence.
template <class Model, class Curve>
smart_ltv_baseline smart_ltv_for(const config& c, const Model& model, const Curve& curve,
                                 const stress::run_spec& spec, double base_debt,
                                 const std::vector<double>& bonuses) {
    smart_ltv_baseline b;
    b.confidence = c.real("frontier.smart_ltv_confidence");
    b.debt_cap = base_debt;
    b.volatility = c.real("frontier.smart_ltv_volatility");
    if (b.volatility == 0) {
        b.volatility_estimated = true;
        const std::size_t n = std::min<std::size_t>(spec.scenarios, 10000);
        std::vector<double> path(spec.path.steps + 1);
        double sum = 0, sum2 = 0;
        for (std::size_t s = 0; s < n; ++s) {
            spiral::splitmix64 g =
                spiral::risk::scenario_generator(spec.seed, spec.first_scenario + s);
            model.generate(g, spec.path, path.data());
            const double r = std::log(path.back() / path.front());
            sum += r;
            sum2 += r * r;
        }
        const double count = static_cast<double>(n);
        const double mean = sum / count;
        b.volatility =
            n > 1 ? std::sqrt(std::max(0.0, (sum2 - count * mean * mean) / (count - 1))) : 0.0;
    }
    std::vector<double> distinct = bonuses;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (const double beta : distinct) {
        smart_ltv_row row;
        row.bonus = beta;
        if (!(beta < 1)) {
            row.defined = false;
            b.rows.push_back(row);
            continue;
        }
        row.liquidity = quantity_at_slippage(curve, beta) * spec.path.spot;
        if (b.debt_cap > 0 && row.liquidity > 0)
            row.ltv = capital::smart_ltv({.volatility = b.volatility,
                                          .liquidity = row.liquidity,
                                          .debt_cap = b.debt_cap,
                                          .confidence = b.confidence,
                                          .bonus = beta});
        else
            row.defined = false;
        b.rows.push_back(row);
    }
    return b;
}

/// Everything the frontier report says.
struct frontier_record {
    const config* cfg = nullptr;
    tool_mode mode = tool_mode::frontier;
    std::string book, model, curve, response, started;
    std::size_t positions = 0;
    double base_debt = 0, base_collateral_value = 0;
    std::size_t requested = 0;
    bool interrupted = false;
    unsigned threads = 0;
    double seconds = 0;
    std::vector<capital::parameter_set> sets;
    capital::frontier_result result;
    std::vector<std::size_t> pareto;
    std::vector<budget_choice> budgets;
    std::vector<capital::recommendation> recommendations; ///< one per budget
    smart_ltv_baseline smart;
    std::vector<std::string> plots;

    bool on_pareto(std::size_t i) const {
        return std::find(pareto.begin(), pareto.end(), i) != pareto.end();
    }
};

inline const char* binding_text(capital::binding_constraint b) {
    switch (b) {
    case capital::binding_constraint::var_budget:
        return "var_budget";
    case capital::binding_constraint::grid_edge:
        return "grid_edge";
    case capital::binding_constraint::none_feasible:
        return "none_feasible";
    }
    return "?";
}

/// frontier.csv: one row per parameter set, every figure (full precision).
inline void write_frontier_csv(const std::filesystem::path& dir, const frontier_record& r) {
    auto out = open_out(dir / "frontier.csv");
    out.precision(17);
    out << "set,threshold_scale,threshold,bonus,close_factor,max_collateral_per_step,"
           "debt_ceiling,efficiency,borrowing_power,debt,collateral_value,average_ltv,"
           "var95,var95_se,var95_share,var95_share_se,var99,var99_se,es95,es95_se,es99,es99_se,"
           "probability_of_bad_debt,probability_of_bad_debt_se,mean_bad_debt,mean_bad_debt_se,"
           "lar95,lar95_se,pareto\n";
    const auto x = [](double v) { return detail::number_text(v); };
    for (std::size_t i = 0; i < r.result.points.size(); ++i) {
        const capital::frontier_point& p = r.result.points[i];
        const auto& s = p.risk;
        out << i << ',' << x(p.set.threshold_scale) << ',' << x(p.set.threshold) << ','
            << x(p.set.bonus) << ',' << x(p.set.close_factor) << ','
            << x(p.set.max_collateral_per_step) << ',' << x(p.set.debt_ceiling) << ','
            << x(p.efficiency) << ',' << x(p.borrowing_power) << ',' << x(p.debt) << ','
            << x(p.collateral_value) << ',' << x(p.average_ltv) << ',' << x(s.var95.value) << ','
            << x(s.var95.standard_error) << ',' << x(p.var95_share) << ','
            << x(p.debt > 0 ? s.var95.standard_error / p.debt : 0.0) << ',' << x(s.var99.value)
            << ',' << x(s.var99.standard_error) << ',' << x(s.es95.value) << ','
            << x(s.es95.standard_error) << ',' << x(s.es99.value) << ',' << x(s.es99.standard_error)
            << ',' << x(s.probability_of_bad_debt.value) << ','
            << x(s.probability_of_bad_debt.standard_error) << ',' << x(s.mean_bad_debt.value) << ','
            << x(s.mean_bad_debt.standard_error) << ',' << x(s.lar95.value) << ','
            << x(s.lar95.standard_error) << ',' << (r.on_pareto(i) ? 1 : 0) << '\n';
    }
}

/// recommendations.csv (recommend): one row per budget; set is empty when none is feasible.
inline void write_recommendations_csv(const std::filesystem::path& dir, const frontier_record& r) {
    auto out = open_out(dir / "recommendations.csv");
    out << "name,budget,set,efficiency,var95_share,var95_share_se,binding,blocked_by\n";
    for (std::size_t k = 0; k < r.budgets.size(); ++k) {
        const capital::recommendation& x = r.recommendations[k];
        const bool none = x.index == capital::recommendation::no_point;
        out << r.budgets[k].name << ',' << detail::number_text(x.budget) << ','
            << (none ? std::string() : std::to_string(x.index)) << ','
            << detail::number_text(x.efficiency) << ',' << detail::number_text(x.var95_share) << ','
            << detail::number_text(x.var95_share_standard_error) << ',' << binding_text(x.binding)
            << ','
            << (x.blocked_by == capital::recommendation::no_point ? std::string()
                                                                  : std::to_string(x.blocked_by))
            << '\n';
    }
}

/// frontier.png: efficiency against VaR95, every set, the efficient set connected, the
/// recommendations marked.
inline void write_frontier_plot(const std::filesystem::path& dir, frontier_record& r, bool quiet) {
    const std::string terminal = example::gnuplot_has_cairo()
                                     ? "set terminal pngcairo noenhanced size 1000,620 font "
                                       "'Sans,10'\n"
                                     : "set terminal png noenhanced size 1000,620\n";
    std::ostringstream gp;
    gp.precision(17);
    gp << terminal << "set output '" << (dir / "frontier.png").string() << "'\n"
       << "set title 'Capital-efficiency frontier: " << r.sets.size() << " parameter sets, "
       << r.result.scenarios << " scenarios'\n"
       << "set xlabel 'VaR95 of the net insolvent value (quote)'\n"
       << "set ylabel 'efficiency: borrowing power (quote)'\nset grid\nset key bottom right\n";
    double widest = 0;
    for (const auto& p : r.result.points)
        widest = std::max(widest, p.risk.var95.value);
    if (widest == 0) // every VaR95 is 0: a range gnuplot need not widen (and warn about)
        gp << "set xrange [-1:1]\n";
    gp << "$all << EOD\n";
    for (const auto& p : r.result.points)
        gp << p.risk.var95.value << ' ' << p.efficiency << '\n';
    gp << "EOD\n$front << EOD\n";
    for (const std::size_t i : r.pareto)
        gp << r.result.points[i].risk.var95.value << ' ' << r.result.points[i].efficiency << '\n';
    gp << "EOD\n$rec << EOD\n";
    // One mark per recommended set, labelled with every budget that picks it.
    bool any = false;
    for (std::size_t k = 0; k < r.budgets.size(); ++k) {
        const std::size_t i = r.recommendations[k].index;
        bool first = true;
        for (std::size_t j = 0; j < k; ++j)
            first = first && r.recommendations[j].index != i;
        if (i == capital::recommendation::no_point || !first)
            continue;
        any = true;
        std::string label;
        for (std::size_t j = k; j < r.budgets.size(); ++j)
            if (r.recommendations[j].index == i)
                label += (label.empty() ? "" : ", ") + r.budgets[j].name + " " +
                         detail::number_text(100 * r.budgets[j].budget) + "%";
        gp << r.result.points[i].risk.var95.value << ' ' << r.result.points[i].efficiency << " \""
           << label << "\"\n";
    }
    gp << "EOD\n";
    gp << "plot $all using 1:2 with points pt 7 ps 1 lc rgb '#9a9a9a' title 'parameter sets', "
          "$front using 1:2 with linespoints pt 7 ps 1.2 lw 2 lc rgb '#1f5fa8' title 'efficient "
          "set'";
    if (any)
        gp << ", $rec using 1:2 with points pt 6 ps 3 lw 2 lc rgb '#c0392b' title "
              "'recommendation (VaR budget)', $rec using 1:2:3 with labels left offset 1.5,-1 "
              "notitle";
    gp << "\n";
    detail::gnuplot_script(dir, "frontier", gp.str(), r.plots, quiet);
}

/// report.md.
inline void write_frontier_report(const std::filesystem::path& dir, const frontier_record& r) {
    auto out = open_out(dir / "report.md");
    const config& c = *r.cfg;
    const bool recommend = r.mode == tool_mode::recommend;
    const auto& f = r.result;
    const auto pct = [](double v) { return fmt(100 * v, 4) + "%"; };
    const auto pm = [](double v, double se) { return num(v) + " ± " + num(se); };
    const auto set_text = [&](std::size_t i) {
        const auto& s = f.points[i].set;
        std::string t = "set " + std::to_string(i) + " (" +
                        (s.threshold > 0 ? "threshold " + fmt(s.threshold)
                                         : "threshold x" + fmt(s.threshold_scale)) +
                        ", bonus " + fmt(s.bonus) + ", close factor " + fmt(s.close_factor);
        if (std::isfinite(s.max_collateral_per_step))
            t += ", cap " + num(s.max_collateral_per_step) + "/step";
        if (std::isfinite(s.debt_ceiling))
            t += ", ceiling " + num(s.debt_ceiling);
        return t + ")";
    };
    out << (recommend ? "# Parameter recommendation report\n\n"
                      : "# Capital-efficiency frontier report\n\n");
    out << "Configuration `" << c.file() << "`, run " << r.started << ": " << r.sets.size()
        << " parameter sets on " << f.scenarios << " scenarios of " << r.requested << " (each path "
        << "generated once and replayed to every set: " << f.cascade_runs << " cascades) on "
        << r.threads << " thread" << (r.threads == 1 ? "" : "s") << " in " << fmt(r.seconds, 3)
        << " s.\n\n";
    if (r.interrupted)
        out << "**The run was interrupted (Ctrl-C) after " << f.scenarios << " of " << r.requested
            << " scenarios: every figure below is for those " << f.scenarios << " scenarios.**\n\n";
    out << "## Setup\n\n- Book: " << r.book << "; debt " << num(r.base_debt)
        << ", collateral worth " << num(r.base_collateral_value)
        << " at the spot\n- Model: " << r.model << "\n- Impact curve: " << r.curve
        << "\n- Book response: " << r.response << "\n\n";

    out << "## The grid\n\nEfficiency is the borrowing power of the set's book at the start "
           "(sum of collateral x spot x threshold; exact, the same in every scenario). VaR95, "
           "ES95 and P(bad debt) are of the net insolvent value over the scenarios, ± their "
           "Monte Carlo standard errors. Pareto: no other set has at least the efficiency and "
           "at most the VaR95, one strictly.\n\n";
    out << "| set | threshold | bonus | close factor | cap / step | debt ceiling | efficiency | "
           "debt | avg LTV | VaR95 | VaR95 / debt | ES95 | P(bad debt) | Pareto |\n"
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (std::size_t i = 0; i < f.points.size(); ++i) {
        const auto& p = f.points[i];
        const auto& s = p.risk;
        out << "| " << i << " | "
            << (p.set.threshold > 0 ? fmt(p.set.threshold) : "x" + fmt(p.set.threshold_scale))
            << " | " << fmt(p.set.bonus) << " | " << fmt(p.set.close_factor) << " | "
            << num(p.set.max_collateral_per_step) << " | " << num(p.set.debt_ceiling) << " | "
            << num(p.efficiency) << " | " << num(p.debt) << " | " << fmt(p.average_ltv, 4) << " | "
            << pm(s.var95.value, s.var95.standard_error) << " | " << pct(p.var95_share) << " ± "
            << pct(p.debt > 0 ? s.var95.standard_error / p.debt : 0.0) << " | "
            << pm(s.es95.value, s.es95.standard_error) << " | "
            << pm(s.probability_of_bad_debt.value, s.probability_of_bad_debt.standard_error)
            << " | " << (r.on_pareto(i) ? "*" : "") << " |\n";
    }
    out << "\n## The efficient set\n\n"
        << r.pareto.size() << " of " << f.points.size() << " sets, in increasing efficiency:\n\n";
    for (const std::size_t i : r.pareto)
        out << "- " << set_text(i) << ": efficiency " << num(f.points[i].efficiency) << ", VaR95 "
            << num(f.points[i].risk.var95.value) << " (" << pct(f.points[i].var95_share)
            << " of its debt)\n";

    out << (recommend ? "\n## Recommendations\n\nThe most efficient set whose VaR95 is within "
                        "the budget (a share of the set's debt); the constraint that binds it: "
                        "the budget (a more efficient set breaks it) or the edge of the grid (no "
                        "set is more efficient: widen the grid).\n\n"
                      : "\n## Recommendations marked on the plot\n\n");
    if (recommend)
        out << "| appetite | VaR budget | recommended | efficiency | VaR95 / debt | binding "
               "constraint |\n|---|---|---|---|---|---|\n";
    for (std::size_t k = 0; k < r.budgets.size(); ++k) {
        const auto& x = r.recommendations[k];
        const bool none = x.index == capital::recommendation::no_point;
        std::string binding = none ? "no set is within the budget"
                              : x.binding == capital::binding_constraint::grid_edge
                                  ? "the edge of the grid"
                                  : "the VaR budget (set " + std::to_string(x.blocked_by) +
                                        " is more efficient at " +
                                        pct(f.points[x.blocked_by].var95_share) + ")";
        if (recommend)
            out << "| " << r.budgets[k].name << " | " << pct(x.budget) << " | "
                << (none ? "none" : set_text(x.index)) << " | " << (none ? "" : num(x.efficiency))
                << " | "
                << (none ? "" : pct(x.var95_share) + " ± " + pct(x.var95_share_standard_error))
                << " | " << binding << " |\n";
        else
            out << "- " << r.budgets[k].name << " (VaR95 <= " << pct(x.budget)
                << " of the debt): " << (none ? "none" : set_text(x.index)) << "\n";
    }

    if (recommend) {
        const auto& b = r.smart;
        out << "\n## SmartLTV baseline\n\nThe closed form of Risk DAO (capital::smart_ltv), LTV "
               "= exp(-c sigma / sqrt(l / d)) - beta, for the same market: sigma "
            << fmt(b.volatility, 4)
            << (b.volatility_estimated
                    ? " (the standard deviation of log(final / spot) over the run's scenarios)"
                    : " (frontier.smart_ltv_volatility)")
            << ", d = " << num(b.debt_cap) << " (the book's debt), c = " << fmt(b.confidence)
            << ", l = the value sellable into the impact curve within slippage beta = the "
               "bonus.\n\n| bonus (beta) | liquidity l | SmartLTV |\n|---|---|---|\n";
        for (const auto& row : b.rows)
            out << "| " << fmt(row.bonus) << " | " << (row.defined ? num(row.liquidity) : "")
                << " | " << (row.defined ? fmt(row.ltv, 4) : "n/a") << " |\n";
    }

    // A short reading of the figures.
    out << "\n## Reading\n\n";
    if (!r.pareto.empty()) {
        const auto& lo = f.points[r.pareto.front()];
        const auto& hi = f.points[r.pareto.back()];
        out << "Along the efficient set, efficiency goes from " << num(lo.efficiency) << " to "
            << num(hi.efficiency) << " (" << fmt(100 * (hi.efficiency / lo.efficiency - 1), 3)
            << "% more borrowing power) while VaR95 goes from " << num(lo.risk.var95.value)
            << " to " << num(hi.risk.var95.value) << ". ";
    }
    out << f.points.size() - r.pareto.size() << " of the " << f.points.size()
        << " sets are dominated: another set lends at least as much with no more VaR95. ";
    for (std::size_t k = 0; k < r.budgets.size(); ++k) {
        const auto& x = r.recommendations[k];
        if (x.index == capital::recommendation::no_point) {
            out << "At " << r.budgets[k].name << " (" << pct(x.budget)
                << ") no set qualifies: tighten the grid's thresholds or raise the budget. ";
            continue;
        }
        out << "At " << r.budgets[k].name << " (" << pct(x.budget) << ") the pick is set "
            << x.index << ", average LTV " << fmt(f.points[x.index].average_ltv, 4)
            << (x.binding == capital::binding_constraint::grid_edge ? ", at the edge of the grid"
                                                                    : ", held back by the budget")
            << ". ";
    }
    if (recommend && !r.smart.rows.empty() && r.smart.rows.front().defined)
        out << "SmartLTV puts the LTV at " << fmt(r.smart.rows.front().ltv, 4) << " at bonus "
            << fmt(r.smart.rows.front().bonus)
            << "; it sees neither the book's health factors nor the cascade, so read it as a "
               "baseline. ";
    out << "Figures within a couple of standard errors of a budget could fall on either side of "
           "it with more scenarios.\n\n";

    out << "## Plots\n\n";
    if (r.plots.empty())
        out << "No plots (output.plots = false, or gnuplot is not installed).\n\n";
    for (const std::string& p : r.plots)
        out << "![" << p << "](" << p << ")\n\n";
    out << "## Files\n\n- `frontier.csv`: one row per parameter set, every figure with its "
           "standard error (`_se`), pareto = 1 on the efficient set\n";
    if (recommend)
        out << "- `recommendations.csv`: one row per budget (set empty when none qualifies)\n";
    out << "\n## Configuration\n\n```toml\n" << c.echo() << "```\n";
}

} // namespace stress_tool
