// Black–Scholes prices and first-order Greeks of many options at once, column by column.
//
//   spiral::black_scholes(spiral::bs_columns{...}, spiral::greeks_columns{...});
//
// Inputs and outputs are structure-of-arrays spans of double (bs_columns, greeks_columns) or
// of float (basic_bs_columns<float>, basic_greeks_columns<float>); an empty output span means
// "not wanted", and the work that only unwanted outputs need is skipped. The loop, its checks
// and what is written before a throw are the library's one bulk contract (core/bulk.hpp): the
// row count is type.size(), sizes are checked before anything is written, and the first bad
// row is named ("spiral: black_scholes: vol[3] = -1 (must be finite and >= 0)"), it and the
// rows after it left unwritten. It allocates nothing.
//
// Linking spiral::simd (or defining SPIRAL_SIMD=1) runs the columns on xsimd batches of the
// widest architecture the compiler flags enable, in groups of four batches per step
// (AVX-512: 32 doubles or 64 floats); otherwise a scalar loop runs the same kernel,
// `detail::black_scholes_first_order`. The entry points carry that CPU target in their type
// (the defaulted last parameter), so differently compiled units never share their code.
//
// Float columns keep about 1e-6 relative accuracy where double keeps 1e-12 (see
// docs/options.md, measured in tests/simd/black_scholes.cpp); inputs must be representable:
// values beyond float's range are rejected as not finite.
/// \file
/// \ingroup options
/// \brief Black–Scholes prices and first-order Greeks of many options at once, column by column.
#pragma once

#include <spiral/core/bulk.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/detail/same_simd_choice.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>
#include <spiral/core/target.hpp>
#include <spiral/options/black.hpp>
#include <spiral/options/black_scholes.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <tuple>

