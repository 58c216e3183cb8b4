// Predictive margin backtested on the ETH-USD and BTC-USD daily closes in data/ (Yahoo
// Finance; see data/README.md). Each day t every model sets a k-day margin at confidence c from
// the returns before t (capital/margin_forecast.hpp):
//   static   a fixed rate: z sqrt(k) times the training window's volatility
//   ewma     RiskMetrics EWMA, lambda --lambda
//   garch    GARCH(1,1) fitted by maximum likelihood on the first --train returns
//   har      HAR regression (daily, weekly, monthly squared returns) fitted on the same window
//   hs       historical simulation over the last --window returns
//   fhs      filtered historical simulation: the same window rescaled by EWMA volatility
// each alone and through the anti-procyclicality tools of EMIR RTS 153/2013 art. 28 ("+apc": a
// floor from the 10-year look-back volatility, a 25% buffer, then a 10% daily speed limit).
// Days from max(--train, --window) on are scored (capital/margin_backtest.hpp): breaches of the
// k-day loss of a long position, Kupiec and Christoffersen p-values, the traffic-light zone, the
// average margin, peak to trough, the largest 5-day rise, and the highest margin in four
// crises (March 2020, May 2021, May 2022, November 2022). Prints the table and writes
// margin_backtest_eth.csv and margin_backtest_btc.csv (date, close, every model's margin) and,
// with gnuplot, margin_backtest_eth.png and margin_backtest_btc.png.
//
//   margin_backtest [--data DIR] [--out DIR] [--confidence 0.99] [--horizon 2] [--train 730]
//                   [--window 500] [--lambda 0.94]
#include <spiral/capital/margin_backtest.hpp>
#include <spiral/capital/margin_forecast.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/volatility_estimators.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "csv_table.hpp"
#include "example_support.hpp"
#include "support/command_line.hpp"

#ifndef SPIRAL_DATA_DIR
#define SPIRAL_DATA_DIR "data"
#endif

namespace cap = spiral::capital;
namespace mg = spiral::margin;

