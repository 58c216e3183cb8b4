// The classic trade-off, measured: static over-collateralisation (150%), volatility-based
// margin (each asset haircut by its EWMA VaR) and cross-margining (the pool haircut by its
// net VaR) played on one book over the same stretches of the ETH-USD and BTC-USD daily history
// in data/ (capital/collateral_design.hpp): a calm year (2023) and four crash windows (March
// 2020, May 2021, May-June 2022, November 2022). Then the same with a tokenised treasury fund
// (a $1 NAV, BUIDL-style, its yield paid in units and ignored here) making up 30% of every
// account's collateral.
//
// The book: --accounts borrowers (seeded) with lognormal debts, a buffer above the design's
// requirement (5% plus an exponential of mean 25%) and a reserve to meet margin calls (uniform
// up to 60% of the debt); ETH is 40-80% of the crypto collateral, BTC the rest. Every window
// opens the book afresh at the design's requirement. Forced sales go through exponential
// impact whose depth is --depth times the book's debt on each asset (the treasury: 20 times
// deeper); half the impact recovers overnight.
//
// Prints, per pool and design: collateral per unit of debt at opening and on average in the
// calm year and in the crashes, margin calls and forced sales in the crashes, the
// amplification of ETH's fall and the bad debt; then each crash window alone. Writes
// collateral_designs.csv (one row per pool, design and window).
//
//   collateral_designs [--data DIR] [--out DIR] [--accounts 2000] [--seed 1] [--ratio 1.5]
//                      [--confidence 0.99] [--horizon 5] [--depth 2] [--treasury 0.3]
#include <spiral/capital/collateral_design.hpp>
#include <spiral/core/random.hpp>
#include <spiral/impact/exponential.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "csv_table.hpp"
#include "example_support.hpp"
#include "support/command_line.hpp"

#ifndef SPIRAL_DATA_DIR
#define SPIRAL_DATA_DIR "data"
#endif

namespace cap = spiral::capital;

