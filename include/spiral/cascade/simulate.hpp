// cascade::simulate — one price shock through a book of leveraged positions.
/// \file
/// \ingroup cascade
/// \brief cascade::simulate: one price shock through a book of leveraged positions.
#pragma once

#include <spiral/cascade/book.hpp>
#include <spiral/cascade/detail/intake.hpp>
#include <spiral/cascade/detail/path_engine.hpp>
#include <spiral/cascade/detail/price_buckets.hpp>
#include <spiral/cascade/detail/unzeroed.hpp>
#include <spiral/cascade/detail/worst_first.hpp>
#include <spiral/cascade/market.hpp>
#include <spiral/cascade/path_workspace.hpp>
#include <spiral/cascade/position.hpp>
#include <spiral/cascade/position_columns.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/result.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/core/error.hpp>
#include <spiral/impact/curve.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace spiral::cascade {

namespace detail {

// Candidates are picked by liquidation price with this relative margin, then decided by the
// health expression itself, so the choice matches a plain scan of every position exactly.
inline constexpr double candidate_margin = 1e-12;

/// True when a rule limits liquidations per round: candidates are then taken worst first.
inline bool capped(const rules& r) noexcept {
    return r.max_liquidations_per_round != std::numeric_limits<std::size_t>::max() ||
           r.max_collateral_per_round < std::numeric_limits<double>::infinity();
}

/// Puts the candidates a capped round serves first at the front of `due`: all of them in
/// order under a collateral cap (where the running total decides the cut); under a count cap
/// only the set matters, and selecting it is linear.
inline void select_worst_first(std::span<candidate> due, const rules& r,
                               const round_totals& total) {
    if (r.max_collateral_per_round < std::numeric_limits<double>::infinity()) {
        sort_worst_first(due);
        return;
    }
    keep_worst(due, r.max_liquidations_per_round - total.liquidations);
}

/// Liquidates position k (health h) at `oracle`, within what is left of the round's caps,
/// and adds it to `total`. Returns false, changing nothing, when what is left of a
/// collateral cap is too small to change the position: the cap is then used up (else a cap
/// of 5e-324 would run max_rounds rounds that change nothing).
template <class State>
bool liquidate_one(std::uint32_t k, double h, const rules& r, double oracle, double multiplier,
                   State& state, round_totals& total) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    auto [collateral, debt, threshold] = state.get(k);
    const double t = threshold * multiplier;
    const double b = bonus_at(r, h);
    double f = close_fraction(r, h, t, b);
    const double room = r.max_collateral_per_round - total.seized;
    if (room < inf && oracle > 0) { // seize at most `room`: f debt (1 + b) / oracle <= room
        const double most = room * oracle / (debt * (1 + b));
        f = most < f ? most : f;
    }
    const liquidation<double> l = liquidate(collateral, debt, oracle, f, b);
    if (room < inf && l.collateral_left == collateral && l.debt_left == debt)
        return false;
    state.set(k, l.collateral_left, l.debt_left);
    ++total.liquidations;
    total.seized += l.seized;
    total.repaid += l.repaid;
    total.bad_debt += l.bad_debt;
    return true;
}

/// True once a per-round cap is used up.
inline bool cap_reached(const rules& r, const round_totals& total) noexcept {
    return total.liquidations == r.max_liquidations_per_round ||
           !(r.max_collateral_per_round - total.seized > 0);
}

/// Liquidates `due` in order until a per-round cap binds; returns false once one does.
template <class State>
bool liquidate_in_order(std::span<const candidate> due, const rules& r, double oracle,
                        double multiplier, State& state, round_totals& total) {
    for (const candidate& c : due)
        if (cap_reached(r, total) ||
            !liquidate_one(c.k, c.health, r, oracle, multiplier, state, total))
            return false;
    return !cap_reached(r, total);
}

} // namespace detail

class workspace;

/// Runs the cascade that `shock` (relative, in [0, 1)) to `price` starts in the prepared book
/// (see the definition below). `Abi` names the code the translation unit runs the newly
/// reached positions with (batches when the build links spiral::simd, else scalars): leave it
/// defaulted.
template <impact_curve<double> C, class Abi = detail::engine_abi>
result simulate(const prepared_book& b, double price, double shock, const C& curve, const rules& r,
                const position_columns& final_positions, workspace& ws);

