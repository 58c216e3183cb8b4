// Predictive margin: k-day-ahead margin requirements forecast from a daily return history.
//
// Index convention (margin/volatility_estimators.hpp): prices p_0..p_n give returns
// r_i = ln(p_{i+1} / p_i), i = 0..n-1, and every model writes n + 1 margins m_0..m_n, one per
// price. m_t is set at the close of day t from r_0..r_{t-1} only, and covers the loss of a long
// position over the next k days, 1 - p_{t+k} / p_t, at confidence c; it is a fraction of the
// position's value. The models:
//
//   static_margin      m_t = rate.
//   ewma_margin        m_t = z sqrt(k v_t), v_t the EWMA filter (margin::ewma) and
//                      z = Phi^-1(c): margin::var_margin{c, k} of the filter, unchanged.
//   garch_margin       m_t = z sqrt(sum_{h=1..k} E_t[v_{t+h-1}]), the GARCH(1,1) h-step forecasts
//                      E_t[v_{t+h}] = V + (alpha + beta)^h (v_t - V), V the long-run variance
//                      (margin::garch11); k = 1 is margin::var_margin{c, 1} of the filter.
//   har_margin         m_t = z sqrt(k y_t), y_t the HAR regression forecast of the mean squared
//                      return over the next k days (Corsi 2009, "A simple approximate long-memory
//                      model of realized volatility", J. Financial Econometrics 7(2)):
//                        y_t = b0 + b_d s_{t-1} + b_w mean(s_{t-5..t-1}) + b_m mean(s_{t-22..t-1}),
//                      s_i = r_i^2. With daily data the squared return is the realised-variance
//                      proxy (Corsi uses intraday realised variance); OLS on the first
//                      train_days returns, fixed afterwards.
//   historical_simulation / filtered_historical_simulation
//                      m_t = the c-quantile of the overlapping k-day losses 1 - exp(sum of k
//                      consecutive returns) over the last window_days returns. Filtered
//                      (Barone-Adesi, Giannopoulos & Vosper 1999, "VaR without correlations for
//                      portfolios of derivative securities", J. Futures Markets 19(5); the
//                      practice of CCPs such as LCH's PAIRS and Eurex's PRISMA): each return
//                      r_i is rescaled by sqrt(v_t / v_i), today's filtered variance over the
//                      one of its day, before the k-day sums. With a constant variance it is
//                      plain historical simulation. The k-day path keeps today's volatility
//                      (no variance update along the path).
//   The empirical c-quantile of N losses is the ceil(c N)-th smallest.
//
// Warm-up: a model that needs more history than day t has (HAR before day 22, historical
// simulation before day window_days) uses the first such window instead, which looks ahead;
// ewma's default initial variance is the mean square of the first 30 returns and a GARCH fit
// sees its training window. Backtests score only days after every model's warm-up and
// training window (capital::backtest_options::first_day).
//
// apc_tools passes a forecast through the anti-procyclicality tools of margin/dynamic.hpp
// (floor, then buffer, then speed limit), each optional.
/// \file
/// \ingroup capital
/// \brief Predictive margin forecasts (static, EWMA, GARCH, HAR, historical and filtered
/// historical simulation) and their anti-procyclicality tools.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/volatility_estimators.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spiral::capital {

/// Confidence and horizon of a margin forecast.
struct forecast_spec {
    /// Confidence of the margin, in [0.5, 1): below the median a normal quantile is negative,
    /// and a margin that pays the holder is not a margin.
    double confidence = 0.99;
    /// k, the days the margin covers (margin period of risk), in [1, 10000].
    std::size_t horizon_days = 2;

    /// Throws spiral::invalid_argument naming `what` and the field out of its domain.
    void validate(std::string_view what) const {
        spiral::detail::require(spiral::detail::in_right_open(0.5, 1), what, "confidence",
                                confidence);
        spiral::detail::require_count(what, "horizon_days", horizon_days, 1, 10000);
    }
};

