// A minimal geometric Brownian motion path model for the stress engine's tests (kept here so
// the engine's tests do not depend on the generator family): log-price steps of drift
// (mu - sigma^2 / 2) dt and volatility sigma sqrt(dt), sigma = vol x spec.vol_multiplier.
#pragma once

#include <spiral/core/random.hpp>
#include <spiral/stress/path_model.hpp>

#include <cmath>
#include <cstddef>

namespace spiral::test {

struct gbm_paths {
    double vol = 0.8;   // annualised
    double drift = 0.0; // annualised mu

    void validate() const {}

    void generate(splitmix64& g, const stress::path_spec& s, double* prices) const noexcept {
        const double sigma = vol * s.vol_multiplier;
        const double dt = s.step_years();
        const double mean = (drift - 0.5 * sigma * sigma) * dt, sd = sigma * std::sqrt(dt);
        double x = std::log(s.spot);
        prices[0] = s.spot;
        for (std::size_t k = 1; k <= s.steps; ++k) {
            x += mean + sd * standard_normal(g);
            prices[k] = std::exp(x);
        }
    }
};

static_assert(stress::path_model<gbm_paths>);

} // namespace spiral::test
