// ctest spiral_stress_frontier_matches_library: the frontier.csv that `spiral-stress recommend
// examples/stress/eth_frontier.toml` writes holds what capital::evaluate_frontier (serial) and
// capital::pareto_front give when called directly, with the example configuration's settings
// written out here (not read from it); and each recommendation of its recommendations.csv is
// feasible (VaR95 / debt within the budget) and the most efficient feasible row of frontier.csv,
// bound by the budget exactly when a more efficient row exists.
//   frontier_check <frontier.csv> <recommendations.csv>
#include <spiral/capital/frontier.hpp>
#include <spiral/capital/parameter_set.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/stress/merton.hpp>
#include <spiral/stress/run_spec.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace capital = spiral::capital;
namespace cascade = spiral::cascade;
namespace stress = spiral::stress;

/// A CSV file: its header's columns by name and its rows of text cells.
struct table {
    std::map<std::string, std::size_t> columns;
    std::vector<std::vector<std::string>> rows;

    const std::string& cell(std::size_t row, const std::string& name) const {
        const auto it = columns.find(name);
        if (it == columns.end()) {
            std::fprintf(stderr, "frontier_check: no column '%s'\n", name.c_str());
            std::exit(1);
        }
        return rows.at(row).at(it->second);
    }
    double number(std::size_t row, const std::string& name) const {
        return std::strtod(cell(row, name).c_str(), nullptr);
    }
};

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out;
    std::stringstream s(line);
    std::string cell;
    while (std::getline(s, cell, ','))
        out.push_back(cell);
    if (!line.empty() && line.back() == ',')
        out.emplace_back();
    return out;
}

table read(const char* path) {
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "frontier_check: cannot read %s\n", path);
        std::exit(1);
    }
    table t;
    std::string line;
    std::getline(in, line);
    const auto header = split(line);
    for (std::size_t i = 0; i < header.size(); ++i)
        t.columns[header[i]] = i;
    while (std::getline(in, line))
        if (!line.empty())
            t.rows.push_back(split(line));
    return t;
}

int failures = 0;

