// Scenario-grid (portfolio) margin by full Black–Scholes revaluation: the SPAN 16-scenario risk
// array and the crypto portfolio-margin grid (Deribit style, 9 price moves x 3 vol shocks plus
// 8 weighted extended moves = 35 scenarios).
//
// A scenario moves the underlying by `price_move` (a fraction of its price), shifts each
// option's vol up, not at all or down (`vol_direction` +1, 0, -1; the size of the shift comes
// from the grid's `vol_shock`, per option, as it may depend on its expiry), and counts
// `weight` of the resulting P&L. Every option is revalued at the shocked spot and vol, at
// time to expiry minus the grid's look-ahead `horizon_years` (floored at 0):
//   pnl_s  = sum_options q (V(S (1 + move_s), vol_s, T - h) - V(S, vol, T))
//          + sum_linear  q price move_s
//   loss_s = -weight_s pnl_s,   margin = max(0, max_s loss_s),   worst = argmax_s loss_s.
// Options on futures: Black-76 is Black–Scholes with dividend = rate (bs_input).
//
// SPAN (CME, "SPAN methodology"; the scenario order below is CME's standard risk-array order):
//   1-2   price unchanged, vol up / down
//   3-14  price up 1/3, down 1/3, up 2/3, down 2/3, up 3/3, down 3/3 of the price scan range,
//         each with vol up then vol down
//   15-16 extreme move up / down (extreme_multiple x the scan range, usually 2), vol unchanged,
//         counted at extreme_cover of its P&L (usually 35%)
// Crypto portfolio margin (Deribit support article "Portfolio Margin"): price moves evenly
// spaced over [-price_range, +price_range] in 9 points (0 included), each with vol up, same and
// down, the vol shock sized  range * (30 / days to expiry)^power  relative to the vol, with
// one power up to 30 days and another beyond; and an extended table of large moves (-66% ...
// +500%) with vol up only, counted at a fraction of their P&L.
/// \file
/// \ingroup margin
/// \brief Scenario-grid margin by full revaluation: SPAN and crypto portfolio margin.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/margin/checks.hpp>
#include <spiral/options/black_scholes.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace spiral::margin {

/// One stress scenario of a grid.
struct scenario {
    double price_move;    ///< relative move of the underlying: -0.16 = 16% down
    double vol_direction; ///< +1 vol shocked up, 0 unchanged, -1 shocked down
    double weight = 1;    ///< fraction of the scenario's P&L counted (SPAN extremes: 0.35)
};

/// How large the vol shift of a scenario is, per option:
///   s = magnitude * (pivot_days / days)^power,  days = max(min_days, time * days_per_year),
///   power = short_term_power when days <= pivot_days, long_term_power beyond;
///   vol' = max(0, vol + direction * s * (relative ? vol : 1)),  magnitude = up or down.
/// powers 0 and relative = false: a flat shift of `up` / `down` vol points (SPAN).
struct vol_shock {
    double up = 0;               ///< Magnitude of an up shock, in vol points or relative (>= 0).
    double down = 0;             ///< Magnitude of a down shock, in vol points or relative (>= 0).
    bool relative = false;       ///< True: the shock is a fraction of the vol; false: vol points.
    double short_term_power = 0; ///< Power of pivot_days / days up to pivot_days.
    double long_term_power = 0;  ///< Power of pivot_days / days beyond pivot_days.
    double pivot_days = 30;      ///< Days to expiry where the power changes (> 0).
    double days_per_year = 365;  ///< Days per year: converts the option's time to days (> 0).
    double min_days = 1;         ///< Floor of the days to expiry (> 0).

