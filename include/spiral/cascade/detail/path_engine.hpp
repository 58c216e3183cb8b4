// The engine behind cascade::run and the one-shot cascade::simulate on a plain book: a step
// loop over an exogenous path in which open positions wait, whole, in buckets of liquidation
// price (detail::position_queue). The book is bucketed in one streaming pass; no step rescans
// it and nothing is sorted but the candidates of a capped step.
#pragma once

#include <spiral/cascade/detail/intake.hpp>
#include <spiral/cascade/detail/key_buckets.hpp>
#include <spiral/cascade/detail/protocol_desk.hpp>
#include <spiral/cascade/detail/unzeroed.hpp>
#include <spiral/cascade/detail/worst_first.hpp>
#include <spiral/cascade/keeper.hpp>
#include <spiral/cascade/liquidation_terms.hpp>
#include <spiral/cascade/market.hpp>
#include <spiral/cascade/oracle.hpp>
#include <spiral/cascade/path_result.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/position.hpp>
#include <spiral/cascade/position_columns.hpp>
#include <spiral/cascade/result.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/impact/curve.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

namespace spiral::cascade::detail {

/// One asset's market along a path: the price is the exogenous price times the impact of what
/// has been sold (with a recovering curve, of the displaced volume that has not decayed).
template <class C>
class path_market {
public:
    explicit path_market(const C& curve) : curve_(curve) {}

    /// Market price now, given the exogenous price.
    double price(double exogenous) const {
        if (!traded_)
            return exogenous;
        if constexpr (recovering_curve<C>)
            return exogenous * curve_.price_factor(0.0);
        else
            return exogenous * curve_.price_factor(sold_);
    }
    /// What selling q now would fetch (quote), without selling.
    double quote(double exogenous, double q) const {
        if constexpr (recovering_curve<C>)
            return exogenous * curve_.proceeds(q);
        else
            return exogenous * (curve_.proceeds(sold_ + q) - curve_.proceeds(sold_));
    }
    /// What the next unit fetches after selling q now (quote per unit).
    double marginal(double exogenous, double q) const {
        if constexpr (recovering_curve<C>)
            return exogenous * spiral::marginal_price(curve_, q);
        else
            return exogenous * spiral::marginal_price(curve_, sold_ + q);
    }
    /// Sells q; returns the quote received.
    double sell(double exogenous, double q) {
        const double received = quote(exogenous, q);
        if constexpr (recovering_curve<C>)
            curve_.displaced += q;
        else
            sold_ += q;
        traded_ = true;
        return received;
    }
    /// Lets `days` pass: a recovering curve decays.
    void let_pass(double days) {
        if constexpr (recovering_curve<C>) {
            if (traded_)
                curve_.decay(days);
        }
    }

private:
    C curve_;
    double sold_ = 0;
    bool traded_ = false;
};

/// True when a rule limits liquidations per step: candidates are then served worst first.
inline bool limited_per_step(const rules& r) noexcept {
    return r.max_liquidations_per_round != std::numeric_limits<std::size_t>::max() ||
           r.max_collateral_per_round < std::numeric_limits<double>::infinity();
}

/// True once a per-step limit is used up.
inline bool limit_reached(const rules& r, const round_totals& total) noexcept {
    return total.liquidations == r.max_liquidations_per_round ||
           !(r.max_collateral_per_round - total.seized > 0);
}

/// The book as the engine reads it: columns, and the book row of each (empty: the index).
struct book_columns {
    std::span<const double> collateral, debt, threshold;
    std::span<const std::uint32_t> row = {};
};

/// Scratch memory of the engine, reused from one run to the next.
struct path_scratch {
    position_queue open; // positions taken from the book and still open, by liquidation price
    // Positions not taken from the book yet: the fine bucket of each
    // (position_queue::bucket_index; no_debt for none), how many each coarse bucket holds,
    // and the rows a sweep found in the reach's own coarse bucket but below the reach, parked
    // by fine bucket for the steps that follow.
    unzeroed<std::uint16_t> bucket_of;
    std::vector<std::uint32_t> untouched;
    std::array<std::vector<std::uint32_t>, position_queue::fine_per_coarse> parked;
    std::vector<queued_position> back, pending;
    unzeroed<queued_position> survivors; // uncapped steps: still open, pushed after the step
    std::vector<std::uint32_t> rows;     // book rows of a chunk being gathered
    std::vector<candidate> due;
    // Due positions a keeper has seen and not yet served (latency): examined every step, so
    // that one no longer due forgets it was seen.
    std::vector<queued_position> waiting, examined;
    std::vector<double> c, d, t, c_out, d_out, key_out; // chunk buffers (structure of arrays)
    oracle_feed collateral_feed, debt_feed;
    protocol_desk desk; // absorb and auctions
};

/// A path as the engine steps along it: steps(), price(k), debt_price(k), time(k) for
/// k = 0 .. steps(), step_length(k) for k >= 1.
template <class Path, class C, class Abi>
class path_engine {
public:
    static constexpr std::size_t chunk = 2048;
    static constexpr double candidate_margin = 1e-12;

