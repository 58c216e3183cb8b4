// cascade::price_path — the exogenous prices a cascade is run along.
/// \file
/// \ingroup cascade
/// \brief cascade::price_path: the exogenous prices a cascade is run along.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace spiral::cascade {

/// An exogenous price path: `prices[0]` is where the path starts (what every oracle shows
/// before the first step) and step k = 1, ..., steps() moves the price to `prices[k]`. The
/// market price is that times the impact of what liquidations have sold (see cascade::run).
/// Steps last `step_days` each, or, when `times` is given, from times[k - 1] to times[k]
/// (days, strictly increasing). `debt_prices`, when given, is the debt asset's market price
/// at each point (what a liquidator pays for the debt it repays; 1 when empty): a stablecoin
/// that de-pegs, or the asset itself for a short. The spans are views: the data must outlive
/// the call.
struct price_path {
    std::span<const double> prices;           ///< the collateral's exogenous price at each point
    double step_days = 1.0 / 1440;            ///< one minute
    std::span<const double> times = {};       ///< days of each point (empty: every step_days)
    std::span<const double> debt_prices = {}; ///< the debt asset's price at each point (or empty)

    /// The number of steps: prices.size() - 1 (0 for an empty path).
    std::size_t steps() const noexcept { return prices.empty() ? 0 : prices.size() - 1; }
    /// The exogenous price at point k.
    double price(std::size_t k) const noexcept { return prices[k]; }
    /// The debt asset's price at point k (1 without debt_prices).
    double debt_price(std::size_t k) const noexcept {
        return debt_prices.empty() ? 1.0 : debt_prices[k];
    }
    /// Length of step k (k >= 1) in days: step_days, or times[k] - times[k - 1].
    double step_length(std::size_t k) const noexcept {
        return times.empty() ? step_days : times[k] - times[k - 1];
    }
    /// Days from the start to point k.
    double time(std::size_t k) const noexcept {
        return times.empty() ? static_cast<double>(k) * step_days : times[k] - times[0];
    }

    /// Throws spiral::invalid_argument naming the field and index: an empty path, a price or
    /// debt price that is not positive and finite, a step length that is not, times that are
    /// not finite or do not increase strictly, columns whose sizes differ.
    void validate(std::string_view what = "cascade::price_path") const {
        using spiral::detail::require;
        spiral::detail::require_not_empty(what, "prices", prices.size());
        for (std::size_t k = 0; k < prices.size(); ++k)
            require(spiral::detail::positive, what, "prices", prices[k], k);
        require(spiral::detail::positive, what, "step_days", step_days);
        if (!times.empty()) {
            spiral::detail::require_size(what, "times", times.size(), prices.size(), "prices");
            for (std::size_t k = 0; k < times.size(); ++k) {
                require(spiral::detail::finite, what, "times", times[k], k);
                if (k > 0 && !(times[k] > times[k - 1]))
                    spiral::detail::throw_invalid(what, "times", k, times[k],
                                                  "must be > times[" + std::to_string(k - 1) +
                                                      "]: the path must be sorted in time");
            }
        }
        if (!debt_prices.empty()) {
            spiral::detail::require_size(what, "debt_prices", debt_prices.size(), prices.size(),
                                         "prices");
            for (std::size_t k = 0; k < debt_prices.size(); ++k)
                require(spiral::detail::positive, what, "debt_prices", debt_prices[k], k);
        }
    }
};

} // namespace spiral::cascade
