// The protocol's side of the liquidation designs where the protocol takes the collateral
// first and sells it later: Compound III's absorb and storefront, Maker's Dutch (Clipper) and
// English (Flipper) auctions. Used by the path engine and by its test rescan alike (the two
// differ in how they find the positions due, not in what the protocol does with them).
#pragma once

#include <spiral/cascade/absorb.hpp>
#include <spiral/cascade/auction.hpp>
#include <spiral/cascade/keeper.hpp>
#include <spiral/cascade/liquidation_design.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace spiral::cascade::detail {

/// What the protocol's desk did in a step.
struct desk_totals {
    std::size_t kicks = 0, settled = 0, zero_bids = 0, actions = 0;
    double seized = 0;         ///< collateral taken from positions (asset units)
    double sold = 0;           ///< collateral keepers or buyers took this step, to be sold
    double kept = 0;           ///< of which won for nothing and kept, not sold (zero bids)
    double returned = 0;       ///< collateral given back to owners
    double repaid = 0;         ///< debt cleared and covered (debt units)
    double bad_debt = 0;       ///< debt cleared and not covered
    double raised = 0;         ///< debt units the protocol received (bids, takes, storefront)
    double paid_value = 0;     ///< quote keepers paid for it
    double incentives = 0;     ///< debt units paid to keepers for barking (Clipper)
    double penalty = 0;        ///< debt units raised above the debt (the liquidation penalty)
    double returned_value = 0; ///< quote credited to owners above their debt (absorb)
};

/// The market as the step starts, for pricing a keeper's purchase: quote(q) is what selling
/// q now fetches, marginal(q) what the next unit fetches after q (quote per unit).
template <class Quote, class Marginal>
struct market_view {
    Quote quote;
    Marginal marginal;
};

/// What a step tells the desk.
struct desk_step {
    std::size_t step;
    double now_days;
    double ratio; ///< collateral oracle / debt oracle (debt units per unit)
    double collateral_oracle, debt_oracle;
    double debt_market; ///< what keepers pay per debt unit (quote)
};

class protocol_desk {
public:
    void reset(liquidation_design design, const absorb_rules& a, const clipper_rules& c,
               const flipper_rules& f, const keeper_rules& k) {
        design_ = design;
        absorb_ = a;
        clipper_ = c;
        flipper_ = f;
        keepers_ = k;
        auctions_.clear();
        inventory_ = 0;
        reserves_ = a.initial_reserves;
        dirt_ = 0;
    }

    /// Collateral the protocol holds (inventory and live auctions).
    double held_collateral() const noexcept {
        double held = inventory_;
        for (const auction& a : auctions_)
            held += a.lot;
        return held;
    }
    /// Debt standing behind live auctions (debt units): cleared from the book, not yet
    /// settled.
    double debt_in_auctions() const noexcept {
        double d = 0;
        for (const auction& a : auctions_)
            d += a.debt;
        return d;
    }
    std::size_t live_auctions() const noexcept { return auctions_.size(); }
    double reserves() const noexcept { return reserves_; }

    /// Takes a due position (collateral, debt: updated in place) into the protocol's hands:
    /// absorbs it, or barks/bites it into an auction as far as the room allows. Returns false
    /// (nothing done) when no room is left.
    bool kick(double& collateral, double& debt, std::uint32_t row, const desk_step& s,
              desk_totals& t) {
        if (design_ == liquidation_design::absorb) {
            const double credit = collateral * s.ratio * absorb_.liquidation_factor;
            const double repaid = std::min(credit, debt);
            t.repaid += repaid;
            t.bad_debt += debt - repaid;
            t.returned_value += (credit - repaid) * s.debt_oracle;
            reserves_ -= std::max(credit, debt);
            t.seized += collateral;
            inventory_ += collateral;
            ++t.kicks;
            collateral = 0;
            debt = 0;
            return true;
        }
        const bool dutch = design_ == liquidation_design::dutch_auction;
        const double chop = dutch ? clipper_.chop : flipper_.chop;
        const double room =
            dutch ? std::min(clipper_.hole, clipper_.global_hole) - dirt_ : flipper_.box - dirt_;
        if (!(room > 0))
            return false;
        double dart = std::min(debt, room / chop);
        if (dutch && dart < debt) {
            if (debt - dart < clipper_.dust)
                dart = debt; // a partial bark must not leave dust: take it all
            else if (dart < clipper_.dust)
                return false; // too small to auction
        }
        const double lot = dart < debt ? collateral * (dart / debt) : collateral;
        const double tab = dart * chop;
        auction a;
        a.row = row;
        a.lot = lot;
        a.tab = tab;
        a.debt = dart;
        a.started = s.now_days;
        a.top = s.ratio * clipper_.buf;
        a.end = s.now_days + flipper_.tau_seconds / seconds_per_day;
        if (!dutch && flipper_.zero_bidder) {
            a.has_bid = true;
            a.bid = 0;
            a.expiry = s.now_days + flipper_.ttl_seconds / seconds_per_day;
        }
        a.kicked = s.step;
        auctions_.push_back(a);
        dirt_ += tab;
        if (dutch)
            t.incentives += clipper_.tip + clipper_.chip * tab;
        t.seized += lot;
        ++t.kicks;
        collateral -= lot;
        debt -= dart;
        if (!(collateral > 0) && debt > 0) { // nothing left behind the rest: written off
            t.bad_debt += debt;
            debt = 0;
        }
        return true;
    }