    path_engine(const book_columns& b, const Path& path, const C& curve, const path_rules& pr,
                path_scratch& ws, const position_columns& out)
        : book_(b), path_(path), market_(curve), pr_(pr), r_(pr.liquidation), ws_(ws), out_(out),
          rich_(pr.terms.active() || pr.keepers.active() ||
                pr.design != liquidation_design::keepers),
          tightening_(pr.liquidation.tightening, path.price(0) / path.debt_price(0)) {
        fill();
        ws_.waiting.clear();
        ws_.desk.reset(pr.design, pr.absorb, pr.clipper, pr.flipper, pr.keepers);
        ws_.collateral_feed.start(pr.oracle, path.price(0));
        ws_.debt_feed.start(pr.debt_oracle, path.debt_price(0));
        tightening_ = path_tightening(pr.liquidation.tightening,
                                      ws_.collateral_feed.first() / ws_.debt_feed.first());
        for (auto* v : {&ws_.c, &ws_.d, &ws_.t, &ws_.c_out, &ws_.d_out, &ws_.key_out})
            v->resize(chunk);
        ws_.pending.resize(chunk);
        ws_.rows.resize(chunk);
    }

    /// Runs step k (1 .. steps()) and returns its record.
    step_record step(std::size_t k) {
        const double e = path_.price(k);
        const double now = path_.time(k);
        if (k > 1)
            market_.let_pass(path_.step_length(k));
        step_record rec;
        rec.time = now;
        rec.exogenous_price = e;
        rec.market_price = market_.price(e);
        rec.oracle_price = ws_.collateral_feed.step(k, now, rec.market_price);
        rec.debt_oracle_price = ws_.debt_feed.step(k, now, path_.debt_price(k));
        const double ratio = rec.oracle_price / rec.debt_oracle_price;
        const double multiplier = tightening_.observe(ratio, now);
        rec.threshold_multiplier = multiplier;

        const double reach = ratio * multiplier * (1 - candidate_margin);
        if (rich_) {
            liquidate_rich(k, e, ratio, rec.oracle_price, rec.debt_oracle_price, multiplier, reach,
                           rec);
            return rec;
        }
        round_totals totals;
        if (!limited_per_step(r_)) {
            liquidate_all_due(ratio, multiplier, reach, totals);
        } else {
            pull(reach);
            if (ws_.open.nothing_at_or_above(reach))
                ;
            else if (!(ratio * multiplier > 0))
                liquidate_capped_at_zero(ratio, multiplier, reach, totals);
            else
                liquidate_capped(ratio, multiplier, reach, totals);
        }
        rec.liquidations = totals.liquidations;
        rec.collateral_seized = totals.seized;
        rec.collateral_sold = totals.seized;
        rec.debt_repaid = totals.repaid;
        rec.bad_debt = totals.bad_debt;
        rec.repaid_value = totals.repaid * path_.debt_price(k);
        rec.gas = static_cast<double>(totals.liquidations) * pr_.keepers.gas;
        if (totals.liquidations > 0)
            rec.proceeds = market_.sell(e, totals.seized);
        rec.price = market_.price(e);
        return rec;
    }

