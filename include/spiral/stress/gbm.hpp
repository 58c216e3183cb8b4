// stress::gbm — geometric Brownian motion paths with exact log-normal steps.
/// \file
/// \ingroup stress
/// \brief stress::gbm: geometric Brownian motion price paths (exact log-normal steps).
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/random.hpp>
#include <spiral/stress/path_model.hpp>

#include <cstddef>
#include <string_view>

namespace spiral::stress {

/// Geometric Brownian motion (Black & Scholes 1973; Samuelson 1965): dS = mu S dt + sigma S dW,
/// simulated exactly on the grid, each step's log-return drawn as
///
///   r = (mu - sigma^2 / 2) dt + sigma sqrt(dt) Z,   Z ~ N(0, 1),  dt = spec.step_years(),
///
/// with sigma = vol * spec.vol_multiplier, so E[S_T] = S_0 e^{mu T} whatever the multiplier.
/// One normal per step from the scenario's stream. There are no jumps: spec.jump_multiplier
/// is not used. Prices are spot * exp(cumulative log-return) (they underflow to 0 only for
/// log-returns below about -745).
struct gbm {
    double drift = 0; ///< mu, annualised (continuously compounded), finite
    double vol = 0;   ///< sigma, annualised, finite and >= 0

    /// Throws spiral::invalid_argument naming the field: drift finite, vol finite and >= 0.
    void validate() const {
        constexpr std::string_view what = "stress::gbm";
        spiral::detail::require(spiral::detail::finite, what, "drift", drift);
        spiral::detail::require(spiral::detail::non_negative, what, "vol", vol);
    }

    /// Writes spec.steps + 1 prices (prices[0] = spec.spot); one normal per step from `g`.
    SPIRAL_HD constexpr void generate(splitmix64& g, const path_spec& spec,
                                      double* prices) const noexcept {
        const double dt = spec.step_years();
        const double sigma = vol * spec.vol_multiplier;
        const double mean = (drift - 0.5 * sigma * sigma) * dt;
        const double scale = sigma * spiral::sqrt(dt);
        double x = 0;
        prices[0] = spec.spot;
        for (std::size_t k = 1; k <= spec.steps; ++k) {
            x += mean + scale * standard_normal(g);
            prices[k] = spec.spot * spiral::exp(x);
        }
    }
};

} // namespace spiral::stress
