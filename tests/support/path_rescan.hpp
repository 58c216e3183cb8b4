// A plain step-by-step cascade along a price path that rescans every position each step: the
// reference cascade::run is tested and benchmarked against. Written from the rules in
// docs/cascade.md ("Along a price path") with its own market, oracle and volatility
// bookkeeping; it shares only the public per-position kernels (health, close_fraction,
// bonus_at, liquidate).
#pragma once

#include <spiral/cascade/detail/protocol_desk.hpp>
#include <spiral/cascade/liquidation_terms.hpp>
#include <spiral/cascade/path_result.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/position.hpp>
#include <spiral/cascade/price_path.hpp>
#include <spiral/cascade/rules.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace spiral::test {

/// A price feed written from the rules of cascade::oracle_rules: sources report on their
/// heartbeat or deviation, stale ones and outliers are left out of the median, the feed
/// publishes on its own heartbeat or deviation, floored, and is read `delay_steps` late.
class plain_feed {
public:
    plain_feed(const cascade::oracle_rules& r, const cascade::price_path& path, bool debt)
        : r_(r), path_(path), debt_(debt) {
        const std::size_t n = std::max<std::size_t>(1, r.sources.size());
        for (std::size_t s = 0; s < n; ++s) {
            const double v = value(s, 0);
            sources_.push_back({v, 0.0, !std::isnan(v)});
        }
        const double first = observe(0.0);
        published_ = std::isnan(first) ? market(0) : std::max(first, r.floor);
        shown_.push_back(published_);
    }

    double read(std::size_t k) {
        const double now = path_.time(k);
        for (std::size_t s = 0; s < sources_.size(); ++s) {
            const double v = value(s, k);
            if (std::isnan(v))
                continue;
            source& src = sources_[s];
            const double heartbeat = r_.sources.empty() ? 0.0 : r_.sources[s].heartbeat_days;
            const double deviation = r_.sources.empty() ? 0.0 : r_.sources[s].deviation;
            const bool moved = std::abs(v - src.value) > deviation * src.value;
            if (!src.ever || now - src.time >= heartbeat || moved)
                src = {v, now, true};
        }
        const double observed = observe(now);
        if (!std::isnan(observed) &&
            (now - published_at_ >= r_.heartbeat_days ||
             std::abs(observed - published_) > r_.deviation * published_)) {
            published_ = std::max(observed, r_.floor);
            published_at_ = now;
        }
        shown_.push_back(published_);
        return k < r_.delay_steps ? shown_[0] : shown_[k - r_.delay_steps];
    }

    double read_first() const { return shown_.front(); }

    /// The market value an empty source reads (set by the caller each step).
    double market_now = 0;

private:
    struct source {
        double value, time;
        bool ever;
    };

    double market(std::size_t k) const { return debt_ ? path_.debt_price(k) : path_.price(k); }
    double value(std::size_t s, std::size_t k) const {
        const bool own = !r_.sources.empty() && !r_.sources[s].prices.empty();
        if (own)
            return r_.sources[s].prices[k];
        return k == 0 ? market(0) : market_now;
    }

