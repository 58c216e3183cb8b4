// Dynamic margin and the anti-procyclicality (APC) tools of EU rules for CCPs.
//
//   VaR margin (fraction of the price):  m_t = z sigma_t sqrt(h),  z = Phi^-1(confidence),
//   sigma_t = sqrt(v_t) the daily volatility forecast (EWMA, GARCH, ...), h the margin period
//   of risk in days.
//
// Commission Delegated Regulation (EU) No 153/2013 (EMIR RTS on CCPs), article 28(1): a CCP
// limits procyclicality with at least one of
//   (a) a margin buffer of at least 25% of the calculated margin, which it may temporarily
//       exhaust when calculated margins rise significantly:           apc_buffer
//   (b) at least 25% weight on stressed observations in the look-back period: stress_weight
//   (c) margins not lower than those computed with volatility estimated over a 10-year
//       historical look-back period:                                    lookback_floor
// and a speed limit on margin increases (a cap on the daily rise, used alongside them by CCPs
// and studied by Murphy, Vasios & Vause, Bank of England FSP 29, 2014):  speed_limit.
// Procyclicality metrics (same paper): peak-to-trough ratio max m / min m over the period, and
// the n-day maximum increase max_t m_t / m_{t-n} - 1.
//
// Each tool maps a margin series (one value per day, > 0) to another: they compose by
// applying one to the output of another. Series are plain spans; nothing allocates.
/// \file
/// \ingroup margin
/// \brief Dynamic margin and the anti-procyclicality (APC) tools of EU rules for CCPs.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>
#include <spiral/margin/checks.hpp>

#include <cstddef>
#include <span>
#include <string_view>

namespace spiral::margin {

namespace detail {

/// Checks a margin series (non-empty, finite, > 0) and an output of the same length.
inline void validate_series(std::string_view what, std::span<const double> margin,
                            std::span<const double> out) {
    require_rows(what, "margin", margin.size());
    if (out.size() != margin.size())
        spiral::detail::throw_invalid(what, "out.size()", no_row, out.size(),
                                      "must equal margin.size()");
    for (std::size_t i = 0; i < margin.size(); ++i)
        require_positive(what, "margin", margin[i], i);
}

} // namespace detail

/// m = z sigma sqrt(horizon_days), z = Phi^-1(confidence).
struct var_margin {
    double confidence = 0.99; ///< Confidence level of the quantile, in (0, 1).
    double horizon_days = 2;  ///< margin period of risk (EMIR: at least 2 days for derivatives
                              ///< other than OTC)

    /// z sqrt(horizon_days): the margin per unit of daily volatility.
    SPIRAL_HD constexpr double multiplier() const noexcept {
        return norm_quantile(confidence) * spiral::sqrt(horizon_days);
    }

    /// Margin for a daily volatility `sigma`.
    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T operator()(T sigma) const noexcept {
        return spiral::splat<T>(multiplier()) * sigma;
    }

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        detail::require_open_unit("margin::var_margin", "confidence", confidence);
        detail::require_positive("margin::var_margin", "horizon_days", horizon_days);
    }

    /// margin[t] = multiplier sqrt(variance[t]). Throws for an invalid model, empty input,
    /// a variance that is NaN, infinite or <= 0 (naming its index), or a length mismatch.
    void apply(std::span<const double> variance, std::span<double> margin) const {
        validate();
        detail::validate_series("margin::var_margin::apply", variance, margin);
        const double k = multiplier();
        for (std::size_t t = 0; t < variance.size(); ++t)
            margin[t] = k * spiral::sqrt(variance[t]);
    }
};

