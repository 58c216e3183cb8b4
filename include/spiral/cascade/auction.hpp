// Maker's collateral auctions: the Dutch auction of Liquidations 2.0 (dog.sol + clip.sol +
// abaci.sol) and the English auction of Liquidations 1.2 (cat.sol + flip.sol), as parameters
// with their documented values.
/// \file
/// \ingroup cascade
/// \brief Maker's Dutch (Liquidations 2.0) and English (Liquidations 1.2) collateral auctions.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>

namespace spiral::cascade {

/// Liquidations 2.0 (MIP45): a vault below its liquidation ratio is barked: its debt (times
/// the penalty `chop`, the auction's `tab`) and the matching share of its collateral (`lot`)
/// go to a Dutch auction, as far as the room under `hole` (this collateral) and `global_hole`
/// (all of them: one collateral here, so the smaller binds) allows; a partial bark that would
/// leave less than `dust` of debt takes the whole vault. The auction starts at `buf` times
/// the oracle price and falls by `cut` every `step_seconds` (StairstepExponentialDecrease):
/// price(t) = top cut^floor(t / step). Keepers take collateral at that price (the whole lot,
/// or what covers the tab) when selling it pays them; what is left of the lot once the tab is
/// covered goes back to the vault's owner. After `tail_seconds`, or once price / top falls
/// below `cusp`, the auction is reset (redo) at the oracle price times `buf`. Whoever barks
/// or resets receives `tip + chip tab` from the protocol.
struct clipper_rules {
    double buf = 1.2;           ///< starting price over the oracle, >= 1
    double cut = 0.99;          ///< price kept per step, in (0, 1)
    double step_seconds = 90;   ///< > 0
    double tail_seconds = 8400; ///< > 0
    double cusp = 0.4;          ///< in (0, 1)
    double chip = 0.001;        ///< share of the tab paid to the barker, in [0, 1)
    double tip = 300;           ///< flat amount paid to the barker (debt units), >= 0
    double chop = 1.13;         ///< penalty: tab = debt * chop, >= 1
    double hole = std::numeric_limits<double>::infinity();        ///< ilk.hole, > 0
    double global_hole = std::numeric_limits<double>::infinity(); ///< Hole, > 0
    double dust = 0;                                              ///< ilk.dust, >= 0

    /// The auction's price `elapsed_seconds` after it started (or was reset) at `top`.
    double price(double top, double elapsed_seconds) const noexcept {
        return top * std::pow(cut, std::floor(elapsed_seconds / step_seconds));
    }

    /// ETH-B's parameters from June 2021 (MakerDAO forum, "Adjusting Auction Parameters for
    /// ETH vault types", Risk Core Unit): buf 1.20, cut 0.99 every 60 s, tail 90 min, cusp 0.4,
    /// chip 0.1%, tip 300 DAI, chop 13%, ilk.hole 15M DAI, Hole 100M DAI.
    static constexpr clipper_rules eth_b_2021() noexcept {
        clipper_rules r;
        r.buf = 1.20;
        r.cut = 0.99;
        r.step_seconds = 60;
        r.tail_seconds = 90 * 60;
        r.cusp = 0.40;
        r.chip = 0.001;
        r.tip = 300;
        r.chop = 1.13;
        r.hole = 15e6;
        r.global_hole = 100e6;
        return r;
    }
    /// The first Liquidations 2.0 set (LINK-A and YFI-A, April 2021, MakerDAO forum "YFI-A
    /// Liquidations 2.0 Parameters"): buf 1.30, cut 0.99 every 90 s, tail 140 min, cusp 0.4,
    /// chip 0.1%, tip 0, chop 13%, ilk.hole 5M DAI (YFI-A), Hole 100M DAI.
    static constexpr clipper_rules yfi_a_2021() noexcept {
        clipper_rules r;
        r.buf = 1.30;
        r.cut = 0.99;
        r.step_seconds = 90;
        r.tail_seconds = 140 * 60;
        r.cusp = 0.40;
        r.chip = 0.001;
        r.tip = 0;
        r.chop = 1.13;
        r.hole = 5e6;
        r.global_hole = 100e6;
        return r;
    }

