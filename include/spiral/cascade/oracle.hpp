// cascade::oracle_rules — how the price a protocol liquidates at follows the market: push
// feeds with a heartbeat and a deviation threshold (Chainlink), a delay (Maker's OSM), a median
// of several sources that leaves out stale ones and outliers, and a minimum price.
/// \file
/// \ingroup cascade
/// \brief cascade::oracle_rules: how the price a protocol liquidates at follows the market.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spiral::cascade {

/// One price source of a feed: an exchange, a reporter, an on-chain pool. It reports when its
/// heartbeat has passed since its last report, or when its price has moved by more than
/// `deviation` (relative) from that report. The defaults report at every step.
struct oracle_source {
    /// The source's price at each point of the path (the path's size); NaN: no report at that
    /// point (the source is down). Empty: the venue's own market price (the collateral feed)
    /// or the debt's market price (the debt feed).
    std::span<const double> prices = {};
    double heartbeat_days = 0; ///< >= 0
    double deviation = 0;      ///< >= 0, may be +inf (then only the heartbeat)
};

/// A price feed. At each step:
///  1. every source reports or not (oracle_source);
///  2. sources whose last report is older than `max_age_days` are stale and left out; of the
///     rest, those farther than `max_spread` (relative) from their median are outliers and left
///     out; the observed price is the median of what remains (the mean of the middle two for an
///     even count); with no fresh source there is no observation;
///  3. the feed publishes the observed price when `heartbeat_days` have passed since it last
///     published, or when the observation is more than `deviation` (relative) away from the
///     last published price (Chainlink's heartbeat and deviation threshold); a published price
///     below `floor` is published as `floor` (Chainlink's minAnswer: LUNA's feed stuck at its
///     floor while the market fell through it);
///  4. the protocol reads the price published `delay_steps` steps earlier (Maker's OSM: one
///     hour; before the path starts, its first price).
/// The defaults (one source: the market; every step; no delay; no floor) show the market price
/// at the start of every step. Before the first step every source has reported, and the feed
/// published, the path's first price (a source's own first price where it has one).
struct oracle_rules {
    double heartbeat_days = 0;   ///< >= 0
    double deviation = 0;        ///< >= 0, may be +inf (then only the heartbeat)
    std::size_t delay_steps = 0; ///< steps by which the protocol's read lags the feed
    double floor = 0;            ///< >= 0 and finite
    double max_age_days = std::numeric_limits<double>::infinity(); ///< > 0, may be +inf
    double max_spread = std::numeric_limits<double>::infinity();   ///< >= 0, may be +inf
    std::span<const oracle_source> sources = {}; ///< empty: one source, the market, every step

    /// Throws spiral::invalid_argument naming the first field out of its domain, e.g.
    /// "oracle.sources[1].prices.size() = 5 (must equal prices.size() = 97)". `points` is the
    /// path's size (0: the source lengths are not checked).
    void validate(std::string_view what = "cascade::oracle_rules", std::string_view name = "oracle",
                  std::size_t points = 0) const {
        const std::string prefix = std::string(name) + ".";
        const auto field = [&](std::string_view f) { return prefix + std::string(f); };
        const auto not_negative = [&](std::string_view f, double v, std::size_t row) {
            if (!(v >= 0)) // +inf allowed: "never"
                spiral::detail::throw_invalid(what, f, row, v, "must be >= 0");
        };
        using spiral::detail::require;
        require(spiral::detail::non_negative, what, field("heartbeat_days"), heartbeat_days);
        not_negative(field("deviation"), deviation, spiral::detail::no_row);
        require(spiral::detail::non_negative, what, field("floor"), floor);
        if (!(max_age_days > 0))
            spiral::detail::throw_invalid(what, field("max_age_days"), spiral::detail::no_row,
                                          max_age_days, "must be > 0");
        not_negative(field("max_spread"), max_spread, spiral::detail::no_row);
        for (std::size_t s = 0; s < sources.size(); ++s) {
            const oracle_source& src = sources[s];
            const std::string base = prefix + "sources[" + std::to_string(s) + "].";
            require(spiral::detail::non_negative, what, base + "heartbeat_days",
                    src.heartbeat_days);
            not_negative(base + "deviation", src.deviation, spiral::detail::no_row);
            if (src.prices.empty())
                continue;
            if (points != 0)
                spiral::detail::require_size(what, base + "prices", src.prices.size(), points,
                                             "prices");
            for (std::size_t k = 0; k < src.prices.size(); ++k) {
                const double v = src.prices[k];
                if (v == v) // NaN: no report
                    require(spiral::detail::positive, what, base + "prices", v, k);
            }
        }
    }
};