namespace detail {

/// Requires `<field>.size() == returns + 1` (one value per price).
inline void require_one_per_price(std::string_view what, std::string_view field, std::size_t size,
                                  std::size_t returns) {
    if (size != returns + 1)
        spiral::detail::throw_invalid(
            what, std::string(field) + ".size()", spiral::detail::no_row, size,
            "must be returns.size() + 1 = " + std::to_string(returns + 1));
}

/// Checks the returns (non-empty, in the return domain) and an output one longer.
inline void check_history(std::string_view what, std::span<const double> returns,
                          std::span<const double> margin) {
    spiral::detail::require_not_empty(what, "returns", returns.size());
    require_one_per_price(what, "margin", margin.size(), returns.size());
    for (std::size_t i = 0; i < returns.size(); ++i)
        spiral::detail::require(spiral::detail::return_domain, what, "returns", returns[i], i);
}

/// The ceil(c N)-th smallest of `losses` (N >= 1; reorders them).
inline double empirical_quantile(std::span<double> losses, double confidence) noexcept {
    const double n = static_cast<double>(losses.size());
    std::size_t rank = static_cast<std::size_t>(std::ceil(confidence * n));
    rank = rank < 1 ? 1 : rank > losses.size() ? losses.size() : rank;
    std::nth_element(losses.begin(), losses.begin() + static_cast<std::ptrdiff_t>(rank - 1),
                     losses.end());
    return losses[rank - 1];
}

} // namespace detail

/// A constant margin rate: m_t = rate for every day.
struct static_margin {
    double rate = 0.1; ///< The margin, a fraction of the position's value, finite and > 0.

    /// margin[t] = rate (margin.size() = returns.size() + 1). Throws spiral::invalid_argument
    /// for a rate that is not finite and > 0, empty or bad returns, or a wrong output length.
    void apply(std::span<const double> returns, std::span<double> margin) const {
        constexpr std::string_view what = "capital::static_margin::apply";
        spiral::detail::require(spiral::detail::positive, what, "rate", rate);
        detail::check_history(what, returns, margin);
        std::fill(margin.begin(), margin.end(), rate);
    }
};

/// Reactive margin from the EWMA variance filter: m_t = z sqrt(k v_t) (margin::var_margin of
/// margin::ewma).
struct ewma_margin {
    forecast_spec spec{};  ///< Confidence and horizon.
    margin::ewma filter{}; ///< The EWMA filter (lambda 0.94 by default).
    /// v_0; NaN (the default): margin::ewma's default, the mean square of the first 30 returns.
    double initial_variance = __builtin_nan("");

    /// margin[t] for t = 0..n (margin.size() = returns.size() + 1). Throws
    /// spiral::invalid_argument for an invalid spec or filter, empty or bad returns, or a wrong
    /// output length.
    void apply(std::span<const double> returns, std::span<double> margin) const {
        constexpr std::string_view what = "capital::ewma_margin::apply";
        spec.validate(what);
        detail::check_history(what, returns, margin);
        filter.variance(returns, margin, initial_variance);
        const margin::var_margin var{spec.confidence, static_cast<double>(spec.horizon_days)};
        var.apply(margin, margin);
    }
};

/// GARCH(1,1) margin: m_t = z sqrt(sum of the 1..k-step variance forecasts from day t).
struct garch_margin {
    forecast_spec spec{};     ///< Confidence and horizon.
    margin::garch11 params{}; ///< The GARCH parameters (margin::fit_garch11 on a training window).
    /// v_0; NaN (the default): the long-run variance.
    double initial_variance = __builtin_nan("");

    /// sum_{h=0}^{k-1} (V + phi^h (v - V)), phi = alpha + beta; exactly v for k = 1.
    double horizon_variance(double v) const noexcept {
        const double long_run = params.long_run_variance();
        const double phi = params.alpha + params.beta;
        double sum = v, power = 1.0;
        for (std::size_t h = 1; h < spec.horizon_days; ++h) {
            power *= phi;
            sum += long_run + power * (v - long_run);
        }
        return sum;
    }

