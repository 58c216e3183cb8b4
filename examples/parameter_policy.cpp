// An automated parameter policy against static parameters, on the bundled ETH history: the
// liquidation threshold follows the EWMA volatility of ETH (capital::apply_policy) behind
// rate limits like Aave's Risk Stewards (largest change per update, least time between
// updates), and a synthetic Aave-like book runs along each window through the path cascade
// with the threshold the policy had in force at each step (capital::run_threshold_schedule).
//
// Windows: ETH-USD daily closes from 30 days before to 14 days after each crash (12 March
// 2020, 19 May 2021, 9 May 2022 (Terra), 9 November 2022 (FTX)), and Binance ETH/USDT hourly
// closes over 11-14 March 2020; the EWMA is warmed up on the 120 daily closes before each
// window. Three runs per window: the static threshold, the rate-limited
// policy, and the same target without limits (what the limits cost or save). The book is
// fixed (borrowers do not re-lever when the threshold moves); liquidations sell into a
// constant-product pool holding --depth times the book's collateral whose depth recovers with
// a one-day half-life. No utilisation history is bundled: utilisation is a constant below the
// kink, so the target follows volatility only.
//
//   parameter_policy [--data DIR] [--positions 5000] [--depth 1] [--threshold 0.825]
//                    [--slope 0.15] [--max-change 0.01] [--interval 3] [--lower 0.65]
//                    [--upper 0.86]
#include <spiral/capital/parameter_policy.hpp>
#include <spiral/capital/policy_replay.hpp>
#include <spiral/cascade/cascade.hpp>
#include <spiral/cascade/synthetic.hpp>
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/resilient.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "csv_table.hpp"
#include "example_support.hpp"
#include "support/command_line.hpp"

#ifndef SPIRAL_DATA_DIR
#define SPIRAL_DATA_DIR "data"
#endif

namespace capital = spiral::capital;
namespace cascade = spiral::cascade;
namespace impact = spiral::impact;

namespace {

constexpr const char* program = "parameter_policy";

/// The first column (date or time) and the close of a data/ file, with at least 3 rows.
example::dated_prices read_closes(const std::filesystem::path& file) {
    example::dated_prices s = example::read_dated_prices(file.string(), "close");
    if (s.prices.size() < 3)
        throw example::input_error(file.string() + ": fewer than 3 rows");
    return s;
}

struct settings {
    std::size_t positions = 5000;
    double depth = 1, threshold = 0.825, slope = 0.15, max_change = 0.01, interval = 3;
    double lower = 0.65, upper = 0.86;
};

void print_header() {
    std::printf("%-22s %-10s %7s %6s %6s %7s %9s %10s %10s\n", "window", "run", "updates", "min LT",
                "avg LT", "liqs", "seized %", "bad debt %", "borrow pwr");
}

void print_row(const char* window, const char* name, std::size_t updates,
               const std::vector<double>& schedule, const capital::schedule_run& r,
               double collateral, double debt, double reference_power) {
    std::printf("%-22s %-10s %7zu %6.3f %6.3f %7zu %9.2f %10.3f %9.1f%%\n", window, name, updates,
                *std::min_element(schedule.begin(), schedule.end() - 1), r.average_threshold,
                r.result.liquidations, 100 * r.result.collateral_seized / collateral,
                100 * r.result.bad_debt / debt, 100 * r.average_borrowing_power / reference_power);
}

/// Runs one window: the book at the window's first price, the three runs, three rows.
void run_window(const char* window, std::span<const double> prices, double step_days,
                double warm_vol, const settings& s) {
    cascade::synthetic_book_params bp;
    bp.positions = s.positions;
    bp.price = prices.front();
    bp.threshold = s.threshold;
    bp.threshold_spread = 0;
    const cascade::book book = cascade::synthetic_book(bp);
    const double collateral = std::accumulate(book.collateral.begin(), book.collateral.end(), 0.0);
    const double debt = std::accumulate(book.debt.begin(), book.debt.end(), 0.0);
    const double x = s.depth * collateral;
    const impact::resilient pool{impact::constant_product{x, x * prices.front(), 0.003},
                                 std::log(2.0)}; // one-day half-life, rho per day
    const cascade::price_path path{prices, step_days};

    capital::parameter_policy policy;
    policy.target.base = s.threshold;
    policy.target.vol_slope = s.slope;
    policy.initial = s.threshold;
    policy.target.initial_vol = warm_vol;
    policy.limits.max_absolute_change = s.max_change;
    policy.limits.min_interval_days = s.interval;
    policy.limits.lower = s.lower;
    policy.limits.upper = s.upper;
    const capital::utilisation_series utilisation{{}, 0.5};
    capital::parameter_policy free = policy;
    free.limits.max_absolute_change = std::numeric_limits<double>::infinity();
    free.limits.min_interval_days = 0;
    const capital::policy_path steward = capital::apply_policy(policy, path, utilisation);
    const capital::policy_path unlimited = capital::apply_policy(free, path, utilisation);

    // All three runs are cut at the union of both policies' update points, so that each sees
    // the venue restart at the same steps (see run_threshold_schedule).
    std::vector<std::size_t> cuts;
    for (const auto* p : {&steward, &unlimited})
        for (const capital::parameter_update& u : p->updates)
            if (u.point > 0 && u.point + 1 < prices.size())
                cuts.push_back(u.point);
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    const std::vector<double> flat(prices.size(), s.threshold);
    const capital::schedule_run fixed =
        capital::run_threshold_schedule(book, path, pool, {}, flat, cuts);
    const capital::schedule_run with_steward =
        capital::run_threshold_schedule(book, path, pool, {}, steward.applied, cuts);
    const capital::schedule_run with_unlimited =
        capital::run_threshold_schedule(book, path, pool, {}, unlimited.applied, cuts);

    const double reference = fixed.average_borrowing_power;
    print_row(window, "static", 0, flat, fixed, collateral, debt, reference);
    print_row(window, "steward", steward.updates.size(), steward.applied, with_steward, collateral,
              debt, reference);
    print_row(window, "no limits", unlimited.updates.size(), unlimited.applied, with_unlimited,
              collateral, debt, reference);
}

} // namespace