/// (a) Buffer: the margin charged stays where it was while it lies within
/// [base_t, (1 + buffer) base_t] and is pushed to the nearer edge otherwise:
///   m_0 = (1 + buffer) base_0,   m_t = clamp(m_{t-1}, base_t, (1 + buffer) base_t).
/// In calm or falling markets m = (1 + buffer) base; when base rises the buffer absorbs the
/// rise (m unchanged) until it is used up, then m follows base; falling base rebuilds it.
struct apc_buffer {
    double buffer = 0.25; ///< Buffer above the base margin, a fraction of it (>= 0).

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const { detail::require_non_negative("margin::apc_buffer", "buffer", buffer); }

    /// out[t] = m_t for the base margin series `base` (finite, > 0; `out` as long). Throws for an
    /// invalid model, an empty series, a bad value (naming its index) or a length mismatch.
    void apply(std::span<const double> base, std::span<double> out) const {
        validate();
        detail::validate_series("margin::apc_buffer::apply", base, out);
        double m = (1.0 + buffer) * base[0];
        for (std::size_t t = 0; t < base.size(); ++t) {
            m = spiral::clamp(m, base[t], (1.0 + buffer) * base[t]);
            out[t] = m;
        }
    }
};

/// (b) Stressed weight: m_t = (1 - weight) base_t + weight stressed_t, with stressed_t the
/// largest base margin of the look-back window ending at t (the stressed observation; the
/// whole history so far when lookback_days is 0).
struct stress_weight {
    double weight = 0.25;          ///< Weight of the stressed margin, in [0, 1].
    std::size_t lookback_days = 0; ///< Look-back window in days (0: the whole history so far).

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const { detail::require_unit("margin::stress_weight", "weight", weight); }

    /// out[t] = m_t for the base margin series `base` (finite, > 0; `out` as long). Throws for an
    /// invalid model, an empty series, a bad value (naming its index) or a length mismatch.
    void apply(std::span<const double> base, std::span<double> out) const {
        validate();
        detail::validate_series("margin::stress_weight::apply", base, out);
        double running = 0.0;
        for (std::size_t t = 0; t < base.size(); ++t) {
            double stressed;
            if (lookback_days == 0) {
                running = spiral::max(running, base[t]);
                stressed = running;
            } else { // window maximum; O(window) per day keeps it simple and allocation-free
                const std::size_t first = t + 1 > lookback_days ? t + 1 - lookback_days : 0;
                stressed = base[first];
                for (std::size_t s = first + 1; s <= t; ++s)
                    stressed = spiral::max(stressed, base[s]);
            }
            out[t] = (1.0 - weight) * base[t] + weight * stressed;
        }
    }
};