    /// margin[t] for t = 0..n (margin.size() = returns.size() + 1). Throws
    /// spiral::invalid_argument for an invalid spec or parameters, empty or bad returns, or a
    /// wrong output length.
    void apply(std::span<const double> returns, std::span<double> margin) const {
        constexpr std::string_view what = "capital::garch_margin::apply";
        spec.validate(what);
        detail::check_history(what, returns, margin);
        params.variance(returns, margin, initial_variance);
        for (double& v : margin)
            v = horizon_variance(v);
        margin::var_margin{spec.confidence, 1.0}.apply(margin, margin);
    }
};

/// The HAR regression's coefficients: y = b0 + b_d s_d + b_w s_w + b_m s_m.
struct har_coefficients {
    double intercept;   ///< b0
    double daily;       ///< b_d, on the last squared return
    double weekly;      ///< b_w, on the mean of the last 5
    double monthly;     ///< b_m, on the mean of the last 22
    double mean_square; ///< Mean squared return over the training window.
    std::size_t rows;   ///< Regression rows used.
};

namespace detail {

/// The HAR regressors for day t: means of s over the last min(t, 1 | 5 | 22) returns, the
/// `fallback` when t = 0.
inline std::array<double, 3> har_regressors(std::span<const double> returns, std::size_t t,
                                            double fallback) noexcept {
    if (t == 0)
        return {fallback, fallback, fallback};
    const std::size_t windows[3] = {1, 5, 22};
    std::array<double, 3> x{};
    for (std::size_t j = 0; j < 3; ++j) {
        const std::size_t w = windows[j] < t ? windows[j] : t;
        double sum = 0.0;
        for (std::size_t i = t - w; i < t; ++i)
            sum += returns[i] * returns[i];
        x[j] = sum / static_cast<double>(w);
    }
    return x;
}

} // namespace detail