    /// The shocked vol for `direction` +1 (up), -1 (down) or 0; NaN in, NaN out.
    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T shocked(T vol, T time, double direction) const noexcept {
        if (direction == 0)
            return vol;
        using S = scalar_t<T>;
        // Capped at the largest finite value: an overflowed day count would make the power
        // 0 * log(0) = NaN where the power is 0.
        const T days =
            spiral::max(T(S(min_days)), spiral::min(T(spiral::detail::scalar_limits<S>::max),
                                                    time * T(S(days_per_year))));
        const T power =
            select(days <= T(S(pivot_days)), T(S(short_term_power)), T(S(long_term_power)));
        const T scale = spiral::exp(power * spiral::log(T(S(pivot_days)) / days));
        const T size = T(S(direction > 0 ? up : -down)) * scale;
        const T unit = relative ? vol : T(S(1));
        return spiral::max(T(0), vol + size * unit);
    }

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        constexpr auto what = "margin::vol_shock";
        detail::require_non_negative(what, "up", up);
        detail::require_non_negative(what, "down", down);
        detail::require_finite(what, "short_term_power", short_term_power);
        detail::require_finite(what, "long_term_power", long_term_power);
        detail::require_positive(what, "pivot_days", pivot_days);
        detail::require_positive(what, "days_per_year", days_per_year);
        detail::require_positive(what, "min_days", min_days);
    }
};

/// N scenarios, the vol shock they use and the look-ahead time.
template <std::size_t N>
struct scenario_grid {
    std::array<scenario, N> scenarios{}; ///< The scenarios, in the grid's order.
    vol_shock shock{};                   ///< The vol shift of a scenario, per option.
    double horizon_years = 0;            ///< time that passes before revaluation

    /// N, the number of scenarios.
    static constexpr std::size_t size() noexcept { return N; }

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        constexpr auto what = "margin::scenario_grid";
        shock.validate();
        detail::require_non_negative(what, "horizon_years", horizon_years);
        for (std::size_t i = 0; i < N; ++i) {
            const scenario& s = scenarios[i];
            if (!(s.price_move > -1.0 && s.price_move < detail::infinity))
                spiral::detail::throw_invalid(what, "scenarios.price_move", i, s.price_move,
                                              "must be finite and > -1");
            if (!(s.vol_direction == -1.0 || s.vol_direction == 0.0 || s.vol_direction == 1.0))
                spiral::detail::throw_invalid(what, "scenarios.vol_direction", i, s.vol_direction,
                                              "must be -1, 0 or 1");
            detail::require_non_negative(what, "scenarios.weight", s.weight, i);
        }
    }
};

/// SPAN risk-array parameters (CME SPAN; the McMillan S&P example: scan range 20 points at
/// 408, extreme move 2 x 20 points counted at 35%).
struct span_parameters {
    double price_scan_range = 0.05; ///< the 3/3 move, as a fraction of the underlying price
    double vol_scan_range = 0.05;   ///< vol shift, in vol points (absolute; 0.05 = 5 points)
    double extreme_multiple = 2;    ///< extreme move = this x price_scan_range
    double extreme_cover = 0.35;    ///< fraction of the extreme move's P&L counted
    double horizon_days = 1;        ///< look-ahead time (SPAN: one trading day)
    double days_per_year = 365;     ///< Days per year: converts horizon_days to years.

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        constexpr auto what = "margin::span_parameters";
        detail::require_non_negative(what, "price_scan_range", price_scan_range);
        detail::require_non_negative(what, "vol_scan_range", vol_scan_range);
        detail::require_non_negative(what, "extreme_multiple", extreme_multiple);
        if (!(price_scan_range * extreme_multiple < 1.0))
            spiral::detail::throw_invalid(what, "extreme_multiple", detail::no_row,
                                          extreme_multiple, "times price_scan_range must be < 1");
        detail::require_unit(what, "extreme_cover", extreme_cover);
        detail::require_non_negative(what, "horizon_days", horizon_days);
        detail::require_day_count(what, horizon_days, days_per_year);
    }

    /// The 16 scenarios in CME's order (see the file comment).
    constexpr scenario_grid<16> grid() const noexcept {
        scenario_grid<16> g;
        g.scenarios[0] = {0.0, 1.0, 1.0};
        g.scenarios[1] = {0.0, -1.0, 1.0};
        std::size_t k = 2;
        for (int third = 1; third <= 3; ++third)
            for (double sign : {1.0, -1.0})
                for (double vol : {1.0, -1.0})
                    g.scenarios[k++] = {sign * price_scan_range * third / 3.0, vol, 1.0};
        const double extreme = extreme_multiple * price_scan_range;
        g.scenarios[14] = {extreme, 0.0, extreme_cover};
        g.scenarios[15] = {-extreme, 0.0, extreme_cover};
        g.shock = vol_shock{.up = vol_scan_range, .down = vol_scan_range};
        g.horizon_years = horizon_days / days_per_year;
        return g;
    }
};