    /// Runs the protocol's sales for a step, at the market as the step starts: storefront
    /// purchases (absorb), takes and resets (Dutch), bids and settlements (English). Auctions
    /// kicked in this step wait for the next. Keeper capacity (count, notional, gas budget)
    /// bounds the purchases, takes and bids, served where the collateral is worth the most
    /// above what is bid or owed (ties: the older auction); gas is spent on each.
    template <class View>
    void step(const desk_step& s, const View& market, desk_totals& t, double& gas) {
        if (design_ == liquidation_design::absorb)
            storefront(s, market, t, gas);
        else
            auctions(s, market, t, gas);
    }

private:
    static constexpr double seconds_per_day = 86400;

    struct auction {
        std::uint32_t row = 0;
        double lot = 0, tab = 0, debt = 0, raised = 0;
        double started = 0, top = 0;         // Dutch: the clock's start and its starting price
        double bid = 0, expiry = 0, end = 0; // English
        bool has_bid = false;
        std::size_t kicked = 0;
        double price = 0; // Dutch: this step's price
    };
    struct ranked {
        double gap;
        std::size_t index;
    };

    /// Keeper capacity left in the step.
    struct capacity {
        std::size_t count;
        double notional, gas_budget;
        bool can(const keeper_rules& k, double cost) const {
            return count > 0 && cost <= notional && k.gas <= gas_budget;
        }
        void use(const keeper_rules& k, double cost) {
            --count;
            notional -= cost;
            gas_budget -= k.gas;
        }
    };

    capacity fresh_capacity() const {
        return {keepers_.max_liquidations, keepers_.max_repaid_value, keepers_.gas_budget};
    }