namespace {

constexpr const char* program = "collateral_designs";

struct window {
    const char* name;
    const char* first; // ISO dates, inclusive
    const char* last;
    bool calm;
};
constexpr window windows[] = {{"2023", "2023-01-01", "2023-12-31", true},
                              {"Mar20", "2020-03-01", "2020-03-31", false},
                              {"May21", "2021-05-01", "2021-05-31", false},
                              {"May-Jun22", "2022-05-01", "2022-06-30", false},
                              {"Nov22", "2022-11-01", "2022-11-30", false}};

struct settings {
    std::size_t accounts = 2000;
    unsigned long long seed = 1;
    double treasury = 0.3, depth = 10;
    cap::design_rules rules;
};

/// Closes by date from a data/ file (date is its first column).
std::map<std::string, double> read_closes(const std::filesystem::path& file) {
    const example::dated_prices history = example::read_dated_prices(file.string(), "close");
    std::map<std::string, double> by_date;
    for (std::size_t i = 0; i < history.prices.size(); ++i)
        by_date[history.dates[i]] = history.prices[i];
    return by_date;
}

/// ETH, BTC and the treasury's $1 on the dates both crypto files have, row-major.
struct history {
    std::vector<std::string> dates;
    std::vector<double> prices; // dates x 3
    std::size_t index(const char* date) const {
        return static_cast<std::size_t>(std::lower_bound(dates.begin(), dates.end(), date) -
                                        dates.begin());
    }
};

history read_history(const std::filesystem::path& dir) {
    const auto eth = read_closes(dir / "eth_usd_daily.csv");
    const auto btc = read_closes(dir / "btc_usd_daily.csv");
    history h;
    for (const auto& [date, price] : eth)
        if (const auto b = btc.find(date); b != btc.end()) {
            h.dates.push_back(date);
            h.prices.insert(h.prices.end(), {price, b->second, 1.0});
        }
    if (h.dates.size() < 100)
        throw example::input_error(dir.string() + ": fewer than 100 dates with both ETH and BTC");
    return h;
}

/// The seeded book; `treasury` of every account's collateral in the third asset.
cap::design_book make_book(const settings& s, double treasury) {
    spiral::splitmix64 rng{s.seed};
    cap::design_book b;
    b.assets = 3;
    for (std::size_t i = 0; i < s.accounts; ++i) {
        b.debt.push_back(1000 * std::exp(spiral::standard_normal(rng)));
        b.buffer.push_back(0.1 - 0.5 * std::log(spiral::uniform_open(rng)));
        b.reserve.push_back(0.6 * spiral::uniform_open(rng) * b.debt.back());
        const double eth = 0.4 + 0.4 * spiral::uniform_open(rng);
        b.weights.insert(b.weights.end(),
                         {(1 - treasury) * eth, (1 - treasury) * (1 - eth), treasury});
    }
    return b;
}

/// Exponential impact with `depth` x the book's debt on each asset (in dollars at the
/// window's opening price) selling down to 1/e; the treasury 20 times deeper.
std::vector<spiral::impact::exponential> make_curves(const cap::design_book& b, const history& h,
                                                     std::size_t first, double depth) {
    std::vector<spiral::impact::exponential> curves;
    for (std::size_t j = 0; j < b.assets; ++j) {
        double debt = 0;
        for (std::size_t i = 0; i < b.accounts(); ++i)
            debt += b.debt[i] * b.weights[i * b.assets + j];
        const double dollars = depth * (j == 2 ? 20 : 1) * std::max(debt, 1.0);
        curves.push_back({h.prices[first * 3 + j] / dollars});
    }
    return curves;
}

struct row {
    std::string pool, design, window;
    cap::design_outcome outcome;
};

/// Percent of the book's debt.
double pct(double x, const cap::design_outcome& o) {
    return 100 * x / o.debt;
}

void print_summary(const std::vector<row>& rows, std::size_t accounts) {
    std::printf("\n%-12s %-12s | %6s %6s %6s %6s | %6s %6s %6s %7s %7s %7s %6s %7s\n", "pool",
                "design", "calm", "calm", "calm", "calm", "crash", "crash", "calls", "posted",
                "closed", "sold", "ampl", "bad");
    std::printf("%-12s %-12s | %6s %6s %6s %6s | %6s %6s %6s %7s %7s %7s %6s %7s\n", "", "",
                "opened", "mean", "calls", "closed", "opened", "peak", "", "% debt", "% accts",
                "% debt", "max", "% debt");
    for (std::size_t k = 0; k < rows.size();) {
        const std::string pool = rows[k].pool, design = rows[k].design;
        const cap::design_outcome* calm = nullptr;
        double opened = 0, peak = 0, calls = 0, posted = 0, closed = 0, sold = 0, bad = 0, ampl = 1;
        double crashes = 0;
        for (; k < rows.size() && rows[k].pool == pool && rows[k].design == design; ++k) {
            const auto& o = rows[k].outcome;
            if (rows[k].window == windows[0].name) {
                calm = &o;
                continue;
            }
            ++crashes;
            opened += o.collateral_opened;
            peak = std::max(peak, o.locked_peak);
            calls += static_cast<double>(o.margin_calls);
            closed += 100 * static_cast<double>(o.liquidations) / static_cast<double>(accounts);
            posted += pct(o.margin_posted, o);
            sold += pct(o.forced_sales, o);
            bad += pct(o.bad_debt, o);
            if (!std::isnan(o.amplification))
                ampl = std::max(ampl, o.amplification);
        }
        std::printf("%-12s %-12s | %6.3f %6.3f %6zu %6zu | %6.3f %6.3f %6.0f %7.2f %7.1f %7.1f "
                    "%6.3f %7.3f\n",
                    pool.c_str(), design.c_str(), calm->collateral_opened, calm->locked_mean,
                    calm->margin_calls, calm->liquidations, opened / crashes, peak, calls / crashes,
                    posted / crashes, closed / crashes, sold / crashes, ampl, bad / crashes);
    }
    std::printf("calm: the %s window; crash: the four crash windows, each a mean per window "
                "except peak and ampl (the largest); opened: collateral value per unit of debt at "
                "opening; mean, peak: over the window's days; posted: margin posted on calls; "
                "closed: accounts closed out; sold: collateral sold; ampl: ETH's fall with the "
                "sales over its fall without; bad: bad debt\n",
                windows[0].name);
}

void print_windows(const std::vector<row>& rows) {
    std::printf("\n%-12s %-12s %-9s | %7s %7s %6s %8s %6s %8s %7s %8s\n", "pool", "design",
                "window", "opened", "peak", "calls", "posted%", "closed", "sold%", "ampl", "bad%");
    for (const row& r : rows) {
        const auto& o = r.outcome;
        if (r.window == windows[0].name)
            continue;
        std::printf("%-12s %-12s %-9s | %7.3f %7.3f %6zu %8.2f %6zu %8.2f %7.3f %8.3f\n",
                    r.pool.c_str(), r.design.c_str(), r.window.c_str(), o.collateral_opened,
                    o.locked_peak, o.margin_calls, pct(o.margin_posted, o), o.liquidations,
                    pct(o.forced_sales, o), o.amplification, pct(o.bad_debt, o));
    }
}

void write_csv(const std::vector<row>& rows, const std::filesystem::path& file) {
    std::ofstream out(file);
    if (!out)
        throw example::input_error("cannot write " + file.string());
    out << "pool,design,window,debt,collateral_opened,locked_mean,locked_peak,margin_calls,"
           "margin_posted,liquidations,forced_sales,proceeds,repaid,bad_debt,open_debt,"
           "amplification\n";
    char line[512];
    for (const row& r : rows) {
        const auto& o = r.outcome;
        std::snprintf(line, sizeof line,
                      "%s,%s,%s,%.10g,%.10g,%.10g,%.10g,%zu,%.10g,%zu,%.10g,%.10g,%.10g,%.10g,"
                      "%.10g,%.10g\n",
                      r.pool.c_str(), r.design.c_str(), r.window.c_str(), o.debt,
                      o.collateral_opened, o.locked_mean, o.locked_peak, o.margin_calls,
                      o.margin_posted, o.liquidations, o.forced_sales, o.proceeds, o.repaid,
                      o.bad_debt, o.open_debt, o.amplification);
        out << line;
    }
    std::printf("wrote %s\n", file.string().c_str());
}

int run(int argc, char** argv) {
    std::string data_dir = SPIRAL_DATA_DIR, out_dir = ".";
    settings s;
    example::command_line cli{
        "Static over-collateralisation, volatility-based margin and cross-margining on "
        "one book over the ETH/BTC history, with and without a tokenised treasury",
        program};
    cli.add_data(data_dir);
    cli.add_output(out_dir);
    cli.add("--accounts", s.accounts, "Accounts in the book", example::count_in(1, 1000000));
    cli.add("--seed", s.seed, "Seed of the book", example::count_in(0, ULLONG_MAX));
    cli.add("--ratio", s.rules.static_ratio, "Static design: collateral value / debt",
            example::number_in(1, 10, true, false));
    cli.add("--confidence", s.rules.confidence, "Volatility designs: confidence",
            example::number_in(0.5, 1, true, true));
    cli.add("--horizon", s.rules.horizon_days, "Volatility designs: horizon in days",
            example::number_in(0, 365, true, false));
    cli.add("--depth", s.depth, "Market depth per asset, in multiples of its debt",
            example::number_in(0, 1e6, true, false));
    cli.add("--treasury", s.treasury, "Treasury share of the collateral in the second pool",
            example::number_in(0, 1, false, true));
    if (const int code = cli.parse(argc, argv); code >= 0)
        return code;
    const std::filesystem::path dir = example::output_directory(out_dir);
    const history h = read_history(data_dir);

    const std::string treasury_pool =
        "+T-bill " + std::to_string(static_cast<int>(std::lround(100 * s.treasury))) + "%";
    std::vector<row> rows;
    for (const auto& [pool, share] : {std::pair<std::string, double>{"ETH/BTC", 0.0},
                                      std::pair<std::string, double>{treasury_pool, s.treasury}}) {
        const cap::design_book book = make_book(s, share);
        for (const auto design :
             {cap::collateral_design::static_ratio, cap::collateral_design::volatility,
              cap::collateral_design::cross_margin})
            for (const window& w : windows) {
                const std::size_t first = h.index(w.first);
                const std::size_t last = h.index(w.last);
                if (first < 60 || last >= h.dates.size() || h.dates[last] != w.last)
                    throw example::input_error(data_dir + ": the history does not cover " +
                                               w.first + " .. " + w.last);
                const auto curves = make_curves(book, h, first, s.depth);
                rows.push_back(
                    {pool, std::string(cap::design_name(design)), w.name,
                     cap::run_design(design, s.rules, book, h.prices, first, last, curves)});
            }
    }
    std::printf("%zu accounts, debt %.4g; static %g%%; volatility designs at %g%% over %g "
                "days, EWMA lambda %g, floor %g; depth %gx debt per asset\n",
                s.accounts, rows.front().outcome.debt, 100 * s.rules.static_ratio,
                100 * s.rules.confidence, s.rules.horizon_days, s.rules.ewma_lambda,
                s.rules.vol_floor, s.depth);
    print_summary(rows, s.accounts);
    print_windows(rows);
    write_csv(rows, dir / "collateral_designs.csv");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    return example::guarded_main(program, [&] { return run(argc, argv); });
}