    static double middle(std::vector<double> v) {
        std::sort(v.begin(), v.end());
        const std::size_t n = v.size();
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    double observe(double now) const {
        std::vector<double> fresh;
        for (const source& s : sources_)
            if (s.ever && now - s.time <= r_.max_age_days)
                fresh.push_back(s.value);
        if (fresh.empty())
            return std::numeric_limits<double>::quiet_NaN();
        const double centre = middle(fresh);
        std::vector<double> kept;
        for (double v : fresh)
            if (!(std::abs(v - centre) > r_.max_spread * centre))
                kept.push_back(v);
        return kept.empty() ? centre : middle(kept);
    }

    const cascade::oracle_rules& r_;
    const cascade::price_path& path_;
    bool debt_;
    std::vector<source> sources_;
    double published_ = 0, published_at_ = 0;
    std::vector<double> shown_;
};

struct path_book {
    std::vector<double> collateral, debt, threshold;
};

/// Runs the book along the path; `book` is left as the path leaves it.
template <class C>
cascade::path_result rescan_path(path_book& book, const cascade::price_path& path, const C& curve,
                                 const cascade::path_rules& pr) {
    constexpr bool recovers = requires(C c) {
        c.decay(1.0);
    };
    constexpr double inf = std::numeric_limits<double>::infinity();
    const cascade::rules& r = pr.liquidation;
    const std::size_t n = book.collateral.size();
    C state = curve;
    double sold = 0; // permanent impact: cumulative quantity sold
    bool traded = false;
    const auto market_price = [&](double e) {
        if (!traded)
            return e;
        if constexpr (recovers)
            return e * state.price_factor(0.0);
        else
            return e * curve.price_factor(sold);
    };

    plain_feed collateral_feed(pr.oracle, path, false), debt_feed(pr.debt_oracle, path, true);
    double last_ratio = collateral_feed.read_first() / debt_feed.read_first();
    double sum_squares = 0, multiplier = 1;

    const bool rich = pr.terms.active() || pr.keepers.active() ||
                      pr.design != cascade::liquidation_design::keepers;
    cascade::detail::protocol_desk desk;
    desk.reset(pr.design, pr.absorb, pr.clipper, pr.flipper, pr.keepers);
    std::vector<std::size_t> since(n, 0); // step a keeper first saw the position due (latency)

    cascade::path_result out;
    for (std::size_t i = 0; i < n; ++i) {
        out.initial_collateral += book.collateral[i];
        out.initial_debt += book.debt[i];
    }
    for (std::size_t k = 1; k <= path.steps(); ++k) {
        const double e = path.price(k);
        if constexpr (recovers) {
            if (k > 1 && traded)
                state.decay(path.step_length(k));
        }
        cascade::step_record rec;
        rec.time = path.time(k);
        rec.exogenous_price = e;
        rec.market_price = market_price(e);
        collateral_feed.market_now = rec.market_price;
        rec.oracle_price = collateral_feed.read(k);
        debt_feed.market_now = path.debt_price(k);
        rec.debt_oracle_price = debt_feed.read(k);
        const double ratio = rec.oracle_price / rec.debt_oracle_price;
        const cascade::volatility_tightening& v = r.tightening;
        if (v.sensitivity > 0) {
            const double ret = std::log(ratio / last_ratio);
            last_ratio = ratio;
            sum_squares += ret * ret;
            const double days = std::max(path.time(k), v.window_days);
            const double vol = std::sqrt(sum_squares * v.days_per_year / days);
            const double m =
                std::max(v.min_multiplier, 1 - v.sensitivity * std::max(0.0, vol - v.base_vol));
            multiplier = std::min(multiplier, m);
        }
        rec.threshold_multiplier = multiplier;

        // Every open position, every step.
        struct due {
            double health;
            std::size_t row;
        };
        std::vector<due> list;
        if (rich) {
            const cascade::keeper_rules& kr = pr.keepers;
            for (std::size_t i = 0; i < n; ++i) {
                if (!(book.debt[i] > 0))
                    continue;
                const double h = cascade::health(book.collateral[i], ratio,
                                                 book.threshold[i] * multiplier, book.debt[i]);
                if (!(h < 1)) {
                    since[i] = 0;
                    continue;
                }
                if (kr.latency_steps > 0) {
                    if (since[i] == 0)
                        since[i] = k;
                    if (k < since[i] + kr.latency_steps) {
                        ++rec.deferred;
                        continue;
                    }
                }
                list.push_back({h, i});
            }
            if (pr.design != cascade::liquidation_design::keepers) {
                // The protocol sells what it holds first, then takes the due positions.
                const cascade::detail::desk_step ds{k,
                                                    path.time(k),
                                                    ratio,
                                                    rec.oracle_price,
                                                    rec.debt_oracle_price,
                                                    path.debt_price(k)};
                cascade::detail::desk_totals dt;
                const auto quote = [&](double q) {
                    if constexpr (recovers)
                        return e * state.proceeds(q);
                    else
                        return e * (curve.proceeds(sold + q) - curve.proceeds(sold));
                };
                const auto marginal = [&](double q) {
                    if constexpr (recovers)
                        return e * spiral::marginal_price(state, q);
                    else
                        return e * spiral::marginal_price(curve, sold + q);
                };
                const cascade::detail::market_view<decltype(quote), decltype(marginal)> view{
                    quote, marginal};
                desk.step(ds, view, dt, rec.gas);
                std::sort(list.begin(), list.end(), [](const due& a, const due& b) {
                    return a.health < b.health || (a.health == b.health && a.row < b.row);
                });
                for (const due& x : list) {
                    if (desk.kick(book.collateral[x.row], book.debt[x.row],
                                  static_cast<std::uint32_t>(x.row), ds, dt))
                        since[x.row] = 0;
                    else
                        ++rec.blocked;
                }
                list.clear();
                rec.liquidations = rec.auctions_started = dt.kicks;
                rec.auctions_settled = dt.settled;
                rec.zero_bid_auctions = dt.zero_bids;
                rec.collateral_seized = dt.seized;
                rec.collateral_sold = dt.sold;
                rec.collateral_returned = dt.returned;
                rec.collateral_kept = dt.kept;
                rec.debt_repaid = dt.repaid;
                rec.bad_debt = dt.bad_debt;
                rec.raised = dt.raised;
                rec.repaid_value = dt.paid_value;
                rec.incentives = dt.incentives;
                rec.penalty = dt.penalty;
                rec.returned_value = dt.returned_value;
                rec.protocol_collateral = desk.held_collateral();
                rec.auction_debt = desk.debt_in_auctions();
            }
            const bool limited =
                r.max_liquidations_per_round != std::numeric_limits<std::size_t>::max() ||
                r.max_collateral_per_round < inf ||
                kr.max_liquidations != std::numeric_limits<std::size_t>::max() ||
                kr.max_repaid_value < inf || (kr.gas > 0 && kr.gas_budget < inf);
            if (limited)
                std::sort(list.begin(), list.end(), [](const due& a, const due& b) {
                    return a.health < b.health || (a.health == b.health && a.row < b.row);
                });
            std::size_t most = std::min(r.max_liquidations_per_round, kr.max_liquidations);
            if (kr.gas > 0 && kr.gas_budget < inf)
                most = std::min<std::size_t>(
                    most, static_cast<std::size_t>(std::floor(kr.gas_budget / kr.gas)));
            // What selling q now would fetch (the market as the step starts).
            const auto quote = [&](double q) {
                if constexpr (recovers)
                    return e * state.proceeds(q);
                else
                    return e * (curve.proceeds(sold + q) - curve.proceeds(sold));
            };
            for (std::size_t n_served = 0; n_served < list.size(); ++n_served) {
                const due& x = list[n_served];
                const double room = r.max_collateral_per_round - rec.collateral_seized;
                if (rec.liquidations == most || !(room > 0)) {
                    rec.deferred += list.size() - n_served;
                    break;
                }
                const std::size_t i = x.row;
                const cascade::liquidation_plan plan = cascade::plan_liquidation(
                    book.collateral[i], book.debt[i], book.threshold[i] * multiplier,
                    book.threshold[i], x.health, rec.oracle_price, rec.debt_oracle_price, r,
                    pr.terms, room);
                if (plan.blocked) {
                    ++rec.blocked;
                    continue;
                }
                // what is left of the collateral limit cannot change the position: used up
                if (room < inf && plan.collateral_left == book.collateral[i] &&
                    plan.debt_left == book.debt[i]) {
                    rec.deferred += list.size() - n_served;
                    break;
                }
                const double cost = plan.repaid * path.debt_price(k);
                if (kr.only_profitable &&
                    quote(plan.to_liquidator) - kr.gas < (1 + kr.margin) * cost) {
                    ++rec.unprofitable;
                    rec.unprofitable_debt += book.debt[i];
                    continue;
                }
                if (rec.repaid_value + cost > kr.max_repaid_value) {
                    rec.deferred += list.size() - n_served;
                    break;
                }
                book.collateral[i] = plan.collateral_left;
                book.debt[i] = plan.debt_left;
                since[i] = 0;
                ++rec.liquidations;
                rec.collateral_seized += plan.seized;
                rec.collateral_sold += plan.to_liquidator;
                rec.protocol_fee += plan.protocol_fee;
                rec.debt_repaid += plan.repaid;
                rec.bad_debt += plan.bad_debt;
                rec.repaid_value += cost;
            }
            list.clear();
        }
        for (std::size_t i = 0; i < n && !rich; ++i) {
            if (!(book.debt[i] > 0))
                continue;
            const double h = cascade::health(book.collateral[i], ratio,
                                             book.threshold[i] * multiplier, book.debt[i]);
            if (h < 1)
                list.push_back({h, i});
        }
        const bool limited =
            r.max_liquidations_per_round != std::numeric_limits<std::size_t>::max() ||
            r.max_collateral_per_round < inf;
        if (limited)
            std::sort(list.begin(), list.end(), [](const due& a, const due& b) {
                return a.health < b.health || (a.health == b.health && a.row < b.row);
            });
        for (const due& x : list) {
            if (rec.liquidations == r.max_liquidations_per_round)
                break;
            const double room = r.max_collateral_per_round - rec.collateral_seized;
            if (!(room > 0))
                break;
            const std::size_t i = x.row;
            const double t = book.threshold[i] * multiplier;
            const double b = cascade::bonus_at(r, x.health);
            double f = cascade::close_fraction(r, x.health, t, b);
            if (room < inf && ratio > 0)
                f = std::min(f, room * ratio / (book.debt[i] * (1 + b)));
            const auto l = cascade::liquidate(book.collateral[i], book.debt[i], ratio, f, b);
            if (room < inf && l.collateral_left == book.collateral[i] &&
                l.debt_left == book.debt[i])
                break; // the limit is used up (docs/cascade.md), as in the plain rescan
            book.collateral[i] = l.collateral_left;
            book.debt[i] = l.debt_left;
            ++rec.liquidations;
            rec.collateral_seized += l.seized;
            rec.debt_repaid += l.repaid;
            rec.bad_debt += l.bad_debt;
        }
        if (!rich) {
            rec.collateral_sold = rec.collateral_seized;
            rec.repaid_value = rec.debt_repaid * path.debt_price(k);
        }
        if (pr.design == cascade::liquidation_design::keepers)
            rec.gas = static_cast<double>(rec.liquidations) * pr.keepers.gas;
        const bool sells = pr.design == cascade::liquidation_design::keepers
                               ? rec.liquidations > 0
                               : rec.collateral_sold - rec.collateral_kept > 0;
        if (sells) {
            const double q = rec.collateral_sold - rec.collateral_kept;
            if constexpr (recovers) {
                rec.proceeds = e * state.proceeds(q);
                state.displaced += q;
            } else {
                rec.proceeds = e * (curve.proceeds(sold + q) - curve.proceeds(sold));
                sold += q;
            }
            traded = true;
        }
        rec.price = market_price(e);
        out.liquidations += rec.liquidations;
        out.collateral_seized += rec.collateral_seized;
        out.collateral_sold += rec.collateral_sold;
        out.debt_repaid += rec.debt_repaid;
        out.bad_debt += rec.bad_debt;
        out.proceeds += rec.proceeds;
        out.repaid_value += rec.repaid_value;
        out.protocol_fee += rec.protocol_fee;
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
        out.steps.push_back(rec);
    }
    for (std::size_t i = 0; i < n; ++i) {
        out.final_collateral += book.collateral[i];
        out.final_debt += book.debt[i];
    }
    out.final_price = out.steps.empty() ? path.price(0) : out.steps.back().price;
    return out;
}

} // namespace spiral::test
