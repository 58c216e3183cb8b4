// stress::history_log_returns — a price history turned into log-returns, checked row by row.
/// \file
/// \ingroup stress
/// \brief stress::history_log_returns and stress::history_kind: price histories as log-returns.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/margin/volatility_estimators.hpp>

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace spiral::stress {

/// What a history given to a fitting helper holds.
enum class history_kind {
    prices,     ///< positive prices p_0..p_n (n >= 1 log-returns ln(p_{i+1}/p_i) are taken)
    log_returns ///< log-returns already
};

/// The log-returns r_i = ln(prices[i + 1] / prices[i]) of a price history (prices.size() - 1
/// of them; margin::log_returns). Throws spiral::invalid_argument for fewer than 2 prices or a
/// price that is NaN, infinite or <= 0, naming its row ("stress::history_log_returns:
/// prices[3] = -1 (must be finite and > 0)"). `what` names the caller in the message.
inline std::vector<double>
history_log_returns(std::span<const double> prices,
                    std::string_view what = "stress::history_log_returns") {
    if (prices.size() < 2)
        spiral::detail::throw_invalid(what, "prices.size()", spiral::detail::no_row, prices.size(),
                                      "must be >= 2");
    for (std::size_t i = 0; i < prices.size(); ++i)
        spiral::detail::require(spiral::detail::positive, what, "prices", prices[i], i);
    std::vector<double> returns(prices.size() - 1);
    margin::log_returns(prices, returns);
    return returns;
}

} // namespace spiral::stress