    template <class View>
    void storefront(const desk_step& s, const View& market, desk_totals& t, double& gas) {
        if (!(inventory_ > 0) || !(reserves_ < absorb_.target_reserves))
            return;
        // Per unit: debt units paid, and their cost in quote.
        const double units = s.ratio * absorb_.storefront_factor();
        const double cost = units * s.debt_market;
        const double need = (1 + keepers_.margin) * cost;
        // The most a buyer takes: down to where the next unit sells for what it costs.
        double q = inventory_;
        if (market.marginal(q) < need) {
            double lo = 0, hi = inventory_;
            if (!(market.marginal(0.0) >= need))
                return;
            for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
                const double mid = 0.5 * (lo + hi);
                (market.marginal(mid) >= need ? lo : hi) = mid;
            }
            q = lo;
        }
        if (!(q > 0) || market.quote(q) - keepers_.gas < need * q)
            return;
        capacity cap = fresh_capacity();
        if (!cap.can(keepers_, q * cost))
            return;
        cap.use(keepers_, q * cost);
        inventory_ -= q;
        reserves_ += q * units;
        t.sold += q;
        t.raised += q * units;
        t.paid_value += q * cost;
        ++t.actions;
        gas += keepers_.gas;
    }

    template <class View>
    void auctions(const desk_step& s, const View& market, desk_totals& t, double& gas) {
        capacity cap = fresh_capacity();
        const bool dutch = design_ == liquidation_design::dutch_auction;
        const double margin = 1 + keepers_.margin;
        // Resets first (Dutch), then the keepers' actions, most valuable first: the auctions
        // whose collateral is worth the most above what is bid or owed.
        order_.clear();
        for (std::size_t i = 0; i < auctions_.size(); ++i) {
            auction& a = auctions_[i];
            if (a.kicked >= s.step)
                continue; // started this step
            double gap;
            if (dutch) {
                const double elapsed = (s.now_days - a.started) * seconds_per_day;
                double price = clipper_.price(a.top, elapsed);
                if (elapsed > clipper_.tail_seconds || price / a.top < clipper_.cusp) {
                    a.top = s.ratio * clipper_.buf; // redo at the oracle
                    a.started = s.now_days;
                    t.incentives += clipper_.tip + clipper_.chip * a.tab;
                    price = a.top;
                }
                a.price = price;
                const double slice = std::min(a.lot, a.tab / price);
                const double owe = slice < a.lot ? a.tab : slice * price;
                gap = market.quote(slice) - owe * s.debt_market;
            } else {
                gap = market.quote(a.lot) - a.bid * s.debt_market;
            }
            order_.push_back({gap, i});
        }
        std::stable_sort(order_.begin(), order_.end(),
                         [](const ranked& x, const ranked& y) { return x.gap > y.gap; });
        for (const ranked& r : order_) {
            auction& a = auctions_[r.index];
            if (dutch) {
                const double price = a.price;
                const double slice = std::min(a.lot, a.tab / price);
                const double owe = slice < a.lot ? a.tab : slice * price;
                const double cost = owe * s.debt_market;
                if (!(market.quote(slice) - keepers_.gas >= margin * cost) ||
                    !cap.can(keepers_, cost))
                    continue;
                cap.use(keepers_, cost);
                gas += keepers_.gas;
                ++t.actions;
                a.lot -= slice;
                a.tab -= owe;
                a.raised += owe;
                dirt_ -= owe;
                t.sold += slice;
                t.raised += owe;
                t.paid_value += cost;
                if (!(a.tab > 0) && a.lot > 0) {
                    t.returned += a.lot; // tab covered: the rest goes back to the owner
                    a.lot = 0;
                }
                continue;
            }
            // English: the keepers bid what selling the lot is worth to them.
            if (!(cap.count > 0 && cap.gas_budget >= keepers_.gas))
                continue;
            if (a.bid < a.tab) { // tend
                const double worth =
                    (market.quote(a.lot) - keepers_.gas) / (margin * s.debt_market);
                const double bid = std::min(a.tab, worth);
                const bool raises = a.has_bid ? bid >= a.bid * flipper_.beg || bid == a.tab : true;
                if (bid > a.bid && raises && bid * s.debt_market <= cap.notional) {
                    cap.use(keepers_, bid * s.debt_market);
                    gas += keepers_.gas;
                    ++t.actions;
                    a.bid = bid;
                    a.has_bid = true;
                    a.expiry = s.now_days + flipper_.ttl_seconds / seconds_per_day;
                }
            } else { // dent: the tab for less collateral
                const double need = margin * a.tab * s.debt_market + keepers_.gas;
                if (market.quote(a.lot) >= need) {
                    double lo = 0, hi = a.lot;
                    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
                        const double mid = 0.5 * (lo + hi);
                        (market.quote(mid) >= need ? hi : lo) = mid;
                    }
                    if (hi * flipper_.beg <= a.lot && a.tab * s.debt_market <= cap.notional) {
                        cap.use(keepers_, a.tab * s.debt_market);
                        gas += keepers_.gas;
                        ++t.actions;
                        t.returned += a.lot - hi;
                        a.lot = hi;
                        a.expiry = s.now_days + flipper_.ttl_seconds / seconds_per_day;
                    }
                }
            }
        }
        if (!dutch) {
            for (auction& a : auctions_) {
                if (a.kicked >= s.step)
                    continue;
                if (a.has_bid && (s.now_days >= a.expiry || s.now_days >= a.end)) {
                    a.raised = a.bid; // deal: the winner pays its bid and takes the lot
                    dirt_ -= a.tab;
                    t.sold += a.lot;
                    if (!(a.bid > 0)) { // won for nothing: no need to sell it now
                        t.kept += a.lot;
                        ++t.zero_bids;
                    }
                    t.raised += a.bid;
                    t.paid_value += a.bid * s.debt_market;
                    a.tab = 0;
                    a.lot = 0;
                } else if (!a.has_bid && s.now_days >= a.end) {
                    a.end = s.now_days + flipper_.tau_seconds / seconds_per_day; // restart
                }
            }
        }
        // Settle what is done: covered (Dutch tab, English deal) or out of collateral.
        std::erase_if(auctions_, [&](auction& a) {
            const bool done = !(a.tab > 0) || !(a.lot > 0);
            if (!done)
                return false;
            if (a.tab > 0)
                dirt_ -= a.tab; // nothing left to sell: the rest of the tab is dropped
            t.repaid += std::min(a.raised, a.debt);
            t.bad_debt += std::max(0.0, a.debt - a.raised);
            t.penalty += std::max(0.0, a.raised - a.debt);
            ++t.settled;
            return true;
        });
    }

    liquidation_design design_ = liquidation_design::keepers;
    absorb_rules absorb_{};
    clipper_rules clipper_{};
    flipper_rules flipper_{};
    keeper_rules keepers_{};
    std::vector<auction> auctions_;
    std::vector<ranked> order_;
    double inventory_ = 0, reserves_ = 0, dirt_ = 0;
};

} // namespace spiral::cascade::detail