/// (c) Floor: m_t = max(base_t, var(sigma_L,t)), sigma_L,t = sqrt(mean of r^2 over the last
/// min(t, lookback_days) returns before t), the equally weighted long look-back volatility
/// (10 years of 252 days by default). With the index convention of volatility_estimators.hpp:
/// base has one value per price, returns one fewer; at t = 0 no return is known and m_0 = base_0.
struct lookback_floor {
    std::size_t lookback_days = 2520; ///< Returns in the long look-back window (> 0).
    var_margin var{};                 ///< The VaR model applied to the look-back volatility.

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        var.validate();
        if (lookback_days == 0)
            spiral::detail::throw_invalid("margin::lookback_floor", "lookback_days", detail::no_row,
                                          lookback_days, "must be > 0");
    }

    /// out[t] = m_t for daily log returns `returns` (one fewer than `base`) and the base margin
    /// series `base` (finite, > 0; `out` as long). Throws for an invalid model, an empty
    /// series, a bad value (naming its index) or a length mismatch.
    void apply(std::span<const double> returns, std::span<const double> base,
               std::span<double> out) const {
        constexpr auto what = "margin::lookback_floor::apply";
        validate();
        detail::validate_series(what, base, out);
        if (returns.size() + 1 != base.size())
            spiral::detail::throw_invalid(what, "returns.size()", detail::no_row, returns.size(),
                                          "must be margin.size() - 1");
        for (std::size_t i = 0; i < returns.size(); ++i)
            detail::require_return(what, "returns", returns[i], i);
        const double k = var.multiplier();
        // The window's sum of squares as scale^2 * sum (r / scale)^2 (LAPACK's dnrm2 form):
        // a running sum would lose the small squares to a large one and, when the large one
        // leaves the window, subtract it from their rounding error. It is recomputed over the
        // window whenever the leaving term is at least half of the sum, at most O(window)
        // work per such day.
        double scale = 0.0, scaled_sum = 0.0;
        const auto add = [&](double r) {
            const double a = spiral::abs(r);
            if (a > scale) {
                scaled_sum = scaled_sum * ((scale / a) * (scale / a)) + 1.0;
                scale = a;
            } else if (a > 0.0) {
                scaled_sum += (a / scale) * (a / scale);
            }
        };
        out[0] = base[0];
        for (std::size_t t = 1; t < base.size(); ++t) {
            add(returns[t - 1]);
            if (t > lookback_days) {
                const double leaving = spiral::abs(returns[t - 1 - lookback_days]);
                const double share = scale > 0.0 ? (leaving / scale) * (leaving / scale) : 0.0;
                if (share >= 0.5 * scaled_sum) { // cancellation: sum the window afresh
                    scale = 0.0;
                    scaled_sum = 0.0;
                    for (std::size_t i = t - lookback_days; i < t; ++i)
                        add(returns[i]);
                } else {
                    scaled_sum -= share;
                }
            }
            const std::size_t count = t < lookback_days ? t : lookback_days;
            const double sigma =
                scale * spiral::sqrt(spiral::max(0.0, scaled_sum) / static_cast<double>(count));
            out[t] = spiral::max(base[t], k * sigma);
        }
    }
};

/// Speed limit: m_0 = target_0, m_t = min(target_t, (1 + max_daily_increase) m_{t-1}):
/// decreases pass through, increases are spread over several days.
struct speed_limit {
    double max_daily_increase = 0.10; ///< Largest rise in one day, a fraction of the margin (>= 0).

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        detail::require_non_negative("margin::speed_limit", "max_daily_increase",
                                     max_daily_increase);
    }

    /// out[t] = m_t for the target margin series `target` (finite, > 0; `out` as long). Throws
    /// for an invalid model, an empty series, a bad value (naming its index) or a length
    /// mismatch.
    void apply(std::span<const double> target, std::span<double> out) const {
        validate();
        detail::validate_series("margin::speed_limit::apply", target, out);
        double m = target[0];
        for (std::size_t t = 0; t < target.size(); ++t) {
            m = t == 0 ? target[0] : spiral::min(target[t], (1.0 + max_daily_increase) * m);
            out[t] = m;
        }
    }
};

/// Procyclicality of a margin series.
struct procyclicality {
    double peak_to_trough;     ///< max m / min m
    double max_n_day_increase; ///< max over t of m_t / m_{t-n} - 1 (0 if the series is shorter)
    std::size_t n_days;        ///< n, the window of max_n_day_increase, in days
};

/// The metrics of a margin series (values finite and > 0). Throws for an empty series, a value
/// out of range (naming its index), or n_days = 0.
inline procyclicality procyclicality_metrics(std::span<const double> margin, std::size_t n_days) {
    constexpr auto what = "margin::procyclicality_metrics";
    detail::require_rows(what, "margin", margin.size());
    if (n_days == 0)
        spiral::detail::throw_invalid(what, "n_days", detail::no_row, n_days, "must be > 0");
    for (std::size_t i = 0; i < margin.size(); ++i)
        detail::require_positive(what, "margin", margin[i], i);
    double high = margin[0], low = margin[0], increase = 0.0;
    for (std::size_t t = 0; t < margin.size(); ++t) {
        high = spiral::max(high, margin[t]);
        low = spiral::min(low, margin[t]);
        if (t >= n_days)
            increase = spiral::max(increase, margin[t] / margin[t - n_days] - 1.0);
    }
    return {high / low, increase, n_days};
}

} // namespace spiral::margin