namespace detail {

/// The running state of one feed along a path (see oracle_rules). `market` is the value an
/// empty source reads at the step.
class oracle_feed {
public:
    SPIRAL_INLINE_PER_TARGET void start(const oracle_rules& rules, double first_market) {
        rules_ = &rules;
        const std::size_t n = rules.sources.empty() ? 1 : rules.sources.size();
        last_value_.assign(n, first_market);
        last_time_.assign(n, 0.0);
        reported_.assign(n, true);
        for (std::size_t s = 0; s < rules.sources.size(); ++s) {
            const auto& p = rules.sources[s].prices;
            if (!p.empty()) {
                const double v = p[0];
                reported_[s] = v == v;
                last_value_[s] = reported_[s] ? v : 0.0;
            }
        }
        const double first = observe_now(0.0);
        published_value_ = first == first ? std::max(first, rules.floor) : first_market;
        published_time_ = 0;
        history_.assign(1, published_value_);
    }

    /// Step k at time `now` (days): sources report, the feed maybe publishes; returns the price
    /// the protocol reads in this step.
    double step(std::size_t k, double now, double market) {
        const oracle_rules& r = *rules_;
        const std::size_t n = last_value_.size();
        for (std::size_t s = 0; s < n; ++s) {
            const bool own = !r.sources.empty() && !r.sources[s].prices.empty();
            const double v = own ? r.sources[s].prices[k] : market;
            if (!(v == v))
                continue; // no report
            const double heartbeat = r.sources.empty() ? 0.0 : r.sources[s].heartbeat_days;
            const double deviation = r.sources.empty() ? 0.0 : r.sources[s].deviation;
            if (!reported_[s] || now - last_time_[s] >= heartbeat ||
                std::abs(v / last_value_[s] - 1) > deviation) {
                last_value_[s] = v;
                last_time_[s] = now;
                reported_[s] = true;
            }
        }
        const double observed = observe_now(now);
        if (observed == observed && (now - published_time_ >= r.heartbeat_days ||
                                     std::abs(observed / published_value_ - 1) > r.deviation)) {
            published_value_ = std::max(observed, r.floor);
            published_time_ = now;
        }
        history_.push_back(published_value_);
        return history_[k >= r.delay_steps ? k - r.delay_steps : 0];
    }

    /// What the feed published before the first step.
    double first() const noexcept { return history_.front(); }

private:
    /// The median of the fresh sources without outliers; NaN when none is fresh.
    double observe_now(double now) {
        const oracle_rules& r = *rules_;
        fresh_.clear();
        for (std::size_t s = 0; s < last_value_.size(); ++s)
            if (reported_[s] && now - last_time_[s] <= r.max_age_days)
                fresh_.push_back(last_value_[s]);
        if (fresh_.empty())
            return std::numeric_limits<double>::quiet_NaN();
        const double centre = median(fresh_);
        if (!(r.max_spread < std::numeric_limits<double>::infinity()))
            return centre;
        std::erase_if(fresh_, [&](double v) { return std::abs(v / centre - 1) > r.max_spread; });
        return fresh_.empty() ? centre : median(fresh_);
    }

    static double median(std::vector<double>& v) {
        std::sort(v.begin(), v.end());
        const std::size_t m = v.size() / 2;
        return v.size() % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
    }

    const oracle_rules* rules_ = nullptr;
    std::vector<double> last_value_, last_time_, fresh_, history_;
    std::vector<bool> reported_;
    double published_value_ = 0, published_time_ = 0;
};

} // namespace detail
} // namespace spiral::cascade
