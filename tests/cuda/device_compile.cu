// Compiled by nvcc (ctest `cuda_device_compile`, when nvcc is found): the formula templates
// marked SPIRAL_HD must be callable from device code without --expt-relaxed-constexpr.
// Compile-only: no GPU is needed, and none is assumed.
#include <spiral/cascade/analysis.hpp>
#include <spiral/cascade/detail/intake.hpp>
#include <spiral/cascade/position.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/haircut/combinators.hpp>
#include <spiral/haircut/liquidity.hpp>
#include <spiral/haircut/volatility.hpp>
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/margin/account.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/greeks_margin.hpp>
#include <spiral/margin/option_rule.hpp>
#include <spiral/margin/scenario_grid.hpp>
#include <spiral/margin/size_dependent.hpp>
#include <spiral/options/black_scholes.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/risk/risk_weight.hpp>
#include <spiral/stress/garch_paths.hpp>
#include <spiral/stress/gbm.hpp>
#include <spiral/stress/merton.hpp>
#include <spiral/stress/student_t.hpp>

__global__ void every_family(const double* spot, double* out, int n) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i >= n)
        return;
    const spiral::bs_input<double> in{spot[i], 100.0, 1.0, 0.05, 0.0, 0.2};
    const auto greeks = spiral::black_scholes(spiral::option_type::call, in);
    const double vol = spiral::implied_vol(spiral::option_type::call, greeks.price, in);
    const spiral::impact::constant_product pool{1000.0, 3e6, 0.003};
    const auto rule = spiral::haircut::volatility{} + spiral::haircut::liquidity{pool};
    out[i] = vol + greeks.vanna + spiral::norm_quantile(0.3) +
             rule(spiral::collateral<double>{spot[i], 3000.0, 0.8, 0.0}) +
             spiral::impact::exponential{0.01}.proceeds(spot[i]);
}

__global__ void margin_family(const double* spot, double* out, int n) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i >= n)
        return;
    namespace mg = spiral::margin;
    const spiral::bs_input<double> in{spot[i], 3000.0, 0.1, 0.0, 0.0, 0.8};
    const auto im = mg::short_option_requirement(mg::option_rule{}, spiral::option_type::put,
                                                 spot[i], 3000.0, 120.0);
    const auto dgv = mg::delta_gamma_vega{}(spiral::option_type::call, in, -2.0);
    const mg::vol_shock shock{.up = 0.5,
                              .down = 0.25,
                              .relative = true,
                              .short_term_power = 0.3,
                              .long_term_power = 0.13};
    out[i] = im.initial + dgv.taylor + dgv.full + shock.shocked(0.8, 0.1, 1.0) +
             mg::health_factor(spot[i] * 0.8, 1000.0) + mg::liquidation_price(1.0, 0.8, 1000.0) +
             mg::sqrt_size{}.rate(spot[i]) + mg::open_interest_scaled{}.rate(10.0, spot[i]) +
             mg::var_margin{}(0.02);
}

// One liquidation per thread: the cascade's per-position kernels in device code.
__global__ void liquidate_positions(const double* collateral, const double* debt,
                                    const spiral::cascade::rules* rules, double oracle,
                                    double* seized, int n) {
    namespace cascade = spiral::cascade;
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i >= n)
        return;
    const double h = cascade::health(collateral[i], oracle, 0.8, debt[i]);
    const double bonus = cascade::bonus_at(*rules, h);
    const double f = cascade::close_fraction(*rules, h, 0.8, bonus);
    const auto l = cascade::liquidate(collateral[i], debt[i], oracle, f, bonus);
    seized[i] = cascade::is_toxic(collateral[i], debt[i], oracle, bonus) ? l.seized : 0.0;
    // the engine's one-step kernel (health, bonus, size, liquidate, new liquidation price)
    const auto step =
        cascade::detail::liquidate_if_due(*rules, oracle, 1.0, collateral[i], debt[i], 0.8);
    seized[i] += step.seized;
}

__global__ void risk_weights_and_shocks(const double* vol, double* out, int n) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i >= n)
        return;
    const spiral::risk::stress_horizon stress{};
    auto g = spiral::risk::scenario_generator(42, static_cast<unsigned long long>(i));
    out[i] = spiral::risk::beta_risk_weight(vol[i], 0.7, stress) +
             spiral::risk::quantile_risk_weight(vol[i], 0.7, stress) +
             spiral::risk::standalone_risk_weight(vol[i], stress) +
             spiral::risk::price_drop(vol[i] * spiral::risk::standard_normal(g));
}

// One scenario path per thread: the single-asset stress generators in device code, each
// thread on its own stream (scenario_generator(seed, index)), `steps + 1` prices per model.
__global__ void stress_paths(const spiral::stress::path_spec* spec, double* prices, int n) {
    namespace stress = spiral::stress;
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i >= n)
        return;
    const auto width = spec->steps + 1;
    double* out = prices + static_cast<unsigned long long>(i) * 4 * width;
    auto g = spiral::risk::scenario_generator(7, static_cast<unsigned long long>(i));
    stress::gbm{.drift = 0.05, .vol = 0.8}.generate(g, *spec, out);
    stress::merton{.vol = 0.6, .jump_intensity = 12, .jump_mean = -0.08, .jump_vol = 0.1}.generate(
        g, *spec, out + width);
    stress::student_t{.vol = 0.8, .degrees_of_freedom = 5}.generate(g, *spec, out + 2 * width);
    const stress::garch_paths garch{.params = {2e-5, 0.1, 0.85},
                                    .innovations = stress::innovation::student_t,
                                    .degrees_of_freedom = 6};
    garch.generate(g, *spec, out + 3 * width);
}
