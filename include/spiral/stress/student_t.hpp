// stress::student_t — log-returns with Student-t innovations (fat tails), unit-variance scaled.
/// \file
/// \ingroup stress
/// \brief stress::student_t: price paths whose log-returns have Student-t innovations.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/random.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/stress/path_model.hpp>

#include <cstddef>
#include <string_view>

namespace spiral::stress {

/// Log-returns with independent Student-t innovations scaled to unit variance (fat tails at
/// the same volatility; Bollerslev 1987 and Praetz 1972 for t-distributed returns):
///
///   r = (mu - sigma^2/2) dt + sigma sqrt(dt) T,   T = Z sqrt((nu - 2) / W),
///   Z ~ N(0, 1), W ~ chi-square(nu) (risk::chi_square_variate),
///
/// so Var T = 1 and sigma = vol * spec.vol_multiplier is the true volatility of the
/// log-returns; their excess kurtosis is 6 / (nu - 4) for nu > 4 (infinite for nu <= 4). The
/// drift term is GBM's; E[e^T] is infinite for every nu, so no finite compensator makes
/// E[S_T] = S_0 e^{mu T}: `drift` sets the median-like centre of the log-returns, not the mean
/// price. Per step: one normal and one gamma variate. There are no jumps: spec.jump_multiplier
/// is not used.
struct student_t {
    double drift = 0;              ///< mu, annualised, finite
    double vol = 0;                ///< sigma, annualised, finite and >= 0
    double degrees_of_freedom = 4; ///< nu, finite and > 2 (so the variance exists)

    /// Throws spiral::invalid_argument naming the field (domains as documented above).
    void validate() const {
        constexpr std::string_view what = "stress::student_t";
        spiral::detail::require(spiral::detail::finite, what, "drift", drift);
        spiral::detail::require(spiral::detail::non_negative, what, "vol", vol);
        spiral::detail::require(spiral::detail::above(2), what, "degrees_of_freedom",
                                degrees_of_freedom);
    }

    /// Writes spec.steps + 1 prices (prices[0] = spec.spot).
    SPIRAL_HD constexpr void generate(splitmix64& g, const path_spec& spec,
                                      double* prices) const noexcept {
        const double dt = spec.step_years();
        const double sigma = vol * spec.vol_multiplier;
        const double mean = (drift - 0.5 * sigma * sigma) * dt;
        const double scale = sigma * spiral::sqrt(dt);
        const double nu = degrees_of_freedom;
        double x = 0;
        prices[0] = spec.spot;
        for (std::size_t k = 1; k <= spec.steps; ++k) {
            const double z = standard_normal(g);
            const double w = risk::chi_square_variate(g, nu);
            x += mean + scale * z * spiral::sqrt((nu - 2) / w);
            prices[k] = spec.spot * spiral::exp(x);
        }
    }
};

} // namespace spiral::stress