/// Scratch memory for simulate. Pass the same workspace to many simulations (the Monte Carlo
/// case) and, once grown, it allocates nothing and its pages are already mapped. Not for use
/// by two simulations at once.
class workspace {
public:
    workspace() = default;

private:
    // The touched positions' state, indexed like the prepared book: allocated for the book's
    // size but not zeroed, so pages are only mapped where a cascade writes.
    detail::unzeroed<double> collateral_, debt_;
    detail::price_buckets open_;
    std::vector<detail::candidate> due_;
    std::vector<std::uint32_t> waiting_;
    detail::unzeroed<detail::price_buckets::entry> back_;
    std::vector<double> keys_, gathered_collateral_, gathered_debt_, gathered_threshold_;

    void clear() noexcept {
        back_.clear();
        due_.clear();
        waiting_.clear();
    }

    template <impact_curve<double> C, class Abi>
    friend result simulate(const prepared_book&, double, double, const C&, const rules&,
                           const position_columns&, workspace&);
};

/// Runs the cascade that `shock` (relative, in [0, 1)) to `price` starts in the prepared book,
/// selling seized collateral into `curve`, under `r`. Only positions whose liquidation price
/// the cascade's oracle prices reach are touched, so a further shock on the same prepared book
/// costs at most one pass over it. Throws spiral::invalid_argument for a price that is not
/// positive and finite, a shock outside [0, 1), or invalid rules or curve; an empty book is a
/// no-op. When `final_positions` has non-empty spans (each of the book's size), the book after
/// the cascade is written there in book row order.
template <impact_curve<double> C, class Abi>
result simulate(const prepared_book& b, double price, double shock, const C& curve, const rules& r,
                const position_columns& final_positions, workspace& ws) {
    constexpr std::string_view what = "cascade::simulate";
    detail::validate_market(what, price, shock);
    r.validate();
    detail::validate_curve(curve);
    const std::size_t n = b.size(), live = b.indebted();
    const auto check_out = [&](std::span<double> out, std::string_view field) {
        if (!out.empty() && out.size() != n)
            spiral::detail::throw_invalid(what, field, spiral::detail::no_row, out.size(),
                                          "must be 0 or the book's size " + std::to_string(n));
    };
    check_out(final_positions.collateral, "final_positions.collateral.size()");
    check_out(final_positions.debt, "final_positions.debt.size()");

    const std::span<const double> key = b.liquidation_price(), threshold = b.threshold();
    // The touched positions' state lives in `collateral`/`debt`, indexed like the prepared
    // book and written as the frontier (the first position not yet reached) advances; entries
    // past the frontier are never read.
    // Touched positions still open wait in `open`, bucketed by liquidation price.
    ws.clear();
    double* const collateral = ws.collateral_.at_least(live);
    double* const debt = ws.debt_.at_least(live);
    auto& open = ws.open_;
    auto& due = ws.due_;
    auto& waiting = ws.waiting_;
    auto& back = ws.back_;
    // Chunk buffers for the uncapped rounds' branch-free pass.
    constexpr std::size_t chunk = 2048;
    auto& keys = ws.keys_;
    auto& gathered_collateral = ws.gathered_collateral_;
    auto& gathered_debt = ws.gathered_debt_;
    auto& gathered_threshold = ws.gathered_threshold_;
    for (auto* v : {&keys, &gathered_collateral, &gathered_debt, &gathered_threshold})
        v->resize(chunk);
    open.reset(price);
    std::size_t frontier = 0;
    const bool capped = detail::capped(r);

    struct touched_state {
        double* c;
        double* d;
        std::span<const double> t;
        std::tuple<double, double, double> get(std::uint32_t k) const { return {c[k], d[k], t[k]}; }
        void set(std::uint32_t k, double new_c, double new_d) {
            c[k] = new_c;
            d[k] = new_d;
        }
    } state{collateral, debt, threshold};

    detail::market<C> m(curve, price, shock);
    detail::tightening_state tightening(r, price);
    result out;
    out.initial_price = price;
    out.shocked_price = m.base();
    out.final_price = m.base();
    std::size_t quiet = 0;
    bool ended = false;
    for (std::size_t round = 1; round <= r.max_rounds; ++round) {
        if (round > 1)
            m.next_round(r.round_days);
        const double oracle = m.oracle(r.oracle_delay);
        const double multiplier = tightening.observe(oracle, round);
        // Pick candidates: open touched positions and new ones the frontier reaches.
        const double reach = oracle * multiplier * (1 - detail::candidate_margin);
        waiting.clear();
        // The frontier moves to the first position below reach (keys are sorted, highest first).
        const std::size_t reached = static_cast<std::size_t>(
            std::partition_point(key.begin() + static_cast<std::ptrdiff_t>(frontier),
                                 key.begin() + static_cast<std::ptrdiff_t>(live),
                                 [reach](double x) { return x >= reach; }) -
            key.begin());
        const auto copy_reached = [&](std::size_t from, std::size_t to) {
            std::copy(b.collateral().data() + from, b.collateral().data() + to, collateral + from);
            std::copy(b.debt().data() + from, b.debt().data() + to, debt + from);
        };
        const auto due_now = [&](std::uint32_t k, double& h) {
            h = health(collateral[k], oracle, threshold[k] * multiplier, debt[k]);
            return debt[k] > 0 && h < 1;
        };
        detail::round_totals t;
        back.clear();
        const auto reopen = [&](std::uint32_t k) {
            if (debt[k] > 0)
                back.push_back(
                    {cascade::liquidation_price(collateral[k], debt[k], threshold[k]), k});
        };
        if (!capped) {
            // Everything reached is due at once, in any order. Positions are liquidated a
            // cache-sized chunk at a time in one branch-free pass (on batches where this
            // translation unit has them), and those still open go back at their new price.
            // The bucketed ones are gathered into the chunk buffers and scattered back; the
            // newly reached ones are contiguous, read from the prepared columns and written to
            // the touched state.
            const auto keep_open = [&](std::size_t count, const double* debt_left, auto position) {
                detail::price_buckets::entry* to = back.extend(count);
                std::size_t kept = 0;
                for (std::size_t j = 0; j < count; ++j) { // branch-free compaction
                    to[kept] = {keys[j], position(j)};
                    kept += debt_left[j] > 0 ? 1 : 0;
                }
                back.commit(kept);
            };
            open.take_at_or_above(reach, waiting);
            for (std::size_t start = 0; start < waiting.size(); start += chunk) {
                const std::size_t count = std::min(chunk, waiting.size() - start);
                const std::uint32_t* k = waiting.data() + start;
                for (std::size_t j = 0; j < count; ++j) {
                    gathered_collateral[j] = collateral[k[j]];
                    gathered_debt[j] = debt[k[j]];
                    gathered_threshold[j] = threshold[k[j]];
                }
                detail::liquidate_due(r, oracle, multiplier, gathered_collateral.data(),
                                      gathered_debt.data(), gathered_threshold.data(),
                                      gathered_collateral.data(), gathered_debt.data(), keys.data(),
                                      count, t);
                for (std::size_t j = 0; j < count; ++j) {
                    collateral[k[j]] = gathered_collateral[j];
                    debt[k[j]] = gathered_debt[j];
                }
                keep_open(count, gathered_debt.data(), [k](std::size_t j) { return k[j]; });
            }
            waiting.clear();
            while (frontier < reached) {
                const std::size_t count = std::min(chunk, reached - frontier);
                detail::liquidate_due(r, oracle, multiplier, b.collateral().data() + frontier,
                                      b.debt().data() + frontier, threshold.data() + frontier,
                                      collateral + frontier, debt + frontier, keys.data(), count,
                                      t);
                keep_open(count, debt + frontier, [from = frontier](std::size_t j) {
                    return static_cast<std::uint32_t>(from + j);
                });
                frontier += count;
            }
        } else if (!(oracle * multiplier > 0)) {
            copy_reached(frontier, reached);
            // A zero oracle price makes every health 0: the caps' tie-break by row then needs
            // all the candidates at once.
            open.take_at_or_above(reach, waiting);
            for (; frontier < reached; ++frontier)
                waiting.push_back(static_cast<std::uint32_t>(frontier));
            due.clear();
            for (const std::uint32_t k : waiting) {
                double h;
                if (due_now(k, h))
                    due.push_back({h, k, b.row()[k]});
            }
            detail::sort_worst_first(due);
            (void)detail::liquidate_in_order(std::span<const detail::candidate>(due), r, oracle,
                                             multiplier, state, t);
        } else {
            // Worst first (highest liquidation price first, i.e. lowest health): walk the
            // buckets from the top and stop where the cap binds; the rest are not touched.
            copy_reached(frontier, reached);
            for (; frontier < reached; ++frontier)
                open.push(key[frontier], static_cast<std::uint32_t>(frontier));
            open.drain(reach, [&](std::span<const detail::price_buckets::entry> bucket) {
                due.clear();
                for (const auto& e : bucket) {
                    double h;
                    if (due_now(e.position, h))
                        due.push_back({h, e.position, b.row()[e.position]});
                    waiting.push_back(e.position);
                }
                detail::select_worst_first(due, r, t);
                return detail::liquidate_in_order(std::span<const detail::candidate>(due), r,
                                                  oracle, multiplier, state, t);
            });
        }
        // Everything picked and still open goes back at its (new) liquidation price.
        for (const std::uint32_t k : waiting)
            reopen(k);
        open.push_all(back.elements());
        round_record rec{oracle,   m.price(), multiplier, t.liquidations,
                         t.seized, t.repaid,  t.bad_debt, 0};
        if (t.liquidations > 0) {
            rec.proceeds = m.sell(t.seized);
            rec.price = m.price();
        }
        detail::add_round(out, round, rec);
        quiet = t.liquidations > 0 ? 0 : quiet + 1;
        // Done once the oracle has shown every price and nothing is due; or nothing is left.
        if (quiet > r.oracle_delay || (open.empty() && frontier == live)) {
            ended = true;
            break;
        }
    }
    out.truncated = !ended;
    out.path.resize(out.rounds);

    if (!final_positions.collateral.empty() || !final_positions.debt.empty()) {
        const auto rows = b.row();
        for (std::size_t k = 0; k < n; ++k) {
            const bool touched = k < frontier;
            if (!final_positions.collateral.empty())
                final_positions.collateral[rows[k]] = touched ? collateral[k] : b.collateral()[k];
            if (!final_positions.debt.empty())
                final_positions.debt[rows[k]] = touched ? debt[k] : b.debt()[k];
        }
    }
    return out;
}

