// Reproducible scenario streams (one SplitMix64 generator per scenario, from
// <spiral/core/random.hpp>) and the map from a log-return to the price drop fraction that the
// cascade engine takes.
//
// Standard library only (part of <spiral/spiral.hpp>).
/// \file
/// \ingroup risk
/// \brief Reproducible scenario streams, and the map from a log-return to a price drop fraction.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/random.hpp>
#include <spiral/core/real.hpp>

#include <cstdint>

namespace spiral::risk {

// The generator and its draws live in <spiral/core/random.hpp>; these names stay here too.
using spiral::splitmix64;
using spiral::standard_normal;
using spiral::uniform_open;
using spiral::unit_open;

/// The generator of scenario `index` of the stream `seed`: an independent-looking starting
/// point per scenario, so any range of scenarios can be generated alone (in parallel, or
/// resumed) and gives the same numbers as a run over all of them.
SPIRAL_HD constexpr splitmix64 scenario_generator(std::uint64_t seed,
                                                  std::uint64_t index) noexcept {
    return splitmix64{splitmix64::mix(seed ^ splitmix64::mix(index + 0x632be59bd9b4e019ULL))};
}

/// A Gamma(shape, 1) draw for shape > 0 by Marsaglia & Tsang's method ("A simple method for
/// generating gamma variables", ACM TOMS 26(3), 2000): with d = shape - 1/3, c = 1/sqrt(9 d),
/// x standard normal and v = (1 + c x)^3, accept d v when u < 1 - 0.0331 x^4 (the squeeze) or
/// ln u < x^2/2 + d (1 - v + ln v). The acceptance rate is above 95% for every shape >= 1, so
/// the cost does not grow with the shape. Below 1 the draw for shape + 1 is multiplied by
/// u^(1/shape). NaN for a shape that is not > 0 and finite.
SPIRAL_HD constexpr double gamma_variate(splitmix64& g, double shape) noexcept {
    if (!(shape > 0 && shape < spiral::detail::scalar_limits<double>::infinity))
        return spiral::detail::scalar_limits<double>::quiet_nan;
    const bool below_one = shape < 1;
    const double d = (below_one ? shape + 1 : shape) - 1.0 / 3;
    const double c = 1 / spiral::sqrt(9 * d);
    double draw = 0;
    for (;;) {
        const double x = standard_normal(g);
        const double cube_root = 1 + c * x;
        if (!(cube_root > 0))
            continue;
        const double v = cube_root * cube_root * cube_root;
        const double u = uniform_open(g);
        const double x2 = x * x;
        if (u < 1 - 0.0331 * (x2 * x2) ||
            spiral::log(u) < 0.5 * x2 + d * (1 - v + spiral::log(v))) {
            draw = d * v;
            break;
        }
    }
    if (below_one) // Gamma(a) = Gamma(a + 1) U^(1/a)
        draw *= spiral::exp(spiral::log(uniform_open(g)) / shape);
    return draw;
}

/// A chi-square draw with `degrees_of_freedom` (> 0, not necessarily an integer):
/// 2 Gamma(degrees_of_freedom / 2, 1). The same cost for 3 or 4e9 degrees of freedom.
SPIRAL_HD constexpr double chi_square_variate(splitmix64& g, double degrees_of_freedom) noexcept {
    return 2 * gamma_variate(g, 0.5 * degrees_of_freedom);
}

/// The fraction by which a price falls under the log-return r: 1 - e^r, limited to [0, 1)
/// (rises give 0; the largest fall is the largest value below 1). NaN in, NaN out. This is
/// the per-asset `shock` the liquidation cascade takes.
template <real T>
SPIRAL_HD constexpr T price_drop(T r) noexcept {
    using S = scalar_t<T>;
    constexpr S below_one =
        S(1) - S(0.5) * (sizeof(S) == 4 ? S(1.1920928955078125e-7) : S(2.220446049250313e-16));
    return spiral::clamp(T(1) - spiral::exp(r), T(0), T(below_one));
}

} // namespace spiral::risk