/// Crypto portfolio-margin parameters (Deribit's published model parameters: price_range
/// 0.16, volatility_range_up 0.5, volatility_range_down 0.25, short_term_vega_power 0.3,
/// long_term_vega_power 0.13; extended moves -66%, -33%, +50%, +100% ... +500%).
/// The extended weights are not published: 0.5 each is this library's default.
struct crypto_pm_parameters {
    double price_range = 0.16;          ///< Largest price move, a fraction of the price, in [0, 1).
    double vol_range_up = 0.5;          ///< Up vol shock at 30 days, a fraction of the vol.
    double vol_range_down = 0.25;       ///< Down vol shock at 30 days, a fraction of the vol.
    double short_term_vega_power = 0.3; ///< Power of 30 / days to expiry up to 30 days.
    double long_term_vega_power = 0.13; ///< Power of 30 / days to expiry beyond 30 days.
    /// The extended price moves, fractions of the price (> -1).
    std::array<double, 8> extended_moves{-0.66, -0.33, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0};
    /// Fraction of each extended move's P&L counted.
    std::array<double, 8> extended_weights{0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    double horizon_days = 0;    ///< Look-ahead time in days before revaluation.
    double days_per_year = 365; ///< Days per year: converts horizon_days to years.

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        constexpr auto what = "margin::crypto_pm_parameters";
        if (!(price_range >= 0.0 && price_range < 1.0))
            spiral::detail::throw_invalid(what, "price_range", detail::no_row, price_range,
                                          "must be in [0, 1)");
        detail::require_non_negative(what, "vol_range_up", vol_range_up);
        detail::require_unit(what, "vol_range_down", vol_range_down);
        for (std::size_t i = 0; i < 8; ++i) {
            if (!(extended_moves[i] > -1.0 && extended_moves[i] < detail::infinity))
                spiral::detail::throw_invalid(what, "extended_moves", i, extended_moves[i],
                                              "must be finite and > -1");
            detail::require_non_negative(what, "extended_weights", extended_weights[i], i);
        }
        detail::require_non_negative(what, "horizon_days", horizon_days);
        detail::require_day_count(what, horizon_days, days_per_year);
    }

    /// 27 scenarios: moves -range, -3/4 range, ..., +range, each with vol up, same, down
    /// (in that order); then the 8 extended moves with vol up and their weights.
    constexpr scenario_grid<35> grid() const noexcept {
        scenario_grid<35> g;
        std::size_t k = 0;
        for (int step = -4; step <= 4; ++step)
            for (double vol : {1.0, 0.0, -1.0})
                g.scenarios[k++] = {price_range * step / 4.0, vol, 1.0};
        for (std::size_t i = 0; i < 8; ++i)
            g.scenarios[k++] = {extended_moves[i], 1.0, extended_weights[i]};
        g.shock = vol_shock{.up = vol_range_up,
                            .down = vol_range_down,
                            .relative = true,
                            .short_term_power = short_term_vega_power,
                            .long_term_power = long_term_vega_power,
                            .days_per_year = days_per_year};
        g.horizon_years = horizon_days / days_per_year;
        return g;
    }
};

/// One option position of a portfolio (`quantity` < 0: short).
struct option_position {
    option_type type;        ///< Call or put.
    bs_input<double> option; ///< The option's inputs (spot, strike, time, rate, dividend, vol).
    double quantity;         ///< Number of options held (< 0: short).
};

/// A position in the underlying itself (spot or a future on it): P&L = quantity price move.
struct linear_position {
    double quantity; ///< Units held (< 0: short).
    double price;    ///< Price of the underlying, in quote units.
};

/// Worst scenario of a grid.
struct grid_result {
    double margin;     ///< max(0, largest weighted loss)
    std::size_t worst; ///< index of the scenario with the largest weighted loss (first if tied)
};