    /// Nothing is left to liquidate: every indebted position has closed.
    bool settled() const noexcept {
        return ws_.open.empty() && ws_.waiting.empty() && in_book_ + parked() == 0;
    }

    double initial_collateral() const noexcept { return initial_collateral_; }
    double initial_debt() const noexcept { return initial_debt_; }

    /// Writes the positions still open to the output columns (closed ones were written as
    /// they closed).
    void finish() {
        if (out_.collateral.empty() && out_.debt.empty())
            return;
        ws_.open.for_each([&](const queued_position& e) { write(e.row, e.collateral, e.debt); });
        for (const queued_position& e : ws_.waiting)
            write(e.row, e.collateral, e.debt);
    }

private:
    std::uint32_t row_of(std::size_t i) const noexcept {
        return book_.row.empty() ? static_cast<std::uint32_t>(i) : book_.row[i];
    }

    void write(std::uint32_t row, double collateral, double debt) {
        if (!out_.collateral.empty())
            out_.collateral[row] = collateral;
        if (!out_.debt.empty())
            out_.debt[row] = debt;
    }

    static constexpr std::uint16_t no_debt = 0xffff;
    static_assert(position_queue::bucket_count < no_debt);

    /// Reads the book in one streaming pass: the liquidation price of each position gives its
    /// fine bucket, kept with a count per coarse bucket (positions stay in the book until a
    /// reach gets near them; see take_untouched). Nothing is copied or sorted.
    void fill() {
        constexpr std::size_t per = position_queue::fine_per_coarse;
        const std::size_t n = book_.collateral.size();
        // Prices may rise above the start: leave room above the first reach.
        ws_.open.reset(2 * path_.price(0) / path_.debt_price(0));
        const double* c = book_.collateral.data();
        const double* d = book_.debt.data();
        const double* t = book_.threshold.data();
        std::uint16_t* bucket_of = ws_.bucket_of.at_least(n);
        ws_.untouched.assign(position_queue::coarse_count, 0);
        std::uint32_t* count = ws_.untouched.data();
        double total_c = 0, total_d = 0;
        std::size_t indebted = 0;
        for (std::size_t i = 0; i < n; ++i) {
            total_c += c[i];
            total_d += d[i];
            const bool owes = d[i] > 0;
            const std::size_t b =
                ws_.open.bucket_index(cascade::liquidation_price(c[i], d[i], t[i]));
            bucket_of[i] = owes ? static_cast<std::uint16_t>(b) : no_debt;
            count[owes ? b / per : 0] += owes ? 1u : 0u;
            indebted += owes ? 1 : 0;
        }
        for (auto& rows : ws_.parked)
            rows.clear();
        initial_collateral_ = total_c;
        initial_debt_ = total_d;
        in_book_ = indebted;
        next_coarse_ = 0;
        next_parked_ = per;
        if (!out_.collateral.empty() || !out_.debt.empty())
            for (std::size_t i = 0; i < n; ++i)
                write(row_of(i), c[i], d[i]);
    }

    /// Positions parked by the last sweep and not taken yet.
    std::size_t parked() const noexcept {
        std::size_t n = 0;
        for (const auto& rows : ws_.parked)
            n += rows.size();
        return n;
    }

