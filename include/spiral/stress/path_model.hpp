// stress::path_spec and the path_model concept: what every scenario generator is asked for.
/// \file
/// \ingroup stress
/// \brief stress::path_spec and the stress::path_model concept every scenario generator meets.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/random.hpp>

#include <concepts>
#include <cstddef>
#include <string_view>

namespace spiral::stress {

/// The grid a scenario's price path lives on, and the stress applied to every model.
/// A path has steps + 1 points: prices[0] = spot, then one price per step of `step_days`.
struct path_spec {
    double spot = 1;             ///< price at the start of every path (> 0)
    std::size_t steps = 96;      ///< steps per path (>= 1)
    double step_days = 1.0 / 24; ///< length of a step in days (> 0)
    double days_per_year = 365;  ///< converts annualised parameters to a step (> 0)
    double vol_multiplier = 1;   ///< stress: every model's volatility times this (> 0)
    double jump_multiplier = 1;  ///< stress: every jump intensity times this (>= 0)

    /// Length of a step in years.
    SPIRAL_HD constexpr double step_years() const noexcept { return step_days / days_per_year; }

    /// Throws spiral::invalid_argument naming the field: spot, step_days, days_per_year and
    /// vol_multiplier must be positive and finite, jump_multiplier finite and >= 0, steps >= 1.
    void validate(std::string_view what = "stress::path_spec") const {
        using spiral::detail::require;
        require(spiral::detail::positive, what, "spot", spot);
        spiral::detail::require_count(what, "steps", steps, 1, std::size_t(1) << 32);
        require(spiral::detail::positive, what, "step_days", step_days);
        require(spiral::detail::positive, what, "days_per_year", days_per_year);
        require(spiral::detail::positive, what, "vol_multiplier", vol_multiplier);
        require(spiral::detail::non_negative, what, "jump_multiplier", jump_multiplier);
    }
};

/// A scenario generator for one asset: `generate(g, spec, prices)` writes spec.steps + 1
/// positive prices with prices[0] = spec.spot, drawing every random number it needs from `g`
/// (the scenario's own stream, stress::scenario_stream), so a scenario is the same whatever
/// else runs. `validate()` throws spiral::invalid_argument for parameters it cannot serve;
/// `generate` itself never throws.
template <class M>
concept path_model = requires(const M& m, splitmix64& g, const path_spec& s, double* prices) {
    { m.generate(g, s, prices) }
    noexcept;
    m.validate();
};

/// A scenario generator for several assets at once (correlated paths): `generate(g, spec,
/// prices)` writes assets() paths of spec.steps + 1 prices each, asset-major (path a at
/// prices + a (spec.steps + 1)), path a starting at the model's own spot for asset a
/// (spec.spot is not used). The rest is as for path_model.
template <class M>
concept multi_path_model = requires(const M& m, splitmix64& g, const path_spec& s, double* prices) {
    { m.assets() }
    noexcept->std::convertible_to<std::size_t>;
    { m.generate(g, s, prices) }
    noexcept;
    m.validate();
};

} // namespace spiral::stress
