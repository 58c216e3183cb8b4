// Bulk margin over columns: the per-position option rule and the scenario-grid revaluation of
// a whole portfolio.
//
//   spiral::margin::position_requirement(rule, {type, quantity, spot, strike, mark},
//                                        {.initial = im, .maintenance = mm});
//   auto r = spiral::margin::grid_margin(grid, {.options = {type, spot, ...}, .quantity = q});
//
// The bulk forms of the element functions `position_requirement` and `grid_margin`: the rows
// run through the library's one column loop (core/bulk.hpp) and its contract — the row count
// is the first column's length, sizes are checked before anything is written, values are
// checked as they are loaded and the first bad one is named ("margin::grid_margin:
// options.vol[3] = -1 (must be finite and >= 0)"); rows before it may already hold their
// results, it and the rows after it do not. They allocate nothing.
//
// Linking spiral::simd (SPIRAL_SIMD=1) runs the rows on groups of xsimd batches; otherwise a
// scalar loop runs the same kernels.
/// \file
/// \ingroup margin
/// \brief Bulk margin over columns: the per-position option rule and scenario-grid revaluation.
#pragma once

#include <spiral/core/bulk.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/detail/same_simd_choice.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/core/target.hpp>
#include <spiral/margin/option_rule.hpp>
#include <spiral/margin/scenario_grid.hpp>
#include <spiral/options/black_scholes.hpp>
#include <spiral/options/bulk.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <tuple>

namespace spiral::margin {

/// Columns of option positions for the per-position rule; all as long as `type`.
/// quantity < 0: short. mark: the option's price in the quote currency.
struct option_rule_columns {
    std::span<const option_type> type{}; ///< Call or put; its length is the row count.
    std::span<const double> quantity{};  ///< Number of options held (< 0: short).
    std::span<const double> spot{};      ///< Underlying (index) price, in quote units (> 0).
    std::span<const double> strike{};    ///< Strike price, in quote units (> 0).
    std::span<const double> mark{};      ///< The option's mark price, in quote units (>= 0).
};

/// Output columns of the per-position rule: each empty (not wanted) or as long as the inputs.
struct requirement_columns {
    std::span<double> initial{};     ///< Initial requirement of each row, in quote units.
    std::span<double> maintenance{}; ///< Maintenance requirement of each row, in quote units.
};

/// A portfolio as columns: options (bs_columns) with their quantities, and optionally linear
/// positions (spot or futures on the underlying: quantity, price).
struct portfolio_columns {
    bs_columns options{};                      ///< The options' Black–Scholes inputs.
    std::span<const double> quantity{};        ///< Number of each option held (< 0: short).
    std::span<const double> linear_quantity{}; ///< Units of each linear position (may be empty).
    std::span<const double> linear_price{};    ///< Price of each linear position, in quote units.
};

namespace detail {

// ------------------------------------------------------------------ per-position rule

/// The columns of `position_requirement`, in the order values are checked.
struct option_rule_column_set {
    using scalar = double;
    static constexpr std::array<bulk::column_spec, 5> inputs{{
        {.name = "type", .domain = spiral::detail::in_closed(-1, 1), .padding = 1.0},
        {.name = "quantity", .padding = 0.0},
        {.name = "spot", .domain = spiral::detail::positive, .padding = 1.0},
        {.name = "strike", .domain = spiral::detail::positive, .padding = 1.0},
        {.name = "mark", .domain = spiral::detail::non_negative, .padding = 0.0},
    }};
    static constexpr std::array<bulk::output_spec, 2> outputs{{{"initial"}, {"maintenance"}}};
};

/// One step of the rule: |quantity| x the short requirement for short rows, 0 for long ones.
/// The rule is held by value (see haircut_step).
struct option_rule_step {
    option_rule rule;

