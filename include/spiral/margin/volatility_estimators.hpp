// Volatility estimators that drive dynamic margin: log returns of a price history, EWMA
// (RiskMetrics), and GARCH(1,1) — its variance filter, Gaussian log-likelihood and a maximum-
// likelihood fit with variance targeting.
//
// Index convention: a history of n + 1 prices p_0..p_n gives n returns r_i = ln(p_{i+1}/p_i)
// (i = 0..n-1), and n + 1 variance forecasts v_0..v_n: v_t is the variance of r_t forecast
// from r_0..r_{t-1}, so after the close of day t (price p_t) the forecast v_t is known and
// drives that day's margin; v_n forecasts the day after the history. Returns have mean 0
// (daily returns: the mean is negligible against the volatility).
//
//   EWMA:       v_{t+1} = lambda v_t + (1 - lambda) r_t^2       (RiskMetrics 1996: 0.94 daily)
//   GARCH(1,1): v_{t+1} = omega + alpha r_t^2 + beta v_t         (Bollerslev 1986), stationary
//               when alpha + beta < 1, long-run variance V = omega / (1 - alpha - beta)
//   log-likelihood  L = -1/2 sum_t (ln 2 pi + ln v_t + r_t^2 / v_t)
//   variance targeting (Engle & Mezrich 1996): V = mean of r^2, omega = V (1 - alpha - beta),
//   so only alpha and beta are fitted; v_0 = V.
// The fit maximises L over (alpha, beta) with Nelder–Mead on unconstrained coordinates
// x1 = logit((alpha + beta) / c), x2 = logit(alpha / (alpha + beta)), c = 1 - 1e-9, so every
// trial point is stationary and non-negative.
/// \file
/// \ingroup margin
/// \brief Volatility estimators for dynamic margin: log returns, EWMA and GARCH(1,1) with its fit.
#pragma once

#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/margin/checks.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>
#include <utility>

namespace spiral::margin {

/// r_i = ln(prices[i + 1] / prices[i]) into `returns` (length prices.size() - 1); where the
/// quotient leaves the normal range (100 then 1.58e-322) as ln prices[i + 1] - ln prices[i],
/// so every return is finite. Throws spiral::invalid_argument for fewer than 2 prices, a wrong
/// output length, or a price that is NaN, infinite or <= 0 (naming its index).
inline void log_returns(std::span<const double> prices, std::span<double> returns) {
    constexpr auto what = "margin::log_returns";
    if (prices.size() < 2)
        spiral::detail::throw_invalid(what, "prices.size()", detail::no_row, prices.size(),
                                      "must be >= 2");
    if (returns.size() != prices.size() - 1)
        spiral::detail::throw_invalid(what, "returns.size()", detail::no_row, returns.size(),
                                      "must be prices.size() - 1");
    for (std::size_t i = 0; i < prices.size(); ++i)
        detail::require_positive(what, "prices", prices[i], i);
    constexpr double smallest_normal = 2.2250738585072014e-308;
    for (std::size_t i = 0; i + 1 < prices.size(); ++i) {
        const double ratio = prices[i + 1] / prices[i];
        // The quotient rounds once, the difference of logarithms cancels: the quotient
        // wherever it is a normal number.
        returns[i] = ratio >= smallest_normal && ratio < detail::infinity
                         ? std::log(ratio)
                         : std::log(prices[i + 1]) - std::log(prices[i]);
    }
}

namespace detail {

/// Checks a return series and a variance output of length returns.size() + 1.
inline void validate_returns(std::string_view what, std::span<const double> returns,
                             std::span<const double> variance) {
    require_rows(what, "returns", returns.size());
    if (variance.size() != returns.size() + 1)
        spiral::detail::throw_invalid(what, "variance.size()", no_row, variance.size(),
                                      "must be returns.size() + 1");
    for (std::size_t i = 0; i < returns.size(); ++i)
        require_return(what, "returns", returns[i], i);
}

/// v_0 = `initial`, then v_{t+1} = model.next(v_t, r_t) into `variance` (validated lengths).
template <class Model>
void filter_variance(const Model& model, std::span<const double> returns,
                     std::span<double> variance, double initial) noexcept {
    variance[0] = initial;
    for (std::size_t t = 0; t < returns.size(); ++t)
        variance[t + 1] = model.next(variance[t], returns[t]);
}

/// Mean of r^2.
inline double mean_square(std::span<const double> returns) noexcept {
    double sum = 0.0;
    for (double r : returns)
        sum += r * r;
    return sum / static_cast<double>(returns.size());
}

} // namespace detail

/// Exponentially weighted moving average of squared returns.
struct ewma {
    double lambda = 0.94; ///< decay per observation, in (0, 1)

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const { detail::require_open_unit("margin::ewma", "lambda", lambda); }

