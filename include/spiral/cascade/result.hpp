// cascade::result — what one cascade did, in total and round by round.
/// \file
/// \ingroup cascade
/// \brief cascade::result: what one cascade did, in total and round by round.
#pragma once

#include <cstddef>
#include <vector>

namespace spiral::cascade {

/// One round of a cascade.
struct round_record {
    double oracle_price;         ///< price the round's liquidations used
    double price;                ///< market price at the end of the round (after its sales)
    double threshold_multiplier; ///< 1 unless volatility_tightening is on
    std::size_t liquidations;    ///< positions liquidated in the round
    double collateral_sold;      ///< collateral seized and sold into the curve (asset units)
    double debt_repaid;          ///< quote
    double bad_debt;             ///< quote written off in the round
    double proceeds;             ///< quote the sales received
};

/// The outcome of cascade::simulate. Quantities are totals over all rounds.
struct result {
    double initial_price = 0;     ///< price before the shock
    double shocked_price = 0;     ///< price * (1 - shock): where the exogenous move alone leaves it
    double final_price = 0;       ///< market price after the last liquidation round
    double collateral_sold = 0;   ///< = collateral seized (asset units)
    double debt_repaid = 0;       ///< quote
    double bad_debt = 0;          ///< quote
    std::size_t liquidations = 0; ///< liquidations over all rounds
    std::size_t rounds = 0;       ///< rounds up to the last one that liquidated anything
    double proceeds = 0;          ///< quote received for the collateral sold
    bool truncated = false; ///< stopped by rules::max_rounds while positions were still falling
    std::vector<round_record> path; ///< one entry per round, path.size() == rounds

    /// How much the cascade adds to the exogenous drop: (price - final) / (price - shocked).
    /// 1 = no amplification. With a zero shock: NaN, or +inf when a book already under water
    /// cascades anyway.
    double amplification() const noexcept {
        return (initial_price - final_price) / (initial_price - shocked_price);
    }
    /// What liquidators made on the whole: proceeds - debt repaid (negative: the bonus did not
    /// cover the price impact, and in practice liquidations would stall).
    double liquidator_profit() const noexcept { return proceeds - debt_repaid; }
};

namespace detail {

/// Appends round `round`'s record to `out.path` and, when it liquidated anything, adds it to
/// the totals (the last such round sets `rounds` and `final_price`). Both engines end rounds
/// this way.
inline void add_round(result& out, std::size_t round, const round_record& rec) {
    out.path.push_back(rec);
    if (rec.liquidations == 0)
        return;
    out.rounds = round;
    out.final_price = rec.price;
    out.liquidations += rec.liquidations;
    out.collateral_sold += rec.collateral_sold;
    out.debt_repaid += rec.debt_repaid;
    out.bad_debt += rec.bad_debt;
    out.proceeds += rec.proceeds;
}

} // namespace detail

} // namespace spiral::cascade
