// Compile-time proofs: the concept accepts what it should, and the scalar formulas are
// constant-evaluable with the right values. Compiling this file is the test.
#include <spiral/spiral.hpp>

namespace {

constexpr bool near(double a, double b, double tolerance) {
    return (a - b <= tolerance) && (b - a <= tolerance);
}

// The concept: scalars in, everything else out.
static_assert(spiral::real<double> && spiral::real<float>);
static_assert(!spiral::real<int> && !spiral::real<long double*> && !spiral::real<bool>);
static_assert(std::is_same_v<spiral::mask_t<double>, bool>);
static_assert(spiral::lanes<float> == 1);

// Elementary functions at compile time (values from their defining series, 17 digits).
static_assert(spiral::exp(0.0) == 1.0);
static_assert(near(spiral::exp(1.0), 2.7182818284590452, 1e-15));
static_assert(near(spiral::exp(-20.5), 1.2501528663867426e-9, 1e-24));
static_assert(near(spiral::log(10.0), 2.3025850929940457, 4e-16));
static_assert(spiral::log(1.0) == 0.0);
static_assert(spiral::sqrt(2.0) == 1.4142135623730951);
static_assert(spiral::sqrt(0.25f) == 0.5f);

// Normal distribution: Phi(0) = 1/2, the 97.5% quantile 1.959963984540054, symmetry.
static_assert(spiral::norm_cdf(0.0) == 0.5);
static_assert(near(spiral::norm_quantile(0.975), 1.959963984540054, 1e-15));
static_assert(near(spiral::norm_cdf(-1.0) + spiral::norm_cdf(1.0), 1.0, 2e-16));
static_assert(near(spiral::norm_pdf(0.0), 0.3989422804014327, 1e-17));
static_assert(near(spiral::erfc(1.0), 0.15729920705028513, 1e-16));

// Black–Scholes at compile time: the textbook at-the-money call (S = K = 100, T = 1,
// r = 5%, sigma = 20%) is worth 10.450583572185565; put-call parity holds.
constexpr spiral::bs_input<double> atm{100.0, 100.0, 1.0, 0.05, 0.0, 0.2};
constexpr auto call = spiral::black_scholes(spiral::option_type::call, atm);
constexpr auto put = spiral::black_scholes(spiral::option_type::put, atm);
static_assert(near(call.price, 10.450583572185565, 1e-12));
static_assert(near(call.price - put.price, 100.0 - 100.0 * spiral::exp(-0.05), 1e-12));
static_assert(near(call.delta - put.delta, 1.0, 1e-15));
static_assert(near(spiral::black(spiral::option_type::call, 100.0, 100.0, 0.2, 1.0),
                   7.9655674554058038, 1e-12));
static_assert(spiral::black_scholes_price(spiral::option_type::call,
                                          spiral::bs_input<double>{100, 90, 0, 0, 0, 0.2}) == 10.0);

} // namespace
