// capital::parameter_policy — a liquidation threshold that moves over time with observed
// volatility and utilisation, rate-limited like Aave's Risk Stewards.
/// \file
/// \ingroup capital
/// \brief capital::parameter_policy: a target rule for the liquidation threshold (EWMA
/// volatility and utilisation) behind rate limits (largest change per update, shortest interval
/// between updates, bounds, resolution), and apply_policy, the parameter path over a history.
#pragma once

#include <spiral/cascade/price_path.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

namespace spiral::capital {

/// The target rule: the liquidation threshold the policy would like, from the annualised EWMA
/// volatility sigma of the collateral price and the venue's utilisation u:
///
///   target = base - vol_slope (sigma - reference_vol) - utilisation_slope max(0, u - kink),
///
/// then clamped to the rate limits' bounds. Calmer than the reference, the threshold loosens;
/// more volatile, it tightens. sigma follows the EWMA of squared log returns, each annualised
/// by its step's length: a_k = lambda a_{k-1} + (1 - lambda) r_k^2 days_per_year / dt_k,
/// sigma_k = sqrt(a_k), a_0 = initial_vol^2 (RiskMetrics' filter on a variance rate, so
/// irregular steps weigh their returns by their length).
struct policy_target {
    double base = 0.825;          ///< threshold at the reference volatility, in (0, 1]
    double reference_vol = 0.8;   ///< annualised volatility at which the target is `base`, >= 0
    double vol_slope = 0.1;       ///< threshold lost per unit of annualised volatility, >= 0
    double kink = 0.8;            ///< utilisation above which the target tightens, in [0, 1]
    double utilisation_slope = 0; ///< threshold lost per unit of utilisation above the kink, >= 0
    double lambda = 0.94;         ///< EWMA decay per observation, in (0, 1)
    double initial_vol = 0.8;     ///< annualised volatility before the first return, >= 0
    double days_per_year = 365;   ///< annualisation, > 0

    /// Throws spiral::invalid_argument naming "capital::policy_target", the field and value.
    void validate() const {
        using namespace spiral::detail;
        constexpr std::string_view what = "capital::policy_target";
        require(in_left_open(0, 1), what, "base", base);
        require(non_negative, what, "reference_vol", reference_vol);
        require(non_negative, what, "vol_slope", vol_slope);
        require(in_closed(0, 1), what, "kink", kink);
        require(non_negative, what, "utilisation_slope", utilisation_slope);
        require(in_open(0, 1), what, "lambda", lambda);
        require(non_negative, what, "initial_vol", initial_vol);
        require(positive, what, "days_per_year", days_per_year);
    }

    /// The unclamped target at annualised volatility `vol` and utilisation `u`.
    constexpr double operator()(double vol, double u) const noexcept {
        const double over = u > kink ? u - kink : 0.0;
        return base - vol_slope * (vol - reference_vol) - utilisation_slope * over;
    }
};

/// The rate limits on the applied threshold, after Aave's Risk Stewards (aave-dao
/// aave-v3-risk-stewards; Aave Generalized Risk Stewards, governance ARFC, 2024): every risk
/// parameter has a `minDelay`, the least time between two updates of it in either direction,
/// and a `maxPercentChange` per update, absolute in basis points for LTV, liquidation
/// threshold and bonus, relative for caps. Here both kinds may be set (the tighter one holds),
/// with bounds the value never leaves and a resolution (Aave's parameters are whole basis
/// points: 1e-4). +inf and 0 switch a limit off.
struct rate_limits {
    /// Largest change per update in threshold units (0.005 = 50 basis points), > 0; +inf: none.
    double max_absolute_change = std::numeric_limits<double>::infinity();
    /// Largest change per update as a share of the value in force, > 0; +inf: none.
    double max_relative_change = std::numeric_limits<double>::infinity();
    double min_interval_days = 0; ///< least time between two updates (days), >= 0
    double lower = 0.01;          ///< the lowest threshold allowed, in (0, upper]
    double upper = 1;             ///< the highest threshold allowed, in [lower, 1]
    /// Changes are whole multiples of this (truncated toward the value in force), >= 0; 0: any.
    double resolution = 1e-4;

