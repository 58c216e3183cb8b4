// 50-digit reference values for the tests: formulas written here from their textbook
// definitions with Boost.Multiprecision + Boost.Math, independent of the code under test.
// Defined once in unit/oracle.cpp so the heavy instantiations compile once.
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

} // namespace oracle
