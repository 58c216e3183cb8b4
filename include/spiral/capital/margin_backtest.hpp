// Backtest of a margin series against the price history it was set on.
//
// With prices p_0..p_n and margins m_0..m_n (fractions of the position's value, m_t set at the
// close of day t; capital/margin_forecast.hpp), day t is scored when first_day <= t <= n - k:
// its loss over the k-day horizon is L_t = 1 - p_{t+k} / p_t (a long position), a breach when
// L_t > m_t. Statistics over the scored days:
//   breaches and the expected count (1 - c) N; Kupiec's proportion-of-failures test on all N
//   days; Christoffersen's independence and conditional-coverage tests on every k-th scored day
//   (k-day windows that overlap share returns, so their breaches cluster by construction; the
//   Kupiec test on overlapping days keeps its mean but over-rejects); the traffic-light zone
//   of the breach count; the average margin (the capital cost of the rule); and the
//   procyclicality of the scored margins (margin::procyclicality_metrics: peak to trough,
//   maximum n-day increase).
// margin_in_window reads what a rule called over a window of days (a crisis): the margin on
// its first day, the highest margin in it and the rise between them.
/// \file
/// \ingroup capital
/// \brief Backtests of margin series: breaches, Kupiec and Christoffersen tests, traffic light,
/// capital cost and procyclicality, and the margin over a window of days.
#pragma once

#include <spiral/capital/coverage_tests.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/margin/dynamic.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spiral::capital {

/// What a backtest scores and how.
struct backtest_options {
    double confidence = 0.99;      ///< Confidence the margins were set at, in (0, 1).
    std::size_t horizon_days = 2;  ///< k, the horizon the margins cover, >= 1.
    std::size_t first_day = 0;     ///< First scored day (after the models' warm-up and training).
    std::size_t increase_days = 5; ///< n of the maximum n-day margin increase, >= 1.
};

namespace detail {

/// Checks prices (>= 2, finite and > 0), margins (as many, finite and > 0) and the options;
/// returns the number of scored days.
inline std::size_t check_backtest(std::string_view what, std::span<const double> prices,
                                  std::span<const double> margin, const backtest_options& options) {
    spiral::detail::require(spiral::detail::in_open(0, 1), what, "options.confidence",
                            options.confidence);
    spiral::detail::require_count(what, "options.horizon_days", options.horizon_days, 1, 10000);
    spiral::detail::require_count(what, "options.increase_days", options.increase_days, 1, 100000);
    if (prices.size() < 2)
        spiral::detail::throw_invalid(what, "prices.size()", spiral::detail::no_row, prices.size(),
                                      "must be >= 2");
    spiral::detail::require_size(what, "margin", margin.size(), prices.size(), "prices");
    for (std::size_t i = 0; i < prices.size(); ++i)
        spiral::detail::require(spiral::detail::positive, what, "prices", prices[i], i);
    for (std::size_t i = 0; i < margin.size(); ++i)
        spiral::detail::require(spiral::detail::positive, what, "margin", margin[i], i);
    const std::size_t n = prices.size() - 1, k = options.horizon_days;
    if (options.first_day + 2 * k > n + 1)
        spiral::detail::throw_invalid(
            what, "options.first_day", spiral::detail::no_row, options.first_day,
            "must leave >= 2 horizons of scored days: <= " +
                std::to_string(n + 1 >= 2 * k ? n + 1 - 2 * k : 0) + " for " +
                std::to_string(prices.size()) + " prices and horizon_days " + std::to_string(k));
    return n - k - options.first_day + 1;
}

} // namespace detail

/// hits[j] = 1 when day t = first_day + j breached (1 - prices[t + k] / prices[t] > margin[t]),
/// else 0, for every scored day. Throws spiral::invalid_argument for bad prices or margins
/// (naming the index), mismatched lengths, or options out of their domain.
inline std::vector<std::uint8_t> breaches(std::span<const double> prices,
                                          std::span<const double> margin,
                                          const backtest_options& options) {
    const std::size_t days = detail::check_backtest("capital::breaches", prices, margin, options);
    std::vector<std::uint8_t> hits(days);
    const std::size_t k = options.horizon_days;
    for (std::size_t j = 0; j < days; ++j) {
        const std::size_t t = options.first_day + j;
        hits[j] = 1.0 - prices[t + k] / prices[t] > margin[t] ? 1 : 0;
    }
    return hits;
}

/// A margin series' backtest (see the file comment).
struct backtest_result {
    std::size_t observations;              ///< Scored days N.
    std::size_t breaches;                  ///< Days whose k-day loss exceeded the margin.
    double expected_breaches;              ///< (1 - c) N.
    lr_test kupiec;                        ///< Proportion of failures, all scored days (1 degree).
    christoffersen_result christoffersen;  ///< On every k-th scored day.
    zone traffic_light;                    ///< Zone of `breaches` in N days at c.
    double average_margin;                 ///< Mean margin over the scored days.
    margin::procyclicality procyclicality; ///< Of the scored days' margins.
};

/// Backtests `margin` (one per price) against `prices`. Throws as capital::breaches.
inline backtest_result backtest(std::span<const double> prices, std::span<const double> margin,
                                const backtest_options& options) {
    const std::vector<std::uint8_t> hits = breaches(prices, margin, options);
    const std::size_t k = options.horizon_days;
    std::size_t count = 0;
    for (std::uint8_t h : hits)
        count += h;
    std::vector<std::uint8_t> sampled;
    for (std::size_t j = 0; j < hits.size(); j += k)
        sampled.push_back(hits[j]);
    const auto scored = margin.subspan(options.first_day, hits.size());
    double sum = 0.0;
    for (double m : scored)
        sum += m;
    const double n = static_cast<double>(hits.size());
    return {hits.size(),
            count,
            (1.0 - options.confidence) * n,
            kupiec_pof(hits.size(), count, options.confidence),
            christoffersen(sampled, options.confidence),
            traffic_light(count, hits.size(), options.confidence),
            sum / n,
            margin::procyclicality_metrics(scored, options.increase_days)};
}

/// The margin a rule called over the days first..last.
struct window_margin {
    double start;         ///< margin[first]
    double peak;          ///< The highest margin in the window.
    std::size_t peak_day; ///< Its day (the first one if tied).
    double increase;      ///< peak / start - 1
};

/// The margin over days first..last (inclusive) of `margin` (finite and > 0 there). Throws
/// spiral::invalid_argument for first > last, last past the series, or a bad value (naming its
/// index).
inline window_margin margin_in_window(std::span<const double> margin, std::size_t first,
                                      std::size_t last) {
    constexpr std::string_view what = "capital::margin_in_window";
    if (last >= margin.size())
        spiral::detail::throw_invalid(what, "last", spiral::detail::no_row, last,
                                      "must be < margin.size() = " + std::to_string(margin.size()));
    if (first > last)
        spiral::detail::throw_invalid(what, "first", spiral::detail::no_row, first,
                                      "must be <= last = " + std::to_string(last));
    for (std::size_t t = first; t <= last; ++t)
        spiral::detail::require(spiral::detail::positive, what, "margin", margin[t], t);
    std::size_t peak = first;
    for (std::size_t t = first + 1; t <= last; ++t)
        if (margin[t] > margin[peak])
            peak = t;
    return {margin[first], margin[peak], peak, margin[peak] / margin[first] - 1.0};
}

} // namespace spiral::capital
