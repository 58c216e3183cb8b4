// ctest spiral_stress_backtest_matches_library: the metrics.csv that `spiral-stress backtest
// examples/stress/eth_backtest.toml` writes holds what capital::backtest gives when the models
// are called directly, as examples/margin_backtest.cpp calls them, with the example
// configuration's settings written out here (not read from it): every model's backtest and its
// margin in the four crisis windows.
//   backtest_check <data/eth_usd_daily.csv> <metrics.csv>
#include <spiral/capital/margin_backtest.hpp>
#include <spiral/capital/margin_forecast.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/volatility_estimators.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "csv_table.hpp"

namespace cap = spiral::capital;
namespace mg = spiral::margin;

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: backtest_check DATA_CSV METRICS_CSV\n");
        return 2;
    }
    // examples/stress/eth_backtest.toml
    const double c = 0.99, lambda = 0.94;
    const std::size_t k = 2, train = 730, window = 500, increase = 5;
    const std::vector<double> prices = example::read_prices(argv[1], "close");
    std::vector<double> returns(prices.size() - 1);
    mg::log_returns(prices, returns);
    const std::size_t n = prices.size();
    const cap::forecast_spec spec{c, k};
    const std::span<const double> training(returns.data(), train);

    std::vector<std::pair<std::string, std::vector<double>>> models;
    const auto add = [&](const char* name) -> std::vector<double>& {
        models.emplace_back(name, std::vector<double>(n));
        return models.back().second;
    };
    const double train_vol =
        std::sqrt(std::inner_product(training.begin(), training.end(), training.begin(), 0.0) /
                  static_cast<double>(train));
    cap::static_margin{mg::var_margin{c, static_cast<double>(k)}(train_vol)}.apply(returns,
                                                                                   add("static"));
    cap::ewma_margin{spec, mg::ewma{lambda}}.apply(returns, add("ewma"));
    cap::garch_margin{spec, mg::fit_garch11(training).params}.apply(returns, add("garch"));
    cap::har_margin{spec, train}.apply(returns, add("har"));
    cap::historical_simulation{spec, window}.apply(returns, add("hs"));
    std::vector<double> variance(n);
    mg::ewma{lambda}.variance(returns, variance);
    cap::filtered_historical_simulation{spec, window}.apply(returns, variance, add("fhs"));
    const cap::apc_tools apc{mg::lookback_floor{2520, {c, static_cast<double>(k)}},
                             mg::apc_buffer{0.25}, mg::speed_limit{0.10}};
    for (std::size_t j = 0; j < 6; ++j) {
        std::vector<double> m = models[j].second;
        apc.apply(returns, m);
        models.emplace_back(models[j].first + "+apc", std::move(m));
    }

    // The dates: the first field of every data row (the bundled file's layout).
    std::vector<std::string> dates;
    {
        std::ifstream data(argv[1]);
        std::string row;
        std::getline(data, row);
        while (std::getline(data, row))
            if (!row.empty())
                dates.push_back(row.substr(0, row.find(',')));
    }
    if (dates.size() != n) {
        std::fprintf(stderr, "backtest_check: %zu dates for %zu prices\n", dates.size(), n);
        return 1;
    }
    const char* windows[][2] = {{"2020-03-01", "2020-03-31"},
                                {"2021-05-01", "2021-05-31"},
                                {"2022-05-01", "2022-05-31"},
                                {"2022-11-01", "2022-11-30"}};

    std::ifstream in(argv[2]);
    if (!in) {
        std::fprintf(stderr, "backtest_check: cannot open %s\n", argv[2]);
        return 1;
    }
    std::string line;
    std::getline(in, line); // header
    std::size_t row = 0, failures = 0;
    const auto close = [](double a, double b) {
        return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b));
    };
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::istringstream fields(line);
        for (std::string s; std::getline(fields, s, ',');)
            f.push_back(s);
        if (row >= models.size() || f.size() != 12 + 4 * 4 || f[0] != models[row].first) {
            std::fprintf(stderr, "backtest_check: row %zu is '%s', expected model %s\n", row + 1,
                         f.empty() ? "" : f[0].c_str(),
                         row < models.size() ? models[row].first.c_str() : "(none)");
            return 1;
        }
        const cap::backtest_result b =
            cap::backtest(prices, models[row].second, {c, k, std::max(train, window), increase});
        const double want[] = {static_cast<double>(b.observations),
                               static_cast<double>(b.breaches),
                               b.expected_breaches,
                               b.kupiec.statistic,
                               b.kupiec.p_value,
                               b.christoffersen.independence.p_value,
                               b.christoffersen.conditional_coverage.p_value};
        for (std::size_t i = 0; i < 7; ++i)
            if (!close(std::stod(f[1 + i]), want[i])) {
                std::fprintf(stderr, "backtest_check: %s column %zu: %s, capital::backtest %.17g\n",
                             f[0].c_str(), 2 + i, f[1 + i].c_str(), want[i]);
                ++failures;
            }
        if (f[8] != cap::zone_name(b.traffic_light)) {
            std::fprintf(stderr, "backtest_check: %s zone %s, capital::backtest %s\n", f[0].c_str(),
                         f[8].c_str(), cap::zone_name(b.traffic_light));
            ++failures;
        }
        const double more[] = {b.average_margin, b.procyclicality.peak_to_trough,
                               b.procyclicality.max_n_day_increase};
        for (std::size_t i = 0; i < 3; ++i)
            if (!close(std::stod(f[9 + i]), more[i])) {
                std::fprintf(stderr, "backtest_check: %s column %zu: %s, capital::backtest %.17g\n",
                             f[0].c_str(), 10 + i, f[9 + i].c_str(), more[i]);
                ++failures;
            }
        // Each crisis window: start, peak, peak date, increase (capital::margin_in_window).
        for (std::size_t w = 0; w < 4; ++w) {
            std::size_t first = 0, last = 0;
            while (dates[first] < windows[w][0])
                ++first;
            last = first;
            while (last + 1 < n && dates[last + 1] <= windows[w][1])
                ++last;
            const cap::window_margin m = cap::margin_in_window(models[row].second, first, last);
            const std::size_t at = 12 + 4 * w;
            if (!close(std::stod(f[at]), m.start) || !close(std::stod(f[at + 1]), m.peak) ||
                f[at + 2] != dates[m.peak_day] || !close(std::stod(f[at + 3]), m.increase)) {
                std::fprintf(stderr,
                             "backtest_check: %s window %zu: %s %s %s %s, "
                             "capital::margin_in_window %.17g %.17g %s %.17g\n",
                             f[0].c_str(), w + 1, f[at].c_str(), f[at + 1].c_str(),
                             f[at + 2].c_str(), f[at + 3].c_str(), m.start, m.peak,
                             dates[m.peak_day].c_str(), m.increase);
                ++failures;
            }
        }
        ++row;
    }
    if (row != models.size()) {
        std::fprintf(stderr, "backtest_check: %zu rows, expected %zu\n", row, models.size());
        return 1;
    }
    if (failures > 0)
        return 1;
    std::printf("backtest_check: metrics.csv matches capital::backtest for %zu models\n", row);
    return 0;
}
