// Bulk margin over columns: the per-position option rule and the scenario-grid revaluation of
// a whole portfolio.
//
//   spiral::margin::option_rule_margin(rule, {type, quantity, spot, strike, mark}, im, mm);
//   auto r = spiral::margin::grid_margin(grid, {.options = {type, spot, ...}, .quantity = q});
//
// Both validate every input first and throw spiral::invalid_argument naming the column, the
// row and the value; then a noexcept kernel runs. They allocate nothing.
//
// SIMD: include <spiral/simd.hpp> (and link spiral::simd) *before* this header, and rows are
// processed in xsimd batches (groups of batches for the revaluation, see options/bulk.hpp);
// otherwise a scalar loop runs the same kernel. The entry points live in an inline namespace
// named after that choice (`margin_bulk_scalar`, `margin_bulk_avx512bw`, ...).
#pragma once

#include <spiral/core/bulk_abi.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/margin/checks.hpp>
#include <spiral/margin/option_rule.hpp>
#include <spiral/margin/scenario_grid.hpp>
#include <spiral/options/black_scholes.hpp>
#include <spiral/options/bulk.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#define SPIRAL_MARGIN_BULK_ABI SPIRAL_BULK_NAME(margin_bulk)

namespace spiral::margin {

/// Columns of option positions for the per-position rule; all the same length.
/// quantity < 0: short. mark: the option's price in the quote currency.
struct option_rule_columns {
    std::span<const option_type> type{};
    std::span<const double> quantity{}, spot{}, strike{}, mark{};
};

/// A portfolio as columns: options (bs_columns) with their quantities, and optionally linear
/// positions (spot or futures on the underlying: quantity, price).
struct portfolio_columns {
    bs_columns options{};
    std::span<const double> quantity{};
    std::span<const double> linear_quantity{}, linear_price{};
};

namespace detail {

inline constexpr std::string_view rule_what = "margin::option_rule_margin";

/// `T` loaded from `p` (one value, or a batch of consecutive values).
template <real T>
T load_values(const double* p) noexcept {
    if constexpr (std::floating_point<T>)
        return *p;
    else
        return T::load_unaligned(p);
}

template <real T>
void store_values(const T& v, double* p) noexcept {
    if constexpr (std::floating_point<T>)
        *p = v;
    else
        v.store_unaligned(p);
}

/// Sum of the lanes of `v`, in lane order.
template <real T>
double sum_lanes(const T& v) noexcept {
    if constexpr (std::floating_point<T>) {
        return v;
    } else {
        alignas(64) double lane[lanes<T>];
        v.store_unaligned(lane);
        double sum = 0.0;
        for (std::size_t k = 0; k < lanes<T>; ++k)
            sum += lane[k];
        return sum;
    }
}

#if SPIRAL_BULK_USES_SIMD
using margin_batch = spiral::detail::bulk_batch;
#else
using margin_batch = double;
#endif

// ------------------------------------------------------------------ per-position rule

inline std::size_t validate_rule_columns(const option_rule_columns& in,
                                         std::span<const double> initial,
                                         std::span<const double> maintenance) {
    const std::size_t n = in.type.size();
    require_size(rule_what, "quantity", in.quantity.size(), n, "type");
    require_size(rule_what, "spot", in.spot.size(), n, "type");
    require_size(rule_what, "strike", in.strike.size(), n, "type");
    require_size(rule_what, "mark", in.mark.size(), n, "type");
    if (!initial.empty())
        require_size(rule_what, "initial", initial.size(), n, "type");
    if (!maintenance.empty())
        require_size(rule_what, "maintenance", maintenance.size(), n, "type");
    for (std::size_t i = 0; i < n; ++i) {
        if (!(in.type[i] == option_type::call || in.type[i] == option_type::put))
            spiral::detail::throw_invalid(rule_what, "type", i, static_cast<int>(in.type[i]),
                                          "must be call or put");
        require_finite(rule_what, "quantity", in.quantity[i], i);
        require_positive(rule_what, "spot", in.spot[i], i);
        require_positive(rule_what, "strike", in.strike[i], i);
        require_non_negative(rule_what, "mark", in.mark[i], i);
    }
    return n;
}

/// Rows [begin, end) with T = double or a batch (whole steps of lanes<T> only).
template <real T>
void rule_rows(const option_rule& rule, const option_rule_columns& in, std::span<double> initial,
               std::span<double> maintenance, std::size_t begin, std::size_t end) noexcept {
    constexpr std::size_t width = lanes<T>;
    alignas(64) double is_call[width];
    for (std::size_t i = begin; i + width <= end; i += width) {
        for (std::size_t k = 0; k < width; ++k)
            is_call[k] = in.type[i + k] == option_type::call ? 1.0 : 0.0;
        const T q = load_values<T>(in.quantity.data() + i);
        const requirement<T> one = short_option_requirement_signed(
            rule, load_values<T>(is_call), load_values<T>(in.spot.data() + i),
            load_values<T>(in.strike.data() + i), load_values<T>(in.mark.data() + i));
        const T short_size = spiral::max(T(0), -q);
        if (!initial.empty())
            store_values(short_size * one.initial, initial.data() + i);
        if (!maintenance.empty())
            store_values(short_size * one.maintenance, maintenance.data() + i);
    }
}

template <bool Simd>
void rule_compute(const option_rule& rule, const option_rule_columns& in, std::span<double> initial,
                  std::span<double> maintenance, std::size_t n) noexcept {
    std::size_t done = 0;
#if SPIRAL_BULK_USES_SIMD
    if constexpr (Simd) {
        using B = xsimd::batch<double>;
        done = n - n % B::size;
        rule_rows<B>(rule, in, initial, maintenance, 0, done);
    }
#endif
    rule_rows<double>(rule, in, initial, maintenance, done, n);
}

// ------------------------------------------------------------------ scenario grid

/// Adds every scenario's P&L of rows [i, i + lanes<T>) (pointers already offset) to acc.
template <real T, std::size_t N>
SPIRAL_BULK_FLATTEN void grid_step(const scenario_grid<N>& grid, const double* theta,
                                   const double* spot, const double* strike, const double* time,
                                   const double* rate, const double* dividend, const double* vol,
                                   const double* quantity, T* acc) noexcept {
    constexpr unsigned price_only = spiral::detail::bs_need_cdf1 | spiral::detail::bs_need_cdf2;
    using S = scalar_t<T>;
    const T sign = load_values<T>(theta);
    const bs_input<T> in{load_values<T>(spot), load_values<T>(strike),   load_values<T>(time),
                         load_values<T>(rate), load_values<T>(dividend), load_values<T>(vol)};
    const T q = load_values<T>(quantity);
    const T base = spiral::detail::black_scholes_first_order<price_only, false>(sign, in).price;
    const T vol_up = grid.shock.shocked(in.vol, in.time, 1.0);
    const T vol_down = grid.shock.shocked(in.vol, in.time, -1.0);
    bs_input<T> moved = in;
    moved.time = spiral::max(T(0), in.time - T(S(grid.horizon_years)));
    for (std::size_t s = 0; s < N; ++s) {
        const scenario& sc = grid.scenarios[s];
        moved.spot = in.spot * T(S(1.0 + sc.price_move));
        moved.vol = sc.vol_direction > 0 ? vol_up : (sc.vol_direction < 0 ? vol_down : in.vol);
        const T value =
            spiral::detail::black_scholes_first_order<price_only, false>(sign, moved).price;
        acc[s] = acc[s] + q * (value - base);
    }
}

/// Rows [0, n) of validated columns; adds the P&L of each scenario to pnl[0..N).
template <real T, std::size_t N>
void grid_rows(const scenario_grid<N>& grid, const portfolio_columns& in, std::size_t n,
               double* pnl) noexcept {
    constexpr std::size_t width = lanes<T>;
    const bs_columns& o = in.options;
    std::array<T, N> acc;
    acc.fill(T(0));
    alignas(64) double theta[width];
    std::size_t i = 0;
    for (; i + width <= n; i += width) {
        for (std::size_t k = 0; k < width; ++k)
            theta[k] = o.type[i + k] == option_type::call ? 1.0 : -1.0;
        grid_step<T>(grid, theta, o.spot.data() + i, o.strike.data() + i, o.time.data() + i,
                     o.rate.data() + i, o.dividend.data() + i, o.vol.data() + i,
                     in.quantity.data() + i, acc.data());
    }
    if (i < n) { // the last partial step: padded with options of quantity 0
        alignas(64) double column[8][width];
        constexpr double padding[8] = {1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.5, 0.0};
        const std::span<const double> from[8] = {{},     o.spot,     o.strike, o.time,
                                                 o.rate, o.dividend, o.vol,    in.quantity};
        for (std::size_t k = 0; k < width; ++k) {
            const bool real_row = i + k < n;
            column[0][k] =
                real_row ? (o.type[i + k] == option_type::call ? 1.0 : -1.0) : padding[0];
            for (std::size_t c = 1; c < 8; ++c)
                column[c][k] = real_row ? from[c][i + k] : padding[c];
        }
        grid_step<T>(grid, column[0], column[1], column[2], column[3], column[4], column[5],
                     column[6], column[7], acc.data());
    }
    for (std::size_t s = 0; s < N; ++s)
        pnl[s] += sum_lanes(acc[s]);
}

inline constexpr std::string_view bulk_grid_what = "margin::grid_margin";

inline std::size_t validate_portfolio(const portfolio_columns& in) {
    std::size_t n = 0;
    try { // the options' own check, its message renamed: "margin::grid_margin: options.vol[3]"
        n = spiral::detail::validate_bulk(in.options, greeks_columns{});
    } catch (const spiral::invalid_argument& e) {
        const std::string_view message = e.what();
        const std::string_view prefix = "spiral: black_scholes: ";
        const std::string_view rest =
            message.substr(0, prefix.size()) == prefix ? message.substr(prefix.size()) : message;
        throw spiral::invalid_argument("spiral: " + std::string(bulk_grid_what) + ": options." +
                                       std::string(rest));
    }
    require_size(bulk_grid_what, "quantity", in.quantity.size(), n, "options.type");
    for (std::size_t i = 0; i < n; ++i)
        require_finite(bulk_grid_what, "quantity", in.quantity[i], i);
    const std::size_t m = in.linear_quantity.size();
    require_size(bulk_grid_what, "linear_price", in.linear_price.size(), m, "linear_quantity");
    for (std::size_t i = 0; i < m; ++i) {
        require_finite(bulk_grid_what, "linear_quantity", in.linear_quantity[i], i);
        require_positive(bulk_grid_what, "linear_price", in.linear_price[i], i);
    }
    if (n == 0 && m == 0)
        spiral::detail::throw_invalid(bulk_grid_what,
                                      "options.type.size() + linear_quantity.size()", no_row, 0,
                                      "portfolio must not be empty");
    return n;
}

/// The portfolio's P&L per scenario (validated columns), SIMD groups or scalar rows.
template <bool Simd, std::size_t N>
void grid_compute(const scenario_grid<N>& grid, const portfolio_columns& in, std::size_t n,
                  double* pnl) noexcept {
    for (std::size_t s = 0; s < N; ++s)
        pnl[s] = 0.0;
    if constexpr (Simd)
        grid_rows<margin_batch>(grid, in, n, pnl);
    else
        grid_rows<double>(grid, in, n, pnl);
    for (std::size_t j = 0; j < in.linear_quantity.size(); ++j)
        for (std::size_t s = 0; s < N; ++s)
            pnl[s] += in.linear_quantity[j] * in.linear_price[j] * grid.scenarios[s].price_move;
}

} // namespace detail

inline namespace SPIRAL_MARGIN_BULK_ABI {

/// Initial and maintenance requirement of each row under the per-position rule (0 for long
/// rows, |quantity| x the short requirement otherwise), into `initial` and `maintenance`
/// (either may be empty: not wanted). Throws spiral::invalid_argument, before writing
/// anything, for an invalid rule, mismatched lengths, a type other than call or put, a
/// non-finite quantity, spot or strike <= 0, mark < 0, or NaN/infinity anywhere.
inline void option_rule_margin(const option_rule& rule, const option_rule_columns& in,
                               std::span<double> initial, std::span<double> maintenance) {
    rule.validate();
    const std::size_t n = detail::validate_rule_columns(in, initial, maintenance);
    detail::rule_compute<SPIRAL_BULK_USES_SIMD != 0>(rule, in, initial, maintenance, n);
}

/// Scenario-grid margin of a portfolio given as columns (see the scalar `grid_margin` in
/// <spiral/margin/scenario_grid.hpp> for the definition); `scenario_pnl`, when not empty,
/// receives each scenario's unweighted P&L. Throws spiral::invalid_argument, before computing,
/// for an invalid grid, an empty portfolio, mismatched column lengths, an option input out of
/// the Black–Scholes domain (spot or strike <= 0, time or vol < 0, NaN or infinite anywhere:
/// "margin::grid_margin: options.vol[3] = -1 (must be >= 0)"), a non-finite quantity, a linear
/// price <= 0.
template <std::size_t N>
grid_result grid_margin(const scenario_grid<N>& grid, const portfolio_columns& in,
                        std::span<double> scenario_pnl = {}) {
    grid.validate();
    if (!scenario_pnl.empty() && scenario_pnl.size() != N)
        spiral::detail::throw_invalid(detail::bulk_grid_what, "scenario_pnl.size()", detail::no_row,
                                      scenario_pnl.size(), "must be 0 or the number of scenarios");
    const std::size_t n = detail::validate_portfolio(in);
    std::array<double, N> pnl;
    detail::grid_compute<SPIRAL_BULK_USES_SIMD != 0>(grid, in, n, pnl.data());
    if (!scenario_pnl.empty())
        for (std::size_t s = 0; s < N; ++s)
            scenario_pnl[s] = pnl[s];
    return detail::worst_of(grid, pnl.data());
}

} // namespace SPIRAL_MARGIN_BULK_ABI
} // namespace spiral::margin
