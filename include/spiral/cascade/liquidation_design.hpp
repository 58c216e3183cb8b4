// cascade::liquidation_design — who carries out a liquidation along a path: keepers, or the
// protocol itself (absorb, Dutch or English auction).
/// \file
/// \ingroup cascade
/// \brief cascade::liquidation_design: keepers, Compound III's absorb, or Maker's auctions.
#pragma once

#include <cstdint>

namespace spiral::cascade {

/// How liquidations are carried out.
enum class liquidation_design : std::uint8_t {
    keepers,         ///< keepers repay debt for collateral at a bonus (Aave, Morpho, Compound v2)
    absorb,          ///< Compound III: the protocol absorbs the account, then sells (absorb_rules)
    dutch_auction,   ///< Maker Liquidations 2.0 (clipper_rules)
    english_auction, ///< Maker Liquidations 1.2 (flipper_rules)
};

} // namespace spiral::cascade
