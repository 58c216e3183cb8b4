// The flagship demo: a one-day crash of an ETH-like asset of 43% (12 March 2020) through a
// lending book, three ways side by side:
//   static      the reference rules (Aave v3-like: 50% close factor, full close below 0.95,
//               5% bonus), thresholds fixed
//   vol-tight   the same, thresholds tightened as the oracle's realised volatility rises
//   capped      the same static thresholds, at most --cap liquidations per round
// Seized collateral is sold into a Uniswap-v2-like pool whose depth recovers between 10-minute
// rounds (half-life one hour) and holds --depth times the book's collateral. The book is
// synthetic (cascade::synthetic_book: log-normal sizes; health 1 + a log-normal excess of
// median --excess and dispersion --dispersion, so most positions sit between 1.2 and 4 with a
// crowd near the bottom, Aave v3-like thresholds 0.775-0.875) unless --book names a CSV file
// with a header line naming the columns collateral, debt and threshold (in any order; other
// columns are an error). Prints a report; writes black_thursday_rounds.csv,
// black_thursday_at_risk.csv and, with gnuplot, cascade_price_path.png,
// cascade_liquidations.png and cascade_at_risk.png into --out.
//
//   black_thursday [--book FILE] [--price 194] [--shock 0.43] [--positions 50000]
//                  [--excess 1.5] [--dispersion 0.7] [--depth 2] [--cap 400]
//                  [--sensitivity 0.01] [--out .]
//
// --help lists the flags and their domains; a bad flag or value exits with 2 (see
// example_support.hpp).
#include <spiral/cascade/cascade.hpp>
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/resilient.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "csv_table.hpp"
#include "example_support.hpp"
#include "support/command_line.hpp"

namespace cascade = spiral::cascade;
namespace impact = spiral::impact;