    /// Calls `take(i)` for every book row i not taken yet whose fine bucket a reach of `reach`
    /// gets to (the rows at or above it may be due; the kernel decides). First the rows an
    /// earlier sweep parked, then one pass over bucket_of for the coarse buckets not swept
    /// yet, in book order; the rows that pass finds in the reach's own coarse bucket but in a
    /// fine bucket below the reach are parked by fine bucket, so that a reach creeping down
    /// takes them step by step without sweeping again and without queueing positions that are
    /// not due.
    template <class Take>
    void take_untouched(double reach, Take&& take) {
        constexpr std::size_t per = position_queue::fine_per_coarse;
        if (in_book_ + parked() == 0)
            return;
        const std::size_t needed = ws_.open.bucket_index(reach);
        const std::size_t coarse = needed / per;
        if (coarse >= parked_coarse_) {
            const std::size_t upto = coarse > parked_coarse_ ? per : needed % per + 1;
            for (; next_parked_ < upto; ++next_parked_) {
                std::vector<std::uint32_t>& rows = ws_.parked[next_parked_];
                for (const std::uint32_t i : rows)
                    take(i);
                rows.clear();
            }
        }
        if (in_book_ == 0 || coarse < next_coarse_)
            return;
        // Every coarse bucket swept before lies below next_coarse_ <= coarse: nothing is
        // parked now.
        const std::uint32_t* count = ws_.untouched.data();
        const std::size_t lo = next_coarse_;
        std::size_t taking = 0;
        for (std::size_t b = lo; b <= coarse; ++b)
            taking += count[b];
        next_coarse_ = coarse + 1;
        if (taking == 0)
            return;
        in_book_ -= taking;
        parked_coarse_ = coarse;
        next_parked_ = needed % per + 1;
        const std::uint16_t* bucket_of = ws_.bucket_of.data();
        const auto from = static_cast<std::uint16_t>(lo * per);
        const auto width = static_cast<std::uint16_t>((coarse + 1 - lo) * per);
        for (std::size_t i = 0, n = book_.collateral.size(); i < n; ++i) {
            const std::uint16_t b = bucket_of[i];
            // b in the swept coarse buckets: one unsigned comparison (no_debt wraps far above)
            if (static_cast<std::uint16_t>(b - from) < width) {
                if (b <= needed) {
                    take(i);
                } else {
                    ws_.parked[b % per].push_back(static_cast<std::uint32_t>(i));
                }
            }
        }
    }

    /// Moves the untouched positions the reach gets to into the queue (capped steps).
    void pull(double reach) {
        const double* c = book_.collateral.data();
        const double* d = book_.debt.data();
        const double* t = book_.threshold.data();
        take_untouched(reach, [&](std::size_t i) {
            ws_.open.push(
                {cascade::liquidation_price(c[i], d[i], t[i]), c[i], d[i], t[i], row_of(i), 0});
        });
    }

    /// Puts a position back in the queue, or writes it out once closed.
    void keep(queued_position e) {
        if (e.debt > 0) {
            e.key = cascade::liquidation_price(e.collateral, e.debt, e.threshold);
            ws_.open.push(e);
        } else {
            write(e.row, e.collateral, e.debt);
        }
    }

    /// After the kernel ran on `count` positions: those still open go to `back` (pushed into
    /// the queue after the step, so that none is taken twice), closed ones are written out.
    void settle(std::size_t count, const queued_position* before) {
        queued_position* to = ws_.survivors.extend(count);
        std::size_t kept = 0;
        for (std::size_t j = 0; j < count; ++j) {
            queued_position p = before[j];
            p.collateral = ws_.c_out[j];
            p.debt = ws_.d_out[j];
            p.key = ws_.key_out[j];
            to[kept] = p;
            if (p.debt > 0)
                ++kept;
            else
                write(p.row, p.collateral, p.debt);
        }
        ws_.survivors.commit(kept);
    }