namespace detail {

inline constexpr std::string_view grid_what = "margin::grid_margin";

/// Adds the P&L of one option (theta +1 call / -1 put) in every scenario to pnl[0..N).
template <real T, std::size_t N>
SPIRAL_HD constexpr void add_option_pnl(const scenario_grid<N>& grid, T theta,
                                        const bs_input<T>& in, T quantity, T* pnl) noexcept {
    const T base = spiral::detail::bs_price(spiral::detail::bs_prepare(theta, in));
    const T vol_up = grid.shock.shocked(in.vol, in.time, 1.0);
    const T vol_down = grid.shock.shocked(in.vol, in.time, -1.0);
    bs_input<T> moved = in;
    moved.time = spiral::max(T(0), in.time - spiral::splat<T>(grid.horizon_years));
    for (std::size_t s = 0; s < N; ++s) {
        const scenario& sc = grid.scenarios[s];
        moved.spot = in.spot * spiral::splat<T>(1.0 + sc.price_move);
        moved.vol = sc.vol_direction > 0 ? vol_up : (sc.vol_direction < 0 ? vol_down : in.vol);
        const T value = spiral::detail::bs_price(spiral::detail::bs_prepare(theta, moved));
        pnl[s] = pnl[s] + quantity * (value - base);
    }
}

/// Applies the weights and picks the worst scenario.
template <std::size_t N>
grid_result worst_of(const scenario_grid<N>& grid, const double* pnl) noexcept {
    grid_result r{0.0, 0};
    double worst_loss = -detail::infinity;
    for (std::size_t s = 0; s < N; ++s) {
        const double loss = -grid.scenarios[s].weight * pnl[s];
        if (loss > worst_loss) {
            worst_loss = loss;
            r.worst = s;
        }
    }
    r.margin = worst_loss > 0.0 ? worst_loss : 0.0;
    return r;
}

inline void validate_option_position(const option_position& p, std::size_t i) {
    if (!(p.type == option_type::call || p.type == option_type::put))
        spiral::detail::throw_invalid(grid_what, "options.type", i, static_cast<int>(p.type),
                                      "must be call or put");
    // normal numbers: a subnormal spot or strike has lost its bits, and its revaluation with it
    constexpr auto price_domain = spiral::detail::at_least(2.2250738585072014e-308);
    spiral::detail::require(price_domain, grid_what, "options.spot", p.option.spot, i);
    spiral::detail::require(price_domain, grid_what, "options.strike", p.option.strike, i);
    require_non_negative(grid_what, "options.time", p.option.time, i);
    require_finite(grid_what, "options.rate", p.option.rate, i);
    require_finite(grid_what, "options.dividend", p.option.dividend, i);
    require_non_negative(grid_what, "options.vol", p.option.vol, i);
    require_finite(grid_what, "options.quantity", p.quantity, i);
}

/// Throws, naming the position just added (`field`[i] = `quantity`), when a scenario's P&L is
/// no longer finite: the position's own P&L overflowed, its revaluation left the domain the
/// Black-Scholes kernel serves, or the portfolio's sum overflowed with it. A NaN P&L would
/// otherwise read as a margin of 0.
template <std::size_t N>
void require_finite_pnl(const std::array<double, N>& pnl, std::string_view field, double quantity,
                        std::size_t i) {
    for (std::size_t s = 0; s < N; ++s)
        if (!is_finite(pnl[s])) [[unlikely]]
            spiral::detail::throw_invalid(grid_what, field, i, quantity,
                                          "the portfolio's P&L in scenario " + std::to_string(s) +
                                              " is " + spiral::detail::bound_text(pnl[s]) +
                                              " once this position is added");
}

inline void validate_linear_position(const linear_position& p, std::size_t i) {
    require_finite(grid_what, "linear.quantity", p.quantity, i);
    require_positive(grid_what, "linear.price", p.price, i);
}

} // namespace detail