namespace {

constexpr const char* program = "margin_backtest";

struct crisis {
    const char* name;
    const char* first; // ISO dates, inclusive
    const char* last;
};
constexpr crisis crises[] = {{"Mar20", "2020-03-01", "2020-03-31"},
                             {"May21", "2021-05-01", "2021-05-31"},
                             {"May22", "2022-05-01", "2022-05-31"},
                             {"Nov22", "2022-11-01", "2022-11-30"}};

struct settings {
    double confidence = 0.99, lambda = 0.94;
    std::size_t horizon = 2, train = 730, window = 500;
};

struct series {
    std::string name;
    std::vector<double> margin;
};

void run_asset(const std::string& asset, const std::filesystem::path& file,
               const std::filesystem::path& out_dir, const settings& s) {
    const example::dated_prices history = example::read_dated_prices(file.string(), "close");
    const std::vector<std::string>& dates = history.dates;
    const std::vector<double>& prices = history.prices;
    const std::size_t first_day = std::max(s.train, s.window);
    if (prices.size() < first_day + 2 * s.horizon + 1)
        throw example::input_error(file.string() + ": " + std::to_string(prices.size()) +
                                   " prices; --train and --window leave no days to score");
    std::vector<double> returns(prices.size() - 1);
    mg::log_returns(prices, returns);
    const std::size_t n = prices.size();
    const cap::forecast_spec spec{s.confidence, s.horizon};
    const std::span<const double> training(returns.data(), s.train);

    std::vector<series> models;
    const auto add = [&](const char* name) -> std::vector<double>& {
        models.push_back({name, std::vector<double>(n)});
        return models.back().margin;
    };
    const double train_vol =
        std::sqrt(std::inner_product(training.begin(), training.end(), training.begin(), 0.0) /
                  static_cast<double>(training.size()));
    cap::static_margin{mg::var_margin{s.confidence, static_cast<double>(s.horizon)}(train_vol)}
        .apply(returns, add("static"));
    cap::ewma_margin{spec, mg::ewma{s.lambda}}.apply(returns, add("ewma"));
    const mg::garch_fit_result fit = mg::fit_garch11(training);
    cap::garch_margin{spec, fit.params}.apply(returns, add("garch"));
    const cap::har_coefficients har = cap::har_margin{spec, s.train}.apply(returns, add("har"));
    cap::historical_simulation{spec, s.window}.apply(returns, add("hs"));
    std::vector<double> ewma_variance(n);
    mg::ewma{s.lambda}.variance(returns, ewma_variance);
    cap::filtered_historical_simulation{spec, s.window}.apply(returns, ewma_variance, add("fhs"));
    const cap::apc_tools apc{
        mg::lookback_floor{2520, {s.confidence, static_cast<double>(s.horizon)}},
        mg::apc_buffer{0.25}, mg::speed_limit{0.10}};
    const std::size_t plain = models.size();
    for (std::size_t j = 0; j < plain; ++j) {
        std::vector<double> m = models[j].margin;
        apc.apply(returns, m);
        models.push_back({models[j].name + "+apc", std::move(m)});
    }

    std::printf("\n%s-USD %s to %s (%zu closes), scored from %s (%zu days): %zu-day margin at "
                "%g%%, long position\n",
                asset.c_str(), dates.front().c_str(), dates.back().c_str(), n,
                dates[first_day].c_str(), n - s.horizon - first_day, s.horizon, 100 * s.confidence);
    std::printf("GARCH(1,1) on the first %zu returns: alpha %.4f, beta %.4f (converged: %s); "
                "HAR: b0 %.3g, daily %.3f, weekly %.3f, monthly %.3f\n",
                s.train, fit.params.alpha, fit.params.beta, fit.converged ? "yes" : "no",
                har.intercept, har.daily, har.weekly, har.monthly);
    std::printf("%-10s %5s %6s %8s %8s %8s %-6s %7s %6s %7s", "model", "brch", "expect", "Kupiec p",
                "ind p", "cc p", "zone", "avg %", "pk/tr", "5d up%");
    for (const crisis& c : crises)
        std::printf(" %6s", c.name);
    std::printf("\n");
    for (const series& m : models) {
        const cap::backtest_result b =
            cap::backtest(prices, m.margin, {s.confidence, s.horizon, first_day, 5});
        std::printf("%-10s %5zu %6.1f %8.3g %8.3g %8.3g %-6s %7.2f %6.2f %7.1f", m.name.c_str(),
                    b.breaches, b.expected_breaches, b.kupiec.p_value,
                    b.christoffersen.independence.p_value,
                    b.christoffersen.conditional_coverage.p_value, cap::zone_name(b.traffic_light),
                    100 * b.average_margin, b.procyclicality.peak_to_trough,
                    100 * b.procyclicality.max_n_day_increase);
        for (const crisis& c : crises) {
            const auto lo = std::lower_bound(dates.begin(), dates.end(), std::string(c.first));
            const auto hi = std::upper_bound(dates.begin(), dates.end(), std::string(c.last));
            if (lo == hi || static_cast<std::size_t>(lo - dates.begin()) < first_day) {
                std::printf(" %6s", "-");
                continue;
            }
            const cap::window_margin w =
                cap::margin_in_window(m.margin, static_cast<std::size_t>(lo - dates.begin()),
                                      static_cast<std::size_t>(hi - dates.begin()) - 1);
            std::printf(" %6.1f", 100 * w.peak);
        }
        std::printf("\n");
    }

    std::string lower = asset;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const std::filesystem::path csv = out_dir / ("margin_backtest_" + lower + ".csv");
    std::ofstream out(csv);
    out << "date,close";
    for (const series& m : models)
        out << ',' << m.name;
    out << '\n';
    char text[32];
    for (std::size_t t = 0; t < n; ++t) {
        out << dates[t] << ',' << prices[t];
        for (const series& m : models) {
            std::snprintf(text, sizeof text, "%.8g", m.margin[t]);
            out << ',' << text;
        }
        out << '\n';
    }
    if (!out)
        throw example::input_error("cannot write " + csv.string());
    std::printf("wrote %s\n", csv.string().c_str());
    if (!example::has_gnuplot())
        return;
    const std::string terminal = example::gnuplot_has_cairo()
                                     ? "pngcairo size 1000,520 font 'Sans,10'"
                                     : "png size 1000,520";
    const std::filesystem::path script = out_dir / ("margin_backtest_" + lower + ".gp");
    const std::filesystem::path png = out_dir / ("margin_backtest_" + lower + ".png");
    const std::string f = "'" + csv.string() + "'";
    std::ofstream(script)
        << "set terminal " << terminal << "\nset output '" << png.string()
        << "'\nset datafile separator ','\nset key outside right\nset grid\n"
        << "set xdata time\nset timefmt '%Y-%m-%d'\nset format x '%Y-%m'\n"
        << "set xrange ['" << dates[first_day] << "':'" << dates.back() << "']\n"
        << "set title '" << asset << "-USD: " << s.horizon << "-day margin at "
        << 100 * s.confidence << "% (fraction of the position)'\nset ylabel 'margin (%)'\n"
        << "plot " << f << " using 1:(100*$4) with lines lw 1 lc rgb '#cc3311' title 'ewma', " << f
        << " using 1:(100*$5) with lines lw 1 lc rgb '#0077bb' title 'garch', " << f
        << " using 1:(100*$7) with lines lw 1.5 lc rgb '#999999' title 'hs', " << f
        << " using 1:(100*$8) with lines lw 1 lc rgb '#009988' title 'fhs', " << f
        << " using 1:(100*$14) with lines lw 2 lc rgb '#ee7733' title 'fhs+apc'\n";
    example::run_gnuplot(program, script, png);
}

} // namespace

