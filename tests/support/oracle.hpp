// 50-digit reference values for the tests: formulas written here from their textbook
// definitions with Boost.Multiprecision + Boost.Math, independent of the code under test.
// Defined once in support/oracle.cpp (the object library spiral_test_oracle, which the unit and
// every SIMD test build link) so the heavy instantiations compile once, without CPU flags.
#pragma once

#include <boost/multiprecision/cpp_bin_float.hpp>

namespace oracle {

using real = boost::multiprecision::cpp_bin_float_50;

real norm_cdf(const real& x);
real norm_pdf(const real& x);
real norm_quantile(const real& p);
real erfc(const real& x);

struct option {
    bool call;
    real spot, strike, time, rate, dividend, vol;
};

/// Black–Scholes–Merton price, straight from the formula (time > 0, vol > 0).
real price(const option& o);

/// Every Greek of `spiral::greeks`, as 50-digit central finite differences of `price`
/// (relative steps 1e-15 to 1e-10: truncation and rounding both below 1e-19), so they check the
/// closed forms without sharing them.
struct greeks {
    real price, delta, gamma, vega, theta, rho, dividend_rho;
    real vanna, volga, charm, speed, zomma, color, veta;
};
greeks greeks_by_differences(const option& o, bool higher_order = true);

/// Price and first-order Greeks from the textbook closed forms (time > 0, vol > 0): with
/// F = S e^{-qT}, K' = K e^{-rT}, s = vol sqrt(T), d1 = ln(F/K')/s + s/2, d2 = d1 - s,
/// w = +1 call / -1 put: price = w (F N(w d1) - K' N(w d2)), delta = w e^{-qT} N(w d1),
/// gamma = e^{-qT} n(d1)/(S s), vega = F n(d1) sqrt(T),
/// theta = -F n(d1) vol/(2 sqrt T) - w r K' N(w d2) + w q F N(w d1), rho = w T K' N(w d2).
struct first_order_greeks {
    real price, delta, gamma, vega, theta, rho;
};
first_order_greeks greeks_by_formulas(const option& o);

/// The power-law liquidity haircut eta (q / V)^delta / (delta + 1), rounded once to double.
double power_law_haircut(double eta, double volume, double delta, double q);

} // namespace oracle
