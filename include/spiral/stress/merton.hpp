// stress::merton — Merton's jump-diffusion: GBM plus compound-Poisson log-normal jumps.
/// \file
/// \ingroup stress
/// \brief stress::merton: jump-diffusion price paths (Merton 1976), exact Poisson jump counts.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/random.hpp>
#include <spiral/stress/path_model.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace spiral::stress {

namespace detail {

/// The most jumps a step of stress::merton may expect (lambda dt): a Poisson draw costs one
/// uniform per 16 of its mean, and a step with more expected jumps than this is not a jump
/// model any more.
inline constexpr double max_jumps_per_step = 1e4;

/// A Poisson(mean) draw, exact to the resolution of the uniforms (2^-53) for every mean >= 0.
/// The mean is split into pieces of at most 16 (a sum of independent Poisson counts is Poisson
/// with the summed mean), each drawn by inversion: one uniform u, then a sequential search of
/// the CDF from 0. For a piece of mean <= 16 the probability of a count above 200 is below
/// 1e-100, far under 2^-53, so the search is cut there. Cost: one uniform per piece, so it
/// grows with the mean (mean / 16 pieces); scenario steps have means far below 1. 0 for a
/// mean that is not > 0 (NaN included). Means above max_jumps_per_step are drawn as that
/// many (merton::validate(spec) rejects them): the loop is bounded whatever it is given.
SPIRAL_HD constexpr std::uint64_t poisson_variate(splitmix64& g, double mean) noexcept {
    constexpr double piece = 16;
    constexpr std::uint64_t cut = 200;
    mean = mean > max_jumps_per_step ? max_jumps_per_step : mean; // NaN stays NaN: 0
    std::uint64_t total = 0;
    while (mean > 0) {
        const double m = mean < piece ? mean : piece;
        mean -= m;
        const double u = uniform_open(g);
        double p = spiral::exp(-m); // P(N = 0)
        double cdf = p;
        std::uint64_t n = 0;
        while (u > cdf && n < cut) {
            ++n;
            p *= m / static_cast<double>(n);
            cdf += p;
        }
        total += n;
    }
    return total;
}

} // namespace detail

/// Merton's jump-diffusion (R. C. Merton, "Option pricing when underlying stock returns are
/// discontinuous", J. Financial Economics 3, 1976): between jumps a GBM with vol sigma; jumps
/// arrive as a Poisson process of intensity lambda per year, each multiplying the price by
/// e^J with J ~ N(jump_mean, jump_vol^2). The drift is compensated, so E[S_T] = S_0 e^{mu T}:
///
///   r = (mu - sigma^2/2 - lambda k) dt + sigma sqrt(dt) Z + sum_{j=1..N} J_j,
///   k = E[e^J] - 1 = exp(jump_mean + jump_vol^2/2) - 1,  N ~ Poisson(lambda dt),
///
/// exactly on the grid (the sum of N jumps is drawn as N jump_mean + jump_vol sqrt(N) Z').
/// Per step: one normal, the Poisson uniforms (detail::poisson_variate: one for lambda dt <=
/// 16) and one more normal when N > 0. Stress: sigma = vol * spec.vol_multiplier (the
/// diffusion only; jump sizes are not scaled), lambda = jump_intensity * spec.jump_multiplier
/// (0 removes the jumps and their compensator: a GBM). Log-return over T: mean
/// (mu - sigma^2/2 - lambda k) T + lambda T jump_mean, variance (sigma^2 + lambda (jump_vol^2 +
/// jump_mean^2)) T.
struct merton {
    double drift = 0;          ///< mu, annualised, finite
    double vol = 0;            ///< sigma of the diffusion, annualised, finite and >= 0
    double jump_intensity = 0; ///< lambda, expected jumps per year, finite and >= 0
    double jump_mean = 0;      ///< mean of the log jump size J, finite (< 0: crashes)
    double jump_vol = 0;       ///< standard deviation of J, finite and >= 0

    /// Throws spiral::invalid_argument naming the field (domains as documented above), and for
    /// a jump_mean + jump_vol^2/2 whose exponential overflows (k infinite).
    void validate() const {
        constexpr std::string_view what = "stress::merton";
        using spiral::detail::require;
        require(spiral::detail::finite, what, "drift", drift);
        require(spiral::detail::non_negative, what, "vol", vol);
        require(spiral::detail::non_negative, what, "jump_intensity", jump_intensity);
        require(spiral::detail::finite, what, "jump_mean", jump_mean);
        require(spiral::detail::non_negative, what, "jump_vol", jump_vol);
        if (!(jump_mean + 0.5 * jump_vol * jump_vol < 709))
            spiral::detail::throw_invalid(what, "jump_mean", spiral::detail::no_row, jump_mean,
                                          "with jump_vol, makes E[e^J] overflow");
    }

    /// validate(), spec.validate(), and the expected jumps per step, jump_intensity x
    /// spec.jump_multiplier x spec.step_years(), at most detail::max_jumps_per_step (1e4):
    /// else throws naming jump_intensity (an intensity of 1e300 would make every step draw
    /// 1e299 uniforms).
    void validate(const path_spec& spec) const {
        constexpr std::string_view what = "stress::merton";
        validate();
        spec.validate();
        const double per_step = jump_intensity * spec.jump_multiplier * spec.step_years();
        if (!(per_step <= detail::max_jumps_per_step))
            spiral::detail::throw_invalid(
                what, "jump_intensity", spiral::detail::no_row, jump_intensity,
                "times spec.jump_multiplier and the step (" + std::to_string(per_step) +
                    " expected jumps per step) must be <= 1e4");
    }

    /// Writes spec.steps + 1 prices (prices[0] = spec.spot).
    SPIRAL_HD constexpr void generate(splitmix64& g, const path_spec& spec,
                                      double* prices) const noexcept {
        const double dt = spec.step_years();
        const double sigma = vol * spec.vol_multiplier;
        const double lambda = jump_intensity * spec.jump_multiplier;
        const double k = spiral::exp(jump_mean + 0.5 * jump_vol * jump_vol) - 1;
        const double jumps_per_step = lambda * dt;
        // lambda = 0: no compensator (0 * k would still be 0; kept explicit for clarity)
        const double mean = (drift - 0.5 * sigma * sigma - (lambda > 0 ? lambda * k : 0)) * dt;
        const double scale = sigma * spiral::sqrt(dt);
        double x = 0;
        prices[0] = spec.spot;
        for (std::size_t s = 1; s <= spec.steps; ++s) {
            x += mean + scale * standard_normal(g);
            const std::uint64_t n = detail::poisson_variate(g, jumps_per_step);
            if (n > 0) {
                const double count = static_cast<double>(n);
                x += count * jump_mean + jump_vol * spiral::sqrt(count) * standard_normal(g);
            }
            prices[s] = spec.spot * spiral::exp(x);
        }
    }
};

} // namespace spiral::stress
