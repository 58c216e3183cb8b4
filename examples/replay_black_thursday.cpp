// Replay of Black Thursday (11-14 March 2020) along Binance's hourly ETH/USDT bars, through a
// synthetic Maker-like book of ETH vaults at a 150% liquidation ratio, three ways:
//   flipper   Maker's Liquidations 1.2 as on the day: English auctions with 10-minute bids,
//             3% steps, a zero bidder, behind the one-hour OSM; keepers bid what a lot is
//             worth to them (less gas) and stop when that no longer beats the last bid, and
//             get only so many bids into each quarter hour (the network was congested)
//   clipper   Liquidations 2.0 (ETH-B's 2021 parameters): Dutch auctions from 120% of the
//             OSM price, 1% every minute, taken when reselling pays; the same keepers
//   aave      Aave v3's rules (half the debt above health 0.95, 5% bonus, 10% of it to the
//             protocol) behind a Chainlink-style feed (1 hour heartbeat, 0.5% deviation),
//             keepers liquidating only what pays after gas, as many per quarter hour
// Each hourly bar becomes four quarter-hour points: open, the two extremes (low first on a
// falling bar), close. Seized collateral is sold into a Uniswap-v2-like pool holding --depth
// times the book's collateral whose depth recovers with a two-hour half-life. The book is
// synthetic (cascade::synthetic_book): --positions vaults, log-normal sizes, collateral ratios
// 150% times 1 + a log-normal excess. Published facts to hold the results against, as orders of
// magnitude: Maker's shortfall of about 5.67M DAI, and 36% of auctions settled at zero bids.
// Prints a table; writes replay_black_thursday.csv and, with gnuplot,
// replay_black_thursday_prices.png and replay_black_thursday_liquidations.png into --out.
//
//   replay_black_thursday [--data DIR] [--out DIR] [--positions 5000] [--depth 0.5]
//                         [--bids 200] [--gas 30] [--median 200] [--excess 1.3]
#include <spiral/cascade/cascade.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/resilient.hpp>

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

constexpr const char* program = "replay_black_thursday";

struct bar {
    std::string time;
    double open, high, low, close;
};

/// time_utc,open,high,low,close,volume
std::vector<bar> read_bars(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in)
        throw example::input_error(file.string() + ": cannot open the file");
    std::vector<bar> bars;
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        std::stringstream fields(line);
        bar b;
        std::string cell;
        std::getline(fields, b.time, ',');
        double* slots[] = {&b.open, &b.high, &b.low, &b.close};
        for (double* slot : slots) {
            std::getline(fields, cell, ',');
            if (!example::parse_number(cell, *slot))
                throw example::input_error(file.string() + ": " + b.time + ": '" + cell +
                                           "' is not a finite number");
        }
        bars.push_back(b);
    }
    return bars;
}

struct run {
    const char* name;
    cascade::path_rules rules;
    cascade::path_result result;
};

} // namespace

