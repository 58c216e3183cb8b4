// The market side of a cascade, shared by the engines: the price each round as sales move along
// an impact curve (recovering between rounds when the curve is `impact::resilient`), the
// lagged oracle, and the volatility-tightened threshold multiplier.
#pragma once

#include <spiral/cascade/rules.hpp>
#include <spiral/impact/curve.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

namespace spiral::cascade::detail {

/// A curve with state that recovers over time, such as impact::resilient.
template <class C>
concept recovering_curve = requires(C c, double dt) {
    c.decay(dt);
    { c.displaced } -> std::convertible_to<double>;
};

/// Calls curve.validate() when the curve has one.
template <class C>
void validate_curve(const C& curve) {
    if constexpr (requires { curve.validate(); })
        curve.validate();
}

/// One asset's market during a cascade. Round r (1-based) starts at start_price(); its
/// liquidations sell once through sell(); next_round() moves to round r + 1.
template <class C>
class market {
public:
    market(const C& curve, double price, double shock)
        : curve_(curve), pre_shock_(price), base_(price * (1 - shock)), price_(base_) {
        history_.push_back(base_);
    }

    double base() const noexcept { return base_; }
    /// Market price now: at the start of a round, or after sell() at its end.
    double price() const noexcept { return price_; }
    /// The price an oracle `delay` rounds late shows in the current round.
    double oracle(std::size_t delay) const noexcept {
        const std::size_t now = history_.size() - 1;
        return now >= delay ? history_[now - delay] : pre_shock_;
    }
    /// Sells q (the round's seized collateral) into the curve; returns the quote received.
    /// Called once per round that liquidated anything, even when q = 0 (the design's rule:
    /// the price is then re-read from the curve at the same cumulative quantity).
    double sell(double q) {
        double received;
        if constexpr (recovering_curve<C>) {
            received = base_ * curve_.proceeds(q);
            curve_.displaced += q;
            price_ = base_ * curve_.price_factor(0.0);
        } else {
            received = base_ * (curve_.proceeds(sold_ + q) - curve_.proceeds(sold_));
            sold_ += q;
            price_ = base_ * curve_.price_factor(sold_);
        }
        traded_ = true;
        return received;
    }
    /// Lets `days` pass (a recovering curve decays) and opens the next round.
    void next_round(double days) {
        if constexpr (recovering_curve<C>) {
            if (traded_) {
                curve_.decay(days);
                price_ = base_ * curve_.price_factor(0.0);
            }
        }
        history_.push_back(price_);
    }

private:
    C curve_;
    double pre_shock_, base_, price_;
    double sold_ = 0;
    bool traded_ = false;
    std::vector<double> history_; // market price at the start of each round
};

/// The volatility_tightening multiplier, fed the oracle price at each elapsed time in turn
/// (days since the shock: a round's end in simulate, a step's time along a path).
class path_tightening {
public:
    path_tightening(const volatility_tightening& rule, double first_oracle)
        : rule_(rule), last_(first_oracle) {}

    double observe(double oracle, double elapsed_days) {
        if (!(rule_.sensitivity > 0))
            return 1;
        const double r = std::log(oracle / last_);
        last_ = oracle;
        sum_squares_ += r * r;
        const double span = elapsed_days > rule_.window_days ? elapsed_days : rule_.window_days;
        const double vol = std::sqrt(sum_squares_ * rule_.days_per_year / span);
        const double excess = vol > rule_.base_vol ? vol - rule_.base_vol : 0.0;
        const double m = 1 - rule_.sensitivity * excess;
        const double floored = m > rule_.min_multiplier ? m : rule_.min_multiplier;
        multiplier_ = floored < multiplier_ ? floored : multiplier_;
        return multiplier_;
    }

private:
    volatility_tightening rule_;
    double last_;
    double sum_squares_ = 0;
    double multiplier_ = 1;
};

/// The same multiplier, fed the oracle price of each round of `simulate` in turn.
class tightening_state {
public:
    tightening_state(const rules& r, double pre_shock_price)
        : along_(r.tightening, pre_shock_price), round_days_(r.round_days) {}

    /// Observes round `round`'s (1-based) oracle price; returns the multiplier for the round.
    double observe(double oracle, std::size_t round) {
        return along_.observe(oracle, static_cast<double>(round) * round_days_);
    }

private:
    path_tightening along_;
    double round_days_;
};

} // namespace spiral::cascade::detail