    template <real T>
    std::array<T, 2> operator()(T sign, T quantity, T spot, T strike, T mark) const noexcept {
        const T is_call = (sign + T(1)) * T(0.5); // the type lane is +1 (call) or -1 (put)
        const requirement<T> one =
            short_option_requirement_signed(rule, is_call, spot, strike, mark);
        return {short_part(quantity, one.initial), short_part(quantity, one.maintenance)};
    }
};

template <class Target>
void position_requirement_columns(const option_rule& rule, const option_rule_columns& in,
                                  const requirement_columns& out,
                                  std::string_view what = "margin::position_requirement") {
    using set = option_rule_column_set;
    rule.validate();
    const std::tuple inputs{in.type, in.quantity, in.spot, in.strike, in.mark};
    const std::array<std::span<double>, 2> outputs{out.initial, out.maintenance};
    const std::size_t n = bulk::rows<set>(what, inputs, outputs);
    option_rule_step step{rule};
    bulk::for_each_step<Target, set, true>(what, step, n, inputs, outputs);
}

// ------------------------------------------------------------------ scenario grid

/// The option columns of `grid_margin`, in the order values are checked.
struct portfolio_column_set {
    using scalar = double;
    static constexpr std::array<bulk::column_spec, 8> inputs{{
        {.name = "options.type", .domain = spiral::detail::in_closed(-1, 1), .padding = 1.0},
        {.name = "options.spot", .domain = spiral::detail::bs_price_level, .padding = 1.0},
        {.name = "options.strike", .domain = spiral::detail::bs_price_level, .padding = 1.0},
        {.name = "options.time", .domain = spiral::detail::bs_time, .padding = 1.0},
        {.name = "options.rate", .domain = spiral::detail::bs_carry, .padding = 0.0},
        {.name = "options.dividend", .domain = spiral::detail::bs_carry, .padding = 0.0},
        {.name = "options.vol", .domain = spiral::detail::bs_vol, .padding = 0.5},
        {.name = "quantity", .padding = 0.0}, // padded rows hold nothing
    }};
    static constexpr std::array<bulk::output_spec, 0> outputs{};
};

/// One step of the revaluation: adds every scenario's P&L of the step's options to `pnl`.
template <real T, std::size_t N>
struct grid_step {
    scenario_grid<N> grid; // by value, as the loop copies every kernel (see bulk::for_each_step)
    std::array<T, N> pnl{};

