// cascade::rules — how liquidations are sized, priced and paced.
/// \file
/// \ingroup cascade
/// \brief cascade::rules: how liquidations are sized, priced and paced.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>

#include <cstddef>
#include <limits>
#include <string_view>

namespace spiral::cascade {

/// How much of a liquidatable position one liquidation closes.
enum class sizing {
    close_factor, ///< Aave v3: `close_factor` of the debt, all of it at or below `full_close_below`
    target_health, ///< repay just enough to bring health back to `target_health` (all if
                   ///< impossible)
    full, ///< repay all the debt (full absorption, e.g. a backstop pool at a fixed discount)
};

/// Thresholds that tighten as the volatility the oracle has shown during the cascade rises:
/// every threshold is multiplied by
///
///   m = max(min_multiplier, 1 - sensitivity * max(0, realised_vol - base_vol)),
///
/// ratcheted (m never rises again during a cascade: margins are not relaxed mid-crisis).
/// `realised_vol` is annualised, sqrt(sum of squared log returns of the oracle price since
/// before the shock * days_per_year / max(elapsed days, window_days)), so the shock itself
/// counts. sensitivity = 0 (the default) turns this off. This is the procyclical loop of
/// volatility-driven margins, in the simplest form that keeps every position's threshold in
/// proportion (so the book's order by liquidation price still holds).
struct volatility_tightening {
    double sensitivity = 0;      ///< threshold multiplier lost per unit of annualised vol, >= 0
    double base_vol = 0.8;       ///< annualised vol at which the thresholds apply unchanged, >= 0
    double min_multiplier = 0.5; ///< floor of m, in (0, 1]
    double window_days = 1;      ///< shortest period the realised variance is spread over, > 0
    double days_per_year = 365;  ///< annualisation, > 0
};

/// The liquidation rules. The first four fields are the reference semantics (Aave v3-like; see
/// docs/cascade.md); the rest are off by default and switch on the other mechanisms.
struct rules {
    double close_factor = 0.5;      ///< fraction of the debt repaid per liquidation, (0, 1]
    double full_close_below = 0.95; ///< at or below this health the whole debt is repaid, >= 0
    double bonus = 0.05; ///< liquidation bonus: collateral seized per unit repaid - 1, >= 0
    std::size_t max_rounds = 100000; ///< rounds after which the cascade stops (truncated)

    sizing size_by = sizing::close_factor; ///< how much of the debt a liquidation repays
    double target_health = 1.05;           ///< for sizing::target_health, > 1

    /// Dutch-auction style bonus: bonus + bonus_slope * (1 - health), at most max_bonus.
    double bonus_slope = 0; ///< >= 0
    double max_bonus = 1;   ///< >= bonus

    /// Liquidation speed: at most this many liquidations / this much collateral (asset units)
    /// per round, worst health first (ties: lower book row first); the rest wait.
    std::size_t max_liquidations_per_round = std::numeric_limits<std::size_t>::max();
    double max_collateral_per_round = std::numeric_limits<double>::infinity(); ///< > 0

    /// The oracle shows the market price of this many rounds earlier (before the first round:
    /// the pre-shock price).
    std::size_t oracle_delay = 0;
    /// Length of a round in days: how far a `resilient` curve recovers between rounds and how
    /// realised volatility is annualised.
    double round_days = 1.0 / 144; ///< 10 minutes, > 0

    volatility_tightening tightening{}; ///< thresholds that tighten with realised volatility

    /// Throws spiral::invalid_argument naming the first field out of its domain.
    void validate() const;
};

namespace detail {
inline void require_rule(bool ok, std::string_view field, double value, std::string_view why) {
    if (!ok)
        spiral::detail::throw_invalid("cascade::rules", field, spiral::detail::no_row, value, why);
}
} // namespace detail

inline void rules::validate() const {
    using namespace spiral::detail;
    constexpr std::string_view what = "cascade::rules";
    require(in_left_open(0, 1), what, "close_factor", close_factor);
    require(non_negative, what, "full_close_below", full_close_below);
    require(non_negative, what, "bonus", bonus);
    // An enum read from a file or cast from an integer: anything else would size as target_health.
    require_enum(what, "size_by", size_by, 3);
    require(above(1), what, "target_health", target_health);
    require(non_negative, what, "bonus_slope", bonus_slope);
    require(at_least(bonus), what, "max_bonus", max_bonus);
    // +inf (the default) is no cap; a cap too small to seize anything liquidates nothing.
    if (!(max_collateral_per_round > 0)) // NaN fails too
        throw_invalid(what, "max_collateral_per_round", no_row, max_collateral_per_round,
                      "must be > 0; +inf is no cap");
    require_count(what, "max_liquidations_per_round", max_liquidations_per_round, 1,
                  std::numeric_limits<std::size_t>::max());
    require(positive, what, "round_days", round_days);
    const volatility_tightening& v = tightening;
    require(non_negative, what, "tightening.sensitivity", v.sensitivity);
    require(non_negative, what, "tightening.base_vol", v.base_vol);
    require(in_left_open(0, 1), what, "tightening.min_multiplier", v.min_multiplier);
    require(positive, what, "tightening.window_days", v.window_days);
    require(positive, what, "tightening.days_per_year", v.days_per_year);
}

/// Fraction of the debt one liquidation repays at health `h` under `r` (before any cap).
template <real T>
SPIRAL_HD constexpr T close_fraction(const rules& r, T h, T threshold, T bonus) noexcept {
    const T full = T(1);
    const auto deep = h <= spiral::splat<T>(r.full_close_below);
    if (r.size_by == sizing::full)
        return full;
    if (r.size_by == sizing::close_factor)
        return spiral::select(deep, full, spiral::splat<T>(r.close_factor));
    // Target health H: after repaying R and seizing R (1 + b) / price, health is
    // (h d - R (1 + b) t) / (d - R) = H  =>  R / d = (H - h) / (H - (1 + b) t).
    // When H <= (1 + b) t no repayment reaches H (each one lowers health): close it all.
    const T target = spiral::splat<T>(r.target_health);
    const T room = target - (T(1) + bonus) * threshold;
    const T wanted = spiral::clamp((target - h) / room, T(0), full);
    return spiral::select(deep || !(room > T(0)), full, wanted);
}

/// The bonus at health `h`: bonus + bonus_slope * max(0, 1 - h), at most max_bonus.
template <real T>
SPIRAL_HD constexpr T bonus_at(const rules& r, T h) noexcept {
    using S = scalar_t<T>;
    const T slope_part = T(static_cast<S>(r.bonus_slope)) * spiral::max(T(0), T(1) - h);
    return spiral::min(T(static_cast<S>(r.max_bonus)), T(static_cast<S>(r.bonus)) + slope_part);
}

} // namespace spiral::cascade
