// stress::garch_paths — GARCH(1,1) return paths (Bollerslev 1986), fitted to a history or given.
/// \file
/// \ingroup stress
/// \brief stress::garch_paths: GARCH(1,1) price paths, and stress::fit_garch_paths on a history.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/random.hpp>
#include <spiral/margin/volatility_estimators.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/stress/history.hpp>
#include <spiral/stress/path_model.hpp>

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace spiral::stress {

/// The distribution of a model's standardised innovations (mean 0, variance 1).
enum class innovation {
    normal,   ///< standard normal
    student_t ///< Student-t with `degrees_of_freedom`, scaled to unit variance
};

/// GARCH(1,1) return paths (T. Bollerslev, "Generalized autoregressive conditional
/// heteroskedasticity", J. Econometrics 31, 1986), with the parameters of margin::garch11:
///
///   r_t = mean + m sqrt(v_t) z_t,   e_t = sqrt(v_t) z_t,
///   v_{t+1} = omega + alpha e_t^2 + beta v_t,   v_1 = initial_variance,
///
/// z_t iid with mean 0 and variance 1 (normal, or Student-t Z sqrt((nu - 2) / W) with W ~
/// chi-square(nu)), m = spec.vol_multiplier. **One step is one observation interval of the
/// history the parameters were fitted on** (daily returns give daily steps): omega and the
/// variances are per observation, so spec.step_days and spec.days_per_year are not used; set
/// spec.step_days to the history's interval so that other code (realised vol, liquidity
/// response) reads the grid right.
///
/// Stress: the vol multiplier scales every step's standard deviation sqrt(v_t); the variance
/// recursion runs on the unscaled shock e_t, so the stressed path is the model's path with
/// every return's deviation from `mean` times m, exactly (the clustering is unchanged). There
/// are no jumps: spec.jump_multiplier is not used. initial_variance NaN (the default) starts
/// from the long-run variance omega / (1 - alpha - beta); fit_garch_paths can start from the
/// variance forecast after the history instead. Per step: one normal (plus one gamma variate
/// for Student-t innovations).
struct garch_paths {
    margin::garch11 params{}; ///< omega, alpha, beta per observation (validate: stationary)
    /// v_1, the variance of the first step's return (> 0); NaN: the long-run variance.
    double initial_variance = spiral::detail::scalar_limits<double>::quiet_nan;
    double mean = 0;                             ///< mean log-return per step, finite
    innovation innovations = innovation::normal; ///< the distribution of z_t
    double degrees_of_freedom = 8;               ///< nu for Student-t innovations, finite and > 2

    /// The variance of the first step: initial_variance, or the long-run variance if NaN.
    SPIRAL_HD constexpr double first_variance() const noexcept {
        return initial_variance == initial_variance
                   ? initial_variance
                   : params.omega / (1 - params.alpha - params.beta);
    }

    /// Throws spiral::invalid_argument naming the field: params (margin::garch11::validate:
    /// omega > 0, alpha, beta >= 0, alpha + beta < 1), initial_variance NaN or finite and > 0,
    /// mean finite, innovations a listed value, degrees_of_freedom > 2 for Student-t.
    void validate() const {
        constexpr std::string_view what = "stress::garch_paths";
        params.validate();
        if (initial_variance == initial_variance)
            spiral::detail::require(spiral::detail::positive, what, "initial_variance",
                                    initial_variance);
        spiral::detail::require(spiral::detail::finite, what, "mean", mean);
        spiral::detail::require_enum(what, "innovations", innovations, 2);
        if (innovations == innovation::student_t)
            spiral::detail::require(spiral::detail::above(2), what, "degrees_of_freedom",
                                    degrees_of_freedom);
    }

    /// Writes spec.steps + 1 prices (prices[0] = spec.spot).
    SPIRAL_HD constexpr void generate(splitmix64& g, const path_spec& spec,
                                      double* prices) const noexcept {
        const double m = spec.vol_multiplier;
        const bool t = innovations == innovation::student_t;
        const double nu = degrees_of_freedom;
        double v = first_variance();
        double x = 0;
        prices[0] = spec.spot;
        for (std::size_t k = 1; k <= spec.steps; ++k) {
            double z = standard_normal(g);
            if (t)
                z *= spiral::sqrt((nu - 2) / risk::chi_square_variate(g, nu));
            const double e = spiral::sqrt(v) * z;
            x += mean + m * e;
            prices[k] = spec.spot * spiral::exp(x);
            v = params.omega + params.alpha * e * e + params.beta * v;
        }
    }
};

/// Where a fitted garch_paths model starts its variance.
enum class garch_start {
    long_run,     ///< omega / (1 - alpha - beta): a typical day
    last_filtered ///< the forecast after the history's last return: today's conditions
};

/// Settings of fit_garch_paths.
struct garch_paths_fit_options {
    history_kind kind = history_kind::prices;       ///< what the history holds
    garch_start start = garch_start::last_filtered; ///< the fitted model's initial variance
    innovation innovations = innovation::normal;    ///< the fitted model's innovations
    double degrees_of_freedom = 8;                  ///< nu when innovations are Student-t
    margin::garch_fit_options fit{};                ///< passed to margin::fit_garch11
};

/// A garch_paths model fitted to a history by margin::fit_garch11 (Gaussian maximum
/// likelihood with variance targeting, zero-mean returns; the Student-t choice only changes
/// the simulated innovations, the fit stays Gaussian quasi-maximum likelihood). One step of
/// the model is one interval of the history. mean = 0, as the fit assumes. Throws
/// spiral::invalid_argument as history_log_returns (prices) and margin::fit_garch11 do
/// (fewer than 10 returns, non-finite values, all-zero returns), and for invalid options.
inline garch_paths fit_garch_paths(std::span<const double> history,
                                   const garch_paths_fit_options& options = {}) {
    constexpr std::string_view what = "stress::fit_garch_paths";
    spiral::detail::require_enum(what, "options.kind", options.kind, 2);
    spiral::detail::require_enum(what, "options.start", options.start, 2);
    std::vector<double> owned;
    std::span<const double> returns = history;
    if (options.kind == history_kind::prices) {
        owned = history_log_returns(history, what);
        returns = owned;
    }
    const margin::garch_fit_result fit = margin::fit_garch11(returns, options.fit);
    garch_paths model{.params = fit.params,
                      .mean = 0,
                      .innovations = options.innovations,
                      .degrees_of_freedom = options.degrees_of_freedom};
    if (options.start == garch_start::last_filtered) {
        std::vector<double> variance(returns.size() + 1);
        fit.params.variance(returns, variance, fit.target_variance);
        model.initial_variance = variance.back();
    }
    model.validate();
    return model;
}

} // namespace spiral::stress