namespace spiral {

/// Input columns, one row per option; all as long as `type`.
template <class S>
struct basic_bs_columns {
    std::span<const option_type> type{}; ///< Call or put; its length is the row count.
    std::span<const S> spot{};           ///< Price of the underlying (> 0).
    std::span<const S> strike{};         ///< Strike price (> 0).
    std::span<const S> time{};           ///< Time to expiry in years (>= 0).
    std::span<const S> rate{};           ///< Risk-free rate, annualised, continuously compounded.
    std::span<const S> dividend{};       ///< Continuous dividend yield, annualised.
    std::span<const S> vol{};            ///< Volatility, annualised (>= 0).
};

/// Output columns: each either empty (not wanted) or as long as the inputs.
/// Units as in `spiral::greeks`: vega and rho per 1.00, theta per year (= -dV/dtime).
template <class S>
struct basic_greeks_columns {
    // The {} let `{.price = p, .delta = d}` leave the rest empty without
    // -Wmissing-field-initializers.
    std::span<S> price{}; ///< Option price.
    std::span<S> delta{}; ///< dV/dspot.
    std::span<S> gamma{}; ///< d2V/dspot2.
    std::span<S> vega{};  ///< dV/dvol, per 1.00 of volatility.
    std::span<S> theta{}; ///< -dV/dtime, per year.
    std::span<S> rho{};   ///< dV/drate, per 1.00 of rate.
};

/// Input columns of double.
using bs_columns = basic_bs_columns<double>;
/// Output columns of double.
using greeks_columns = basic_greeks_columns<double>;

/// An option type as a lane: 1 - 2 t, so +1 for a call and -1 for a put; any other value (read
/// from a file or cast from an integer) lands outside [-1, 1], the domain of every type column,
/// and the bulk checks reject it with this rule. Arithmetic only: a loop over a column
/// vectorises without branches.
template <>
struct bulk::enum_column<option_type> {
    /// +1 for a call, -1 for a put.
    static constexpr double lane(option_type t) noexcept {
        return 1.0 - 2.0 * static_cast<double>(static_cast<int>(t));
    }
    /// The rule a bad value breaks, as the error message says it.
    static constexpr std::string_view rule =
        "must be option_type::call (0) or option_type::put (1)";
};

namespace detail {

/// What the wanted outputs need of the Black terms (bit flags).
inline constexpr unsigned bs_need_cdf1 = 1; // Phi(theta d1): price, delta, theta
inline constexpr unsigned bs_need_cdf2 = 2; // Phi(theta d2): price, theta, rho
inline constexpr unsigned bs_need_pdf = 4;  // n(d1):         gamma, vega, theta
inline constexpr unsigned bs_need_all = 7;

/// The six outputs of the bulk entry point.
template <class T>
struct bs_first_order {
    T price, delta, gamma, vega, theta, rho;
};

/// Price, delta, gamma, vega, theta and rho with theta = +1 (call) or -1 (put), computing only
/// what `Needs` asks for; outputs that were not asked for are left 0 (price and theta need
/// cdf1 | cdf2, theta also pdf, delta cdf1, rho cdf2, gamma and vega pdf). Every variant does
/// the same operations for what it computes (the last bit may still differ between variants
/// where the compiler contracts a * b + c into a fused multiply-add in one and not another).
///
/// Same formulas and conventions as `black_scholes_greeks`: time = 0 or vol = 0 give the
/// limits (gamma 0). `Checked`: NaN unless spot > 0, strike > 0, time >= 0, vol >= 0 and all
/// finite; the bulk entry point validates first and passes `false`. Shared factors:
///   F = S e^{-qT}, K' = K e^{-rT}, x = ln(F/K'), s = vol sqrt(T);
///   one division 1/(S s) serves d1 = x/s + s/2 and gamma = e^{-qT} n(d1) / (S s);
///   one exponential serves n(d1), Phi(d1) and Phi(d2): exp(-d2^2/2) = exp(-d1^2/2) F/K'
///   (F/K' is the argument of the log anyway; unlike black_terms, which carries the smaller
///   of the two exponentials to the larger, this can lose exp(-d2^2/2) where exp(-d1^2/2)
///   underflows, i.e. only where both are below 1e-307 and no output can see them);
///   K' n(d2) = F n(d1), so every density term uses n(d1), and theta's first term
///   -F n(d1) vol / (2 sqrt T) = -(vol S)^2 gamma / 2.
template <unsigned Needs, bool Checked = true, real T>
SPIRAL_HD constexpr bs_first_order<T> black_scholes_first_order(T theta,
                                                                const bs_input<T>& in) noexcept {
    constexpr bool need_cdf1 = (Needs & bs_need_cdf1) != 0;
    constexpr bool need_cdf2 = (Needs & bs_need_cdf2) != 0;
    constexpr bool need_pdf = (Needs & bs_need_pdf) != 0;
    constexpr auto largest = spiral::detail::scalar_limits<scalar_t<T>>::max;

    T spot = in.spot;
    if constexpr (Checked) {
        const mask_t<T> valid = in.spot > T(0) && in.strike > T(0) && in.time >= T(0) &&
                                in.vol >= T(0) && is_finite(in.spot) && is_finite(in.strike) &&
                                is_finite(in.time) && is_finite(in.vol) && is_finite(in.rate) &&
                                is_finite(in.dividend);
        spot = spot + nan_unless<T>(valid);
    }
    const T sqrt_time = sqrt(in.time);
    const T s = in.vol * sqrt_time;
    // validated inputs (not Checked) keep every exponent finite and small: no guard needed
    const auto exponential = [](T a) { return Checked ? spiral::exp(a) : exp_finite(a); };
    // ln(F/K') as ln(S/K) + (r - q) T: taken from the ratio F/K' it would carry that ratio's
    // rounding, an absolute 1e-16 that d1 = x/s magnifies where s is small (near the money,
    // short expiries). The same growth e^{(r-q)T} gives F/K' = (S/K) e^{(r-q)T}, which carries
    // e^{-d1^2/2} to e^{-d2^2/2}, and e^{-qT} = e^{-rT} e^{(r-q)T}, without a second division.
    const T carry = (in.rate - in.dividend) * in.time;
    const T growth = exponential(carry);
    const T rate_discount = exponential(-in.rate * in.time);
    const T dividend_discount = rate_discount * growth;
    const T spot_over_strike = spot / in.strike;
    const T x = log(spot_over_strike) + carry;
    const T moneyness = spot_over_strike * growth; // F/K'
    const T forward = spot * dividend_discount;    // S e^{-qT}
    const T strike = in.strike * rate_discount;    // K e^{-rT}

    // d1, d2 as in black_terms: +-inf (or 0 at the money) when s = 0. 1/(S s) is capped so
    // that a subnormal s cannot make 0 * inf.
    const mask_t<T> degenerate = s == T(0);
    const T inf = T(spiral::detail::scalar_limits<scalar_t<T>>::infinity);
    const T limit = select(x > T(0), inf, select(x < T(0), -inf, T(0)));
    const T s_safe = select(degenerate, T(1), s);
    const T inv_spot_s = min(T(largest), T(1) / (spot * s_safe));
    const T d1 = select(degenerate, limit, x * (spot * inv_spot_s) + T(0.5) * s);
    const T d2 = select(degenerate, limit, d1 - s);

    // exp(-d1^2/2), and exp(-d2^2/2) from it (the cap keeps 0 * inf out when F/K' overflows).
    const T e1 = exp_neg_half_square<T, !Checked>(d1);
    const T e2 = e1 * min(T(largest), moneyness);

    bs_first_order<T> out{T(0), T(0), T(0), T(0), T(0), T(0)};
    T cdf1 = T(0), cdf2 = T(0);
    if constexpr (need_cdf1 && need_cdf2) {
        const auto both = norm_cdf_pair_given_exp(theta * d1, e1, theta * d2, e2);
        cdf1 = both.first;
        cdf2 = both.second;
    } else if constexpr (need_cdf1) {
        cdf1 = norm_cdf_given_exp(theta * d1, e1);
    } else if constexpr (need_cdf2) {
        cdf2 = norm_cdf_given_exp(theta * d2, e2);
    }
    if constexpr (need_cdf1)
        out.delta = theta * dividend_discount * cdf1;
    const T spot_part = forward * cdf1;  // F Phi(theta d1)
    const T strike_part = strike * cdf2; // K' Phi(theta d2)
    if constexpr (need_cdf2)
        out.rho = theta * in.time * strike_part;
    if constexpr (need_cdf1 && need_cdf2)
        out.price = theta * (spot_part - strike_part);
    if constexpr (need_pdf) {
        const T pdf1 = splat<T>(inv_sqrt_2pi) * e1;
        out.vega = forward * pdf1 * sqrt_time;
        out.gamma = select(degenerate, T(0), dividend_discount * pdf1 * inv_spot_s);
        if constexpr (need_cdf1 && need_cdf2) {
            const T vol_spot = in.vol * spot;
            out.theta = theta * (in.dividend * spot_part - in.rate * strike_part) -
                        T(0.5) * vol_spot * vol_spot * out.gamma;
        }
    }
    return out;
}

// ------------------------------------------------------------------ columns and loop

// What the bulk kernel serves exactly: inside these ranges every intermediate (S e^{-qT},
// K e^{-rT}, their ratio, S vol sqrt(T), gamma (vol S)^2) stays a normal double, so every
// output is right to the stated accuracy or an exact limit (time 0, vol 0, prices of 0 or of
// the intrinsic value); outside them the call names the value instead of returning a wrong
// number. A vol of 1e-8, a rate of 200% and a 50-year expiry are still in; a vol below 1e-8
// (other than 0) could make S vol sqrt(T) underflow.
inline constexpr domain bs_price_level = in_closed(1e-100, 1e100); // spot, strike
inline constexpr domain bs_time = in_closed(0, 50);
inline constexpr domain bs_vol = zero_or(in_closed(1e-8, 100));
inline constexpr domain bs_carry = in_closed(-2, 2); // rate, dividend yield

/// The columns of `black_scholes(columns)`, in the order values are checked.
template <class S>
struct bs_column_set {
    using scalar = S;
    static constexpr std::array<bulk::column_spec, 7> inputs{{
        {.name = "type", .domain = in_closed(-1, 1), .padding = 1.0}, // padding: a call
        {.name = "spot", .domain = bs_price_level, .padding = 1.0},
        {.name = "strike", .domain = bs_price_level, .padding = 1.0},
        {.name = "time", .domain = bs_time, .padding = 1.0},
        {.name = "rate", .domain = bs_carry, .padding = 0.0},
        {.name = "dividend", .domain = bs_carry, .padding = 0.0},
        {.name = "vol", .domain = bs_vol, .padding = 0.5},
    }};
    static constexpr std::array<bulk::output_spec, 6> outputs{
        {{"price"}, {"delta"}, {"gamma"}, {"vega"}, {"theta"}, {"rho"}}};
};

/// One step of the loop: the kernel specialised for what the wanted outputs need.
template <unsigned Needs>
struct bs_step {
    template <real T>
    bs_first_order<T> operator()(T sign, T spot, T strike, T time, T rate, T dividend,
                                 T vol) const noexcept {
        if constexpr (Needs == 0) // nothing wanted: the loop only checks the values
            return {T(0), T(0), T(0), T(0), T(0), T(0)};
        else
            return black_scholes_first_order<Needs, false>(
                sign, bs_input<T>{spot, strike, time, rate, dividend, vol});
    }
};

/// Which intermediate results the non-empty outputs need (bit flags, bs_need_*).
template <class S>
unsigned bulk_needs(const basic_greeks_columns<S>& out) noexcept {
    unsigned needs = 0;
    if (!out.price.empty() || !out.theta.empty())
        needs |= bs_need_cdf1 | bs_need_cdf2;
    if (!out.theta.empty() || !out.gamma.empty() || !out.vega.empty())
        needs |= bs_need_pdf;
    if (!out.delta.empty())
        needs |= bs_need_cdf1;
    if (!out.rho.empty())
        needs |= bs_need_cdf2;
    return needs;
}

/// `black_scholes(columns)` on `Target`; `Checked = false` skips the value checks (the
/// columns must then be valid).
template <class Target, bool Checked = true, class S>
void bulk_black_scholes(const basic_bs_columns<S>& in, const basic_greeks_columns<S>& out) {
    using set = bs_column_set<S>;
    constexpr std::string_view what = "black_scholes";
    const std::tuple inputs{in.type, in.spot, in.strike, in.time, in.rate, in.dividend, in.vol};
    const std::array<std::span<S>, 6> outputs{out.price, out.delta, out.gamma,
                                              out.vega,  out.theta, out.rho};
    const std::size_t n = bulk::rows<set>(what, inputs, outputs);
    auto run = [&]<unsigned Needs>(std::integral_constant<unsigned, Needs>) {
        bs_step<Needs> step;
        bulk::for_each_step<Target, set, Checked>(what, step, n, inputs, outputs);
    };
    switch (bulk_needs(out)) {
    case 1:
        return run(std::integral_constant<unsigned, 1>{});
    case 2:
        return run(std::integral_constant<unsigned, 2>{});
    case 3:
        return run(std::integral_constant<unsigned, 3>{});
    case 4:
        return run(std::integral_constant<unsigned, 4>{});
    case 5:
        return run(std::integral_constant<unsigned, 5>{});
    case 6:
        return run(std::integral_constant<unsigned, 6>{});
    case 7:
        return run(std::integral_constant<unsigned, 7>{});
    default:
        return run(std::integral_constant<unsigned, 0>{});
    }
}

} // namespace detail

/// Prices and first-order Greeks of `in.type.size()` European options (Black–Scholes–Merton
/// with continuous dividend yield), written to the non-empty columns of `out`.
/// Throws spiral::invalid_argument when an input column's length differs from
/// `in.type.size()` or a non-empty output's length differs from it (before writing anything),
/// or when a type is not call or put or a value is outside the range the kernel serves
/// exactly: spot and strike in [1e-100, 1e100], time in [0, 50] years, vol 0 or in [1e-8, 100],
/// rate and dividend yield in [-2, 2]; NaN and infinities nowhere. The first bad
/// row is the one named; it and the rows after it are not written, rows before it may already
/// hold their results. time = 0 and vol = 0 give the limits (see `spiral::black_scholes`). The
/// last parameter only puts the CPU target into the function's type: leave it defaulted.
inline void black_scholes(const bs_columns& in, const greeks_columns& out, bulk_target = {}) {
    detail::bulk_black_scholes<bulk_target>(in, out);
}

/// The same on float columns (16 lanes per AVX-512 batch; about 1e-6 relative accuracy).
inline void black_scholes(const basic_bs_columns<float>& in, const basic_greeks_columns<float>& out,
                          bulk_target = {}) {
    detail::bulk_black_scholes<bulk_target>(in, out);
}

} // namespace spiral
