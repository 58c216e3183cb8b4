// spiral-stress: what a run writes — report.md, metrics.csv, scenarios.csv and the plots
// (gnuplot, driven as the examples drive it: example_support.hpp).
#pragma once

#include "config.hpp"
#include "steps.hpp"

#include <spiral/stress/metrics.hpp>
#include <spiral/stress/scenario_results.hpp>
#include <spiral/stress/summary.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

namespace stress_tool {

inline constexpr double z95 = 1.959963984540054;

/// VaR, ES and LaR at one confidence level.
struct level_metrics {
    double level = 0;
    spiral::stress::quantile_estimate var;
    spiral::stress::estimate es;
    spiral::stress::quantile_estimate lar;
};

/// Everything the report says about a run.
struct run_record {
    const config* cfg = nullptr;
    std::string book, model, curve;       ///< descriptions
    std::string assets;                   ///< multi-asset book: the assets, described
    std::vector<std::string> asset_names; ///< multi-asset book: the assets' names, in order
    std::size_t positions = 0;
    double total_collateral = 0; ///< asset units
    std::size_t requested = 0, completed = 0;
    bool interrupted = false;
    unsigned threads = 0;
    double seconds = 0;
    std::string started; ///< UTC time
    spiral::stress::summary summary;
    std::vector<level_metrics> levels;
    spiral::stress::estimate mean_debt_outstanding, mean_depth, mean_final_price;
    const spiral::stress::scenario_results* results = nullptr;
    step_data steps;
    std::vector<std::string> plots; ///< PNG files written (names)
};

/// A number for people: whole numbers with thousands separators from 1,000 up, else four
/// significant digits.
inline std::string num(double v) {
    if (!std::isfinite(v))
        return detail::number_text(v);
    if (std::abs(v) >= 1000 && std::abs(v) < 1e15) {
        const long long whole = std::llround(std::abs(v));
        std::string digits = std::to_string(whole), out;
        for (std::size_t i = 0; i < digits.size(); ++i) {
            if (i > 0 && (digits.size() - i) % 3 == 0)
                out += ',';
            out += digits[i];
        }
        return (v < 0 ? "-" : "") + out;
    }
    std::ostringstream o;
    o.precision(4);
    o << v;
    return o.str();
}

/// One row of metrics.csv.
struct metric_row {
    std::string name;
    double value, standard_error, lower, upper;
};

inline metric_row row(std::string name, const spiral::stress::estimate& e) {
    return {std::move(name), e.value, e.standard_error, e.value - z95 * e.standard_error,
            e.value + z95 * e.standard_error};
}
inline metric_row row(std::string name, const spiral::stress::quantile_estimate& q) {
    return {std::move(name), q.value, q.standard_error, q.lower, q.upper};
}
inline metric_row exact(std::string name, double v) {
    return {std::move(name), v, 0, v, v};
}

inline std::string level_name(double level) {
    std::string s = detail::number_text(100 * level);
    return s;
}

/// Every metric, in report order.
inline std::vector<metric_row> metric_rows(const run_record& r) {
    const auto& s = r.summary;
    std::vector<metric_row> rows;
    rows.push_back(exact("scenarios", static_cast<double>(s.scenarios)));
    for (const level_metrics& l : r.levels) {
        rows.push_back(row("var_" + level_name(l.level), l.var));
        rows.push_back(row("es_" + level_name(l.level), l.es));
    }
    for (const level_metrics& l : r.levels)
        rows.push_back(row("lar_" + level_name(l.level), l.lar));
    rows.push_back(row("probability_of_bad_debt", s.probability_of_bad_debt));
    rows.push_back(row("mean_bad_debt", s.mean_bad_debt));
    rows.push_back(row("mean_insolvent_value", s.mean_insolvent_value));
    rows.push_back(row("mean_liquidation_volume", s.mean_liquidation_volume));
    rows.push_back(row("mean_liquidations", s.mean_liquidations));
    rows.push_back(row("mean_final_price", r.mean_final_price));
    rows.push_back(row("final_price_p01", s.final_price_p01));
    rows.push_back(row("final_price_p05", s.final_price_p05));
    rows.push_back(row("final_price_p50", s.final_price_p50));
    rows.push_back(row("liquidations_p50", s.liquidations_p50));
    rows.push_back(row("liquidations_p95", s.liquidations_p95));
    rows.push_back(row("liquidations_p99", s.liquidations_p99));
    rows.push_back(row("mean_debt_outstanding", r.mean_debt_outstanding));
    rows.push_back(row("mean_borrowing_power", s.mean_borrowing_power));
    rows.push_back(row("mean_borrowing_power_available", s.mean_borrowing_power_available));
    rows.push_back(row("mean_collateral_locked", s.mean_collateral_locked));
    rows.push_back(row("mean_depth", r.mean_depth));
    rows.push_back(exact("initial_debt", s.initial_debt));
    rows.push_back(exact("initial_collateral_value", s.initial_collateral_value));
    rows.push_back(exact("initial_borrowing_power", s.initial_borrowing_power));
    return rows;
}

inline std::ofstream open_out(const std::filesystem::path& p) {
    std::ofstream out(p);
    if (!out)
        throw input_error("cannot write " + p.string());
    out.precision(12);
    return out;
}

inline void write_metrics_csv(const std::filesystem::path& dir, const run_record& r) {
    auto out = open_out(dir / "metrics.csv");
    out << "name,value,standard_error,lower,upper\n";
    for (const metric_row& m : metric_rows(r))
        out << m.name << ',' << m.value << ',' << m.standard_error << ',' << m.lower << ','
            << m.upper << '\n';
}

inline void write_scenarios_csv(const std::filesystem::path& dir, const run_record& r) {
    auto out = open_out(dir / "scenarios.csv");
    const auto& x = *r.results;
    out << "scenario,bad_debt,insolvent_value,liquidation_volume,liquidations,"
           "final_exogenous_price,final_price,min_price,borrowing_power,debt_outstanding,"
           "borrowing_power_available,collateral_locked,depth\n";
    for (std::size_t s = 0; s < r.completed; ++s)
        out << s << ',' << x.bad_debt[s] << ',' << x.insolvent_value[s] << ','
            << x.liquidation_volume[s] << ',' << x.liquidations[s] << ','
            << x.final_exogenous_price[s] << ',' << x.final_price[s] << ',' << x.min_price[s] << ','
            << x.borrowing_power[s] << ',' << x.debt_outstanding[s] << ','
            << x.borrowing_power_available[s] << ',' << x.collateral_locked[s] << ',' << x.depth[s]
            << '\n';
}

namespace detail {

/// The `level` quantile (ceil(level n)-th smallest) of a sorted sample.
inline double sorted_quantile(const std::vector<double>& sorted, double level) {
    const auto n = sorted.size();
    auto k = static_cast<std::size_t>(std::ceil(level * static_cast<double>(n)));
    k = std::clamp<std::size_t>(k, 1, n);
    return sorted[k - 1];
}

/// Writes `script` to dir/name.gp and runs gnuplot on it; adds name.png to `plots` when it
/// worked.
inline void gnuplot_script(const std::filesystem::path& dir, const std::string& name,
                           const std::string& script, std::vector<std::string>& plots, bool quiet) {
    const auto gp = dir / (name + ".gp");
    {
        auto out = open_out(gp);
        out << script;
    }
    const std::string command = "gnuplot '" + gp.string() + "' 2>&1";
    if (std::system(command.c_str()) != 0) {
        std::fprintf(stderr, "spiral-stress: gnuplot failed on %s\n", gp.string().c_str());
        return;
    }
    plots.push_back(name + ".png");
    if (!quiet)
        std::fprintf(stderr, "spiral-stress: wrote %s\n", (dir / (name + ".png")).string().c_str());
}

inline void gnuplot(const std::filesystem::path& dir, const std::string& name,
                    const std::string& script, run_record& r, bool quiet) {
    gnuplot_script(dir, name, script, r.plots, quiet);
}

} // namespace detail

/// The data files and PNG plots: fan chart, insolvent-value histogram, liquidations by step.
inline void write_plots(const std::filesystem::path& dir, run_record& r, std::size_t fan_paths,
                        bool quiet) {
    const step_data& d = r.steps;
    const std::string terminal =
        example::gnuplot_has_cairo()
            ? "set terminal pngcairo noenhanced size 1000,560 font 'Sans,10'\n"
            : "set terminal png noenhanced size 1000,560\n";
    const auto quoted = [](const std::filesystem::path& p) { return "'" + p.string() + "'"; };
    const std::size_t points = d.steps + 1;

    if (d.scenarios > 0) {
        // Fan chart: quantiles of the model's price per step over the re-run scenarios.
        const std::vector<double> levels = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
        {
            auto out = open_out(dir / "fan_chart.csv");
            out << "day,p01,p05,p25,p50,p75,p95,p99,market_p05,market_p01\n";
            std::vector<double> column(d.scenarios), market(d.scenarios);
            for (std::size_t k = 0; k < points; ++k) {
                for (std::size_t s = 0; s < d.scenarios; ++s) {
                    column[s] = d.exogenous[s * points + k];
                    market[s] = d.market[s * points + k];
                }
                std::sort(column.begin(), column.end());
                std::sort(market.begin(), market.end());
                out << static_cast<double>(k) * d.step_days;
                for (const double l : levels)
                    out << ',' << detail::sorted_quantile(column, l);
                out << ',' << detail::sorted_quantile(market, 0.05) << ','
                    << detail::sorted_quantile(market, 0.01) << '\n';
            }
        }
        const std::size_t shown = std::min(fan_paths, d.scenarios);
        {
            auto out = open_out(dir / "fan_chart_paths.csv");
            out << "day";
            for (std::size_t s = 0; s < shown; ++s)
                out << ",scenario_" << s;
            out << '\n';
            for (std::size_t k = 0; k < points; ++k) {
                out << static_cast<double>(k) * d.step_days;
                for (std::size_t s = 0; s < shown; ++s)
                    out << ',' << d.exogenous[s * points + k];
                out << '\n';
            }
        }
        std::string plot =
            terminal + "set output " + quoted(dir / "fan_chart.png") +
            "\nset datafile separator ','\nset grid\nset key top left\n"
            "set title 'Price paths: quantile bands of the model price over " +
            std::to_string(d.scenarios) +
            " scenarios'\nset xlabel 'day'\nset ylabel 'price'\n"
            "set style fill transparent solid 0.25 noborder\n"
            "plot " +
            quoted(dir / "fan_chart.csv") +
            " skip 1 using 1:2:8 with filledcurves lc rgb '#0072b2' title '1-99%', \\\n"
            "     '' skip 1 using 1:3:7 with filledcurves lc rgb '#0072b2' title "
            "'5-95%', \\\n"
            "     '' skip 1 using 1:4:6 with filledcurves lc rgb '#0072b2' title "
            "'25-75%', \\\n"
            "     '' skip 1 using 1:5 with lines lw 2 lc rgb '#003366' title "
            "'median', \\\n"
            "     '' skip 1 using 1:9 with lines lw 2 dt 2 lc rgb '#d7301f' title "
            "'market price after liquidation sales: 5%', \\\n"
            "     '' skip 1 using 1:10 with lines lw 2 dt 3 lc rgb '#d7301f' title '1%'";
        for (std::size_t s = 0; s < shown; ++s)
            plot += ", \\\n     " + quoted(dir / "fan_chart_paths.csv") +
                    " skip 1 using 1:" + std::to_string(s + 2) +
                    " with lines lw 0.6 lc rgb '#80555555' " +
                    (s == 0 ? "title 'sample paths'" : "notitle");
        detail::gnuplot(dir, "fan_chart", plot + "\n", r, quiet);

        // Liquidations by step: mean and 5-95% band over the re-run scenarios.
        {
            auto out = open_out(dir / "liquidations_by_step.csv");
            out << "day,mean,p05,p50,p95,mean_volume\n";
            std::vector<double> column(d.scenarios);
            for (std::size_t k = 0; k < d.steps; ++k) {
                double sum = 0, volume = 0;
                for (std::size_t s = 0; s < d.scenarios; ++s) {
                    column[s] = d.liquidations[s * d.steps + k];
                    sum += column[s];
                    volume += d.volume[s * d.steps + k];
                }
                std::sort(column.begin(), column.end());
                const double n = static_cast<double>(d.scenarios);
                out << static_cast<double>(k + 1) * d.step_days << ',' << sum / n << ','
                    << detail::sorted_quantile(column, 0.05) << ','
                    << detail::sorted_quantile(column, 0.5) << ','
                    << detail::sorted_quantile(column, 0.95) << ',' << volume / n << '\n';
            }
        }
        detail::gnuplot(
            dir, "liquidations_by_step",
            terminal + "set output " + quoted(dir / "liquidations_by_step.png") +
                "\nset datafile separator ','\nset grid\nset key top left\n"
                "set title 'Liquidations per step over " +
                std::to_string(d.scenarios) +
                " scenarios'\nset xlabel 'day (end of step)'\nset ylabel 'liquidations in the "
                "step'\nset y2label 'mean liquidation volume in the step (quote)'\nset y2tics\n"
                "set ytics nomirror\nset yrange [0:*]\nset y2range [0:*]\n"
                "set style fill transparent solid 0.3 noborder\nplot " +
                quoted(dir / "liquidations_by_step.csv") +
                " skip 1 using 1:3:5 with filledcurves lc rgb '#d7301f' title '5-95% of "
                "scenarios', \\\n     '' skip 1 using 1:2 with linespoints pt 7 ps 0.5 lw 2 lc "
                "rgb '#a50f15' title 'mean', \\\n     '' skip 1 using 1:6 axes x1y2 with lines "
                "dt 2 lw 1.5 lc rgb '#333333' title 'mean volume (right axis)'\n",
            r, quiet);
    }

    // Histogram of the insolvent value with VaR and ES.
    const std::span<const double> insolvent(r.results->insolvent_value.data(), r.completed);
    const double largest = *std::max_element(insolvent.begin(), insolvent.end());
    // A heavy tail would squash the bins: the axis ends at the 99.9% quantile or a little past
    // the largest ES, whichever is further; the last bin holds everything above.
    std::vector<double> sorted(insolvent.begin(), insolvent.end());
    std::sort(sorted.begin(), sorted.end());
    double top = detail::sorted_quantile(sorted, 0.999);
    for (const level_metrics& l : r.levels)
        top = std::max(top, 1.25 * l.es.value);
    top = std::min(top, largest);
    const bool clipped = top < largest;
    const std::size_t bins = 40;
    {
        auto out = open_out(dir / "insolvent_histogram.csv");
        out << "bin_centre,bin_width,share\n";
        if (top > 0) {
            const double width = top / bins;
            std::vector<double> count(bins, 0);
            for (const double v : insolvent)
                count[static_cast<std::size_t>(
                    std::min(static_cast<double>(bins - 1), v / width))] += 1;
            for (std::size_t b = 0; b < bins; ++b)
                out << (static_cast<double>(b) + 0.5) * width << ',' << width << ','
                    << count[b] / static_cast<double>(r.completed) << '\n';
        }
    }
    std::string marks;
    const char* colours[] = {"#d7301f", "#7b3294", "#1b9e77", "#e6ab02"};
    std::size_t c = 0;
    for (const level_metrics& l : r.levels) {
        const std::string colour = colours[c++ % 4];
        marks += "set arrow from " + detail::number_text(l.var.value) + ", graph 0 to " +
                 detail::number_text(l.var.value) + ", graph 1 nohead lw 2 lc rgb '" + colour +
                 "'\n";
        marks += "set arrow from " + detail::number_text(l.es.value) + ", graph 0 to " +
                 detail::number_text(l.es.value) + ", graph 1 nohead lw 2 dt 2 lc rgb '" + colour +
                 "'\n";
        marks += "set label 'VaR " + level_name(l.level) + "%' at " +
                 detail::number_text(l.var.value) + ", graph " +
                 detail::number_text(0.95 - 0.08 * static_cast<double>(c - 1)) +
                 " left offset 0.5,0 front tc rgb '" + colour + "'\n";
        marks += "set label 'ES " + level_name(l.level) + "%' at " +
                 detail::number_text(l.es.value) + ", graph " +
                 detail::number_text(0.91 - 0.08 * static_cast<double>(c - 1)) +
                 " left offset 0.5,0 front tc rgb '" + colour + "'\n";
    }
    std::string hist = terminal + "set output " + quoted(dir / "insolvent_histogram.png") +
                       "\nset datafile separator ','\nset grid\n"
                       "set title 'Net insolvent value at the end of the run, " +
                       std::to_string(r.completed) + " scenarios (solid: VaR, dashed: ES)" +
                       (clipped ? "; the last bin holds all above " + num(top) : std::string()) +
                       "'\n"
                       "set xlabel 'insolvent value (quote)'\nset ylabel 'share of scenarios'\n"
                       "set logscale y\nset format y '%g'\nset style fill solid 0.6 noborder\n" +
                       marks;
    if (top > 0)
        hist += "set xrange [0:" + detail::number_text(top) + "]\nplot " +
                quoted(dir / "insolvent_histogram.csv") +
                " skip 1 using 1:3:2 with boxes lc rgb '#555555' notitle\n";
    else
        hist += "unset logscale y\nset xrange [-1:1]\nset yrange [0:1]\n"
                "set label 'no scenario ended with an insolvent value' at 0, 0.5 center\n"
                "plot 1/0 notitle\n";
    detail::gnuplot(dir, "insolvent_histogram", hist, r, quiet);
}

/// report.md: the run, the summary with standard errors, the plots, the configuration.
inline void write_report(const std::filesystem::path& dir, const run_record& r) {
    auto out = open_out(dir / "report.md");
    out.precision(6);
    const auto& s = r.summary;
    const config& c = *r.cfg;
    const auto pm = [](const spiral::stress::estimate& e) {
        std::ostringstream o;
        o << num(e.value) << " ± " << num(e.standard_error);
        return o.str();
    };
    const auto qi = [](const spiral::stress::quantile_estimate& q) {
        std::ostringstream o;
        o << num(q.value) << " [" << num(q.lower) << ", " << num(q.upper) << "]";
        return o.str();
    };
    out << "# Stress test report\n\n";
    out << "Configuration `" << c.file() << "`, run " << r.started << ", " << r.completed
        << " scenarios of " << r.requested << " on " << r.threads << " thread"
        << (r.threads == 1 ? "" : "s") << " in " << fmt(r.seconds, 3) << " s.\n\n";
    if (r.interrupted)
        out << "**The run was interrupted (Ctrl-C) after " << r.completed << " of " << r.requested
            << " scenarios: every figure below is for those " << r.completed << " scenarios.**\n\n";
    out << "## Setup\n\n";
    const bool multi = c.multi_asset();
    if (multi)
        out << "- Book: " << r.book << "; " << r.positions << " positions, collateral worth "
            << num(s.initial_collateral_value) << " at the spots, debt " << num(s.initial_debt)
            << "\n- Assets: " << r.assets << "\n";
    else
        out << "- Book: " << r.book << "; " << r.positions << " positions, "
            << num(r.total_collateral) << " units of collateral, debt " << num(s.initial_debt)
            << "\n";
    out << "- Model: " << r.model << "\n";
    out << "- Price impact: " << r.curve << "\n";
    out << "- Path: " << c.integer("run.steps") << " steps of " << c.real("run.step_days")
        << " days from "
        << (multi ? std::string("each asset's spot") : "spot " + fmt(c.real("run.spot")))
        << "; stress: vol x " << c.real("stress.vol_multiplier") << ", jumps x "
        << c.real("stress.jump_multiplier") << "; liquidity response "
        << (c.real("stress.reference_vol") > 0
                ? "depth = clamp((" + fmt(c.real("stress.reference_vol")) + " / realised vol)^" +
                      fmt(c.real("stress.elasticity")) + ", " + fmt(c.real("stress.floor")) + ", 1)"
                : std::string("off"))
        << "\n";
    if (multi)
        out << "- Rules: close factor " << c.real("rules.close_factor")
            << " (whole debt at health <= " << c.real("rules.full_close_below")
            << "), each asset's own bonus, seizing the collateral "
            << (c.text("rules.collateral_choice") == "in_order" ? "first held in table order"
                                                                : "with the highest bonus")
            << " (all keys in the configuration below)\n";
    else
        out << "- Rules: close factor " << c.real("rules.close_factor")
            << " (whole debt at health <= " << c.real("rules.full_close_below") << "), bonus "
            << c.real("rules.bonus") << ", protocol fee " << c.real("rules.protocol_fee")
            << " of the bonus (all keys in the "
            << "configuration below)\n";
    out << "- Seed " << c.integer("run.seed") << ": scenario s draws from "
        << "risk::scenario_generator(" << c.integer("run.seed")
        << ", s); the figures are the same for any thread count.\n\n";
    if (multi)
        out << "**Multi-asset book: the price figures (final market price, its quantiles, the "
               "fan chart; final_exogenous_price, final_price and min_price in scenarios.csv) "
               "are those of asset 0, `"
            << r.asset_names.at(0)
            << "`, as stress::run_multi defines them. Money figures (insolvent value, "
               "liquidation volume, borrowing power, collateral locked) cover every asset, "
               "at each asset's price.**\n\n";

    out << "## Bad debt and liquidations at risk\n\n"
           "Insolvent value: bad debt written off plus, over positions still open, debt worth "
           "more than its collateral at the final price (Gauntlet's net insolvent value). "
           "VaR and LaR are empirical quantiles with a distribution-free 95% interval; ES is "
           "the mean beyond VaR ± its standard error.\n\n"
           "| level | VaR (insolvent value) | ES | LaR (liquidation volume) |\n|---|---|---|---|\n";
    for (const level_metrics& l : r.levels)
        out << "| " << level_name(l.level) << "% | " << qi(l.var) << " | " << pm(l.es) << " | "
            << qi(l.lar) << " |\n";
    out << "\n| metric | value ± standard error |\n|---|---|\n";
    out << "| P(insolvent value > 0) | " << pm(s.probability_of_bad_debt) << " |\n";
    out << "| mean bad debt | " << pm(s.mean_bad_debt) << " |\n";
    out << "| mean insolvent value | " << pm(s.mean_insolvent_value) << " |\n";
    out << "| mean liquidation volume | " << pm(s.mean_liquidation_volume) << " |\n";
    out << "| mean liquidations | " << pm(s.mean_liquidations) << " |\n";
    out << "| mean final market price | " << pm(r.mean_final_price) << " |\n";
    out << "| mean depth multiplier | " << pm(r.mean_depth) << " |\n\n";

    out << "## Quantiles\n\n| quantity | 1% | 5% | 50% | 95% | 99% |\n|---|---|---|---|---|---|\n";
    out << "| final market price | " << qi(s.final_price_p01) << " | " << qi(s.final_price_p05)
        << " | " << qi(s.final_price_p50) << " | | |\n";
    out << "| liquidations | | | " << qi(s.liquidations_p50) << " | " << qi(s.liquidations_p95)
        << " | " << qi(s.liquidations_p99) << " |\n\n";

    out << "## Capital efficiency\n\n"
           "Borrowing power: collateral value x threshold. Used: the debt outstanding. "
           "Available: sum over positions of max(0, borrowing power - debt).\n\n"
           "| | at the start | at the end (mean ± s.e.) |\n|---|---|---|\n";
    out << "| borrowing power | " << num(s.initial_borrowing_power) << " | "
        << pm(s.mean_borrowing_power) << " |\n";
    out << "| borrowing power used (debt) | " << num(s.initial_debt) << " | "
        << pm(r.mean_debt_outstanding) << " |\n";
    out << "| share used | " << fmt(s.initial_debt / s.initial_borrowing_power, 4) << " | "
        << fmt(r.mean_debt_outstanding.value / s.mean_borrowing_power.value, 4) << " |\n";
    out << "| borrowing power available | | " << pm(s.mean_borrowing_power_available) << " |\n";
    out << "| collateral locked (value) | " << num(s.initial_collateral_value) << " | "
        << pm(s.mean_collateral_locked) << " |\n\n";

    out << "## Plots\n\n";
    if (r.plots.empty())
        out << "No plots (output.plots = false, or gnuplot is not installed).\n\n";
    for (const std::string& p : r.plots)
        out << "![" << p << "](" << p << ")\n\n";
    if (r.steps.scenarios > 0)
        out << "The fan chart and the liquidations per step come from re-running the first "
            << r.steps.scenarios
            << " scenarios step by step with cascade::run (the engine keeps one row of totals "
               "per scenario). Their totals (liquidations, liquidation volume, final price) "
               "matched the engine's in "
            << r.steps.compared - r.steps.mismatched << " of " << r.steps.compared
            << " scenarios.\n\n";

    out << "## Files\n\n- `metrics.csv`: every figure above (name, value, standard_error, "
           "lower, upper: the 95% interval)\n";
    if (c.flag("output.scenarios_csv"))
        out << "- `scenarios.csv`: one row per scenario\n";
    out << "\n## Configuration\n\n```toml\n" << c.echo() << "```\n";
}

} // namespace stress_tool