    /// One step: lambda v + (1 - lambda) r^2.
    constexpr double next(double variance, double r) const noexcept {
        return lambda * variance + (1.0 - lambda) * r * r;
    }

    /// v_0 = `initial_variance` (when it is NaN, the default: the mean of r^2 over the first
    /// min(n, 30) returns), then the recursion. Throws for an invalid lambda, empty or
    /// non-finite returns (naming the index), a wrong output length, a negative initial value.
    void
    variance(std::span<const double> returns, std::span<double> out,
             double initial_variance = spiral::detail::scalar_limits<double>::quiet_nan) const {
        constexpr auto what = "margin::ewma::variance";
        validate();
        detail::validate_returns(what, returns, out);
        if (initial_variance != initial_variance)
            initial_variance =
                detail::mean_square(returns.first(returns.size() < 30 ? returns.size() : 30));
        detail::require_non_negative(what, "initial_variance", initial_variance);
        detail::filter_variance(*this, returns, out, initial_variance);
    }
};

/// GARCH(1,1) parameters (per observation: daily returns give daily variances).
struct garch11 {
    double omega; ///< Constant term of the variance recursion (> 0), in squared return units.
    double alpha; ///< Weight of the last squared return (>= 0).
    double beta;  ///< Weight of the last variance (>= 0; alpha + beta < 1).

    /// omega > 0, alpha >= 0, beta >= 0 (all finite) and alpha + beta < 1 (stationary).
    void validate() const {
        constexpr auto what = "margin::garch11";
        detail::require_positive(what, "omega", omega);
        detail::require_non_negative(what, "alpha", alpha);
        detail::require_non_negative(what, "beta", beta);
        if (!(alpha + beta < 1.0))
            spiral::detail::throw_invalid(what, "alpha + beta", detail::no_row, alpha + beta,
                                          "must be < 1 (stationary)");
        // The default initial variance; infinite, it turns beta v = 0 * inf into NaN.
        if (!detail::is_finite(long_run_variance()))
            spiral::detail::throw_invalid(what, "omega", detail::no_row, omega,
                                          "makes the long-run variance omega / (1 - alpha - "
                                          "beta) infinite");
    }

    /// omega / (1 - alpha - beta): the variance the recursion reverts to.
    constexpr double long_run_variance() const noexcept { return omega / (1.0 - alpha - beta); }

    /// One step: omega + alpha r^2 + beta v.
    constexpr double next(double variance, double r) const noexcept {
        return omega + alpha * r * r + beta * variance;
    }

