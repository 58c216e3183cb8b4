// Compiled by nvcc (ctest `cuda_device_compile`, when nvcc is found): the formula templates
// marked SPIRAL_HD must be callable from device code without --expt-relaxed-constexpr.
// Compile-only: no GPU is needed, and none is assumed.
#include <spiral/core/normal.hpp>
#include <spiral/haircut/combinators.hpp>
#include <spiral/haircut/liquidity.hpp>
#include <spiral/haircut/volatility.hpp>
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/options/black_scholes.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/risk/risk_weight.hpp>

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