    /// Throws spiral::invalid_argument naming the first field out of its domain.
    void validate(std::string_view what = "cascade::clipper_rules",
                  std::string_view name = "clipper") const {
        using spiral::detail::require;
        const std::string p = std::string(name) + ".";
        require(spiral::detail::at_least(1), what, p + "buf", buf);
        require(spiral::detail::in_open(0, 1), what, p + "cut", cut);
        require(spiral::detail::positive, what, p + "step_seconds", step_seconds);
        require(spiral::detail::positive, what, p + "tail_seconds", tail_seconds);
        require(spiral::detail::in_open(0, 1), what, p + "cusp", cusp);
        require(spiral::detail::in_right_open(0, 1), what, p + "chip", chip);
        require(spiral::detail::non_negative, what, p + "tip", tip);
        require(spiral::detail::at_least(1), what, p + "chop", chop);
        if (!(hole > 0))
            spiral::detail::throw_invalid(what, p + "hole", spiral::detail::no_row, hole,
                                          "must be > 0");
        if (!(global_hole > 0))
            spiral::detail::throw_invalid(what, p + "global_hole", spiral::detail::no_row,
                                          global_hole, "must be > 0");
        require(spiral::detail::non_negative, what, p + "dust", dust);
    }
};

/// Liquidations 1.2: a vault below its liquidation ratio is bitten: its collateral (`lot`)
/// and debt times `chop` (`tab`) go to an English auction, as far as the room under `box`
/// (the Cat's cap on tabs in auctions) allows. Bids rise (tend) by at least `beg` until one
/// reaches the tab; then bids offer the tab for less collateral (dent), by at least `beg`,
/// the rest going back to the owner. The auction ends `ttl` after the last bid, or `tau`
/// after it started; without any bid by then it restarts. Keepers bid what selling the lot
/// is worth to them; when that no longer beats the last bid, they stop. With `zero_bidder`,
/// an opportunist bids 0 as each auction starts: if no keeper outbids it within `ttl`, the
/// collateral goes for nothing (Black Thursday: 36% of auctions settled at zero); having
/// paid nothing, it keeps the collateral rather than sell it into the market at once.
struct flipper_rules {
    double beg = 1.05;                                    ///< minimum bid step, > 1
    double ttl_seconds = 3 * 3600;                        ///< bid lifetime, > 0
    double tau_seconds = 2 * 86400;                       ///< auction length, > 0
    double chop = 1.13;                                   ///< penalty: tab = debt * chop, >= 1
    double box = std::numeric_limits<double>::infinity(); ///< > 0
    bool zero_bidder = false; ///< an opportunist bids 0 as each auction starts

    /// flip.sol's own defaults (Maker documentation, "Flipper - Detailed Documentation"):
    /// beg 5%, ttl 3 hours, tau 2 days; chop 13% (ETH-A).
    static constexpr flipper_rules contract_defaults() noexcept { return {}; }
    /// ETH-A's collateral auctions on 12 March 2020 as reported in the Black Thursday
    /// post-mortems (bids lasting 10 minutes, 6-hour auctions, 3% steps; governance raised the
    /// bid duration to hours afterwards), with a zero bidder.
    static constexpr flipper_rules eth_a_march_2020() noexcept {
        flipper_rules r;
        r.beg = 1.03;
        r.ttl_seconds = 10 * 60;
        r.tau_seconds = 6 * 3600;
        r.chop = 1.13;
        r.zero_bidder = true;
        return r;
    }

    /// Throws spiral::invalid_argument naming the first field out of its domain.
    void validate(std::string_view what = "cascade::flipper_rules",
                  std::string_view name = "flipper") const {
        using spiral::detail::require;
        const std::string p = std::string(name) + ".";
        require(spiral::detail::above(1), what, p + "beg", beg);
        require(spiral::detail::positive, what, p + "ttl_seconds", ttl_seconds);
        require(spiral::detail::positive, what, p + "tau_seconds", tau_seconds);
        require(spiral::detail::at_least(1), what, p + "chop", chop);
        if (!(box > 0))
            spiral::detail::throw_invalid(what, p + "box", spiral::detail::no_row, box,
                                          "must be > 0");
    }
};

} // namespace spiral::cascade
