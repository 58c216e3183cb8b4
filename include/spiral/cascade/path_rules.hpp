// cascade::path_rules — everything cascade::run is told about the venue besides the book,
// the path and the curve.
/// \file
/// \ingroup cascade
/// \brief cascade::path_rules: what cascade::run is told about the venue.
#pragma once

#include <spiral/cascade/absorb.hpp>
#include <spiral/cascade/auction.hpp>
#include <spiral/cascade/detail/protocol_desk.hpp>
#include <spiral/cascade/keeper.hpp>
#include <spiral/cascade/liquidation_design.hpp>
#include <spiral/cascade/liquidation_terms.hpp>
#include <spiral/cascade/oracle.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/core/error.hpp>

#include <cstddef>
#include <string_view>

namespace spiral::cascade {

/// The rules of a cascade along a price path. `liquidation` sizes and prices each
/// liquidation as in cascade::simulate (its per-round caps apply per step; its `max_rounds`,
/// `oracle_delay` and `round_days` are not used: the path sets the steps and the oracle its
/// delay). The defaults reproduce simulate's reference rules, one round per step.
struct path_rules {
    rules liquidation{};        ///< sizing, bonus and per-step caps of each liquidation
    oracle_rules oracle{};      ///< the collateral's price feed (its empty source: the market)
    oracle_rules debt_oracle{}; ///< the debt's price feed (its empty source: path.debt_prices)
    liquidation_terms terms{};  ///< protocol fee, size rules, incentive
    keeper_rules keepers{};     ///< who liquidates, when it pays, how fast
    /// How liquidations are carried out; `absorb`, `clipper` and `flipper` hold the
    /// parameters of the designs that use them.
    liquidation_design design = liquidation_design::keepers;
    absorb_rules absorb{};   ///< parameters of liquidation_design::absorb
    clipper_rules clipper{}; ///< parameters of liquidation_design::dutch_auction
    flipper_rules flipper{}; ///< parameters of liquidation_design::english_auction

    /// Throws spiral::invalid_argument naming the first field out of its domain. `points` is
    /// the path's size, which oracle sources must match (0: not checked).
    void validate(std::size_t points = 0) const {
        liquidation.validate();
        if (liquidation.oracle_delay != 0) // one delay, stated once
            spiral::detail::throw_invalid("cascade::path_rules", "liquidation.oracle_delay",
                                          spiral::detail::no_row, liquidation.oracle_delay,
                                          "must be 0 along a path: set oracle.delay_steps");
        oracle.validate("cascade::path_rules", "oracle", points);
        debt_oracle.validate("cascade::path_rules", "debt_oracle", points);
        terms.validate("cascade::path_rules", "terms");
        keepers.validate("cascade::path_rules", "keepers");
        spiral::detail::require_enum("cascade::path_rules", "design", design, 4);
        absorb.validate("cascade::path_rules", "absorb");
        clipper.validate("cascade::path_rules", "clipper");
        flipper.validate("cascade::path_rules", "flipper");
    }
};

} // namespace spiral::cascade