/// Scenario-grid margin of a portfolio of options and linear positions on one underlying
/// (or on several, taken as moving together), by full revaluation, one option at a time.
/// `scenario_pnl`, when not empty, receives the unweighted portfolio P&L of each scenario
/// (length N). Throws spiral::invalid_argument for an invalid grid, an empty portfolio, an
/// option with spot <= 0, strike <= 0, time < 0, vol < 0 or a non-finite field, a linear
/// position with price <= 0 or a non-finite quantity, or a scenario_pnl of the wrong length.
/// For many options use the bulk form in <spiral/margin/bulk.hpp>.
template <std::size_t N>
grid_result grid_margin(const scenario_grid<N>& grid, std::span<const option_position> options,
                        std::span<const linear_position> linear = {},
                        std::span<double> scenario_pnl = {}) {
    grid.validate();
    if (options.empty() && linear.empty())
        spiral::detail::throw_invalid(detail::grid_what, "options.size() + linear.size()",
                                      detail::no_row, 0, "portfolio must not be empty");
    if (!scenario_pnl.empty() && scenario_pnl.size() != N)
        spiral::detail::throw_invalid(detail::grid_what, "scenario_pnl.size()", detail::no_row,
                                      scenario_pnl.size(), "must be 0 or the number of scenarios");
    for (std::size_t i = 0; i < options.size(); ++i)
        detail::validate_option_position(options[i], i);
    for (std::size_t i = 0; i < linear.size(); ++i)
        detail::validate_linear_position(linear[i], i);

    std::array<double, N> pnl{};
    for (std::size_t i = 0; i < options.size(); ++i) {
        const option_position& p = options[i];
        detail::add_option_pnl(grid, p.type == option_type::call ? 1.0 : -1.0, p.option, p.quantity,
                               pnl.data());
        detail::require_finite_pnl(pnl, "options.quantity", p.quantity, i);
    }
    for (std::size_t i = 0; i < linear.size(); ++i) {
        const linear_position& p = linear[i];
        for (std::size_t s = 0; s < N; ++s)
            pnl[s] += p.quantity * p.price * grid.scenarios[s].price_move;
        detail::require_finite_pnl(pnl, "linear.quantity", p.quantity, i);
    }
    if (!scenario_pnl.empty())
        for (std::size_t s = 0; s < N; ++s)
            scenario_pnl[s] = pnl[s];
    return detail::worst_of(grid, pnl.data());
}

/// SPAN-style combination of published risk arrays: `arrays[i][s]` is the P&L of ONE long
/// contract i in scenario s (gains positive, scenario weights such as the 35% extreme cover
/// already applied, as exchanges publish them), `quantities[i]` the position (negative:
/// short). margin = max(0, max_s -sum_i quantities[i] arrays[i][s]). Throws for empty or
/// mismatched inputs or non-finite values (naming the index).
template <std::size_t N>
grid_result risk_array_margin(std::span<const std::array<double, N>> arrays,
                              std::span<const double> quantities) {
    constexpr auto what = "margin::risk_array_margin";
    detail::require_rows(what, "arrays", arrays.size());
    detail::require_size(what, "quantities", quantities.size(), arrays.size(), "arrays");
    std::array<double, N> loss{};
    for (std::size_t i = 0; i < arrays.size(); ++i) {
        detail::require_finite(what, "quantities", quantities[i], i);
        for (std::size_t s = 0; s < N; ++s) {
            detail::require_finite(what, "arrays", arrays[i][s], i);
            loss[s] -= quantities[i] * arrays[i][s];
        }
        for (std::size_t s = 0; s < N; ++s) // an overflowed loss would read as a margin of inf
            if (!detail::is_finite(loss[s])) [[unlikely]]
                spiral::detail::throw_invalid(
                    what, "quantities", i, quantities[i],
                    "the portfolio's loss in scenario " + std::to_string(s) + " is " +
                        spiral::detail::bound_text(loss[s]) + " once this position is added");
    }
    grid_result r{0.0, 0};
    for (std::size_t s = 1; s < N; ++s)
        if (loss[s] > loss[r.worst])
            r.worst = s;
    r.margin = loss[r.worst] > 0.0 ? loss[r.worst] : 0.0;
    return r;
}

} // namespace spiral::margin
