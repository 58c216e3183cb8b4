// Reproducible scenario streams (one SplitMix64 generator per scenario, from
// <spiral/core/random.hpp>) and the map from a log-return to the price drop fraction that the
// cascade engine takes.
//
// Standard library only (part of <spiral/spiral.hpp>).
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
using spiral::unit_open;

/// The generator of scenario `index` of the stream `seed`: an independent-looking starting
/// point per scenario, so any range of scenarios can be generated alone (in parallel, or
/// resumed) and gives the same numbers as a run over all of them.
SPIRAL_HD constexpr splitmix64 scenario_generator(std::uint64_t seed,
                                                  std::uint64_t index) noexcept {
    return splitmix64{splitmix64::mix(seed ^ splitmix64::mix(index + 0x632be59bd9b4e019ULL))};
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
