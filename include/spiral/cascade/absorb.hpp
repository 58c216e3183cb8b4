// cascade::absorb_rules — Compound III (Comet): the protocol absorbs an account whole and sells
// the collateral from its reserves at a storefront discount.
/// \file
/// \ingroup cascade
/// \brief Compound III absorption: the protocol takes an account whole and sells its collateral.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>

#include <limits>
#include <string>
#include <string_view>

namespace spiral::cascade {

/// Compound III's liquidation (Comet.absorb and buyCollateral). An account whose debt exceeds
/// its collateral times the liquidation collateral factor (the book's threshold) is absorbed:
/// the protocol takes all its collateral and credits it `liquidation_factor` times the
/// collateral's oracle value against its debt; an excess is left to the owner (a base-asset
/// balance), a shortfall is absorbed by the reserves (bad debt). The protocol then sells the
/// collateral to anyone at the oracle price times 1 - store_front_price_factor (1 -
/// liquidation_factor), while its reserves are below `target_reserves`. Buyers buy as much as
/// they can resell into the curve for at least that price (net of gas and margin).
struct absorb_rules {
    double liquidation_factor = 0.95;                                 ///< in (0, 1]
    double store_front_price_factor = 0.5;                            ///< in [0, 1]
    double target_reserves = std::numeric_limits<double>::infinity(); ///< debt units, > 0
    double initial_reserves = 0;                                      ///< debt units, finite

    /// The price buyers pay per unit, over the oracle price.
    constexpr double storefront_factor() const noexcept {
        return 1 - store_front_price_factor * (1 - liquidation_factor);
    }

    /// cUSDCv3 on Ethereum, WETH collateral (compound-finance/comet,
    /// deployments/mainnet/usdc/configuration.json): liquidationFactor 0.95,
    /// storeFrontPriceFactor 0.5, targetReserves 5,000,000 USDC. Its liquidateCF, 0.90, is the
    /// book's threshold; borrowCF 0.82.
    static constexpr absorb_rules usdc_mainnet_weth() noexcept {
        absorb_rules r;
        r.liquidation_factor = 0.95;
        r.store_front_price_factor = 0.5;
        r.target_reserves = 5e6;
        return r;
    }

    /// Throws spiral::invalid_argument naming the first field out of its domain.
    void validate(std::string_view what = "cascade::absorb_rules",
                  std::string_view name = "absorb") const {
        using spiral::detail::require;
        const std::string p = std::string(name) + ".";
        require(spiral::detail::in_left_open(0, 1), what, p + "liquidation_factor",
                liquidation_factor);
        require(spiral::detail::in_closed(0, 1), what, p + "store_front_price_factor",
                store_front_price_factor);
        if (!(target_reserves > 0))
            spiral::detail::throw_invalid(what, p + "target_reserves", spiral::detail::no_row,
                                          target_reserves, "must be > 0");
        require(spiral::detail::finite, what, p + "initial_reserves", initial_reserves);
    }
};

} // namespace spiral::cascade
