// Black–Scholes–Merton prices and Greeks of European options with a continuous dividend
// yield (or any cost of carry b = rate - dividend: futures b = 0, FX b = r_d - r_f).
//
// Units: time in years; rate, dividend and vol annualised and continuously compounded.
// vega, rho, dividend_rho are per 1.00 (not per 1%) of vol or rate; theta, charm, color and
// veta are per year of calendar time, i.e. minus the derivative with respect to `time`.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>
#include <spiral/options/black.hpp>
#include <spiral/options/implied_vol.hpp>

namespace spiral {

template <class T>
struct bs_input {
    T spot, strike, time, rate, dividend, vol;
};

/// Price and sensitivities. V = price, S = spot, sigma = vol, T = time:
///   delta = dV/dS, gamma = d2V/dS2, vega = dV/dsigma, theta = -dV/dT, rho = dV/drate,
///   dividend_rho = dV/ddividend, vanna = d2V/dS dsigma, volga = d2V/dsigma2,
///   charm = -d(delta)/dT, speed = d(gamma)/dS, zomma = d(gamma)/dsigma,
///   color = -d(gamma)/dT, veta = -d(vega)/dT.
template <class T>
struct greeks {
    T price, delta, gamma, vega, theta, rho, dividend_rho;
    T vanna, volga, charm, speed, zomma, color, veta;
};

namespace detail {

/// Inputs after the validity check and the factors every output shares.
template <real T>
struct bs_common {
    T theta; // +1 call, -1 put
    T spot, time, rate, dividend, vol;
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
    c.time = in.time;
    c.rate = in.rate;
    c.dividend = in.dividend;
    c.vol = in.vol;
    c.sqrt_time = sqrt(in.time);
    c.stddev = in.vol * c.sqrt_time;
    c.dividend_discount = exp(-in.dividend * in.time);
    c.spot_discounted = c.spot * c.dividend_discount;
    c.strike_discounted = in.strike * exp(-in.rate * in.time);
    c.d = black_terms(theta, c.spot_discounted, c.strike_discounted, c.stddev);
    return c;
}

template <real T>
SPIRAL_HD constexpr T bs_price(const bs_common<T>& c) noexcept {
    return c.theta * (c.spot_discounted * c.d.cdf1 - c.strike_discounted * c.d.cdf2);
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

    const T gamma = density / (c.spot * c.spot * s);
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

/// The vol that reproduces `price` for the option described by `in` (`in.vol` is ignored);
/// NaN where no vol does: a price outside the no-arbitrage bounds
/// (discounted intrinsic value, discounted forward or strike) or invalid inputs.
template <real T>
SPIRAL_HD constexpr T implied_vol(option_type type, T price, const bs_input<T>& in) noexcept {
    const T forward_discounted = in.spot * exp(-in.dividend * in.time);
    const T strike_discounted = in.strike * exp(-in.rate * in.time);
    // Black-76 with discount 1 on discounted forward and strike is the same price.
    const T stddev = implied_stddev(type, price, forward_discounted, strike_discounted, T(1));
    return stddev / sqrt(in.time);
}

} // namespace spiral
