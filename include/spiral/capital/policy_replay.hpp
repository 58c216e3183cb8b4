// capital::run_threshold_schedule, compare_policy — the path cascade along a history with a
// liquidation threshold that changes over time, and a policy against static parameters.
/// \file
/// \ingroup capital
/// \brief capital::run_threshold_schedule: cascade::run along a price path with a threshold
/// schedule (segment by segment, the book carried over); capital::compare_policy: a parameter
/// policy against a static threshold on the same history.
#pragma once

#include <spiral/capital/parameter_policy.hpp>
#include <spiral/cascade/book.hpp>
#include <spiral/cascade/path.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/price_path.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/impact/curve.hpp>

#include <algorithm>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace spiral::capital {

/// What run_threshold_schedule did: the engine's result over the whole path (steps
/// concatenated, times from the path's start, totals summed) and capital efficiency along it.
struct schedule_run {
    cascade::path_result result;  ///< the cascade, as one path_result over every step
    std::size_t segments = 0;     ///< engine runs (1 for a constant schedule without cuts)
    std::size_t changes = 0;      ///< steps whose threshold differs from the previous step's
    double average_threshold = 0; ///< mean over steps of the threshold in force
    /// Mean over steps of the deposits' borrowing power after the step: the book's collateral
    /// at the start times the market price times the threshold in force (quote). The collateral
    /// is the start's, so that the figure measures the parameter, not what liquidations took.
    double average_borrowing_power = 0;
    double initial_borrowing_power = 0; ///< collateral times prices[0] times schedule[0]
};

/// Runs `b` along `path` (cascade::run) with every position's liquidation threshold set to
/// `schedule[k]` during step k + 1 (schedule has one value per point; the last is not used;
/// the book's own threshold column is ignored: one collateral market, one threshold).
///
/// The engine takes one threshold per position for a whole run, so the path is cut into
/// segments where the schedule changes (and at the points in `cuts`, 1 .. n - 2): each
/// segment is one cascade::run from the book the previous one left (its final_positions),
/// with the thresholds of the segment. A recovering curve (impact::resilient) carries its
/// displaced volume across a cut, decayed as in one run; what the engine keeps inside restarts
/// at a cut: until the segment's first sale the market reads the exogenous price and the
/// carried volume does not decay (the engine applies and decays impact only once it has sold
/// itself), a curve that does not recover forgets what was sold,
/// the oracle starts from the segment's first price, keepers' queues empty. So compare
/// schedules cut at the same points (compare_policy does): a constant schedule without cuts is
/// one plain cascade::run, bit for bit, and with a curve of no impact any cuts give the uncut
/// run (tested). Requires `pr.design == keepers` (auctions would be cut mid-flight) and no
/// oracle sources (they are indexed by the whole path). Throws spiral::invalid_argument naming
/// "capital::run_threshold_schedule", the field, the index and the value.
template <impact_curve<double> C>
schedule_run run_threshold_schedule(const cascade::book& b, const cascade::price_path& path,
                                    const C& curve, const cascade::path_rules& pr,
                                    std::span<const double> schedule,
                                    std::span<const std::size_t> cuts = {}) {
    constexpr std::string_view what = "capital::run_threshold_schedule";
    using namespace spiral::detail;
    path.validate(what);
    const std::size_t n = path.prices.size();
    require_size(what, "schedule", schedule.size(), n, "path.prices");
    for (std::size_t k = 0; k < n; ++k)
        require(in_left_open(0, 1), what, "schedule", schedule[k], k);
    for (std::size_t j = 0; j < cuts.size(); ++j)
        if (cuts[j] < 1 || cuts[j] + 1 >= n)
            throw_invalid(what, "cuts", j, cuts[j], "must be in [1, path.prices.size() - 2]");
    if (pr.design != cascade::liquidation_design::keepers)
        throw_invalid(what, "rules.design", no_row, static_cast<int>(pr.design),
                      "must be keepers: a cut would end auctions mid-flight");
    if (!pr.oracle.sources.empty() || !pr.debt_oracle.sources.empty())
        throw_invalid(what, "rules.oracle.sources.size()", no_row,
                      pr.oracle.sources.size() + pr.debt_oracle.sources.size(),
                      "must be 0: sources are indexed by the whole path");
    cascade::book book{b.collateral, b.debt, std::vector<double>(b.size(), schedule[0])};
    cascade::detail::validate_book(what, book);

    // Segment starts: 0, every change of the schedule, every cut.
    std::vector<std::size_t> starts{0};
    schedule_run out;
    for (std::size_t k = 1; k + 1 < n; ++k)
        if (schedule[k] != schedule[k - 1]) {
            starts.push_back(k);
            ++out.changes;
        }
    starts.insert(starts.end(), cuts.begin(), cuts.end());
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());

    double collateral = 0;
    for (double c : book.collateral)
        collateral += c;
    out.initial_borrowing_power = collateral * path.price(0) * schedule[0];
    cascade::path_result& res = out.result;
    res.steps.reserve(n - 1);
    cascade::path_workspace ws;
    std::vector<double> c_out(book.size()), d_out(book.size());
    double threshold_sum = 0, power_sum = 0;
    // A recovering curve carries its displaced volume across cuts, decayed as one run would.
    C start_curve = curve;
    bool traded = false;
    const double deposits = collateral;
    for (std::size_t s = 0; s < starts.size(); ++s) {
        const std::size_t a = starts[s];
        const std::size_t last = s + 1 < starts.size() ? starts[s + 1] : n - 1;
        if (last == a)
            continue; // a one-point path (n == 1): no step
        const std::size_t len = last - a + 1;
        cascade::price_path sub{path.prices.subspan(a, len), path.step_days,
                                path.times.empty() ? std::span<const double>{}
                                                   : path.times.subspan(a, len),
                                path.debt_prices.empty() ? std::span<const double>{}
                                                         : path.debt_prices.subspan(a, len)};
        std::fill(book.threshold.begin(), book.threshold.end(), schedule[a]);
        if constexpr (cascade::detail::recovering_curve<C>) {
            if (a > 0 && traded)
                start_curve.decay(path.step_length(a + 1));
        }
        const cascade::path_result part =
            cascade::run(book, sub, start_curve, pr, cascade::position_columns{c_out, d_out}, ws);
        ++out.segments;
        if (s == 0) {
            res.initial_collateral = part.initial_collateral;
            res.initial_debt = part.initial_debt;
        }
        for (std::size_t j = 0; j < part.steps.size(); ++j) {
            cascade::step_record rec = part.steps[j];
            if constexpr (cascade::detail::recovering_curve<C>) {
                if (j > 0 && traded)
                    start_curve.decay(path.step_length(a + j + 1));
                if (rec.collateral_sold > 0) {
                    start_curve.displaced += rec.collateral_sold;
                    traded = true;
                }
            }
            rec.time = path.time(a + j + 1); // from the path's start, not the segment's
            cascade::detail::add_step(res, rec);
            threshold_sum += schedule[a];
            power_sum += deposits * rec.price * schedule[a];
            res.steps.push_back(rec);
        }
        res.final_price = part.final_price;
        book.collateral.swap(c_out);
        book.debt.swap(d_out);
    }
    res.final_collateral = res.initial_collateral - res.collateral_seized;
    res.final_debt = res.initial_debt - res.debt_repaid - res.bad_debt - res.auction_debt;
    if (res.steps.empty())
        res.final_price = path.price(0);
    const double steps = static_cast<double>(res.steps.size());
    out.average_threshold = steps > 0 ? threshold_sum / steps : schedule[0];
    out.average_borrowing_power = steps > 0 ? power_sum / steps : out.initial_borrowing_power;
    return out;
}