int run_policy(int argc, char** argv) {
    std::string data_dir = SPIRAL_DATA_DIR;
    settings s;
    example::command_line cli{
        "A rate-limited liquidation-threshold policy (EWMA volatility, Risk-Steward-like "
        "limits) against a static threshold, through the path cascade along ETH's "
        "crashes",
        program};
    cli.add_data(data_dir);
    cli.add("--positions", s.positions, "Positions in the synthetic book",
            example::count_in(1, 10'000'000));
    cli.add("--depth", s.depth, "Pool depth as a multiple of the book's collateral",
            example::number_in(0, 1e6, true));
    cli.add("--threshold", s.threshold,
            "Static liquidation threshold (the policy's start and base)",
            example::number_in(0, 1, true));
    cli.add("--slope", s.slope, "Threshold lost per unit of annualised EWMA volatility",
            example::number_in(0, 10));
    cli.add("--max-change", s.max_change, "Largest change of the threshold per update (absolute)",
            example::number_in(0, 1, true));
    cli.add("--interval", s.interval, "Least time between two updates (days)",
            example::number_in(0, 1e4));
    cli.add("--lower", s.lower, "Lowest threshold the policy may set",
            example::number_in(0, 1, true));
    cli.add("--upper", s.upper, "Highest threshold the policy may set",
            example::number_in(0, 1, true));
    if (const int code = cli.parse(argc, argv); code >= 0)
        return code;
    if (!(s.lower <= s.threshold && s.threshold <= s.upper))
        throw example::input_error("--threshold must lie in [--lower, --upper]");
    const std::filesystem::path data = data_dir;
    const example::dated_prices daily = read_closes(data / "eth_usd_daily.csv");
    const example::dated_prices hourly =
        read_closes(data / "eth_usdt_1h_2020-03-black-thursday.csv");

    std::printf("\nLiquidation threshold: static %.3f against a policy: target %.3f - %.3f "
                "(EWMA vol - 0.8), lambda 0.94, in [%.2f, %.2f]; steward limits: at most %.4f "
                "per update, %.3g days apart, whole basis points\n",
                s.threshold, s.threshold, s.slope, s.lower, s.upper, s.max_change, s.interval);
    std::printf("book: %zu positions (synthetic, health 1 + lognormal excess of median 0.25) at "
                "each window's first price; pool %.3g x the book's collateral, one-day "
                "half-life; borrow pwr: average borrowing power, %% of the static run's\n\n",
                s.positions, s.depth);
    print_header();

    const struct {
        const char* name;
        const char* date;
    } crashes[] = {{"ETH 2020-03-12 daily", "2020-03-12"},
                   {"ETH 2021-05-19 daily", "2021-05-19"},
                   {"ETH 2022-05-09 daily", "2022-05-09"},
                   {"ETH 2022-11-09 daily", "2022-11-09"}};
    // Each daily window runs from `before` days before the crash to `after` days after it; the
    // EWMA volatility is warmed up on the `warm_up` days before the window (no limits: only
    // its volatility is read), so the policy starts from the volatility it would have seen.
    constexpr std::size_t before = 30, after = 14, warm_up = 120;
    const auto warm_vol = [&](std::size_t start) {
        capital::parameter_policy warm;
        const std::span<const double> past =
            std::span<const double>(daily.prices).subspan(start - warm_up, warm_up);
        return capital::apply_policy(warm, {past, 1.0}).volatility.back();
    };
    for (const auto& crash : crashes) {
        const auto at = std::find(daily.dates.begin(), daily.dates.end(), crash.date);
        if (at == daily.dates.end())
            throw example::input_error(std::string("eth_usd_daily.csv: no row for ") + crash.date);
        const auto i = static_cast<std::size_t>(at - daily.dates.begin());
        if (i < before + warm_up || i + after >= daily.prices.size())
            throw example::input_error(std::string("eth_usd_daily.csv: too short around ") +
                                       crash.date);
        run_window(crash.name,
                   std::span<const double>(daily.prices).subspan(i - before, before + after + 1),
                   1.0, warm_vol(i - before), s);
    }
    // The hourly window starts on 11 March 2020: the daily EWMA up to 10 March warms it.
    const auto march = std::find(daily.dates.begin(), daily.dates.end(), "2020-03-10");
    if (march == daily.dates.end())
        throw example::input_error("eth_usd_daily.csv: no row for 2020-03-10");
    run_window("ETH 2020-03-11..14 1h", hourly.prices, 1.0 / 24,
               warm_vol(static_cast<std::size_t>(march - daily.dates.begin()) + 1), s);
    return 0;
}

int main(int argc, char** argv) {
    return example::guarded_main(program, [&] { return run_policy(argc, argv); });
}
