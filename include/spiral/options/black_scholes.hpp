// Black–Scholes–Merton prices and Greeks of European options with a continuous dividend
// yield (or any cost of carry b = rate - dividend: futures b = 0, FX b = r_d - r_f).
//
// Units: time in years; rate, dividend and vol annualised and continuously compounded.
// vega, rho, dividend_rho are per 1.00 (not per 1%) of vol or rate; theta, charm, color and
// veta are per year of calendar time, i.e. minus the derivative with respect to `time`.
/// \file
/// \ingroup options
/// \brief Black–Scholes–Merton prices and Greeks of European options with a dividend yield.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>
#include <spiral/options/black.hpp>
#include <spiral/options/implied_vol.hpp>

namespace spiral {

/// The inputs of one Black–Scholes–Merton option.
template <class T>
struct bs_input {
    T spot;     ///< Price of the underlying (> 0).
    T strike;   ///< Strike price (> 0).
    T time;     ///< Time to expiry in years (>= 0).
    T rate;     ///< Risk-free rate, annualised and continuously compounded.
    T dividend; ///< Continuous dividend yield (or rate - cost of carry), annualised.
    T vol;      ///< Volatility, annualised (>= 0).
};

/// Price and sensitivities. V = price, S = spot, sigma = vol, T = time:
///   delta = dV/dS, gamma = d2V/dS2, vega = dV/dsigma, theta = -dV/dT, rho = dV/drate,
///   dividend_rho = dV/ddividend, vanna = d2V/dS dsigma, volga = d2V/dsigma2,
///   charm = -d(delta)/dT, speed = d(gamma)/dS, zomma = d(gamma)/dsigma,
///   color = -d(gamma)/dT, veta = -d(vega)/dT.
template <class T>
struct greeks {
    T price;        ///< Option price V, in the units of spot and strike.
    T delta;        ///< dV/dS.
    T gamma;        ///< d2V/dS2.
    T vega;         ///< dV/dsigma, per 1.00 of volatility.
    T theta;        ///< -dV/dT, per year.
    T rho;          ///< dV/drate, per 1.00 of rate.
    T dividend_rho; ///< dV/ddividend, per 1.00 of dividend yield.
    T vanna;        ///< d2V/dS dsigma.
    T volga;        ///< d2V/dsigma2.
    T charm;        ///< -d(delta)/dT, per year.
    T speed;        ///< d(gamma)/dS.
    T zomma;        ///< d(gamma)/dsigma.
    T color;        ///< -d(gamma)/dT, per year.
    T veta;         ///< -d(vega)/dT, per year.
};

namespace detail {

/// Inputs after the validity check and the factors every output shares.
template <real T>
struct bs_common {
    T theta; // +1 call, -1 put
    T spot, strike, time, rate, dividend, vol;
    T sqrt_time, stddev; // sigma sqrt(T)
    T spot_discounted;   // S e^{-qT}
    T strike_discounted; // K e^{-rT}
    T dividend_discount; // e^{-qT}
    black_d_terms<T> d;
};

template <real T>
SPIRAL_HD constexpr bs_common<T> bs_prepare(T theta, const bs_input<T>& in) noexcept {
    const mask_t<T> valid = in.spot > T(0) && in.strike > T(0) && in.time >= T(0) &&
                            in.vol >= T(0) && is_finite(in.spot) && is_finite(in.strike) &&
                            is_finite(in.time) && is_finite(in.vol) && is_finite(in.rate) &&
                            is_finite(in.dividend);
    bs_common<T> c;
    c.theta = theta;
    c.spot = in.spot + nan_unless<T>(valid);
    c.strike = in.strike;
    c.time = in.time;
    c.rate = in.rate;
    c.dividend = in.dividend;
    c.vol = in.vol;
    c.sqrt_time = sqrt(in.time);
    c.stddev = in.vol * c.sqrt_time;
    c.dividend_discount = spiral::exp(-in.dividend * in.time);
    c.spot_discounted = c.spot * c.dividend_discount;
    c.strike_discounted = in.strike * spiral::exp(-in.rate * in.time);
    c.d = black_terms(theta, c.spot_discounted, c.strike_discounted, c.stddev);
    return c;
}

/// ln(1 + u) for u > -1 with the rounding of 1 + u put back (W. Kahan's trick, see Higham,
/// *Accuracy and Stability of Numerical Algorithms*, 1.14.1): within a few ulps.
template <real T>
SPIRAL_HD constexpr T log1p_accurate(T u) noexcept {
    const T w = T(1) + u;
    const T w_minus_one = w - T(1);
    return select(w_minus_one == T(0), u,
                  log(w) * (u / select(w_minus_one == T(0), T(1), w_minus_one)));
}

/// e^x - 1 by the same trick: within a few ulps, without cancellation near 0.
template <real T>
SPIRAL_HD constexpr T expm1_accurate(T x) noexcept {
    const T u = spiral::exp(x);
    const T u_minus_one = u - T(1);
    const mask_t<T> exact = u_minus_one == T(0) || u_minus_one == T(-1) ||
                            !(u < T(scalar_limits<scalar_t<T>>::infinity));
    return select(exact, select(u_minus_one == T(0), x, u_minus_one),
                  u_minus_one * (x / log(select(exact, T(2), u))));
}

/// ln(F/K) from the inputs, ln(1 + (S - K)/K) + (rate - dividend) time: S - K is exact near
/// the money (Sterbenz), so x is as accurate as its inputs allow (ln(F/K) of the rounded
/// discounted values is off by ulps of 1, all of a near-the-money price's digits at s = 1e-8).
/// Far from the money ln(S/K) serves as well.
template <real T>
SPIRAL_HD constexpr T bs_log_moneyness(T spot, T strike, T rate, T dividend, T time) noexcept {
    using S = scalar_t<T>;
    // ln(1 + (S - K)/K) within a factor 1.5 of the money; farther, (S - K)/K rounds away
    // the ratio (S = 5e83 against K = 7e99 gave -36.7 for -37.1): ln(S/K), or ln S - ln K
    // where S/K leaves the normal range.
    const mask_t<T> near = abs(spot - strike) < T(S(0.5)) * strike;
    const T ratio = spot / strike;
    const mask_t<T> normal_ratio =
        ratio >= T(scalar_limits<S>::min_normal) && ratio <= T(scalar_limits<S>::max);
    const T far =
        select(normal_ratio, log(select(normal_ratio, ratio, T(1))), log(spot) - log(strike));
    const T near_value = log1p_accurate((spot - strike) / strike);
    return select(near, near_value, far) + (rate - dividend) * time;
}

/// The intrinsic value max(theta (F - K), 0) with F - K = K e^{-rT} (e^x - 1) where |x| < 1
/// (no cancellation near the money), F - K from the discounted values elsewhere (e^x may
/// overflow there, and F and K differ by a factor e or more).
template <real T>
SPIRAL_HD constexpr T bs_intrinsic(T theta, T x, T forward, T strike) noexcept {
    const mask_t<T> near = abs(x) < T(1);
    const T gap = select(near, strike * expm1_accurate(select(near, x, T(0))), forward - strike);
    return max(theta * gap, T(0));
}

/// The price as the intrinsic value plus the time value of the out-of-the-money option,
/// sqrt(F K) b(-|x|, s) with b the normalised Black price that the implied vol solver
/// inverts (Jäckel; options/implied_vol.hpp), as K e^{x/2 + q} so that neither sqrt(F K)
/// nor e^{-h^2/2} overflows on the way. F Phi(d1) - K Phi(d2) cancels
/// near the money (its result is about F s / sqrt(2 pi) while each term is about F / 2: it
/// loses 2.4e-8 relative at s = 1e-8) and far out of the money (S = 1e-100 against K = 2e99:
/// 1e-3); this form does not. For a stddev that is normal and finite.
template <real T>
SPIRAL_HD constexpr T bs_price_normalised(const bs_common<T>& c) noexcept {
    const T x = bs_log_moneyness(c.spot, c.strike, c.rate, c.dividend, c.time);
    const T intrinsic = bs_intrinsic(c.theta, x, c.spot_discounted, c.strike_discounted);
    const auto parts = normalised_black(-abs(x), c.stddev);
    // ln(sqrt(F K) e^q) = ln K + x/2 + q; the time value is 0 where it is below e^-746
    // (and parts.lower may be inf or NaN where h^2 overflows and q = -inf).
    // sqrt(F K) e^q / sqrt(2 pi) = K e^{x/2 + q} / sqrt(2 pi); x/2 + q <= 0 (q <= -|x|/2),
    // so the exponential cannot overflow; it underflows where the time value is below
    // K e^-745 (and parts.lower may be inf or NaN where h^2 overflows and q = -inf).
    // Below e^-700 the exponential goes subnormal and keeps few bits (2e-5 of a put priced
    // 1.4e-225): ln K joins the exponent there (whose rounding costs eps |ln K + ...| only).
    const T exponent = T(0.5) * x + parts.exponent;
    const mask_t<T> tiny = exponent < T(-700);
    const T density = select(tiny, spiral::exp(log(c.strike_discounted) + exponent),
                             c.strike_discounted * spiral::exp(exponent)) *
                      T(inv_sqrt_2pi);
    // b = e^q lower / sqrt(2 pi), or where d1 > 0 b_max - e^q upper / sqrt(2 pi), and
    // sqrt(F K) b_max = min(F, K).
    const T smaller = min(c.spot_discounted, c.strike_discounted);
    const T time_value =
        select(parts.upper_form, smaller - density * parts.upper, density * parts.lower);
    return intrinsic + select(log(c.strike_discounted) + exponent > T(-746) || parts.upper_form,
                              time_value, T(0));
}

/// Where bs_price_normalised serves: a stddev that is normal (a subnormal one has no finite
/// reciprocal) and finite, discounted forward and strike normal and finite.
template <real T>
SPIRAL_HD constexpr mask_t<T> normalised_price_applies(const bs_common<T>& c) noexcept {
    using S = scalar_t<T>;
    const T smallest = T(scalar_limits<S>::min_normal);
    const T largest = T(scalar_limits<S>::max);
    return c.stddev >= smallest && c.stddev <= largest && c.spot_discounted >= smallest &&
           c.spot_discounted <= largest && c.strike_discounted >= smallest &&
           c.strike_discounted <= largest;
}

template <real T>
SPIRAL_HD constexpr T bs_price(const bs_common<T>& c) noexcept {
    const T standard = c.theta * (c.spot_discounted * c.d.cdf1 - c.strike_discounted * c.d.cdf2);
    const mask_t<T> normalised = normalised_price_applies(c);
    if (any_lane<T>(normalised)) // lanes that take it only (a scalar runs one form)
        return select(normalised, bs_price_normalised(c), standard);
    return standard;
}

/// Price and all Greeks with theta = +1 (call) or -1 (put), lane by lane for batches.
template <real T>
SPIRAL_HD constexpr greeks<T> black_scholes_greeks(T theta, const bs_input<T>& in) noexcept {
    const bs_common<T> c = bs_prepare(theta, in);
    const auto& d = c.d;
    // Second- and third-order Greeks carry 1/s or 1/T; with s = 0 they are set to 0 (their
    // limit away from the money). d1, d2 are capped at +-50 inside those factors: beyond
    // that n(d1) is exactly 0, and the cap keeps 0 * inf from turning into NaN.
    const T s = select(d.degenerate, T(1), c.stddev);
    const T vol = select(d.degenerate, T(1), c.vol);
    const T time = select(c.time > T(0), c.time, T(1));
    const T d1 = clamp(d.d1, T(-50), T(50));
    const T d2 = clamp(d.d2, T(-50), T(50));
    const T zero = T(0);

    greeks<T> g;
    g.price = bs_price(c);
    g.delta = c.theta * c.dividend_discount * d.cdf1;
    // K e^{-rT} n(d2) = S e^{-qT} n(d1): every density term is written with n(d1).
    const T density = c.spot_discounted * d.pdf1; // S e^{-qT} n(d1)
    g.vega = density * c.sqrt_time;
    g.theta = -density * c.stddev / (T(2) * time) -
              c.theta * c.rate * c.strike_discounted * d.cdf2 +
              c.theta * c.dividend * c.spot_discounted * d.cdf1;
    g.rho = c.theta * c.time * c.strike_discounted * d.cdf2;
    g.dividend_rho = -c.theta * c.time * c.spot_discounted * d.cdf1;

    // divided step by step: S^2 s underflows (S = 1e-100, s = 1e-300) where density is 0
    const T gamma = density / s / c.spot / c.spot;
    const T vega = g.vega;
    const T carry = c.rate - c.dividend;
    const T dd1_dtime = (T(2) * carry * time - d2 * s) / (T(2) * time * s); // d(d1)/dT
    g.gamma = select(d.degenerate, zero, gamma);
    g.vanna = select(d.degenerate, zero, -c.dividend_discount * d.pdf1 * d2 / vol);
    g.volga = select(d.degenerate, zero, vega * d1 * d2 / vol);
    g.charm = c.theta * c.dividend * c.dividend_discount * d.cdf1 -
              select(d.degenerate, zero, c.dividend_discount * d.pdf1 * dd1_dtime);
    g.speed = select(d.degenerate, zero, -gamma / c.spot * (d1 / s + T(1)));
    g.zomma = select(d.degenerate, zero, gamma * (d1 * d2 - T(1)) / vol);
    g.color =
        select(d.degenerate, zero, gamma * (c.dividend + d1 * dd1_dtime + T(1) / (T(2) * time)));
    g.veta =
        select(d.degenerate, zero, vega * (c.dividend + d1 * dd1_dtime - T(1) / (T(2) * time)));
    return g;
}

} // namespace detail

/// Price and all Greeks of a European option. Element kernel: never throws; NaN unless
/// spot > 0, strike > 0, time >= 0, vol >= 0 and all inputs finite. time = 0 or vol = 0
/// is valid: price, delta, theta, rho and dividend_rho are then the limits of the
/// discounted intrinsic value (at the money exactly, Phi(0) = 1/2 is used), vega its limit,
/// and the second- and third-order Greeks 0.
template <real T>
SPIRAL_HD constexpr greeks<T> black_scholes(option_type type, const bs_input<T>& in) noexcept {
    return detail::black_scholes_greeks(detail::sign_of<T>(type), in);
}

/// The price alone (cheaper than `black_scholes(...).price`).
template <real T>
SPIRAL_HD constexpr T black_scholes_price(option_type type, const bs_input<T>& in) noexcept {
    return detail::bs_price(detail::bs_prepare(detail::sign_of<T>(type), in));
}

namespace detail {

/// implied_vol with the option type as theta = +1 (call) or -1 (put): one lane may be a call
/// and the next a put (the bulk form over columns runs this on batches).
template <real T>
SPIRAL_HD constexpr T implied_vol_signed(T theta, T price, const bs_input<T>& in) noexcept {
    using S = scalar_t<T>;
    const T forward_discounted = in.spot * spiral::exp(-in.dividend * in.time);
    const T strike_discounted = in.strike * spiral::exp(-in.rate * in.time);
    // Black-76 is homogeneous of degree one in (price, forward, strike): where the discounted
    // forward or strike leaves [1e-270, 1e270] (1e-296 discounted over 63 years is
    // subnormal, and the solver then returned NaN for an attainable price), price, spot and
    // strike are divided by the larger of spot and strike before discounting.
    // The price is intrinsic value plus time value, with the intrinsic value as accurate as
    // black_scholes_price takes it near the money (K e^{-rT} (e^x - 1)); the solver subtracts
    // its own, F - K from the discounted values, which can differ by ulps of F: far more
    // than the time value of an option in the money with a small stddev. So the price the
    // solver sees carries the solver's intrinsic value instead.
    const T x = bs_log_moneyness(in.spot, in.strike, in.rate, in.dividend, in.time);
    const mask_t<T> near = abs(x) < T(S(1));
    if (any_lane<T>(near)) {
        const T accurate = bs_intrinsic(theta, x, forward_discounted, strike_discounted);
        const T solvers = max(theta * (forward_discounted - strike_discounted), T(0));
        price = select(near, (price - accurate) + solvers, price);
    }
    const T small = T(S(sizeof(S) == 4 ? 1e-30 : 1e-270));
    const T large = T(S(sizeof(S) == 4 ? 1e30 : 1e270));
    const mask_t<T> rescale = min(forward_discounted, strike_discounted) < small ||
                              max(forward_discounted, strike_discounted) > large;
    T stddev;
    if (any_lane<T>(rescale)) {
        const T unit = select(rescale, max(in.spot, in.strike), T(1));
        const T forward_scaled = in.spot / unit * spiral::exp(-in.dividend * in.time);
        const T strike_scaled = in.strike / unit * spiral::exp(-in.rate * in.time);
        stddev = implied_stddev_signed(theta, price / unit, forward_scaled, strike_scaled, T(1));
    } else {
        // Black-76 with discount 1 on discounted forward and strike is the same price.
        stddev = implied_stddev_signed(theta, price, forward_discounted, strike_discounted, T(1));
    }
    const T positive_time = select(in.time > T(0), in.time, quiet_nan<T>());
    return stddev / sqrt(positive_time);
}

} // namespace detail

/// The vol that reproduces `price` for the option described by `in` (`in.vol` is ignored);
/// NaN where no vol does: a price outside the no-arbitrage bounds (discounted intrinsic
/// value, discounted forward or strike), time not > 0 (at time 0 every vol gives the
/// intrinsic value) or invalid inputs.
template <real T>
SPIRAL_HD constexpr T implied_vol(option_type type, T price, const bs_input<T>& in) noexcept {
    return detail::implied_vol_signed(detail::sign_of<T>(type), price, in);
}

} // namespace spiral
