// Reproducible random numbers for scenario generation: SplitMix64, uniforms on (0, 1) and
// standard normals by inversion (spiral::norm_quantile), the same on every platform and
// standard library (std:: distributions are not), and the map from a log-return to the price
// drop fraction that the cascade engine takes.
//
// Standard library only (part of <spiral/spiral.hpp>).
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>

#include <cstdint>

namespace spiral::risk {

/// SplitMix64 (Steele, Lea & Flood 2014; the seeding generator of Vigna's xoshiro family):
/// a Weyl sequence with step 0x9e3779b97f4a7c15 passed through a 64-bit finaliser. Passes
/// BigCrush; period 2^64.
struct splitmix64 {
    std::uint64_t state = 0;

    /// The finaliser alone: a bijection of 64-bit words that scrambles nearby inputs.
    SPIRAL_HD static constexpr std::uint64_t mix(std::uint64_t z) noexcept {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    SPIRAL_HD constexpr std::uint64_t next() noexcept {
        state += 0x9e3779b97f4a7c15ULL;
        return mix(state);
    }
};

/// The top 52 bits of `bits` as a double in the open interval (0, 1): (k + 1/2) 2^-52, from
/// 2^-53 to 1 - 2^-53 (with 53 bits, k + 1/2 would need 54 and the top value round to 1).
SPIRAL_HD constexpr double unit_open(std::uint64_t bits) noexcept {
    return (static_cast<double>(bits >> 12) + 0.5) * 0x1p-52;
}

/// A standard normal draw by inversion of one uniform (exact to norm_quantile's ~1e-16).
SPIRAL_HD constexpr double standard_normal(splitmix64& g) noexcept {
    return norm_quantile(unit_open(g.next()));
}

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
