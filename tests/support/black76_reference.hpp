// Black-76 price and vega in long double, straight from the formula (independent of spiral):
// the implied-vol tests' reference, scalar and SIMD.
#pragma once

#include <spiral/options/black.hpp>

#include <cmath>

namespace test_support {

inline long double black76_price(spiral::option_type type, long double f, long double k,
                                 long double s, long double d) {
    const long double d1 = std::log(f / k) / s + s / 2;
    const long double d2 = d1 - s;
    auto cdf = [](long double z) { return 0.5L * std::erfc(-z / std::sqrt(2.0L)); };
    return type == spiral::option_type::call ? d * (f * cdf(d1) - k * cdf(d2))
                                             : d * (k * cdf(-d2) - f * cdf(-d1));
}

/// d price / d s = discount F phi(d1).
inline double black76_vega(long double f, long double k, long double s, long double d) {
    const long double d1 = std::log(f / k) / s + s / 2;
    return static_cast<double>(d * f * std::exp(-d1 * d1 / 2) /
                               std::sqrt(2 * 3.14159265358979323846264338327950288L));
}

} // namespace test_support
