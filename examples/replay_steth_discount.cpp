// Replay of stETH's discount to ETH in May-July 2022 (daily closes, lowest 0.9367 on 15 June)
// through a synthetic book of leveraged stETH-on-ETH loops on an Aave-v2-like market: stETH
// collateral, ETH debt (so the path is the stETH/ETH ratio and the debt's price is 1), keepers
// selling seized stETH into a Curve-like StableSwap pool (A = 50) whose imbalance recovers with
// a one-day half-life; the liquidation threshold is 0.81 (Aave's AIP-75, executed 19 May
// 2022; it was 0.75 before). Loops are built to a loan-to-value near the maximum (69%), so
// their health factors sit a few percent above 1: exactly the positions a discount of 6%
// reaches. Two pools side by side: --pool stETH and ETH a side, and a quarter of that.
// Prints a table; writes replay_steth_discount.csv and, with gnuplot,
// replay_steth_discount.png into --out.
//
//   replay_steth_discount [--data DIR] [--out DIR] [--positions 5000] [--pool 500000]
//                         [--bonus 0.075] [--gas 0.02]
#include <spiral/cascade/cascade.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/impact/resilient.hpp>
#include <spiral/impact/stableswap.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "example_support.hpp"
#include "support/command_line.hpp"

#ifndef SPIRAL_DATA_DIR
#define SPIRAL_DATA_DIR "data"
#endif

namespace cascade = spiral::cascade;
namespace impact = spiral::impact;

namespace {

constexpr const char* program = "replay_steth_discount";

/// date,steth_usd_close,eth_usd_close,steth_eth_ratio
void read_ratio(const std::filesystem::path& file, std::vector<std::string>& dates,
                std::vector<double>& ratio) {
    std::ifstream in(file);
    if (!in)
        throw example::input_error(file.string() + ": cannot open the file");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        std::stringstream fields(line);
        std::string date, steth, eth, r;
        std::getline(fields, date, ',');
        std::getline(fields, steth, ',');
        std::getline(fields, eth, ',');
        std::getline(fields, r, ',');
        double value = 0;
        if (!example::parse_number(r, value) || !(value > 0))
            throw example::input_error(file.string() + ": " + date + ": steth_eth_ratio '" + r +
                                       "' is not a positive number");
        dates.push_back(date);
        ratio.push_back(value);
    }
}

} // namespace