    /// Uncapped step: everything reached is due at once, in any order, liquidated a chunk at a
    /// time by the branch-free kernel of the fast engine (on batches where this translation
    /// unit has them): positions from the queue, and those the reach gets to in the book,
    /// gathered in book order (those not due come out unchanged and join the queue).
    void liquidate_all_due(double ratio, double multiplier, double reach, round_totals& totals) {
        ws_.survivors.clear();
        std::size_t count = 0;
        queued_position* pending = ws_.pending.data();
        const auto flush = [&] {
            liquidate_due(r_, ratio, multiplier, ws_.c.data(), ws_.d.data(), ws_.t.data(),
                          ws_.c_out.data(), ws_.d_out.data(), ws_.key_out.data(), count, totals);
            settle(count, pending);
            count = 0;
        };
        const auto add = [&](double c, double d, double t, std::uint32_t row, std::uint32_t since) {
            pending[count].row = row;
            pending[count].since = since;
            pending[count].threshold = t;
            ws_.c[count] = c;
            ws_.d[count] = d;
            ws_.t[count] = t;
            if (++count == chunk)
                flush();
        };
        ws_.open.take_at_or_above(reach, [&](const queued_position& e) {
            add(e.collateral, e.debt, e.threshold, e.row, e.since);
        });
        if (count > 0)
            flush();
        // Untouched positions the reach gets to: their rows first, then a gather of their
        // state, independent loads that overlap.
        const double* c = book_.collateral.data();
        const double* d = book_.debt.data();
        const double* t = book_.threshold.data();
        std::uint32_t* rows = ws_.rows.data();
        const auto gather = [&] {
            for (std::size_t j = 0; j < count; ++j) {
                const std::uint32_t i = rows[j];
                ws_.c[j] = c[i];
                ws_.d[j] = d[i];
                ws_.t[j] = t[i];
                pending[j].row = row_of(i);
                pending[j].since = 0;
                pending[j].threshold = t[i];
            }
            flush();
        };
        take_untouched(reach, [&](std::size_t i) {
            rows[count] = static_cast<std::uint32_t>(i);
            if (++count == chunk)
                gather();
        });
        if (count > 0)
            gather();
        for (const queued_position& p : ws_.survivors.elements())
            ws_.open.push(p);
    }

    /// A step with liquidation terms or keeper rules: every candidate is examined one by one
    /// (latency, plan, dust, profit), the due ones are served lowest health first (ties: lower
    /// book row) while the step's capacity lasts.
    void liquidate_rich(std::size_t k, double e, double ratio, double collateral_price,
                        double debt_price, double multiplier, double reach, step_record& rec) {
        constexpr double inf = std::numeric_limits<double>::infinity();
        std::vector<queued_position>& all = ws_.examined;
        all.swap(ws_.waiting);
        ws_.waiting.clear();
        ws_.open.take_at_or_above(reach, [&](const queued_position& p) { all.push_back(p); });
        {
            const double* c = book_.collateral.data();
            const double* d = book_.debt.data();
            const double* t = book_.threshold.data();
            take_untouched(reach, [&](std::size_t i) {
                all.push_back(
                    {cascade::liquidation_price(c[i], d[i], t[i]), c[i], d[i], t[i], row_of(i), 0});
            });
        }
        const keeper_rules& kr = pr_.keepers;
        const double market_debt_price = path_.debt_price(k);
        // Candidates: due, seen long enough ago.
        ws_.due.clear();
        for (std::size_t j = 0; j < all.size(); ++j) {
            queued_position& p = all[j];
            const double h = health(p.collateral, ratio, p.threshold * multiplier, p.debt);
            if (!(p.debt > 0 && h < 1)) {
                p.since = 0;
                continue;
            }
            if (kr.latency_steps > 0) {
                if (p.since == 0)
                    p.since = static_cast<std::uint32_t>(k);
                if (k < p.since + kr.latency_steps) {
                    ++rec.deferred;
                    continue;
                }
            }
            ws_.due.push_back({h, static_cast<std::uint32_t>(j), p.row});
        }
        if (pr_.design != liquidation_design::keepers) {
            hand_to_protocol(k, e, ratio, collateral_price, debt_price, all, rec);
            return;
        }
        const bool limited = limited_per_step(r_) || kr.limited();
        if (limited)
            sort_worst_first(ws_.due);
        std::size_t count_cap = std::min(r_.max_liquidations_per_round, kr.max_liquidations);
        if (kr.gas > 0 && kr.gas_budget < inf) {
            const double affordable = std::floor(kr.gas_budget / kr.gas);
            if (affordable < static_cast<double>(count_cap))
                count_cap = static_cast<std::size_t>(affordable);
        }
        const bool collateral_capped = r_.max_collateral_per_round < inf;
        double seized = 0, sold = 0, fee = 0, repaid = 0, bad = 0, paid = 0;
        std::size_t done = 0;
        for (std::size_t n = 0; n < ws_.due.size(); ++n) {
            const candidate& cand = ws_.due[n];
            const double room = collateral_capped ? r_.max_collateral_per_round - seized : inf;
            if (done == count_cap || !(room > 0)) {
                rec.deferred += ws_.due.size() - n;
                break;
            }
            queued_position& p = all[cand.k];
            const liquidation_plan plan =
                plan_liquidation(p.collateral, p.debt, p.threshold * multiplier, p.threshold,
                                 cand.health, collateral_price, debt_price, r_, pr_.terms, room);
            if (plan.blocked) {
                ++rec.blocked;
                continue;
            }
            if (room < inf && plan.collateral_left == p.collateral && plan.debt_left == p.debt) {
                // what is left of the collateral limit cannot change a position: used up
                rec.deferred += ws_.due.size() - n;
                break;
            }
            const double cost = plan.repaid * market_debt_price;
            if (kr.only_profitable &&
                !(market_.quote(e, plan.to_liquidator) - kr.gas >= (1 + kr.margin) * cost)) {
                ++rec.unprofitable;
                rec.unprofitable_debt += p.debt;
                continue;
            }
            if (paid + cost > kr.max_repaid_value) {
                rec.deferred += ws_.due.size() - n;
                break;
            }
            p.collateral = plan.collateral_left;
            p.debt = plan.debt_left;
            p.since = 0;
            ++done;
            seized += plan.seized;
            sold += plan.to_liquidator;
            fee += plan.protocol_fee;
            repaid += plan.repaid;
            bad += plan.bad_debt;
            paid += cost;
        }
        for (const queued_position& p : all) {
            if (p.debt > 0 && p.since != 0)
                ws_.waiting.push_back(p);
            else
                keep(p);
        }
        rec.liquidations = done;
        rec.collateral_seized = seized;
        rec.collateral_sold = sold;
        rec.protocol_fee = fee;
        rec.debt_repaid = repaid;
        rec.bad_debt = bad;
        rec.repaid_value = paid;
        rec.gas = static_cast<double>(done) * kr.gas;
        if (done > 0)
            rec.proceeds = market_.sell(e, sold);
        rec.price = market_.price(e);
    }