    /// v_0 = `initial_variance` (NaN, the default: the long-run variance), then the recursion.
    void
    variance(std::span<const double> returns, std::span<double> out,
             double initial_variance = spiral::detail::scalar_limits<double>::quiet_nan) const {
        constexpr auto what = "margin::garch11::variance";
        validate();
        detail::validate_returns(what, returns, out);
        if (initial_variance != initial_variance)
            initial_variance = long_run_variance();
        detail::require_positive(what, "initial_variance", initial_variance);
        detail::filter_variance(*this, returns, out, initial_variance);
    }
};

namespace detail {

/// Gaussian log-likelihood of validated returns under (omega, alpha, beta), v_0 = initial.
inline double garch_log_likelihood(double omega, double alpha, double beta, double initial,
                                   std::span<const double> returns) noexcept {
    constexpr double log_2pi = 1.8378770664093454836;
    double v = initial, sum = 0.0;
    for (double r : returns) {
        sum += std::log(v) + r * r / v;
        v = omega + alpha * r * r + beta * v;
    }
    return -0.5 * (sum + log_2pi * static_cast<double>(returns.size()));
}

inline double logistic(double x) noexcept {
    return 1.0 / (1.0 + std::exp(-x));
}
inline double logit(double p) noexcept {
    return std::log(p / (1.0 - p));
}

} // namespace detail

/// Gaussian log-likelihood of `returns` under `params` with v_0 = `initial_variance` (NaN,
/// the default: the long-run variance). Throws for invalid params or non-finite returns.
inline double
garch_log_likelihood(const garch11& params, std::span<const double> returns,
                     double initial_variance = spiral::detail::scalar_limits<double>::quiet_nan) {
    constexpr auto what = "margin::garch_log_likelihood";
    params.validate();
    detail::require_rows(what, "returns", returns.size());
    for (std::size_t i = 0; i < returns.size(); ++i)
        detail::require_return(what, "returns", returns[i], i);
    if (initial_variance != initial_variance)
        initial_variance = params.long_run_variance();
    else
        detail::require_positive(what, "initial_variance", initial_variance);
    return detail::garch_log_likelihood(params.omega, params.alpha, params.beta, initial_variance,
                                        returns);
}

/// Settings of the GARCH fit.
struct garch_fit_options {
    double start_alpha = 0.05; ///< alpha the search starts from.
    double start_beta = 0.90;  ///< beta the search starts from (start_alpha + start_beta < 1).
    std::size_t max_evaluations = 4000; ///< in [1, max_garch_evaluations]
    double tolerance = 1e-10;           ///< stop when the simplex's log-likelihoods agree to this
                                        ///< (relative); finite and > 0
};

/// The most likelihood evaluations a GARCH fit may be given (each is a pass over the returns).
inline constexpr std::size_t max_garch_evaluations = 1000000;

/// Result of the GARCH fit.
struct garch_fit_result {
    garch11 params;          ///< The fitted parameters.
    double log_likelihood;   ///< Gaussian log-likelihood of the returns at `params`.
    double target_variance;  ///< V = mean of r^2 (also v_0)
    std::size_t evaluations; ///< Likelihood evaluations used.
    bool converged;          ///< True when the tolerance was met within max_evaluations.
};

/// Maximum-likelihood GARCH(1,1) with variance targeting (see the file comment). Throws
/// spiral::invalid_argument for fewer than 10 returns, a return outside the return domain
/// (finite, at most 1e100 in size; naming its index), all-zero returns, start values that are
/// not stationary, a tolerance that is not finite and > 0, or max_evaluations outside
/// [1, max_garch_evaluations].
inline garch_fit_result fit_garch11(std::span<const double> returns,
                                    const garch_fit_options& options = {}) {
    constexpr auto what = "margin::fit_garch11";
    if (returns.size() < 10)
        spiral::detail::throw_invalid(what, "returns.size()", detail::no_row, returns.size(),
                                      "must be >= 10");
    for (std::size_t i = 0; i < returns.size(); ++i)
        detail::require_return(what, "returns", returns[i], i);
    // NaN or a negative tolerance would never be met: every evaluation would run.
    detail::require_positive(what, "tolerance", options.tolerance);
    spiral::detail::require_count(what, "max_evaluations", options.max_evaluations, 1,
                                  max_garch_evaluations);
    garch11{1.0, options.start_alpha, options.start_beta}.validate();
    if (!(options.start_alpha > 0.0 && options.start_beta > 0.0))
        spiral::detail::throw_invalid(what, "start_alpha, start_beta", detail::no_row,
                                      options.start_alpha * options.start_beta, "must be > 0");
    const double target = detail::mean_square(returns);
    if (!(target > 0.0))
        spiral::detail::throw_invalid(what, "mean of returns^2", detail::no_row, target,
                                      "must be > 0");

    constexpr double cap = 1.0 - 1e-9;
    using point = std::array<double, 2>;
    const auto unpack = [](const point& x) {
        const double persistence = cap * detail::logistic(x[0]);
        const double alpha = persistence * detail::logistic(x[1]);
        return std::array<double, 2>{alpha, persistence - alpha};
    };
    std::size_t evaluations = 0;
    const auto cost = [&](const point& x) { // minimised: -L
        ++evaluations;
        const auto [alpha, beta] = unpack(x);
        const double omega = target * (1.0 - alpha - beta);
        const double ll = detail::garch_log_likelihood(omega, alpha, beta, target, returns);
        return ll == ll ? -ll : detail::infinity;
    };

    // Nelder–Mead (reflection 1, expansion 2, contraction 1/2, shrink 1/2).
    const double p0 = options.start_alpha + options.start_beta;
    std::array<point, 3> x{};
    x[0] = {detail::logit(p0 / cap), detail::logit(options.start_alpha / p0)};
    x[1] = {x[0][0] + 0.5, x[0][1]};
    x[2] = {x[0][0], x[0][1] + 0.5};
    std::array<double, 3> f{cost(x[0]), cost(x[1]), cost(x[2])};
    bool converged = false;
    while (evaluations < options.max_evaluations) {
        // order: best x[0], worst x[2]
        for (std::size_t i = 0; i < 2; ++i)
            for (std::size_t j = 0; j < 2 - i; ++j)
                if (f[j + 1] < f[j]) {
                    std::swap(f[j], f[j + 1]);
                    std::swap(x[j], x[j + 1]);
                }
        const double spread = f[2] - f[0];
        const double size =
            spiral::max(spiral::abs(x[2][0] - x[0][0]) + spiral::abs(x[2][1] - x[0][1]),
                        spiral::abs(x[1][0] - x[0][0]) + spiral::abs(x[1][1] - x[0][1]));
        if (spread <= options.tolerance * (spiral::abs(f[0]) + options.tolerance) && size < 1e-7) {
            converged = true;
            break;
        }
        const point centroid = {(x[0][0] + x[1][0]) / 2, (x[0][1] + x[1][1]) / 2};
        const auto along = [&](double t) {
            return point{centroid[0] + t * (x[2][0] - centroid[0]),
                         centroid[1] + t * (x[2][1] - centroid[1])};
        };
        const point reflected = along(-1.0);
        const double fr = cost(reflected);
        if (fr < f[0]) {
            const point expanded = along(-2.0);
            const double fe = cost(expanded);
            if (fe < fr) {
                x[2] = expanded;
                f[2] = fe;
            } else {
                x[2] = reflected;
                f[2] = fr;
            }
        } else if (fr < f[1]) {
            x[2] = reflected;
            f[2] = fr;
        } else {
            const bool outside = fr < f[2];
            const point contracted = along(outside ? -0.5 : 0.5);
            const double fc = cost(contracted);
            if (fc < (outside ? fr : f[2])) {
                x[2] = contracted;
                f[2] = fc;
            } else {
                for (std::size_t i = 1; i < 3; ++i) {
                    x[i] = {x[0][0] + 0.5 * (x[i][0] - x[0][0]),
                            x[0][1] + 0.5 * (x[i][1] - x[0][1])};
                    f[i] = cost(x[i]);
                }
            }
        }
    }
    std::size_t best = 0;
    for (std::size_t i = 1; i < 3; ++i)
        if (f[i] < f[best])
            best = i;
    const auto [alpha, beta] = unpack(x[best]);
    return {garch11{target * (1.0 - alpha - beta), alpha, beta}, -f[best], target, evaluations,
            converged};
}

} // namespace spiral::margin
