// Reproducible random numbers: SplitMix64, uniforms on (0, 1) and standard normals by
// inversion (spiral::norm_quantile). The same sequence on every platform and standard library,
// which std:: distributions do not promise; used for scenarios, synthetic books and tests.
/// \file
/// \ingroup core
/// \brief Reproducible random numbers: SplitMix64, open uniforms and standard normals.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/normal.hpp>

#include <cstdint>

namespace spiral {

/// SplitMix64 (Steele, Lea & Flood 2014; the seeding generator of Vigna's xoshiro family):
/// a Weyl sequence with step 0x9e3779b97f4a7c15 passed through a 64-bit finaliser. Passes
/// BigCrush; period 2^64.
struct splitmix64 {
    std::uint64_t state = 0; ///< The Weyl sequence's current value (the seed at first).

    /// The finaliser alone: a bijection of 64-bit words that scrambles nearby inputs.
    SPIRAL_HD static constexpr std::uint64_t mix(std::uint64_t z) noexcept {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    /// The next 64-bit word: the state advanced by one step, through the finaliser.
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

/// A uniform draw on (0, 1).
SPIRAL_HD constexpr double uniform_open(splitmix64& g) noexcept {
    return unit_open(g.next());
}

/// A standard normal draw by inversion of one uniform (exact to norm_quantile's ~1e-16).
SPIRAL_HD constexpr double standard_normal(splitmix64& g) noexcept {
    return norm_quantile(uniform_open(g));
}

} // namespace spiral
