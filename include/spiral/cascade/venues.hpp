// cascade::venues — path_rules for named lending venues, with their documented parameters.
// The book's thresholds carry each venue's liquidation threshold (Aave), liquidation LTV
// (Morpho), liquidation collateral factor (Compound III) or 1 / liquidation ratio (Maker);
// prices and values are in the quote currency (USD for the dollar thresholds of Aave v3.3).
/// \file
/// \ingroup cascade
/// \brief cascade::venues: path_rules for named lending venues, with their documented parameters.
#pragma once

#include <spiral/cascade/absorb.hpp>
#include <spiral/cascade/auction.hpp>
#include <spiral/cascade/path_rules.hpp>

#include <cmath>

namespace spiral::cascade::venues {

/// Aave v3 (LiquidationLogic before 3.3): half the debt above health 0.95, all of it at or
/// below; the collateral's liquidation bonus (WETH on Ethereum: 5%) and protocol fee (10% of
/// the bonus: liquidationProtocolFee).
inline path_rules aave_v3(double bonus = 0.05, double protocol_fee = 0.10) {
    path_rules p;
    p.liquidation.close_factor = 0.5;
    p.liquidation.full_close_below = 0.95;
    p.liquidation.bonus = bonus;
    p.terms.protocol_fee = protocol_fee;
    return p;
}

/// Aave v3.3 (aave-v3-origin, LiquidationLogic): as v3, plus the whole debt when the
/// collateral or the debt is worth less than MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD (2,000 USD),
/// and no partial liquidation leaving less than MIN_LEFTOVER_BASE (1,000 USD) of either.
inline path_rules aave_v3_3(double bonus = 0.05, double protocol_fee = 0.10) {
    path_rules p = aave_v3(bonus, protocol_fee);
    p.terms.full_close_value = 2000;
    p.terms.min_leftover_value = 1000;
    return p;
}

/// Morpho Blue: any part of the debt, up to all of it (liquidators take the whole), with the
/// incentive min(1.15, 1 / (0.3 LLTV + 0.7)) from the market's LLTV.
inline path_rules morpho_blue() {
    path_rules p;
    p.liquidation.close_factor = 1;
    p.liquidation.full_close_below = 0;
    p.terms.incentive = incentive_model::morpho_blue;
    return p;
}

/// Compound III, cUSDCv3 with WETH collateral: absorb and storefront (absorb_rules).
inline path_rules compound_v3_usdc_weth() {
    path_rules p;
    p.design = liquidation_design::absorb;
    p.absorb = absorb_rules::usdc_mainnet_weth();
    return p;
}

/// Maker's Oracle Security Module for steps of `step_days`: the medianizer's price becomes
/// effective an hour later, and changes once an hour.
inline oracle_rules maker_osm(double step_days) {
    oracle_rules o;
    o.heartbeat_days = 1.0 / 24;
    o.deviation = HUGE_VAL; // on the hour only
    o.delay_steps = static_cast<std::size_t>(std::lround((1.0 / 24) / step_days));
    return o;
}

/// Maker Liquidations 1.2 as on 12 March 2020 (ETH-A): English auctions
/// (flipper_rules::eth_a_march_2020, with a zero bidder) behind the OSM.
inline path_rules maker_flipper_march_2020(double step_days) {
    path_rules p;
    p.design = liquidation_design::english_auction;
    p.flipper = flipper_rules::eth_a_march_2020();
    p.oracle = maker_osm(step_days);
    return p;
}

/// Maker Liquidations 2.0 (ETH-B parameters of 2021): Dutch auctions behind the OSM.
inline path_rules maker_clipper_2021(double step_days) {
    path_rules p;
    p.design = liquidation_design::dutch_auction;
    p.clipper = clipper_rules::eth_b_2021();
    p.oracle = maker_osm(step_days);
    return p;
}

} // namespace spiral::cascade::venues