int run_replay(int argc, char** argv) {
    std::string data_dir = SPIRAL_DATA_DIR, out_dir = ".";
    std::size_t positions = 5000, bids = 200;
    double depth = 0.5, gas = 30, median = 200, excess = 1.3;
    example::command_line cli{
        "Black Thursday (11-14 March 2020) replayed along hourly ETH/USDT bars under "
        "Maker Flipper, Maker Clipper and Aave v3 rules",
        program};
    cli.add_data(data_dir);
    cli.add_output(out_dir);
    cli.add("--positions", positions, "Vaults in the synthetic book",
            example::count_in(1, 10'000'000));
    cli.add("--depth", depth, "Pool depth as a multiple of the book's collateral",
            example::number_in(0, 1e6, true));
    cli.add("--bids", bids, "Liquidations keepers get into each quarter hour",
            example::count_in(1, 1'000'000));
    cli.add("--gas", gas, "Keepers' cost per liquidation (USD)", example::number_in(0, 1e9));
    cli.add("--median", median, "Median vault collateral (ETH)", example::number_in(0, 1e9, true));
    cli.add("--excess", excess, "Median collateral ratio over the liquidation ratio",
            example::number_in(1, 100, true));
    if (const int code = cli.parse(argc, argv); code >= 0)
        return code;
    const std::filesystem::path data = data_dir;
    const std::filesystem::path dir = example::output_directory(out_dir);

    // Quarter-hour path through each bar's open, extremes and close.
    const std::vector<bar> bars = read_bars(data / "eth_usdt_1h_2020-03-black-thursday.csv");
    std::vector<double> prices{bars.front().open};
    for (const bar& b : bars) {
        const bool falling = b.close < b.open;
        prices.push_back(falling ? b.high : b.low);
        prices.push_back(falling ? b.low : b.high);
        prices.push_back(b.close);
        prices.push_back(b.close);
    }
    const double step_days = 1.0 / 96;
    const cascade::price_path path{prices, step_days};

    // Maker-like vaults: liquidation ratio 150% (threshold 2/3), collateral ratios above it.
    cascade::synthetic_book_params p;
    p.positions = positions;
    p.price = prices.front();
    p.median_collateral = median;
    p.threshold = 1 / 1.5;
    p.threshold_spread = 0;
    p.median_excess_health = excess;
    p.health_dispersion = 0.7;
    const cascade::book book = cascade::synthetic_book(p);
    const double collateral = std::accumulate(book.collateral.begin(), book.collateral.end(), 0.0);
    const double debt = std::accumulate(book.debt.begin(), book.debt.end(), 0.0);

    const double x = depth * collateral;
    const impact::resilient pool{impact::constant_product{x, x * prices.front(), 0.003},
                                 std::log(2.0) * 12}; // two-hour half-life, rho per day

    cascade::keeper_rules keepers;
    keepers.gas = gas;
    keepers.max_liquidations = bids;
    std::vector<run> runs{{"flipper", cascade::venues::maker_flipper_march_2020(step_days), {}},
                          {"clipper", cascade::venues::maker_clipper_2021(step_days), {}},
                          {"aave", cascade::venues::aave_v3(), {}}};
    runs[0].rules.keepers = keepers;
    runs[1].rules.keepers = keepers;
    // ilk.hole scaled to the book as ETH-B's 15M was to its debt (about a tenth)
    runs[1].rules.clipper.hole = 0.1 * debt;
    runs[2].rules.keepers = keepers;
    runs[2].rules.keepers.only_profitable = true;
    runs[2].rules.oracle.heartbeat_days = 1.0 / 24;
    runs[2].rules.oracle.deviation = 0.005;
    for (run& r : runs) {
        try {
            r.result = cascade::run(book, path, pool, r.rules);
        } catch (const spiral::invalid_argument& e) {
            std::fprintf(stderr, "%s: %s\n", program, e.what());
            return 2;
        }
    }

    std::printf("\nBlack Thursday replay: ETH/USDT %s to %s, %zu quarter-hour steps, low %.2f\n",
                bars.front().time.c_str(), bars.back().time.c_str(), path.steps(),
                *std::min_element(prices.begin(), prices.end()));
    std::printf("book: %zu vaults at a 150%% liquidation ratio, %.4g ETH against %.4g of debt; "
                "pool %.3g ETH (%.0f%% of the book), 2-hour half-life; keepers: %zu actions per "
                "quarter hour, gas %.0f\n\n",
                positions, collateral, debt, x, 100 * depth, bids, gas);
    std::printf("%-34s %14s %14s %14s\n", "", runs[0].name, runs[1].name, runs[2].name);
    const auto row = [&](const char* label, auto value, const char* format) {
        std::printf("%-34s", label);
        for (const run& r : runs)
            std::printf(format, value(r.result));
        std::printf("\n");
    };
    using result = cascade::path_result;
    row(
        "liquidations / auctions started", [](const result& r) { return r.liquidations; },
        " %14zu");
    row(
        "auctions settled", [](const result& r) { return r.auctions_settled; }, " %14zu");
    row(
        "zero-bid share of settled", [](const result& r) { return 100 * r.zero_bid_share(); },
        " %13.1f%%");
    row(
        "collateral seized (% of book)",
        [&](const result& r) { return 100 * r.collateral_seized / collateral; }, " %13.2f%%");
    row(
        "collateral returned to owners",
        [&](const result& r) { return 100 * r.collateral_returned / collateral; }, " %13.2f%%");
    row(
        "bad debt", [](const result& r) { return r.bad_debt; }, " %14.4g");
    row(
        "shortfall (bad debt + incentives", [](const result& r) { return r.shortfall(); },
        " %14.4g");
    row(
        "  - penalty), % of debt", [&](const result& r) { return 100 * r.shortfall() / debt; },
        " %13.2f%%");
    row(
        "debt still in auctions", [](const result& r) { return r.auction_debt; }, " %14.4g");
    row(
        "liquidator profit", [](const result& r) { return r.liquidator_profit(); }, " %14.4g");
    row(
        "due but unprofitable (pos-steps)", [](const result& r) { return r.unprofitable; },
        " %14zu");
    row(
        "deferred for capacity (pos-steps)", [](const result& r) { return r.deferred; }, " %14zu");
    row(
        "lowest market price",
        [](const result& r) {
            double low = 1e300;
            for (const auto& s : r.steps)
                low = std::min(low, s.price);
            return low;
        },
        " %14.2f");
    std::printf("\nPublished for Maker on the day (orders of magnitude; this book is synthetic): "
                "shortfall about 5.67M DAI (about 5%% of its ETH debt), 36%% of auctions at zero "
                "bids.\n");

    const std::filesystem::path csv = dir / "replay_black_thursday.csv";
    {
        std::ofstream out(csv);
        out << "hours,exogenous";
        for (const run& r : runs)
            out << ',' << r.name << "_market," << r.name << "_oracle," << r.name << "_liquidations,"
                << r.name << "_sold";
        out << '\n';
        for (std::size_t k = 0; k < path.steps(); ++k) {
            out << 24 * runs[0].result.steps[k].time << ',' << prices[k + 1];
            for (const run& r : runs) {
                const cascade::step_record& s = r.result.steps[k];
                out << ',' << s.price << ',' << s.oracle_price << ',' << s.liquidations << ','
                    << s.collateral_sold / collateral;
            }
            out << '\n';
        }
    }
    std::printf("wrote %s\n", csv.string().c_str());
    if (!example::has_gnuplot())
        return 0;
    const std::string terminal = example::gnuplot_has_cairo()
                                     ? "pngcairo size 1100,520 font 'Sans,10'"
                                     : "png size 1100,520";
    const auto plot = [&](const char* name, const std::string& body) {
        const std::filesystem::path script = dir / (std::string(name) + ".gp");
        const std::filesystem::path png = dir / (std::string(name) + ".png");
        std::ofstream(script) << "set terminal " << terminal << "\nset output '" << png.string()
                              << "'\nset datafile separator ','\nset key outside right\n"
                              << "set grid\nset xlabel 'hours from 11 March 2020 00:00 UTC'\n"
                              << body;
        example::run_gnuplot(program, script, png);
    };
    const std::string data_file = "'" + csv.string() + "'";
    plot("replay_black_thursday_prices",
         "set title 'ETH price along the path, the market after liquidations, and what the "
         "oracles showed'\nset ylabel 'USD'\nplot " +
             data_file +
             " using 1:2 with lines lw 2 lc rgb '#999999' title 'exogenous (Binance)', " +
             data_file + " using 1:3 with lines lw 1.5 lc rgb '#cc3311' title 'market, flipper', " +
             data_file + " using 1:4 with steps lw 1.5 lc rgb '#ee7733' title 'OSM (Maker)', " +
             data_file + " using 1:7 with lines lw 1.5 lc rgb '#0077bb' title 'market, clipper', " +
             data_file + " using 1:11 with lines lw 1.5 lc rgb '#009988' title 'market, aave', " +
             data_file +
             " using 1:12 with steps lw 1 lc rgb '#33bbee' title 'Chainlink-style feed'\n");
    plot("replay_black_thursday_liquidations",
         "set title 'Collateral taken by keepers each quarter hour (share of the book)'\n"
         "set xrange [24:60]\n"
         "set ylabel 'share of the book'\nset style fill solid 0.6\nset boxwidth 0.2\nplot " +
             data_file + " using ($1-0.2):6 with boxes lc rgb '#cc3311' title 'flipper', " +
             data_file + " using 1:10 with boxes lc rgb '#0077bb' title 'clipper', " + data_file +
             " using ($1+0.2):14 with boxes lc rgb '#009988' title 'aave'\n");
    return 0;
}

int main(int argc, char** argv) {
    return example::guarded_main(program, [&] { return run_replay(argc, argv); });
}