/// The HAR regression (Corsi 2009, squared returns as realised variance; see the file comment)
/// fitted by OLS on the first `train_days` returns: rows t = 22 .. train_days - k, target the
/// mean of r_t^2 .. r_{t+k-1}^2. Throws spiral::invalid_argument for an invalid horizon, bad
/// returns (naming the index), train_days above returns.size() or leaving fewer than 30 rows,
/// or a singular regression (for instance all-zero returns).
inline har_coefficients fit_har(std::span<const double> returns, std::size_t train_days,
                                std::size_t horizon_days) {
    constexpr std::string_view what = "capital::fit_har";
    spiral::detail::require_count(what, "horizon_days", horizon_days, 1, 10000);
    spiral::detail::require_not_empty(what, "returns", returns.size());
    for (std::size_t i = 0; i < returns.size(); ++i)
        spiral::detail::require(spiral::detail::return_domain, what, "returns", returns[i], i);
    if (train_days > returns.size())
        spiral::detail::throw_invalid(what, "train_days", spiral::detail::no_row, train_days,
                                      "must be <= returns.size() = " +
                                          std::to_string(returns.size()));
    if (train_days < 22 + horizon_days + 29)
        spiral::detail::throw_invalid(what, "train_days", spiral::detail::no_row, train_days,
                                      "must leave >= 30 regression rows (>= 51 + horizon_days)");
    // Normal equations A b = c of the 4 columns (1, d, w, m), solved by Gaussian elimination
    // with partial pivoting; the columns are scaled by the training mean square first.
    double mean_square = 0.0;
    for (std::size_t i = 0; i < train_days; ++i)
        mean_square += returns[i] * returns[i];
    mean_square /= static_cast<double>(train_days);
    if (!(mean_square > 0.0))
        spiral::detail::throw_invalid(what, "mean of returns^2", spiral::detail::no_row,
                                      mean_square, "must be > 0");
    double a[4][5] = {};
    std::size_t rows = 0;
    for (std::size_t t = 22; t + horizon_days <= train_days; ++t, ++rows) {
        const auto x = detail::har_regressors(returns, t, 0.0);
        const double row[4] = {1.0, x[0] / mean_square, x[1] / mean_square, x[2] / mean_square};
        double y = 0.0;
        for (std::size_t h = 0; h < horizon_days; ++h)
            y += returns[t + h] * returns[t + h];
        y /= static_cast<double>(horizon_days) * mean_square;
        for (std::size_t i = 0; i < 4; ++i) {
            for (std::size_t j = 0; j < 4; ++j)
                a[i][j] += row[i] * row[j];
            a[i][4] += row[i] * y;
        }
    }
    for (std::size_t col = 0; col < 4; ++col) {
        std::size_t pivot = col;
        for (std::size_t i = col + 1; i < 4; ++i)
            if (std::abs(a[i][col]) > std::abs(a[pivot][col]))
                pivot = i;
        if (!(std::abs(a[pivot][col]) > 1e-12 * static_cast<double>(rows)))
            spiral::detail::throw_invalid(what, "returns", spiral::detail::no_row, train_days,
                                          "make the HAR regression singular over train_days");
        for (std::size_t j = 0; j < 5; ++j)
            std::swap(a[col][j], a[pivot][j]);
        for (std::size_t i = 0; i < 4; ++i) {
            if (i == col)
                continue;
            const double f = a[i][col] / a[col][col];
            for (std::size_t j = col; j < 5; ++j)
                a[i][j] -= f * a[col][j];
        }
    }
    double b[4];
    for (std::size_t i = 0; i < 4; ++i)
        b[i] = a[i][4] / a[i][i];
    return {b[0] * mean_square, b[1], b[2], b[3], mean_square, rows};
}

/// HAR margin: m_t = z sqrt(k y_t) with y_t the regression forecast (fit_har on the first
/// train_days returns), floored at floor_share times the training mean square.
struct har_margin {
    forecast_spec spec{};         ///< Confidence and horizon.
    std::size_t train_days = 730; ///< Returns the OLS fit sees (the first ones).
    double floor_share = 0.01;    ///< Floor of y_t, a share of the training mean square, in (0, 1].

    /// margin[t] for t = 0..n (margin.size() = returns.size() + 1); returns the coefficients
    /// used. Throws spiral::invalid_argument for an invalid spec or floor_share, and as
    /// fit_har.
    har_coefficients apply(std::span<const double> returns, std::span<double> margin) const {
        constexpr std::string_view what = "capital::har_margin::apply";
        spec.validate(what);
        spiral::detail::require(spiral::detail::in_left_open(0, 1), what, "floor_share",
                                floor_share);
        detail::check_history(what, returns, margin);
        const har_coefficients b = fit_har(returns, train_days, spec.horizon_days);
        const double k = static_cast<double>(spec.horizon_days);
        const double z = margin::var_margin{spec.confidence, 1.0}.multiplier();
        for (std::size_t t = 0; t < margin.size(); ++t) {
            const auto x = detail::har_regressors(returns, t, b.mean_square);
            double y = b.intercept + b.daily * x[0] + b.weekly * x[1] + b.monthly * x[2];
            y = y > floor_share * b.mean_square ? y : floor_share * b.mean_square;
            margin[t] = z * std::sqrt(k * y);
        }
        return b;
    }
};

/// Filtered historical simulation: the c-quantile of the k-day losses of the last window_days
/// returns, each rescaled by sqrt(v_t / v_i) (see the file comment).
struct filtered_historical_simulation {
    forecast_spec spec{};          ///< Confidence and horizon.
    std::size_t window_days = 500; ///< Returns in the look-back window, >= horizon_days.