    /// Absorb and auction designs: the protocol first sells what it holds (at the market as
    /// the step starts), then takes the due positions, lowest health first, as far as its
    /// room allows; what keepers and buyers took is sold in one sale.
    void hand_to_protocol(std::size_t k, double e, double ratio, double collateral_price,
                          double debt_price, std::vector<queued_position>& all, step_record& rec) {
        const desk_step ds{k,          path_.time(k),      ratio, collateral_price,
                           debt_price, path_.debt_price(k)};
        desk_totals dt;
        double gas = 0;
        const auto quote = [&](double q) { return market_.quote(e, q); };
        const auto marginal = [&](double q) { return market_.marginal(e, q); };
        const market_view<decltype(quote), decltype(marginal)> view{quote, marginal};
        ws_.desk.step(ds, view, dt, gas);
        sort_worst_first(ws_.due);
        for (const candidate& cand : ws_.due) {
            queued_position& p = all[cand.k];
            if (!ws_.desk.kick(p.collateral, p.debt, p.row, ds, dt)) {
                ++rec.blocked;
                continue;
            }
            p.since = 0;
        }
        for (const queued_position& p : all) {
            if (p.debt > 0 && p.since != 0)
                ws_.waiting.push_back(p);
            else
                keep(p);
        }
        rec.liquidations = dt.kicks;
        rec.auctions_started = dt.kicks;
        rec.auctions_settled = dt.settled;
        rec.zero_bid_auctions = dt.zero_bids;
        rec.collateral_seized = dt.seized;
        rec.collateral_sold = dt.sold;
        rec.collateral_returned = dt.returned;
        rec.debt_repaid = dt.repaid;
        rec.bad_debt = dt.bad_debt;
        rec.raised = dt.raised;
        rec.repaid_value = dt.paid_value;
        rec.incentives = dt.incentives;
        rec.penalty = dt.penalty;
        rec.returned_value = dt.returned_value;
        rec.gas = gas;
        if (dt.sold - dt.kept > 0)
            rec.proceeds = market_.sell(e, dt.sold - dt.kept);
        rec.collateral_kept = dt.kept;
        rec.price = market_.price(e);
        rec.protocol_collateral = ws_.desk.held_collateral();
        rec.auction_debt = ws_.desk.debt_in_auctions();
    }

