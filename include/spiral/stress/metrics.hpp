// stress::empirical_quantile, stress::expected_shortfall, stress::summarise — the metrics of a
// stress run from its per-scenario columns.
/// \file
/// \ingroup stress
/// \brief stress::empirical_quantile, stress::expected_shortfall, stress::sample_mean and
/// stress::summarise: VaR, ES, LaR and the rest with their Monte Carlo errors.
#pragma once

#include <spiral/cascade/multi_asset.hpp>
#include <spiral/cascade/path_multi.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/stress/scenario_results.hpp>
#include <spiral/stress/summary.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spiral::stress {

namespace detail {

/// z of the two-sided 95% interval.
inline constexpr double z95 = 1.959963984540054;

inline void check_sample(std::string_view what, std::span<const double> x, double level) {
    spiral::detail::require_not_empty(what, "values", x.size());
    spiral::detail::require(spiral::detail::in_open(0, 1), what, "level", level);
    for (std::size_t i = 0; i < x.size(); ++i)
        if (std::isnan(x[i])) [[unlikely]]
            spiral::detail::throw_invalid(what, "values", i, x[i], "must not be NaN");
}

/// The 1-based rank ceil(level n), with level n taken to the integer it is within a few ulps
/// of (0.95 x 100 is 95.00000000000001 in doubles and must give 95, not 96).
inline std::size_t quantile_rank(double level, std::size_t n) noexcept {
    const double x = level * static_cast<double>(n);
    const double nearest = std::nearbyint(x);
    const double k =
        std::abs(x - nearest) <= 8 * 2.220446049250313e-16 * x ? nearest : std::ceil(x);
    const auto r = static_cast<std::size_t>(k);
    return r < 1 ? 1 : (r > n ? n : r);
}

/// empirical_quantile on values already sorted ascending.
inline quantile_estimate quantile_sorted(std::span<const double> sorted, double level) noexcept {
    const std::size_t n = sorted.size();
    const double nd = static_cast<double>(n);
    const std::size_t k = quantile_rank(level, n);
    // The count of values below the true quantile is Binomial(n, level); normal approximation.
    const double half = z95 * std::sqrt(nd * level * (1 - level));
    const double lo = std::floor(nd * level - half), hi = std::ceil(nd * level + half);
    const auto rank = [n](double r) {
        return r < 1 ? std::size_t(1) : (r > double(n) ? n : static_cast<std::size_t>(r));
    };
    quantile_estimate q;
    q.level = level;
    q.value = sorted[k - 1];
    q.lower = sorted[rank(lo) - 1];
    q.upper = sorted[rank(hi) - 1];
    q.standard_error = (q.upper - q.lower) / (2 * z95);
    return q;
}

/// expected_shortfall on values already sorted ascending.
inline estimate shortfall_sorted(std::span<const double> sorted, double level) noexcept {
    const std::size_t n = sorted.size();
    const std::size_t k = quantile_rank(level, n);
    const double var = sorted[k - 1];
    const std::size_t m = n - k + 1;
    double sum = 0;
    for (std::size_t i = k - 1; i < n; ++i)
        sum += sorted[i];
    const double es = sum / static_cast<double>(m);
    double ss = 0;
    for (std::size_t i = k - 1; i < n; ++i)
        ss += (sorted[i] - es) * (sorted[i] - es);
    const double tail_var = m > 1 ? ss / static_cast<double>(m - 1) : 0.0;
    const double gap = es - var;
    const double nd = static_cast<double>(n);
    return {es, std::sqrt((tail_var + level * gap * gap) / (nd * (1 - level)))};
}

inline std::vector<double> sorted_copy(std::span<const double> x) {
    std::vector<double> v(x.begin(), x.end());
    std::sort(v.begin(), v.end());
    return v;
}

} // namespace detail

/// The empirical `level` quantile of `values`: the ceil(level N)-th smallest of the N values
/// (the inverse of the empirical distribution function; level N is taken as the integer it is
/// within a few ulps of). Its 95% confidence interval is distribution-free: the number of
/// values below the true quantile is Binomial(N, level), so [X(l), X(u)] with l = floor(N
/// level - 1.96 s), u = ceil(N level + 1.96 s), s = sqrt(N level (1 - level)) (the normal
/// approximation of the binomial; good for N level (1 - level) of 10 or more), clamped to
/// [1, N]. standard_error = (upper - lower) / (2 x 1.959964). Throws spiral::invalid_argument
/// for no values, a NaN among them (naming its row), or a level outside (0, 1).
inline quantile_estimate empirical_quantile(std::span<const double> values, double level) {
    detail::check_sample("stress::empirical_quantile", values, level);
    return detail::quantile_sorted(detail::sorted_copy(values), level);
}

