// Implied standard deviation of the Black-76 formula. (Placeholder: plain bisection,
// to be replaced by the fast solver.)
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/options/black.hpp>

namespace spiral {

template <std::floating_point T>
SPIRAL_HD constexpr T implied_stddev(option_type type, T price, T forward, T strike,
                                     T discount) noexcept {
    T lo = 0, hi = 50;
    for (int i = 0; i < 200; ++i) {
        const T mid = T(0.5) * (lo + hi);
        (black(type, forward, strike, mid, discount) < price ? lo : hi) = mid;
    }
    return T(0.5) * (lo + hi);
}

} // namespace spiral