    void collect_due(std::span<queued_position> entries, double ratio, double multiplier) {
        ws_.due.clear();
        for (std::size_t j = 0; j < entries.size(); ++j) {
            const queued_position& e = entries[j];
            const double h = health(e.collateral, ratio, e.threshold * multiplier, e.debt);
            if (e.debt > 0 && h < 1)
                ws_.due.push_back({h, static_cast<std::uint32_t>(j), e.row});
        }
    }

    /// One liquidation of `e` (health h) within what is left of the step's limits; the same
    /// arithmetic as one liquidation of cascade::simulate. Returns false, changing nothing,
    /// when what is left of a collateral limit is too small to change the position (the limit
    /// is then used up, as in cascade::simulate).
    bool liquidate_one(queued_position& e, double h, double ratio, double multiplier,
                       round_totals& total) {
        constexpr double inf = std::numeric_limits<double>::infinity();
        const double t = e.threshold * multiplier;
        const double b = bonus_at(r_, h);
        double f = close_fraction(r_, h, t, b);
        const double room = r_.max_collateral_per_round - total.seized;
        if (room < inf && ratio > 0) { // seize at most `room`: f debt (1 + b) / ratio <= room
            const double most = room * ratio / (e.debt * (1 + b));
            f = most < f ? most : f;
        }
        const liquidation<double> l = liquidate(e.collateral, e.debt, ratio, f, b);
        if (room < inf && l.collateral_left == e.collateral && l.debt_left == e.debt)
            return false;
        e.collateral = l.collateral_left;
        e.debt = l.debt_left;
        ++total.liquidations;
        total.seized += l.seized;
        total.repaid += l.repaid;
        total.bad_debt += l.bad_debt;
        return true;
    }

    /// Liquidates the candidates of ws_.due (in their order) until a limit binds; false once
    /// one does.
    bool liquidate_in_order(std::span<queued_position> entries, double ratio, double multiplier,
                            round_totals& total) {
        for (const candidate& c : ws_.due)
            if (limit_reached(r_, total) ||
                !liquidate_one(entries[c.k], c.health, ratio, multiplier, total))
                return false;
        return !limit_reached(r_, total);
    }

    /// Capped step at a zero price: every health is 0, so the tie-break by row needs all the
    /// candidates at once.
    void liquidate_capped_at_zero(double ratio, double multiplier, double reach,
                                  round_totals& totals) {
        std::vector<queued_position>& taken = ws_.back;
        taken.clear();
        ws_.open.take_at_or_above(reach, [&](const queued_position& e) { taken.push_back(e); });
        collect_due(taken, ratio, multiplier);
        sort_worst_first(ws_.due);
        (void)liquidate_in_order(taken, ratio, multiplier, totals);
        for (const queued_position& e : taken)
            keep(e);
    }

    /// Capped step: buckets from the top (lowest health first), stopping where a limit
    /// binds. Under a collateral limit the running total decides the cut, so candidates are
    /// served in order; under a count limit only the set matters (selected in linear time).
    void liquidate_capped(double ratio, double multiplier, double reach, round_totals& totals) {
        std::vector<queued_position>& visited = ws_.back;
        visited.clear();
        ws_.open.drain(reach, [&](std::span<queued_position> bucket) {
            collect_due(bucket, ratio, multiplier);
            if (r_.max_collateral_per_round < std::numeric_limits<double>::infinity())
                sort_worst_first(ws_.due);
            else
                keep_worst(ws_.due, r_.max_liquidations_per_round - totals.liquidations);
            const bool more = liquidate_in_order(bucket, ratio, multiplier, totals);
            visited.insert(visited.end(), bucket.begin(), bucket.end());
            return more;
        });
        for (const queued_position& e : visited)
            keep(e);
    }