void expect_close(const char* what, std::size_t row, double got, double want) {
    const double tolerance = 1e-12 * std::max(1.0, std::abs(want));
    if (!(std::abs(got - want) <= tolerance) && !(got == want)) {
        std::fprintf(stderr, "frontier.csv row %zu: %s = %.17g, the library gives %.17g\n", row,
                     what, got, want);
        ++failures;
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: frontier_check FRONTIER_CSV RECOMMENDATIONS_CSV\n");
        return 2;
    }
    // examples/stress/eth_frontier.toml, every setting written out (defaults included).
    cascade::synthetic_book_params bp;
    bp.positions = 2000;
    bp.price = 2000;
    bp.median_collateral = 5;
    bp.collateral_dispersion = 1.6;
    bp.median_excess_health = 0.25;
    bp.health_dispersion = 1;
    bp.threshold = 0.825;
    bp.threshold_spread = 0.05;
    bp.seed = 20200312;
    const cascade::book book = cascade::synthetic_book(bp);
    cascade::path_rules rules;
    rules.liquidation.size_by = cascade::sizing::close_factor;
    rules.liquidation.full_close_below = 0.95;
    rules.liquidation.target_health = 1.05;
    rules.liquidation.bonus_slope = 0;
    rules.liquidation.max_bonus = 1;
    rules.terms.protocol_fee = 0.1;
    const spiral::impact::exponential curve{1e-5};
    const stress::merton model{
        .drift = 0, .vol = 0.8, .jump_intensity = 12, .jump_mean = -0.1, .jump_vol = 0.05};
    stress::run_spec spec;
    spec.scenarios = 200;
    spec.seed = 2024;
    spec.path.spot = 2000;
    spec.path.steps = 24;
    spec.path.step_days = 1.0 / 24;
    spec.path.days_per_year = 365;
    spec.path.vol_multiplier = 2;
    spec.path.jump_multiplier = 10;
    spec.liquidity.reference_vol = 0;
    spec.liquidity.elasticity = 1;
    spec.liquidity.floor = 0.05;
    std::vector<capital::parameter_set> sets;
    for (const double scale : {0.95, 1.0, 1.05, 1.1})
        for (const double bonus : {0.05, 0.08, 0.12})
            sets.push_back({.threshold_scale = scale, .bonus = bonus, .close_factor = 0.5});
    const capital::frontier_result f = capital::evaluate_frontier(
        book, sets, {capital::book_response::relever()}, model, curve, rules, spec);
    const std::vector<std::size_t> front = capital::pareto_front(f);

    const table csv = read(argv[1]);
    if (csv.rows.size() != f.points.size()) {
        std::fprintf(stderr, "frontier.csv has %zu rows, the library %zu sets\n", csv.rows.size(),
                     f.points.size());
        return 1;
    }
    for (std::size_t i = 0; i < f.points.size(); ++i) {
        const capital::frontier_point& p = f.points[i];
        const auto& s = p.risk;
        expect_close("set", i, csv.number(i, "set"), static_cast<double>(i));
        expect_close("threshold_scale", i, csv.number(i, "threshold_scale"), p.set.threshold_scale);
        expect_close("bonus", i, csv.number(i, "bonus"), p.set.bonus);
        expect_close("close_factor", i, csv.number(i, "close_factor"), p.set.close_factor);
        expect_close("efficiency", i, csv.number(i, "efficiency"), p.efficiency);
        expect_close("debt", i, csv.number(i, "debt"), p.debt);
        expect_close("collateral_value", i, csv.number(i, "collateral_value"), p.collateral_value);
        expect_close("average_ltv", i, csv.number(i, "average_ltv"), p.average_ltv);
        expect_close("var95", i, csv.number(i, "var95"), s.var95.value);
        expect_close("var95_se", i, csv.number(i, "var95_se"), s.var95.standard_error);
        expect_close("var95_share", i, csv.number(i, "var95_share"), p.var95_share);
        expect_close("var99", i, csv.number(i, "var99"), s.var99.value);
        expect_close("es95", i, csv.number(i, "es95"), s.es95.value);
        expect_close("es95_se", i, csv.number(i, "es95_se"), s.es95.standard_error);
        expect_close("es99", i, csv.number(i, "es99"), s.es99.value);
        expect_close("probability_of_bad_debt", i, csv.number(i, "probability_of_bad_debt"),
                     s.probability_of_bad_debt.value);
        expect_close("mean_bad_debt", i, csv.number(i, "mean_bad_debt"), s.mean_bad_debt.value);
        expect_close("lar95", i, csv.number(i, "lar95"), s.lar95.value);
        const bool on = std::find(front.begin(), front.end(), i) != front.end();
        expect_close("pareto", i, csv.number(i, "pareto"), on ? 1.0 : 0.0);
    }

    // Each recommendation against the rows of frontier.csv.
    const table rec = read(argv[2]);
    const std::map<std::string, double> appetites = {
        {"conservative", 0.001}, {"moderate", 0.005}, {"aggressive", 0.02}};
    if (rec.rows.size() != appetites.size()) {
        std::fprintf(stderr, "recommendations.csv has %zu rows, expected the 3 appetites\n",
                     rec.rows.size());
        return 1;
    }
    std::size_t picked = 0;
    for (std::size_t k = 0; k < rec.rows.size(); ++k) {
        const std::string& name = rec.cell(k, "name");
        const double budget = rec.number(k, "budget");
        if (!appetites.count(name) || appetites.at(name) != budget) {
            std::fprintf(stderr, "recommendations.csv row %zu: %s at budget %g\n", k, name.c_str(),
                         budget);
            ++failures;
        }
        // The most efficient feasible row (ties: the lower VaR share, then the lower index).
        std::size_t best = csv.rows.size();
        for (std::size_t i = 0; i < csv.rows.size(); ++i) {
            if (!(csv.number(i, "var95_share") <= budget))
                continue;
            if (best == csv.rows.size() ||
                csv.number(i, "efficiency") > csv.number(best, "efficiency") ||
                (csv.number(i, "efficiency") == csv.number(best, "efficiency") &&
                 csv.number(i, "var95_share") < csv.number(best, "var95_share")))
                best = i;
        }
        const std::string& set = rec.cell(k, "set");
        const std::string& binding = rec.cell(k, "binding");
        if (best == csv.rows.size()) {
            if (!set.empty() || binding != "none_feasible") {
                std::fprintf(stderr, "%s: no row is within %g, the tool picked '%s' (%s)\n",
                             name.c_str(), budget, set.c_str(), binding.c_str());
                ++failures;
            }
            continue;
        }
        const auto index = static_cast<std::size_t>(std::strtoul(set.c_str(), nullptr, 10));
        if (set.empty() || index != best) {
            std::fprintf(stderr,
                         "%s: the most efficient row within %g is %zu, the tool picked '%s'\n",
                         name.c_str(), budget, best, set.c_str());
            ++failures;
            continue;
        }
        ++picked;
        bool higher = false;
        for (std::size_t i = 0; i < csv.rows.size(); ++i)
            higher = higher || csv.number(i, "efficiency") > csv.number(best, "efficiency");
        if (binding != (higher ? "var_budget" : "grid_edge")) {
            std::fprintf(stderr, "%s: binding is %s, expected %s\n", name.c_str(), binding.c_str(),
                         higher ? "var_budget" : "grid_edge");
            ++failures;
        }
    }
    if (failures > 0)
        return 1;
    std::printf("frontier.csv: %zu sets match capital::evaluate_frontier and pareto_front; "
                "recommendations.csv: %zu of %zu picks are the most efficient feasible rows\n",
                f.points.size(), picked, rec.rows.size());
    return 0;
}