int run_backtest(int argc, char** argv) {
    std::string data_dir = SPIRAL_DATA_DIR, out_dir = ".";
    settings s;
    example::command_line cli{
        "Predictive margin (static, EWMA, GARCH, HAR, HS, FHS, each +/- APC) backtested "
        "on the ETH-USD and BTC-USD daily history",
        program};
    cli.add_data(data_dir);
    cli.add_output(out_dir);
    cli.add("--confidence", s.confidence, "Confidence of the margin",
            example::number_in(0.9, 1, false, true));
    cli.add("--horizon", s.horizon, "Days the margin covers (margin period of risk)",
            example::count_in(1, 30));
    cli.add("--train", s.train,
            "Returns the GARCH and HAR fits see (the first ones); scoring starts after",
            example::count_in(100, 2000));
    cli.add("--window", s.window, "Look-back window of (filtered) historical simulation",
            example::count_in(30, 2000));
    cli.add("--lambda", s.lambda, "EWMA decay per day", example::number_in(0, 1, true, true));
    if (const int code = cli.parse(argc, argv); code >= 0)
        return code;
    if (s.window < s.horizon) {
        std::fprintf(stderr, "%s: --window %zu is shorter than --horizon %zu\n", program, s.window,
                     s.horizon);
        return example::exit_usage;
    }
    const std::filesystem::path data = data_dir;
    const std::filesystem::path dir = example::output_directory(out_dir);
    run_asset("ETH", data / "eth_usd_daily.csv", dir, s);
    run_asset("BTC", data / "btc_usd_daily.csv", dir, s);
    std::printf("\nbrch: breaches of the k-day loss; expect: (1 - c) days; ind p, cc p: "
                "Christoffersen independence and conditional coverage on every k-th day; avg %%: "
                "mean margin; pk/tr: peak to trough; 5d up%%: largest 5-day rise; crises: highest "
                "margin (%%) in the month\n");
    return 0;
}

int main(int argc, char** argv) {
    return example::guarded_main(program, [&] { return run_backtest(argc, argv); });
}