    book_columns book_;
    const Path& path_;
    path_market<C> market_;
    const path_rules& pr_;
    const rules& r_;
    path_scratch& ws_;
    position_columns out_;
    bool rich_; // terms or keepers beyond the reference rules: liquidate one by one
    path_tightening tightening_;
    double initial_collateral_ = 0, initial_debt_ = 0;
    std::size_t in_book_ = 0;       // indebted positions in coarse buckets not swept yet
    std::size_t next_coarse_ = 0;   // the first coarse bucket not swept yet
    std::size_t parked_coarse_ = 0; // the coarse bucket the parked positions lie in
    std::size_t next_parked_ = 0;   // its first fine bucket not taken yet
};

/// Adds a step to the totals of `out`.
inline void add_step(path_result& out, const step_record& rec) {
    out.liquidations += rec.liquidations;
    out.collateral_seized += rec.collateral_seized;
    out.collateral_sold += rec.collateral_sold;
    out.protocol_fee += rec.protocol_fee;
    out.debt_repaid += rec.debt_repaid;
    out.bad_debt += rec.bad_debt;
    out.proceeds += rec.proceeds;
    out.repaid_value += rec.repaid_value;
    out.gas += rec.gas;
    out.unprofitable += rec.unprofitable;
    out.deferred += rec.deferred;
    out.blocked += rec.blocked;
    out.auctions_started += rec.auctions_started;
    out.auctions_settled += rec.auctions_settled;
    out.zero_bid_auctions += rec.zero_bid_auctions;
    out.collateral_returned += rec.collateral_returned;
    out.collateral_kept += rec.collateral_kept;
    out.raised += rec.raised;
    out.incentives += rec.incentives;
    out.penalty += rec.penalty;
    out.returned_value += rec.returned_value;
    out.protocol_collateral = rec.protocol_collateral;
    out.auction_debt = rec.auction_debt;
}

/// simulate's shock as a path: the price before the shock, then the shocked price for up to
/// `steps_` steps of `step_days`.
struct shock_path {
    double before, after;
    std::size_t steps_;
    double step_days;
    std::size_t steps() const noexcept { return steps_; }
    double price(std::size_t k) const noexcept { return k == 0 ? before : after; }
    double debt_price(std::size_t) const noexcept { return 1; }
    double time(std::size_t k) const noexcept { return static_cast<double>(k) * step_days; }
    double step_length(std::size_t) const noexcept { return step_days; }
};

/// cascade::simulate on a plain book, without preparing it: the path engine along the shock,
/// one step per round, stopping where simulate stops. Arguments are validated by the caller.
template <class C, class Abi>
result simulate_once(const book_columns& b, double price, double shock, const C& curve,
                     const rules& r, path_scratch& ws) {
    path_rules pr;
    pr.liquidation = r;
    pr.liquidation.oracle_delay = 0;
    pr.oracle.delay_steps = r.oracle_delay;
    const shock_path path{price, price * (1 - shock), r.max_rounds, r.round_days};
    path_engine<shock_path, C, Abi> engine(b, path, curve, pr, ws, {});
    result out;
    out.initial_price = price;
    out.shocked_price = path.after;
    out.final_price = path.after;
    std::size_t quiet = 0;
    bool ended = false;
    for (std::size_t round = 1; round <= r.max_rounds; ++round) {
        const step_record s = engine.step(round);
        add_round(out, round,
                  {s.oracle_price, s.price, s.threshold_multiplier, s.liquidations,
                   s.collateral_sold, s.debt_repaid, s.bad_debt, s.proceeds});
        quiet = s.liquidations > 0 ? 0 : quiet + 1;
        if (quiet > r.oracle_delay || engine.settled()) {
            ended = true;
            break;
        }
    }
    out.truncated = !ended;
    out.path.resize(out.rounds);
    return out;
}

} // namespace spiral::cascade::detail