    /// Throws spiral::invalid_argument naming "capital::rate_limits", the field and value.
    void validate() const {
        using namespace spiral::detail;
        constexpr std::string_view what = "capital::rate_limits";
        if (!(max_absolute_change > 0)) // NaN fails too; +inf is no limit
            throw_invalid(what, "max_absolute_change", no_row, max_absolute_change,
                          "must be > 0; +inf is no limit");
        if (!(max_relative_change > 0))
            throw_invalid(what, "max_relative_change", no_row, max_relative_change,
                          "must be > 0; +inf is no limit");
        require(non_negative, what, "min_interval_days", min_interval_days);
        require(in_left_open(0, 1), what, "lower", lower);
        require(in_closed(lower, 1), what, "upper", upper);
        require(non_negative, what, "resolution", resolution);
    }
};

/// A parameter policy: a target rule, the rate limits, and the threshold in force at the start.
struct parameter_policy {
    policy_target target{}; ///< what the policy aims at
    rate_limits limits{};   ///< how fast and how far the applied value may follow
    double initial = 0.825; ///< the threshold in force before the first update, in the bounds

    /// Throws spiral::invalid_argument naming the first field out of its domain.
    void validate() const {
        target.validate();
        limits.validate();
        spiral::detail::require(spiral::detail::in_closed(limits.lower, limits.upper),
                                "capital::parameter_policy", "initial", initial);
    }
};

/// The venue's utilisation along the history: one value per point of the path, or a constant.
struct utilisation_series {
    std::span<const double> values = {}; ///< per point, in [0, 1] (empty: `constant`)
    double constant = 0;                 ///< used when `values` is empty, in [0, 1]

    /// The utilisation at point k.
    double at(std::size_t k) const noexcept { return values.empty() ? constant : values[k]; }
};

/// One update of the applied threshold.
struct parameter_update {
    std::size_t point = 0; ///< the point whose close decided it (in force from step point + 1)
    double time = 0;       ///< days from the start of the path to that point
    double target = 0;     ///< the clamped target then
    double from = 0;       ///< the value in force before
    double to = 0;         ///< the value in force after
};

/// The parameter path of apply_policy: per point k of the history, the volatility seen, the
/// target and the value applied after point k's decision (in force for step k + 1).
struct policy_path {
    std::vector<double> volatility;        ///< annualised EWMA volatility at each point
    std::vector<double> target;            ///< the target at each point, clamped to the bounds
    std::vector<double> applied;           ///< the value in force after each point's decision
    std::vector<parameter_update> updates; ///< every change, in time order
    std::size_t held_by_interval = 0; ///< points where the target differed but the interval held
    std::size_t limited_by_step = 0;  ///< updates cut short by the largest change per update
};

/// The policy as a state machine fed one point at a time (no allocation): what apply_policy
/// runs, for callers that step along a history themselves.
class policy_state {
public:
    /// Starts at the policy's initial value and volatility; `first_price` is point 0's price.
    /// The policy is not validated here (apply_policy does it).
    policy_state(const parameter_policy& p, double first_price) noexcept
        : p_(p), last_price_(first_price), variance_(p.target.initial_vol * p.target.initial_vol),
          applied_(p.initial) {}

    /// What one point's decision did.
    struct decision {
        double volatility; ///< annualised EWMA volatility after the point's return
        double target;     ///< the target, clamped to the bounds
        double applied;    ///< the value in force after the decision
        bool updated;      ///< the value changed
        bool held;         ///< the target differed but the minimum interval had not passed
        bool limited;      ///< the change was cut to the largest change per update
    };

