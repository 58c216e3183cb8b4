// Compile-time proofs for the margin family: the element rules, the grids and the VaR
// multiplier evaluate in constant expressions with the values written out by hand.
#include <spiral/margin/account.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/option_rule.hpp>
#include <spiral/margin/scenario_grid.hpp>
#include <spiral/margin/size_dependent.hpp>

namespace {

namespace mg = spiral::margin;
using spiral::option_type;

constexpr bool near(double a, double b, double tolerance) {
    return (a - b <= tolerance) && (b - a <= tolerance);
}

// Deribit short call: S 60000, K 70000, mark 600 -> IM (max(0.15 - 1/6, 0.10) + 0.01) S = 6600,
// MM (0.075 + 0.01) S = 5100; float as well.
constexpr auto call =
    mg::short_option_requirement(mg::venues::deribit, option_type::call, 60000.0, 70000.0, 600.0);
static_assert(near(call.initial, 6600.0, 1e-9) && near(call.maintenance, 5100.0, 1e-9));
constexpr auto put_f =
    mg::short_option_requirement(mg::venues::deribit, option_type::put, 60000.0f, 55000.0f, 900.0f);
static_assert(near(put_f.initial, 6900.0, 0.01) && near(put_f.maintenance, 5400.0, 0.01));
static_assert(mg::position_requirement(mg::venues::deribit, option_type::call, 5.0, 100.0, 90.0,
                                       12.0)
                  .initial == 0.0);

// accounts
static_assert(near(mg::health_factor(1200.0, 1000.0), 1.2, 1e-15));
static_assert(near(mg::liquidation_price(2.0, 0.8, 1000.0), 625.0, 1e-12));
static_assert(near(mg::distance_to_liquidation(1000.0, 625.0), 0.375, 1e-15));

// grids are built at compile time
constexpr auto span_grid = mg::span_parameters{.price_scan_range = 0.06}.grid();
static_assert(span_grid.size() == 16);
static_assert(span_grid.scenarios[12].price_move == -0.06 &&
              span_grid.scenarios[12].vol_direction == 1.0);
static_assert(near(span_grid.scenarios[15].price_move, -0.12, 1e-15) &&
              span_grid.scenarios[15].weight == 0.35);
constexpr auto pm_grid = mg::crypto_pm_parameters{}.grid();
static_assert(pm_grid.size() == 35 && pm_grid.scenarios[0].price_move == -0.16 &&
              pm_grid.scenarios[34].price_move == 5.0);
// a 30-day option's vol shock: x1.5 up (constexpr exp/log)
static_assert(near(pm_grid.shock.shocked(0.6, 30.0 / 365, 1.0), 0.9, 1e-12));

// size-dependent
static_assert(near(mg::sqrt_size{.base = 0.05, .factor = 0.001}.rate(10000.0), 0.1, 1e-15));
static_assert(near(mg::open_interest_scaled{}.rate(150.0, 1000.0), 0.55, 1e-15));

// VaR multiplier: Phi^-1(0.99) sqrt(2)
static_assert(near(mg::var_margin{}.multiplier(), 2.3263478740408408 * 1.4142135623730951, 1e-12));

} // namespace
