// cascade::path_result — what a cascade along a price path did, step by step and in total.
/// \file
/// \ingroup cascade
/// \brief cascade::path_result: what a cascade along a price path did, step by step and in total.
#pragma once

#include <cstddef>
#include <vector>

namespace spiral::cascade {

/// What happened in one step of cascade::run. Amounts of collateral are in asset units, amounts
/// of debt in debt units (the quote currency when the debt price is 1), money in the quote
/// currency.
struct step_record {
    double time = 0;                 ///< days since the start of the path
    double exogenous_price = 0;      ///< the path's price for the step
    double market_price = 0;         ///< market price at the start of the step (before its sales)
    double oracle_price = 0;         ///< collateral price the step's liquidations used
    double debt_oracle_price = 1;    ///< debt-asset price they used
    double price = 0;                ///< market price at the end of the step (after its sales)
    double threshold_multiplier = 1; ///< 1 unless volatility_tightening is on

    std::size_t liquidations = 0; ///< liquidation events (a position liquidated twice counts twice)
    double collateral_seized = 0; ///< taken from positions (asset units), protocol fee included
    double collateral_sold = 0;   ///< sold into the curve by liquidators in the step
    double protocol_fee = 0;      ///< collateral the protocol kept as its cut of the bonus
    double debt_repaid = 0;       ///< debt units
    double bad_debt = 0;          ///< debt units written off
    double proceeds = 0;          ///< quote the step's sales fetched
    double repaid_value = 0;      ///< quote liquidators paid for the debt they repaid
    double gas = 0;               ///< quote liquidators spent on gas

    /// Due positions left as they were because liquidating them did not pay the keeper (gas,
    /// required margin, impact).
    std::size_t unprofitable = 0;
    double unprofitable_debt = 0; ///< the debt of those positions (debt units)
    /// Due positions the keepers had no capacity or time (latency) for in the step.
    std::size_t deferred = 0;
    /// Due positions no liquidation could serve because it would leave dust (size rules), or
    /// no auction could take for want of room (Maker's hole, box).
    std::size_t blocked = 0;

    // Designs where the protocol takes the collateral first (absorb, auctions).
    std::size_t auctions_started = 0;  ///< accounts absorbed, or vaults sent to auction
    std::size_t auctions_settled = 0;  ///< auctions that ended in the step
    std::size_t zero_bid_auctions = 0; ///< English auctions settled at a bid of zero
    double collateral_returned = 0;    ///< collateral an auction gave back to owners
    double collateral_kept = 0;        ///< of collateral_sold: won at a zero bid, kept, not sold
    double raised = 0;                 ///< debt units the protocol received for collateral
    double incentives = 0;             ///< debt units the protocol paid keepers (Clipper)
    double penalty = 0;                ///< debt units raised above the debt covered
    double returned_value = 0;         ///< quote credited to owners above their debt (absorb)
    double protocol_collateral = 0;    ///< collateral the protocol holds after the step
    double auction_debt = 0;           ///< debt behind live auctions after the step
};

/// The outcome of cascade::run. Totals over all steps; `steps` has one entry per step.
struct path_result {
    double initial_collateral = 0; ///< the book's collateral before the path (asset units)
    double initial_debt = 0;       ///< the book's debt before the path (debt units)
    double final_collateral = 0;   ///< the book's collateral after the path (asset units)
    double final_debt = 0;         ///< the book's debt after the path (debt units)
    double final_price = 0;        ///< market price after the last step

    std::size_t liquidations = 0; ///< liquidation events over all steps
    double collateral_seized = 0; ///< taken from positions (asset units), protocol fee included
    double collateral_sold = 0;   ///< sold into the curve by liquidators (asset units)
    double protocol_fee = 0;      ///< collateral the protocol kept as its cut of the bonus
    double debt_repaid = 0;       ///< debt units
    double bad_debt = 0;          ///< debt units written off
    double proceeds = 0;          ///< quote the sales fetched
    double repaid_value = 0;      ///< quote liquidators paid for the debt they repaid
    double gas = 0;               ///< quote liquidators spent on gas
    std::size_t unprofitable = 0; ///< position-steps left unliquidated as unprofitable
    std::size_t deferred = 0;     ///< position-steps deferred for want of keeper capacity
    std::size_t blocked = 0;      ///< position-steps blocked by size rules or auction room

    std::size_t auctions_started = 0;  ///< accounts absorbed, or vaults sent to auction
    std::size_t auctions_settled = 0;  ///< auctions that ended
    std::size_t zero_bid_auctions = 0; ///< English auctions settled at a bid of zero
    double collateral_returned = 0;    ///< collateral auctions gave back to owners
    double collateral_kept = 0;        ///< of collateral_sold: won at a zero bid, kept, not sold
    double raised = 0;                 ///< debt units the protocol received for collateral
    double incentives = 0;             ///< debt units the protocol paid keepers (Clipper)
    double penalty = 0;                ///< debt units raised above the debt covered
    double returned_value = 0;         ///< quote credited to owners above their debt (absorb)
    double protocol_collateral = 0;    ///< held by the protocol after the path (fees excluded)
    double auction_debt = 0;           ///< debt behind auctions still running after the path

    std::vector<step_record> steps; ///< one entry per step of the path

    /// What the protocol lost: bad debt plus keeper incentives, less penalties collected.
    double shortfall() const noexcept { return bad_debt + incentives - penalty; }
    /// Share of settled auctions that went for a zero bid.
    double zero_bid_share() const noexcept {
        return auctions_settled > 0 ? double(zero_bid_auctions) / double(auctions_settled) : 0.0;
    }

    /// What liquidators made: proceeds of their sales - what they paid for the debt - gas.
    double liquidator_profit() const noexcept { return proceeds - repaid_value - gas; }
};

} // namespace spiral::cascade