int run_replay(int argc, char** argv) {
    std::string data_dir = SPIRAL_DATA_DIR, out_dir = ".";
    std::size_t positions = 5000;
    double pool_size = 500000, bonus = 0.075, gas = 0.02;
    example::command_line cli{
        "stETH's discount to ETH (May-July 2022) through leveraged stETH loops on an "
        "Aave-v2-like market",
        program};
    cli.add_data(data_dir);
    cli.add_output(out_dir);
    cli.add("--positions", positions, "Loops in the synthetic book",
            example::count_in(1, 10'000'000));
    cli.add("--pool", pool_size, "stETH and ETH on each side of the deep pool",
            example::number_in(0, 1e12, true));
    cli.add("--bonus", bonus, "Liquidation bonus", example::number_in(0, 1, false, true));
    cli.add("--gas", gas, "Keepers' cost per liquidation (ETH)", example::number_in(0, 1e6));
    if (const int code = cli.parse(argc, argv); code >= 0)
        return code;
    const std::filesystem::path data = data_dir;
    const std::filesystem::path dir = example::output_directory(out_dir);

    std::vector<std::string> dates;
    std::vector<double> ratio;
    read_ratio(data / "steth_eth_daily_2022-05_2022-07.csv", dates, ratio);
    const cascade::price_path path{ratio, 1.0};

    // Loops at a loan-to-value of about 70%: health 0.81 / LTV ~ 1.1-1.2, a tail lower.
    cascade::synthetic_book_params p;
    p.positions = positions;
    p.price = ratio.front();
    p.median_collateral = 100;
    p.threshold = 0.81;
    p.threshold_spread = 0;
    p.median_excess_health = 0.12;
    p.health_dispersion = 0.6;
    const cascade::book loops = cascade::synthetic_book(p);
    const double collateral =
        std::accumulate(loops.collateral.begin(), loops.collateral.end(), 0.0);
    const double debt = std::accumulate(loops.debt.begin(), loops.debt.end(), 0.0);

    // Balanced StableSwap pools (A = 50) whose imbalance recovers with a one-day half-life.
    const impact::resilient deep{impact::stableswap{50, pool_size, pool_size, 0.0004},
                                 std::log(2.0)};
    const impact::resilient thin{impact::stableswap{50, pool_size / 4, pool_size / 4, 0.0004},
                                 std::log(2.0)};
    cascade::path_rules aave_v2;
    aave_v2.liquidation.close_factor = 0.5; // v2: half the debt at any health
    aave_v2.liquidation.full_close_below = 0;
    aave_v2.liquidation.bonus = bonus;
    aave_v2.keepers.only_profitable = true;
    aave_v2.keepers.gas = gas;
    aave_v2.oracle.heartbeat_days = 1; // a stETH/ETH feed: daily heartbeat, 0.5% deviation
    aave_v2.oracle.deviation = 0.005;

    struct run {
        const char* name;
        cascade::path_result result;
    };
    std::vector<run> runs{{"deep pool", {}}, {"quarter depth", {}}};
    try {
        runs[0].result = cascade::run(loops, path, deep, aave_v2);
        runs[1].result = cascade::run(loops, path, thin, aave_v2);
    } catch (const spiral::invalid_argument& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return 2;
    }

    const auto low = std::min_element(ratio.begin(), ratio.end());
    std::printf("\nstETH/ETH replay: %s to %s, daily, lowest %.4f on %s\n", dates.front().c_str(),
                dates.back().c_str(), *low,
                dates[static_cast<std::size_t>(low - ratio.begin())].c_str());
    std::printf("book: %zu stETH loops, %.4g stETH against %.4g ETH, threshold 0.81; StableSwap "
                "pools of %.3g and %.3g a side (A = 50), one-day recovery; bonus %.1f%%, gas "
                "%.3g ETH\n\n",
                positions, collateral, debt, pool_size, pool_size / 4, 100 * bonus, gas);
    std::printf("%-32s %16s %16s\n", "", runs[0].name, runs[1].name);
    const auto row = [&](const char* label, auto value, const char* format) {
        std::printf("%-32s", label);
        for (const run& r : runs)
            std::printf(format, value(r.result));
        std::printf("\n");
    };
    using result = cascade::path_result;
    row(
        "liquidations", [](const result& r) { return r.liquidations; }, " %16zu");
    row(
        "stETH sold (% of book)",
        [&](const result& r) { return 100 * r.collateral_sold / collateral; }, " %15.2f%%");
    row(
        "debt repaid (% of debt)", [&](const result& r) { return 100 * r.debt_repaid / debt; },
        " %15.2f%%");
    row(
        "bad debt (ETH)", [](const result& r) { return r.bad_debt; }, " %16.4g");
    row(
        "liquidator profit (ETH)", [](const result& r) { return r.liquidator_profit(); },
        " %16.4g");
    row(
        "due but unprofitable (pos-days)", [](const result& r) { return r.unprofitable; },
        " %16zu");
    row(
        "lowest market ratio",
        [](const result& r) {
            double m = 1e300;
            for (const auto& s : r.steps)
                m = std::min(m, s.price);
            return m;
        },
        " %16.4f");

    const std::filesystem::path csv = dir / "replay_steth_discount.csv";
    {
        std::ofstream out(csv);
        out << "day,ratio";
        for (std::size_t j = 0; j < runs.size(); ++j)
            out << ",market_" << j << ",oracle_" << j << ",sold_share_" << j;
        out << '\n';
        for (std::size_t k = 0; k < path.steps(); ++k) {
            out << k + 1 << ',' << ratio[k + 1];
            for (const run& r : runs) {
                const cascade::step_record& s = r.result.steps[k];
                out << ',' << s.price << ',' << s.oracle_price << ','
                    << s.collateral_sold / collateral;
            }
            out << '\n';
        }
    }
    std::printf("\nwrote %s\n", csv.string().c_str());
    if (!example::has_gnuplot())
        return 0;
    const std::string terminal = example::gnuplot_has_cairo()
                                     ? "pngcairo size 1000,520 font 'Sans,10'"
                                     : "png size 1000,520";
    const std::filesystem::path script = dir / "replay_steth_discount.gp";
    const std::filesystem::path png = dir / "replay_steth_discount.png";
    const std::string f = "'" + csv.string() + "'";
    std::ofstream(script)
        << "set terminal " << terminal << "\nset output '" << png.string()
        << "'\nset datafile separator ','\nset key outside right\nset grid\n"
        << "set title 'stETH/ETH (May-July 2022) and the stETH liquidated each day'\n"
        << "set xlabel 'days from 1 May 2022'\nset ylabel 'stETH in ETH'\nset y2label 'share of "
           "the book sold'\nset ytics nomirror\nset y2tics\nset style fill solid 0.5\n"
        << "set boxwidth 0.4\nplot " << f
        << " using 1:2 with lines lw 2 lc rgb '#999999' title 'ratio (Yahoo closes)', " << f
        << " using 1:3 with lines lw 1.5 lc rgb '#0077bb' title 'market, deep pool', " << f
        << " using 1:6 with lines lw 1.5 lc rgb '#cc3311' title 'market, quarter depth', " << f
        << " using ($1-0.2):5 axes x1y2 with boxes lc rgb '#33bbee' title 'sold, deep pool', " << f
        << " using ($1+0.2):8 axes x1y2 with boxes lc rgb '#ee7733' title 'sold, quarter depth'\n";
    example::run_gnuplot(program, script, png);
    return 0;
}

int main(int argc, char** argv) {
    return example::guarded_main(program, [&] { return run_replay(argc, argv); });
}
