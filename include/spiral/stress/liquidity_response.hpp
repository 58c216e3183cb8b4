// stress::liquidity_response — liquidity that thins as a scenario's realised volatility rises.
/// \file
/// \ingroup stress
/// \brief stress::liquidity_response: depth that thins as realised volatility rises.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/stress/path_model.hpp>

#include <cstddef>
#include <string_view>

namespace spiral::stress {

/// Market depth as a function of the volatility a scenario realises: order books and pools
/// empty out in a crash (market makers widen and pull size), so the impact curve a scenario
/// sells into is the base curve with its depth multiplied by
///
///   depth = clamp((reference_vol / realised_vol)^elasticity, floor, 1)
///
/// where realised_vol = sqrt(sum of squared log-returns of the path / path length in years)
/// is annualised. Scenarios calmer than `reference_vol` keep the full depth. The curve used is
/// impact::scaled_depth{curve, depth}. `reference_vol = 0` switches the response off.
struct liquidity_response {
    double reference_vol = 0; ///< annualised vol at and below which depth is full (0: off)
    double elasticity = 1;    ///< how fast depth thins as vol rises above reference (>= 0)
    double floor = 0.05;      ///< the least depth multiplier, in (0, 1]

    /// True when the response is on.
    SPIRAL_HD constexpr bool enabled() const noexcept { return reference_vol > 0; }

    /// The annualised realised volatility of `prices` (spec.steps + 1 points on spec's grid).
    SPIRAL_HD static double realised_vol(const double* prices, const path_spec& spec) noexcept {
        double sum = 0;
        for (std::size_t k = 1; k <= spec.steps; ++k) {
            const double r = spiral::log(prices[k] / prices[k - 1]);
            sum += r * r;
        }
        return spiral::sqrt(sum / (static_cast<double>(spec.steps) * spec.step_years()));
    }

    /// The depth multiplier for a scenario whose path is `prices`: 1 when off.
    SPIRAL_HD double depth(const double* prices, const path_spec& spec) const noexcept {
        if (!enabled())
            return 1;
        const double vol = realised_vol(prices, spec);
        if (!(vol > reference_vol))
            return 1;
        const double m = spiral::exp(elasticity * spiral::log(reference_vol / vol));
        return m > floor ? m : floor;
    }

    /// Throws spiral::invalid_argument naming the field: reference_vol finite and >= 0,
    /// elasticity finite and >= 0, floor in (0, 1].
    void validate(std::string_view what = "stress::liquidity_response") const {
        using spiral::detail::require;
        require(spiral::detail::non_negative, what, "reference_vol", reference_vol);
        require(spiral::detail::non_negative, what, "elasticity", elasticity);
        require(spiral::detail::in_left_open(0, 1), what, "floor", floor);
    }
};

} // namespace spiral::stress