    /// margin[t] for t = 0..n from `returns` and the filtered variances `variance` (v_i the
    /// forecast of r_i, one per price as margin::ewma::variance writes them; in
    /// [1e-150, 1e150]).
    /// Throws spiral::invalid_argument for an invalid spec, a window below the horizon or
    /// above returns.size(), bad returns or variances (naming the index), or wrong lengths.
    void apply(std::span<const double> returns, std::span<const double> variance,
               std::span<double> margin) const {
        constexpr std::string_view what = "capital::filtered_historical_simulation::apply";
        spec.validate(what);
        detail::check_history(what, returns, margin);
        detail::require_one_per_price(what, "variance", variance.size(), returns.size());
        // Bounded so that every ratio v_t / v_i and rescaled return stays finite (a ratio of
        // 1e300 / 1e-300 would be inf, and 0 x inf a NaN margin).
        for (std::size_t i = 0; i < variance.size(); ++i)
            spiral::detail::require(spiral::detail::in_closed(1e-150, 1e150), what, "variance",
                                    variance[i], i);
        spiral::detail::require_count(what, "window_days", window_days, spec.horizon_days,
                                      returns.size());
        const std::size_t k = spec.horizon_days;
        std::vector<double> scaled(window_days), losses(window_days - k + 1);
        for (std::size_t t = 0; t < margin.size(); ++t) {
            const std::size_t first = t >= window_days ? t - window_days : 0;
            for (std::size_t i = 0; i < window_days; ++i) {
                const std::size_t day = first + i;
                const double ratio = variance[t] / variance[day];
                scaled[i] = ratio == 1.0 ? returns[day] : returns[day] * std::sqrt(ratio);
            }
            for (std::size_t j = 0; j < losses.size(); ++j) {
                double sum = 0.0;
                for (std::size_t h = 0; h < k; ++h)
                    sum += scaled[j + h];
                losses[j] = -std::expm1(sum);
            }
            margin[t] = detail::empirical_quantile(losses, spec.confidence);
        }
    }
};

/// Plain historical simulation: the c-quantile of the k-day losses of the last window_days
/// returns (filtered_historical_simulation with a constant variance).
struct historical_simulation {
    forecast_spec spec{};          ///< Confidence and horizon.
    std::size_t window_days = 500; ///< Returns in the look-back window, >= horizon_days.

    /// margin[t] for t = 0..n (margin.size() = returns.size() + 1). Throws as
    /// filtered_historical_simulation::apply.
    void apply(std::span<const double> returns, std::span<double> margin) const {
        const std::vector<double> constant(returns.size() + 1, 1.0);
        filtered_historical_simulation{spec, window_days}.apply(returns, constant, margin);
    }
};

/// The anti-procyclicality tools of margin/dynamic.hpp applied to a forecast, each optional:
/// the look-back floor, then the buffer, then the speed limit.
struct apc_tools {
    std::optional<margin::lookback_floor> floor{}; ///< (c) floor from a long look-back volatility.
    std::optional<margin::apc_buffer> buffer{};    ///< (a) buffer released in stress.
    std::optional<margin::speed_limit> speed{};    ///< Cap on the daily increase.

    /// Rewrites `margin` (one value per price, finite and > 0) in place from the history's
    /// `returns` (one fewer). Throws spiral::invalid_argument as the tools do.
    void apply(std::span<const double> returns, std::span<double> margin) const {
        std::vector<double> scratch(margin.size());
        if (floor) {
            floor->apply(returns, margin, scratch);
            std::copy(scratch.begin(), scratch.end(), margin.begin());
        }
        if (buffer) {
            buffer->apply(margin, scratch);
            std::copy(scratch.begin(), scratch.end(), margin.begin());
        }
        if (speed) {
            speed->apply(margin, scratch);
            std::copy(scratch.begin(), scratch.end(), margin.begin());
        }
    }
};

} // namespace spiral::capital
