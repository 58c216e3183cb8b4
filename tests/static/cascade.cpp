// Compile-time proofs for the cascade's per-position kernels: they evaluate in constant
// expressions, for float and double, with the values the rules give by hand.
#include <spiral/cascade/position.hpp>
#include <spiral/cascade/rules.hpp>

namespace {

namespace cascade = spiral::cascade;

constexpr bool near(double a, double b, double tolerance) {
    return (a - b <= tolerance) && (b - a <= tolerance);
}

// 1 unit at 900 with threshold 0.85 against 800: health 0.95625, liquidation price 941.17...
static_assert(near(cascade::health(1.0, 900.0, 0.85, 800.0), 0.95625, 1e-15));
static_assert(near(cascade::liquidation_price(1.0, 800.0, 0.85), 800 / 0.85, 1e-12));
static_assert(near(cascade::toxic_price(1.0, 800.0, 0.05), 840.0, 1e-12));
static_assert(cascade::health(2.0f, 10.0f, 0.5f, 10.0f) == 1.0f);

// Half the debt at 900 with a 5% bonus: seize 400 * 1.05 / 900 = 0.4666...
constexpr auto half = cascade::liquidate(1.0, 800.0, 900.0, 0.5, 0.05);
static_assert(near(half.seized, 420.0 / 900, 1e-15) && half.repaid == 400 && half.bad_debt == 0);
static_assert(near(half.collateral_left, 1 - 420.0 / 900, 1e-15) && half.debt_left == 400);

// All of 900 at 800 wants 1.18 units; there is 1: repay 800 / 1.05, write off the rest.
constexpr auto short_of = cascade::liquidate(1.0, 900.0, 800.0, 1.0, 0.05);
static_assert(short_of.seized == 1 && near(short_of.repaid, 800 / 1.05, 1e-12));
static_assert(near(short_of.bad_debt, 900 - 800 / 1.05, 1e-12));
static_assert(short_of.collateral_left == 0 && short_of.debt_left == 0);

// Close fractions: the reference rules, full absorption and target health.
constexpr cascade::rules aave{};
static_assert(cascade::close_fraction(aave, 0.96, 0.8, 0.05) == 0.5);
static_assert(cascade::close_fraction(aave, 0.95, 0.8, 0.05) == 1.0);
constexpr cascade::rules full{.size_by = cascade::sizing::full};
static_assert(cascade::close_fraction(full, 0.99, 0.8, 0.05) == 1.0);
constexpr cascade::rules target{
    .full_close_below = 0, .size_by = cascade::sizing::target_health, .target_health = 1.1};
// (1.1 - 0.97) / (1.1 - 1.05 * 0.8) = 0.13 / 0.26 = 0.5
static_assert(near(cascade::close_fraction(target, 0.97, 0.8, 0.05), 0.5, 1e-15));
// 1.05 * 0.95 > 1.0: no repayment reaches 1.0... with target 1.02 < 1.0475: close all
constexpr cascade::rules unreachable{
    .full_close_below = 0, .size_by = cascade::sizing::target_health, .target_health = 1.02};
static_assert(cascade::close_fraction(unreachable, 0.99, 0.95, 0.05) == 1.0);

// Dutch-auction bonus: 2% + (1 - h), at most 10%.
constexpr cascade::rules dutch{.bonus = 0.02, .bonus_slope = 1, .max_bonus = 0.1};
static_assert(near(cascade::bonus_at(dutch, 0.97), 0.05, 1e-15));
static_assert(cascade::bonus_at(dutch, 0.5) == 0.1 && cascade::bonus_at(dutch, 1.2) == 0.02);

} // namespace

// Issue 13: the path engine's parameter structs are plain aggregates; presets and Morpho's
// incentive evaluate at compile time.
#include <spiral/cascade/absorb.hpp>
#include <spiral/cascade/auction.hpp>
#include <spiral/cascade/keeper.hpp>
#include <spiral/cascade/liquidation_terms.hpp>
#include <spiral/cascade/oracle.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/price_path.hpp>

#include <type_traits>

namespace path_checks {
namespace cascade = spiral::cascade;
static_assert(std::is_aggregate_v<cascade::price_path> && std::is_aggregate_v<cascade::path_rules>);
static_assert(std::is_aggregate_v<cascade::oracle_rules> &&
              std::is_trivially_copyable_v<cascade::oracle_rules>);
static_assert(std::is_aggregate_v<cascade::keeper_rules> &&
              std::is_trivially_copyable_v<cascade::keeper_rules>);
static_assert(std::is_aggregate_v<cascade::liquidation_terms> &&
              std::is_trivially_copyable_v<cascade::liquidation_terms>);
static_assert(std::is_aggregate_v<cascade::clipper_rules> &&
              std::is_aggregate_v<cascade::flipper_rules> &&
              std::is_aggregate_v<cascade::absorb_rules>);
static_assert(cascade::clipper_rules::eth_b_2021().tail_seconds == 5400);
static_assert(cascade::flipper_rules::eth_a_march_2020().zero_bidder);
static_assert(cascade::absorb_rules::usdc_mainnet_weth().storefront_factor() == 1 - 0.5 * 0.05);
static_assert(cascade::morpho_incentive(0.5) == 1.15);
static_assert(cascade::morpho_incentive(1.0) == 1.0);
} // namespace path_checks
