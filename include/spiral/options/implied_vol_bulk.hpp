// Implied volatility of many options at once, calls and puts mixed in one set of columns.
//
//   spiral::implied_vol(spiral::implied_vol_columns{type, price, spot, strike, time, rate,
//                                                   dividend}, vol);
//   spiral::implied_stddev(spiral::implied_stddev_columns{type, price, forward, strike,
//                                                         discount}, stddev);
//
// The bulk forms of the element functions `implied_vol` and `implied_stddev`
// (options/implied_vol.hpp: the same solver, the same accuracy), through the library's one
// column loop and its contract (core/bulk.hpp): the row count is type.size(), sizes are checked
// before anything is written, values outside their domain are named ("spiral: implied_vol:
// price[7] = -1 (must be finite and >= 0)"). A valid row for which no volatility fits (a price
// outside the no-arbitrage bounds, or time 0 with time value left) gets NaN, as the element
// functions give. Batches hold calls and puts side by side: no need to group a book by type.
/// \file
/// \ingroup options
/// \brief Implied volatility of many options at once, calls and puts mixed in one set of columns.
#pragma once

#include <spiral/core/bulk.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/detail/same_simd_choice.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/core/target.hpp>
#include <spiral/options/bulk.hpp>
#include <spiral/options/implied_vol.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <tuple>

namespace spiral {

/// Inputs of the Black–Scholes form, one row per option; all as long as `type`.
struct implied_vol_columns {
    std::span<const option_type> type{}; ///< Call or put; its length is the row count.
    std::span<const double> price{};     ///< Option price, in the units of spot (>= 0).
    std::span<const double> spot{};      ///< Price of the underlying (> 0).
    std::span<const double> strike{};    ///< Strike price (> 0).
    std::span<const double> time{};      ///< Time to expiry in years (>= 0).
    std::span<const double> rate{};      ///< Risk-free rate, annualised, continuously compounded.
    std::span<const double> dividend{};  ///< Continuous dividend yield, annualised.
};

/// Inputs of the Black-76 form (forward, strike, discount factor); all as long as `type`.
struct implied_stddev_columns {
    std::span<const option_type> type{}; ///< Call or put; its length is the row count.
    std::span<const double> price{};     ///< Option price, discounted (>= 0).
    std::span<const double> forward{};   ///< Forward price of the underlying (> 0).
    std::span<const double> strike{};    ///< Strike price (> 0).
    std::span<const double> discount{};  ///< Discount factor to expiry (> 0).
};

namespace detail {

// The solver decides per batch where its lanes agree (see implied_vol.hpp): single batches,
// not groups, keep those decisions frequent.
inline constexpr std::size_t implied_batches = 1;

struct implied_vol_column_set {
    using scalar = double;
    // padding: an at-the-money call at 20% vol for one year (price 0.0796557...)
    static constexpr std::array<bulk::column_spec, 7> inputs{{
        {.name = "type", .domain = in_closed(-1, 1), .padding = 1.0},
        {.name = "price", .domain = non_negative, .padding = 0.0796556745540579},
        {.name = "spot", .domain = bs_price_level, .padding = 1.0},
        {.name = "strike", .domain = bs_price_level, .padding = 1.0},
        {.name = "time", .domain = bs_time, .padding = 1.0},
        {.name = "rate", .domain = bs_carry, .padding = 0.0},
        {.name = "dividend", .domain = bs_carry, .padding = 0.0},
    }};
    static constexpr std::array<bulk::output_spec, 1> outputs{{{.name = "vol", .required = true}}};
};

struct implied_stddev_column_set {
    using scalar = double;
    static constexpr std::array<bulk::column_spec, 5> inputs{{
        {.name = "type", .domain = in_closed(-1, 1), .padding = 1.0},
        {.name = "price", .domain = non_negative, .padding = 0.0796556745540579},
        {.name = "forward", .domain = positive, .padding = 1.0},
        {.name = "strike", .domain = positive, .padding = 1.0},
        {.name = "discount", .domain = positive, .padding = 1.0},
    }};
    static constexpr std::array<bulk::output_spec, 1> outputs{
        {{.name = "stddev", .required = true}}};
};

struct implied_vol_step {
    template <real T>
    std::array<T, 1> operator()(T sign, T price, T spot, T strike, T time, T rate,
                                T dividend) const noexcept {
        // the element implied_vol's arithmetic, with calls and puts mixed in the lanes
        return {
            implied_vol_signed(sign, price, bs_input<T>{spot, strike, time, rate, dividend, T(0)})};
    }
};

struct implied_stddev_step {
    template <real T>
    std::array<T, 1> operator()(T sign, T price, T forward, T strike, T discount) const noexcept {
        return {implied_stddev_signed(sign, price, forward, strike, discount)};
    }
};

template <class Target, class Set, class Step, class... V>
void implied_columns(std::string_view what, const std::tuple<std::span<const V>...>& inputs,
                     std::span<double> out) {
    const std::array<std::span<double>, 1> outputs{out};
    const std::size_t n = bulk::rows<Set>(what, inputs, outputs);
    Step step;
    bulk::for_each_step<Target, Set, true, implied_batches>(what, step, n, inputs, outputs);
}

} // namespace detail

/// vol[i] = implied_vol(type[i], price[i], {spot[i], strike[i], time[i], rate[i], dividend[i]}):
/// the Black–Scholes volatility that reproduces each price, NaN where none does.
/// Throws spiral::invalid_argument when a column's length differs from type.size() (before
/// writing anything) or at the first row with a type other than call or put, price < 0, or
/// spot, strike, time, rate, dividend outside the domain of `black_scholes(bs_columns, ...)`,
/// or NaN/infinity anywhere (that row and the rows after it are not written). The last
/// parameter only puts the CPU target into the function's type.
inline void implied_vol(const implied_vol_columns& in, std::span<double> vol, bulk_target = {}) {
    detail::implied_columns<bulk_target, detail::implied_vol_column_set, detail::implied_vol_step>(
        "implied_vol",
        std::tuple{in.type, in.price, in.spot, in.strike, in.time, in.rate, in.dividend}, vol);
}

/// stddev[i] = implied_stddev(type[i], price[i], forward[i], strike[i], discount[i]): the
/// total standard deviation vol sqrt(time) of Black-76, NaN where none fits. Throws as
/// `implied_vol` above, for forward, strike or discount <= 0 in place of spot, strike, time.
inline void implied_stddev(const implied_stddev_columns& in, std::span<double> stddev,
                           bulk_target = {}) {
    detail::implied_columns<bulk_target, detail::implied_stddev_column_set,
                            detail::implied_stddev_step>(
        "implied_stddev", std::tuple{in.type, in.price, in.forward, in.strike, in.discount},
        stddev);
}

} // namespace spiral