/// Expected shortfall at `level`: the mean of the values at or above the empirical quantile's
/// order statistic, i.e. of the N - k + 1 largest values with k = ceil(level N) as in
/// empirical_quantile. Its standard error is Chen's (2008) asymptotic one, from the tail
/// sample: sqrt((s_tail^2 + level (ES - VaR)^2) / (N (1 - level))), s_tail^2 the sample
/// variance of those values (S. X. Chen, "Nonparametric estimation of expected shortfall",
/// Journal of Financial Econometrics 6(1), 2008). Throws as empirical_quantile does.
inline estimate expected_shortfall(std::span<const double> values, double level) {
    detail::check_sample("stress::expected_shortfall", values, level);
    return detail::shortfall_sorted(detail::sorted_copy(values), level);
}

/// The sample mean of `values` (summed in index order) and its standard error s / sqrt(N),
/// s the sample standard deviation (0 for one value). Throws spiral::invalid_argument for no
/// values. NaN in, NaN out.
inline estimate sample_mean(std::span<const double> values) {
    spiral::detail::require_not_empty("stress::sample_mean", "values", values.size());
    const double n = static_cast<double>(values.size());
    double sum = 0;
    for (const double v : values)
        sum += v;
    const double mean = sum / n;
    double ss = 0;
    for (const double v : values)
        ss += (v - mean) * (v - mean);
    const double sd = values.size() > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
    return {mean, sd / std::sqrt(n)};
}

namespace detail {

/// The figures of stress::summarise that come from the columns (all but the initial book
/// totals), after its checks of `completed` and the columns.
inline summary summarise_columns(std::string_view what, const scenario_results& r,
                                 std::size_t completed) {
    const auto column = [&](const std::vector<double>& c, std::string_view name) {
        if (c.size() < completed)
            spiral::detail::throw_invalid(what, std::string(name) + ".size()",
                                          spiral::detail::no_row, c.size(),
                                          "must be >= completed = " + std::to_string(completed));
        const std::span<const double> x(c.data(), completed);
        for (std::size_t i = 0; i < completed; ++i)
            if (std::isnan(x[i])) [[unlikely]]
                spiral::detail::throw_invalid(what, name, i, x[i], "must not be NaN");
        return x;
    };
    const auto insolvent = column(r.insolvent_value, "insolvent_value");
    const auto volume = column(r.liquidation_volume, "liquidation_volume");
    const auto count = column(r.liquidations, "liquidations");
    const auto final_price = column(r.final_price, "final_price");

    summary s;
    s.scenarios = completed;
    const double n = static_cast<double>(completed);
    {
        const auto sorted = sorted_copy(insolvent);
        s.var95 = quantile_sorted(sorted, 0.95);
        s.var99 = quantile_sorted(sorted, 0.99);
        s.es95 = shortfall_sorted(sorted, 0.95);
        s.es99 = shortfall_sorted(sorted, 0.99);
        std::size_t bad = 0;
        for (const double v : insolvent)
            bad += v > 0 ? 1 : 0;
        const double p = static_cast<double>(bad) / n;
        s.probability_of_bad_debt = {p, std::sqrt(p * (1 - p) / n)};
    }
    {
        const auto sorted = sorted_copy(volume);
        s.lar95 = quantile_sorted(sorted, 0.95);
        s.lar99 = quantile_sorted(sorted, 0.99);
    }
    {
        const auto sorted = sorted_copy(final_price);
        s.final_price_p01 = quantile_sorted(sorted, 0.01);
        s.final_price_p05 = quantile_sorted(sorted, 0.05);
        s.final_price_p50 = quantile_sorted(sorted, 0.50);
    }
    {
        const auto sorted = sorted_copy(count);
        s.liquidations_p50 = quantile_sorted(sorted, 0.50);
        s.liquidations_p95 = quantile_sorted(sorted, 0.95);
        s.liquidations_p99 = quantile_sorted(sorted, 0.99);
    }
    s.mean_bad_debt = sample_mean(column(r.bad_debt, "bad_debt"));
    s.mean_insolvent_value = sample_mean(insolvent);
    s.mean_liquidation_volume = sample_mean(volume);
    s.mean_liquidations = sample_mean(count);
    s.mean_borrowing_power = sample_mean(column(r.borrowing_power, "borrowing_power"));
    s.mean_borrowing_power_available =
        sample_mean(column(r.borrowing_power_available, "borrowing_power_available"));
    s.mean_collateral_locked = sample_mean(column(r.collateral_locked, "collateral_locked"));

    return s;
}

} // namespace detail

