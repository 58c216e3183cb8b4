// Compile-time proofs for the haircut models: the concept accepts them, they evaluate in
// constant expressions with the right values, and their combinations do too.
#include <spiral/haircut/haircut.hpp>

#include <type_traits>

namespace {

namespace hc = spiral::haircut;
using spiral::collateral;

constexpr bool near(double a, double b, double tolerance) {
    return (a - b <= tolerance) && (b - a <= tolerance);
}

/// Linear impact 1 - lambda q (floored at 0): proceeds q - lambda q^2 / 2 up to q = 1/lambda.
struct linear_curve {
    double lambda;
    template <spiral::real T>
    constexpr T price_factor(T q) const noexcept {
        return spiral::max(T(0), T(1) - T(lambda) * q);
    }
    template <spiral::real T>
    constexpr T proceeds(T q) const noexcept {
        const T sold = spiral::min(q, T(1 / lambda));
        return sold - T(0.5 * lambda) * sold * sold;
    }
};

// The concept: every model, for float and double; not for what is not one.
static_assert(spiral::haircut_model<hc::fixed, double>);
static_assert(spiral::haircut_model<hc::volatility, float>);
static_assert(spiral::haircut_model<hc::basel_scaled, double>);
static_assert(spiral::haircut_model<hc::liquidity<linear_curve>, double>);
static_assert(spiral::haircut_model<hc::wrong_way, float>);
static_assert(spiral::haircut_model<hc::depeg, double>);
static_assert(spiral::haircut_model<hc::sum<hc::fixed, hc::volatility>, double>);
static_assert(!spiral::haircut_model<double, double>);
static_assert(!spiral::haircut_model<hc::liquidity<int>, double>); // int is no impact curve
static_assert(std::is_trivially_copyable_v<hc::capped<hc::max_of<hc::wrong_way, hc::depeg>>>);
static_assert(std::is_aggregate_v<hc::volatility> && std::is_aggregate_v<hc::sum<int, int>>);

constexpr collateral<double> eth{100.0, 3000.0, 0.8, 0.5};
constexpr double z99 = 2.3263478740408408;
constexpr double sqrt_day = 0.052342392259021375; // sqrt(1/365)

// Models.
static_assert(hc::fixed{0.1}(eth) == 0.1);
static_assert(hc::fixed{2.0}(eth) == 1.0);
static_assert(near(hc::volatility{}(eth), z99 * 0.8 * sqrt_day, 1e-15));
static_assert(hc::volatility{.confidence = 0.99, .horizon_days = 0}(eth) == 0.0);
static_assert(near(hc::basel_scaled{.h10 = 0.15,
                                    .remargin_days = 1,
                                    .holding_days = hc::basel::secured_lending}(eth),
                   0.21213203435596426, 1e-16));
static_assert(hc::basel::debt_h10(hc::basel::issuer::other, hc::basel::rating::a_to_bbb, 3) ==
              0.06);
static_assert(near(hc::liquidity{linear_curve{1e-3}}(eth), 0.05, 1e-15)); // lambda q / 2
static_assert(hc::liquidity{linear_curve{1e-3}}(collateral<double>{0, 1, 1, 0}) == 0.0);
static_assert(near(hc::wrong_way{.exposure_volatility = 0.6}(collateral<double>{1, 1, 0.8, 1}),
                   z99 * 0.8 * sqrt_day, 1e-15)); // same asset: the standalone haircut
static_assert(near(hc::wrong_way{.exposure_volatility = 0.6}(collateral<double>{1, 1, 0.8, 0}),
                   z99*(1.0 - 0.6) * sqrt_day, 1e-15)); // hypot(0.8, 0.6) = 1
static_assert(near(hc::depeg{.jump_size = 0.05, .jump_probability = 0.02}(eth),
                   0.05 + z99 * 0.8 * sqrt_day, 1e-15));
static_assert(near(hc::depeg{.jump_size = 0.05, .jump_probability = 0.002}(eth),
                   0.01 + z99 * 0.8 * sqrt_day, 1e-15));

// Combinators: readable, constexpr, clamped.
constexpr auto market_and_liquidity = hc::volatility{} + hc::liquidity{linear_curve{1e-3}};
static_assert(near(market_and_liquidity(eth), z99 * 0.8 * sqrt_day + 0.05, 1e-15));
static_assert(hc::cap(market_and_liquidity, 0.1)(eth) == 0.1);
static_assert(hc::floor(hc::volatility{}, 0.3)(eth) == 0.3);
static_assert(hc::max(hc::fixed{0.2}, hc::volatility{})(eth) == 0.2);
static_assert((hc::fixed{0.6} + hc::fixed{0.7})(eth) == 1.0);
static_assert(near(hc::prepare(market_and_liquidity)(eth), market_and_liquidity(eth), 0.0));
static_assert(hc::basel_scaled{.h10 = 0.15}.prepare().rate == 0.15);

// float in, float out.
static_assert(std::is_same_v<decltype(market_and_liquidity(collateral<float>{})), float>);

} // namespace