    /// Observes point k: its price, the length of the step that led to it (days; ignored at
    /// point 0), the utilisation and the time (days from the start), and decides. At point 0
    /// no return is observed.
    decision observe(double price, double step_days, double utilisation, double time,
                     bool first = false) noexcept {
        const policy_target& t = p_.target;
        const rate_limits& l = p_.limits;
        if (!first) {
            const double r = std::log(price / last_price_);
            variance_ = t.lambda * variance_ + (1 - t.lambda) * r * r * t.days_per_year / step_days;
        }
        last_price_ = price;
        const double vol = std::sqrt(variance_);
        double target = t(vol, utilisation);
        target = target < l.lower ? l.lower : (target > l.upper ? l.upper : target);
        decision d{vol, target, applied_, false, false, false};
        double change = target - applied_;
        if (change == 0)
            return d;
        // minDelay: measured from the last update (none yet: any time); 1e-9 days of slack
        // absorbs the rounding of k * step_days.
        if (has_updated_ && time - last_update_ < l.min_interval_days - 1e-9) {
            d.held = true;
            return d;
        }
        double step = l.max_absolute_change;
        const double relative = l.max_relative_change * applied_;
        step = relative < step ? relative : step;
        if (change > step) {
            change = step;
            d.limited = true;
        } else if (change < -step) {
            change = -step;
            d.limited = true;
        }
        if (l.resolution > 0)
            change = std::trunc(change / l.resolution) * l.resolution;
        if (change == 0)
            return d;
        double next = applied_ + change;
        next = next < l.lower ? l.lower : (next > l.upper ? l.upper : next);
        if (next == applied_)
            return d;
        applied_ = next;
        last_update_ = time;
        has_updated_ = true;
        d.applied = next;
        d.updated = true;
        return d;
    }

    /// The value in force now.
    double applied() const noexcept { return applied_; }

private:
    parameter_policy p_;
    double last_price_;
    double variance_;
    double applied_;
    double last_update_ = 0;
    bool has_updated_ = false;
};

/// Runs `policy` along the history `path` (its prices, and its step lengths: step_days or
/// times) with the venue's utilisation `u`: at each point k = 0 .. n - 1 the policy sees the
/// prices up to k (never later ones), updates its EWMA volatility with the return into k,
/// computes the target and, where the rate limits allow, moves the applied value toward it:
///  - no update within `min_interval_days` of the last one (the first may come at any point);
///  - a change of at most min(max_absolute_change, max_relative_change * value in force);
///  - truncated toward the value in force to a multiple of `resolution`;
///  - the target and the value stay within [lower, upper].
/// The value decided at point k is in force for the engine's step k + 1 (no look-ahead). With
/// no limits (infinite changes, no interval, resolution 0, bounds [t, 1] below every target),
/// the applied value is the target. Deterministic; allocates only the result.
/// Throws spiral::invalid_argument naming "capital::apply_policy" (or the struct), the field,
/// the index and the value: a bad policy, a non-positive price, bad times, a utilisation
/// outside [0, 1] or of the wrong length.
inline policy_path apply_policy(const parameter_policy& policy, const cascade::price_path& path,
                                const utilisation_series& u = {}) {
    constexpr std::string_view what = "capital::apply_policy";
    using namespace spiral::detail;
    policy.validate();
    path.validate(what);
    require_size_or_empty(what, "utilisation.values", u.values.size(), path.prices.size());
    if (u.values.empty())
        require(in_closed(0, 1), what, "utilisation.constant", u.constant);
    for (std::size_t k = 0; k < u.values.size(); ++k)
        require(in_closed(0, 1), what, "utilisation.values", u.values[k], k);

    const std::size_t n = path.prices.size();
    policy_path out;
    out.volatility.resize(n);
    out.target.resize(n);
    out.applied.resize(n);
    policy_state state(policy, path.price(0));
    for (std::size_t k = 0; k < n; ++k) {
        const double dt = k == 0 ? 1.0 : path.step_length(k);
        const double before = state.applied();
        const policy_state::decision d =
            state.observe(path.price(k), dt, u.at(k), path.time(k), k == 0);
        out.volatility[k] = d.volatility;
        out.target[k] = d.target;
        out.applied[k] = d.applied;
        out.held_by_interval += d.held ? 1 : 0;
        if (d.updated) {
            out.limited_by_step += d.limited ? 1 : 0;
            out.updates.push_back({k, path.time(k), d.target, before, d.applied});
        }
    }
    return out;
}

} // namespace spiral::capital