/// The summary of the first `completed` scenarios of `r` (see stress::summary):
/// var95/var99 and es95/es99 of insolvent_value, lar95/lar99 of liquidation_volume (as
/// empirical_quantile and expected_shortfall define them), probability_of_bad_debt = the
/// share of scenarios with insolvent_value > 0 (standard error sqrt(p (1 - p) / N)), means
/// with their standard errors (sample_mean), quantiles of final_price (1%, 5%, 50%) and of
/// liquidations (50%, 95%, 99%), and the book's totals before the run at `spot` (debt,
/// collateral value, borrowing power = sum of collateral x spot x threshold, summed in the
/// prepared book's order). Every figure is a fixed-order function of the columns, so runs
/// with any number of threads or ranks that produce the same columns give the same summary
/// bit for bit. Throws spiral::invalid_argument when completed is 0 or exceeds a column's
/// size, or a column holds NaN among its first `completed` entries.
inline summary summarise(const scenario_results& r, std::size_t completed,
                         const cascade::prepared_book& book, double spot) {
    constexpr std::string_view what = "stress::summarise";
    spiral::detail::require_count(what, "completed", completed, 1, r.size());
    spiral::detail::require(spiral::detail::positive, what, "spot", spot);
    summary s = detail::summarise_columns(what, r, completed);
    s.initial_debt = book.total_debt();
    s.initial_collateral_value = book.total_collateral() * spot;
    double power = 0;
    const auto c = book.collateral();
    const auto t = book.threshold();
    for (std::size_t i = 0; i < book.size(); ++i)
        power += c[i] * spot * t[i];
    s.initial_borrowing_power = power;
    return s;
}

/// The summary of the first `completed` scenarios of a multi-asset run (stress::run_multi and
/// its parallel and MPI forms): every figure from the columns as the single-asset summarise
/// computes it (the final price quantiles are asset 0's, as the columns hold it), and the
/// book's totals before the run at the prices `spots` (one per asset): debt, collateral value
/// sum_ia c_ia spots_a and borrowing power sum_ia c_ia spots_a assets[a].threshold, summed in
/// book order. Throws spiral::invalid_argument as summarise does, and naming spots or assets
/// when they do not hold book.assets entries or a spot is not finite and > 0.
inline summary summarise(const scenario_results& r, std::size_t completed,
                         const cascade::multi_book& book, std::span<const double> spots,
                         std::span<const cascade::collateral_terms> assets) {
    constexpr std::string_view what = "stress::summarise";
    const std::size_t n = book.size(), k = book.assets;
    spiral::detail::require_count(what, "completed", completed, 1, r.size());
    spiral::detail::require_size(what, "book.collateral", book.collateral.size(), n * k,
                                 "book.debt * assets");
    spiral::detail::require_size(what, "spots", spots.size(), k, "book.assets");
    spiral::detail::require_size(what, "assets", assets.size(), k, "book.assets");
    for (std::size_t a = 0; a < k; ++a)
        spiral::detail::require(spiral::detail::positive, what, "spots", spots[a], a);
    summary s = detail::summarise_columns(what, r, completed);
    double debt = 0, value = 0, power = 0;
    for (std::size_t i = 0; i < n; ++i) {
        debt += book.debt[i];
        for (std::size_t a = 0; a < k; ++a) {
            const double v = book.collateral[i * k + a] * spots[a];
            value += v;
            power += v * assets[a].threshold;
        }
    }
    s.initial_debt = debt;
    s.initial_collateral_value = value;
    s.initial_borrowing_power = power;
    return s;
}

} // namespace spiral::stress