/// A policy and a static threshold run along the same history (compare_policy).
struct policy_comparison {
    policy_path policy;       ///< the policy's parameter path
    schedule_run with_policy; ///< the cascade with the policy's thresholds
    schedule_run fixed;       ///< the cascade with the static threshold, cut at the same points
};

/// Runs `policy` along `path` (apply_policy), then the cascade twice on the same book, curve
/// and rules: with the policy's thresholds, and with `static_threshold` all along, cut at the
/// policy's update points so that both runs see the venue restart at the same steps (see
/// run_threshold_schedule). Throws spiral::invalid_argument from either function, or naming
/// "capital::compare_policy" and `static_threshold` outside (0, 1].
template <impact_curve<double> C>
policy_comparison compare_policy(const parameter_policy& policy, double static_threshold,
                                 const cascade::book& b, const cascade::price_path& path,
                                 const C& curve, const cascade::path_rules& pr = {},
                                 const utilisation_series& u = {}) {
    spiral::detail::require(spiral::detail::in_left_open(0, 1), "capital::compare_policy",
                            "static_threshold", static_threshold);
    policy_comparison out;
    out.policy = apply_policy(policy, path, u);
    const std::size_t n = path.prices.size();
    std::vector<std::size_t> cuts;
    for (const parameter_update& up : out.policy.updates)
        if (up.point + 1 < n) // in force from step point + 1: a segment starts at point
            cuts.push_back(up.point);
    // An update at point 0 changes nothing to cut (the schedule starts there).
    cuts.erase(std::remove(cuts.begin(), cuts.end(), std::size_t{0}), cuts.end());
    out.with_policy = run_threshold_schedule(b, path, curve, pr, out.policy.applied, cuts);
    const std::vector<double> flat(n, static_threshold);
    out.fixed = run_threshold_schedule(b, path, curve, pr, flat, cuts);
    return out;
}

} // namespace spiral::capital