namespace {

struct scenario {
    const char* name;
    cascade::rules rules;
    cascade::result result;
};

void plot(const std::filesystem::path& dir, const std::string& script_text, const char* name) {
    const auto script = dir / (std::string(name) + ".gp");
    std::ofstream(script) << script_text;
    example::run_gnuplot("black_thursday", script, dir / (std::string(name) + ".png"));
}

int run(int argc, char** argv) {
    double price = 194, shock = 0.43, depth = 2, sensitivity = 0.01, excess = 1.5, dispersion = 0.7;
    std::size_t positions = 50000, cap = 400;
    std::string book_file, output = ".";
    example::command_line cli{
        "Black Thursday: a crash through a lending book, three rule sets side by side",
        "black_thursday"};
    cli.add("--book", book_file,
            "CSV book with the columns collateral, debt, threshold (header line first, any "
            "order); default: a synthetic book",
            false);
    cli.add("--price", price, "Price before the crash", example::number_in(0, HUGE_VAL, true));
    cli.add("--shock", shock, "Exogenous fall, a fraction of the price",
            example::number_in(0, 1, false, true));
    const std::size_t synthetic = cli.group("synthetic book", "Used without --book");
    cli.add("--positions", positions, "Positions in the synthetic book",
            example::count_in(1, 10000000));
    cli.add("--excess", excess, "Median health above 1 of the synthetic book",
            example::number_in(0, HUGE_VAL, true));
    cli.add("--dispersion", dispersion, "Log-normal dispersion of that excess",
            example::number_in(0, HUGE_VAL));
    cli.end_group();
    cli.add("--depth", depth, "Pool depth, a multiple of the book's collateral",
            example::number_in(0, HUGE_VAL, true));
    cli.add("--cap", cap, "Liquidations per round of the capped scenario",
            example::count_in(1, 1000000000));
    cli.add("--sensitivity", sensitivity,
            "Threshold multiplier lost per unit of realised vol (vol-tight)",
            example::number_in(0, HUGE_VAL));
    cli.add_output(output);
    if (const int code = cli.parse(argc, argv); code >= 0)
        return code;
    if (!book_file.empty() && cli.given_in_group(synthetic) > 0)
        throw example::input_error("--positions, --excess and --dispersion describe the "
                                   "synthetic book; they cannot go with --book");
    const std::filesystem::path dir = example::output_directory(output);

    cascade::book book;
    if (!book_file.empty()) {
        book = example::read_book(book_file);
    } else {
        cascade::synthetic_book_params p;
        p.positions = positions;
        p.price = price;
        p.median_excess_health = excess;
        p.health_dispersion = dispersion;
        book = cascade::synthetic_book(p);
    }
    const double collateral = std::accumulate(book.collateral.begin(), book.collateral.end(), 0.0);
    const double debt = std::accumulate(book.debt.begin(), book.debt.end(), 0.0);
    if (!(collateral > 0))
        throw example::input_error("the book holds no collateral: the pool is sized as --depth "
                                   "times the book's collateral");
    if (!std::isfinite(collateral * price * depth))
        throw example::input_error("the book's collateral times --price and --depth overflows");

    // The pool holds `depth` times the book's collateral; liquidity recovers with a one-hour
    // half-life (rho per day).
    const impact::constant_product pool{depth * collateral, depth * collateral * price, 0.003};
    const impact::resilient curve{pool, 24 * std::log(2.0)};

    std::vector<scenario> runs(3);
    runs[0].name = "static";
    runs[1].name = "vol-tight";
    runs[1].rules.tightening.sensitivity = sensitivity;
    runs[2].name = "capped";
    runs[2].rules.max_liquidations_per_round = cap;
    const cascade::prepared_book prepared(book);
    for (scenario& s : runs)
        s.result = cascade::simulate(prepared, price, shock, curve, s.rules);

    std::printf("Black Thursday: a %.0f%% shock to an ETH-like asset at %g\n", 100 * shock, price);
    std::printf("book: %zu positions, %.4g units of collateral, debt %.4g; pool depth %.4g units "
                "(%.0f%% of the book's collateral), liquidity half-life 1 hour\n\n",
                book.size(), collateral, debt, pool.base_reserve, 100 * depth);
    std::printf("%-30s", "");
    for (const scenario& s : runs)
        std::printf(" %14s", s.name);
    std::printf("\n");
    const auto row = [&](const char* label, auto value, const char* format) {
        std::printf("%-30s", label);
        for (const scenario& s : runs)
            std::printf(format, value(s.result));
        std::printf("\n");
    };
    using R = const cascade::result&;
    row(
        "exogenous drop", [&](R) { return 100 * shock; }, " %13.1f%%");
    row(
        "final drop", [](R r) { return 100 * (1 - r.final_price / r.initial_price); }, " %13.1f%%");
    row(
        "amplification", [](R r) { return r.amplification(); }, " %14.3f");
    row(
        "final price", [](R r) { return r.final_price; }, " %14.2f");
    row(
        "rounds", [](R r) { return static_cast<double>(r.rounds); }, " %14.0f");
    row(
        "liquidations", [](R r) { return static_cast<double>(r.liquidations); }, " %14.0f");
    row(
        "collateral sold (% of book)", [&](R r) { return 100 * r.collateral_sold / collateral; },
        " %13.2f%%");
    row(
        "debt repaid (% of debt)", [&](R r) { return 100 * r.debt_repaid / debt; }, " %13.2f%%");
    row(
        "bad debt", [](R r) { return r.bad_debt; }, " %14.4g");
    row(
        "bad debt (% of debt)", [&](R r) { return 100 * r.bad_debt / debt; }, " %13.3f%%");
    row(
        "liquidator profit", [](R r) { return r.liquidator_profit(); }, " %14.4g");
    std::printf("\nrounds are 10 minutes; volatility tightening: thresholds x max(0.5, 1 - %g * "
                "(realised vol - 0.8)); cap: %zu liquidations per round\n",
                sensitivity, cap);

    // Per-round paths.
    {
        std::ofstream csv(dir / "black_thursday_rounds.csv");
        csv << "scenario,round,oracle_price,price,threshold_multiplier,liquidations,"
               "collateral_sold,debt_repaid,bad_debt\n";
        csv.precision(10);
        for (const scenario& s : runs) {
            csv << s.name << ",0," << price << ',' << price << ",1,0,0,0,0\n";
            for (std::size_t k = 0; k < s.result.path.size(); ++k) {
                const cascade::round_record& x = s.result.path[k];
                csv << s.name << ',' << k + 1 << ',' << x.oracle_price << ',' << x.price << ','
                    << x.threshold_multiplier << ',' << x.liquidations << ',' << x.collateral_sold
                    << ',' << x.debt_repaid << ',' << x.bad_debt << '\n';
            }
        }
    }
    // Liquidations at risk and where the cliffs are.
    std::vector<double> shocks;
    for (int i = 0; i <= 60; ++i)
        shocks.push_back(0.01 * i);
    const auto at_risk = cascade::liquidations_at_risk(prepared, price, shocks, curve);
    const auto profile = cascade::liquidation_profile(book, price, 60, 0.6);
    {
        std::ofstream csv(dir / "black_thursday_at_risk.csv");
        csv << "shock,final_drop,collateral_sold_share,bad_debt_share,profile_collateral_share\n";
        csv.precision(10);
        for (std::size_t i = 0; i < at_risk.size(); ++i) {
            const cascade::result& r = at_risk[i].outcome;
            csv << at_risk[i].shock << ',' << 1 - r.final_price / price << ','
                << r.collateral_sold / collateral << ',' << r.bad_debt / debt << ','
                << (i < profile.size() ? profile[i].collateral / collateral : 0.0) << '\n';
        }
    }
    std::printf("wrote %s and %s\n", (dir / "black_thursday_rounds.csv").string().c_str(),
                (dir / "black_thursday_at_risk.csv").string().c_str());

    if (!example::has_gnuplot()) {
        std::printf("gnuplot not found (Debian: gnuplot-nox): no PNGs\n");
        return 0;
    }
    const bool cairo = example::gnuplot_has_cairo();
    const std::string terminal =
        cairo ? "set terminal pngcairo noenhanced size 1000,520 font 'Sans,10'\n"
              : "set terminal png noenhanced size 1000,520\n";
    const std::string rounds_csv = (dir / "black_thursday_rounds.csv").string();
    const std::string series = "'" + rounds_csv + "'";
    const auto three = [&](const char* column, const char* style) {
        std::string s = "plot ";
        const char* colours[] = {"#d7301f", "#7b3294", "#1b9e77"};
        for (int i = 0; i < 3; ++i) {
            s += std::string(i ? ", \\\n     " : "") + series + " using (strcol(1) eq '" +
                 runs[std::size_t(i)].name + "' ? $2 : NaN):" + column + " with " + style +
                 " lw 2 lc rgb '" + colours[i] + "' title '" + runs[std::size_t(i)].name + "'";
        }
        return s + "\n";
    };
    plot(dir,
         terminal + "set output '" + (dir / "cascade_price_path.png").string() + "'\n" +
             "set datafile separator ','\nset grid\nset key top right\n"
             "set title 'Market price by round after a " +
             std::to_string(int(std::lround(100 * shock))) +
             "% shock (round 0: before the shock)'\nset xlabel 'round (10 minutes)'\n"
             "set ylabel 'price'\n" +
             three("4", "linespoints pt 7 ps 0.5"),
         "cascade_price_path");
    plot(
        dir,
        terminal + "set output '" + (dir / "cascade_liquidations.png").string() + "'\n" +
            "set datafile separator ','\nset grid\nset key top right\nset logscale y\n"
            "set title 'Collateral sold per round (asset units)'\nset xlabel 'round (10 minutes)'\n"
            "set ylabel 'collateral sold'\n" +
            three("7", "linespoints pt 7 ps 0.5"),
        "cascade_liquidations");
    const std::string risk_csv = "'" + (dir / "black_thursday_at_risk.csv").string() + "'";
    plot(dir,
         terminal + "set output '" + (dir / "cascade_at_risk.png").string() + "'\n" +
             "set datafile separator ','\nset grid\nset key top left\n"
             "set title 'Liquidations at risk (static rules) and the liquidation-price profile'\n"
             "set xlabel 'exogenous shock (%)'\nset ylabel 'share of the book / price drop'\n"
             "set y2label 'profile: share of collateral per 1% band'\nset y2tics\n"
             "set xrange [0:60]\nset yrange [0:*]\nset y2range [0:*]\n"
             "set style fill solid 0.35 noborder\nset boxwidth 0.9 relative\n"
             "plot " +
             risk_csv +
             " using ($1*100+0.5):5 axes x1y2 with boxes lc rgb '#999999' "
             "title 'collateral liquidatable after a drop in this band (right axis)', \\\n"
             "     " +
             risk_csv +
             " using ($1*100):3 with lines lw 2 lc rgb '#d7301f' "
             "title 'collateral sold in the cascade', \\\n"
             "     " +
             risk_csv +
             " using ($1*100):2 with lines lw 2 lc rgb '#0072b2' "
             "title 'final price drop', \\\n"
             "     " +
             risk_csv +
             " using ($1*100):($1) with lines dt 2 lc rgb '#000000' "
             "title 'exogenous drop'\n",
         "cascade_at_risk");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    return example::guarded_main("black_thursday", [&] { return run(argc, argv); });
}