/// The same with a workspace of its own (allocated for this call).
template <impact_curve<double> C, class Abi = detail::engine_abi>
result simulate(const prepared_book& b, double price, double shock, const C& curve, const rules& r,
                const position_columns& final_positions) {
    workspace ws;
    return simulate<C, Abi>(b, price, shock, curve, r, final_positions, ws);
}

/// The same with a workspace of its own, without writing the book after the cascade.
template <impact_curve<double> C, class Abi = detail::engine_abi>
result simulate(const prepared_book& b, double price, double shock, const C& curve,
                const rules& r = {}) {
    workspace ws;
    return simulate<C, Abi>(b, price, shock, curve, r, position_columns{}, ws);
}

/// The same on a plain book, without preparing it: the book is bucketed by liquidation price
/// in two streaming passes and only what the cascade reaches is touched (the path engine of
/// cascade::run along the shock, one step per round). Same results as on a prepared book
/// (totals within 1e-12 relative: sums may be taken in another order). Pass a path_workspace
/// to reuse its memory from one book to the next. To run many shocks on one book, prepare it
/// once and call the prepared_book overload.
template <impact_curve<double> C, class Abi = detail::engine_abi>
result simulate(const book& b, double price, double shock, const C& curve, const rules& r,
                path_workspace& ws) {
    constexpr std::string_view what = "cascade::simulate";
    detail::validate_market(what, price, shock);
    detail::validate_book(what, b, Abi{});
    r.validate();
    detail::validate_curve(curve);
    if (b.size() > std::numeric_limits<std::uint32_t>::max())
        spiral::detail::throw_invalid(what, "collateral.size()", spiral::detail::no_row, b.size(),
                                      "must be < 2^32");
    return detail::simulate_once<C, Abi>({b.collateral, b.debt, b.threshold}, price, shock, curve,
                                         r, ws.scratch());
}

/// The same on a plain book with a path_workspace of its own (allocated for this call).
template <impact_curve<double> C, class Abi = detail::engine_abi>
result simulate(const book& b, double price, double shock, const C& curve, const rules& r = {}) {
    path_workspace ws;
    return simulate<C, Abi>(b, price, shock, curve, r, ws);
}

} // namespace spiral::cascade