    std::array<T, 0> operator()(T sign, T spot, T strike, T time, T rate, T dividend, T vol,
                                T quantity) noexcept {
        constexpr unsigned price_only = spiral::detail::bs_need_cdf1 | spiral::detail::bs_need_cdf2;
        const bs_input<T> in{spot, strike, time, rate, dividend, vol};
        const T base = spiral::detail::black_scholes_first_order<price_only, false>(sign, in).price;
        const T vol_up = grid.shock.shocked(in.vol, in.time, 1.0);
        const T vol_down = grid.shock.shocked(in.vol, in.time, -1.0);
        bs_input<T> moved = in;
        moved.time = spiral::max(T(0), in.time - splat<T>(grid.horizon_years));
        for (std::size_t s = 0; s < N; ++s) {
            const scenario& sc = grid.scenarios[s];
            moved.spot = in.spot * splat<T>(1.0 + sc.price_move);
            moved.vol = sc.vol_direction > 0 ? vol_up : (sc.vol_direction < 0 ? vol_down : in.vol);
            const T value =
                spiral::detail::black_scholes_first_order<price_only, false>(sign, moved).price;
            pnl[s] = pnl[s] + quantity * (value - base);
        }
        return {};
    }
};

/// Cold path: the portfolio's P&L came out NaN or infinite (a position's P&L overflowed or the
/// sum did). Adds the positions again one by one, each through the bulk kernel on a step of
/// one row (so that this code too is built for `Target`), and names the first after which a
/// scenario's P&L is no longer finite, as the element `grid_margin` does: a NaN must not read
/// as a margin of 0.
template <class Target, std::size_t N>
SPIRAL_COLD void throw_first_overflowing_position(const scenario_grid<N>& grid,
                                                  const portfolio_columns& in) {
    using T = bulk::step_t<Target, double>;
    const bs_columns& o = in.options;
    std::array<double, N> pnl{};
    for (std::size_t i = 0; i < in.quantity.size(); ++i) {
        const auto row = [i](auto column) { return column.subspan(i, 1); };
        const std::tuple inputs{row(o.type), row(o.spot),     row(o.strike), row(o.time),
                                row(o.rate), row(o.dividend), row(o.vol),    row(in.quantity)};
        grid_step<T, N> step{grid};
        bulk::for_each_step<Target, portfolio_column_set, false>(grid_what, step, 1, inputs, {});
        for (std::size_t s = 0; s < N; ++s)
            pnl[s] += bulk::sum_lanes(step.pnl[s]);
        require_finite_pnl(pnl, "quantity", in.quantity[i], i);
    }
    for (std::size_t j = 0; j < in.linear_quantity.size(); ++j) {
        for (std::size_t s = 0; s < N; ++s)
            pnl[s] += in.linear_quantity[j] * in.linear_price[j] * grid.scenarios[s].price_move;
        require_finite_pnl(pnl, "linear_quantity", in.linear_quantity[j], j);
    }
    // The running sums of the full pass went in another order; name the portfolio when these
    // stayed finite.
    spiral::detail::throw_invalid(grid_what, "quantity", spiral::detail::no_row,
                                  static_cast<double>(in.quantity.size()),
                                  "the portfolio's P&L is not finite in some scenario");
}

/// The portfolio's unweighted P&L per scenario, into pnl[0..N); throws for bad input (see
/// grid_margin below) before returning.
template <class Target, std::size_t N>
void portfolio_pnl(const scenario_grid<N>& grid, const portfolio_columns& in, double* pnl) {
    using set = portfolio_column_set;
    constexpr std::string_view what = grid_what;
    const bs_columns& o = in.options;
    const std::tuple inputs{o.type, o.spot,     o.strike, o.time,
                            o.rate, o.dividend, o.vol,    in.quantity};
    const std::size_t n = bulk::rows<set>(what, inputs, std::array<std::span<double>, 0>{});
    const std::size_t m = in.linear_quantity.size();
    spiral::detail::require_size(what, "linear_price", in.linear_price.size(), m,
                                 "linear_quantity");
    for (std::size_t i = 0; i < m; ++i) {
        spiral::detail::require(spiral::detail::finite, what, "linear_quantity",
                                in.linear_quantity[i], i);
        spiral::detail::require(spiral::detail::positive, what, "linear_price", in.linear_price[i],
                                i);
    }
    if (n == 0 && m == 0)
        spiral::detail::throw_invalid(what, "options.type.size() + linear_quantity.size()",
                                      spiral::detail::no_row, 0, "portfolio must not be empty");

    using T = bulk::step_t<Target, double>;
    grid_step<T, N> step{grid};
    bulk::for_each_step<Target, set, true>(what, step, n, inputs, {});
    for (std::size_t s = 0; s < N; ++s)
        pnl[s] = bulk::sum_lanes(step.pnl[s]);
    for (std::size_t j = 0; j < m; ++j)
        for (std::size_t s = 0; s < N; ++s)
            pnl[s] += in.linear_quantity[j] * in.linear_price[j] * grid.scenarios[s].price_move;
    for (std::size_t s = 0; s < N; ++s)
        if (!is_finite(pnl[s])) [[unlikely]]
            throw_first_overflowing_position<Target>(grid, in);
}

} // namespace detail

/// Initial and maintenance requirement of each row under the per-position rule (0 for long
/// rows, |quantity| x the short requirement otherwise), into the non-empty columns of `out`.
/// Throws spiral::invalid_argument for an invalid rule or mismatched lengths (before writing
/// anything), or at the first row with a type other than call or put, a non-finite quantity,
/// spot or strike <= 0, mark < 0, or NaN/infinity anywhere (that row and the rows after it
/// are not written). The last parameter only puts the CPU target into the function's type.
inline void position_requirement(const option_rule& rule, const option_rule_columns& in,
                                 const requirement_columns& out, bulk_target = {}) {
    detail::position_requirement_columns<bulk_target>(rule, in, out);
}

/// The former name of `position_requirement` over columns (kept working; see CHANGELOG).
inline void option_rule_margin(const option_rule& rule, const option_rule_columns& in,
                               std::span<double> initial, std::span<double> maintenance,
                               bulk_target = {}) {
    detail::position_requirement_columns<bulk_target>(rule, in, {initial, maintenance},
                                                      "margin::option_rule_margin");
}

/// Scenario-grid margin of a portfolio given as columns (see the element `grid_margin` in
/// <spiral/margin/scenario_grid.hpp> for the definition); `scenario_pnl`, when not empty,
/// receives each scenario's unweighted P&L. Throws spiral::invalid_argument, before anything is
/// written, for an invalid grid, an empty portfolio, mismatched column lengths, an option input
/// outside the domain of the bulk Black–Scholes call (see `black_scholes(bs_columns, ...)`:
/// "margin::grid_margin: options.vol[3] = -1 (must be 0 or in [1e-08, 100])"), a non-finite
/// quantity, a linear price <= 0.
template <std::size_t N>
grid_result grid_margin(const scenario_grid<N>& grid, const portfolio_columns& in,
                        std::span<double> scenario_pnl = {}, bulk_target = {}) {
    grid.validate();
    if (!scenario_pnl.empty() && scenario_pnl.size() != N)
        spiral::detail::throw_invalid(detail::grid_what, "scenario_pnl.size()",
                                      spiral::detail::no_row, scenario_pnl.size(),
                                      "must be 0 or the number of scenarios");
    std::array<double, N> pnl;
    detail::portfolio_pnl<bulk_target>(grid, in, pnl.data());
    if (!scenario_pnl.empty())
        for (std::size_t s = 0; s < N; ++s)
            scenario_pnl[s] = pnl[s];
    return detail::worst_of(grid, pnl.data());
}

} // namespace spiral::margin
