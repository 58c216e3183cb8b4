// cascade::oracle_rules — how the price a protocol liquidates at follows the market.
#pragma once

#include <spiral/core/checks.hpp>

#include <cstddef>
#include <string_view>

namespace spiral::cascade {

/// A price feed as a lending protocol reads it. The default shows the market price at the
/// start of every step (the reference rules).
///   delay_steps  the price shown is the one published that many steps earlier (before the
///                path starts: the path's first price)
struct oracle_rules {
    std::size_t delay_steps = 0;

    /// Throws spiral::invalid_argument naming the first field out of its domain.
    void validate(std::string_view what = "cascade::oracle_rules") const { (void)what; }
};

} // namespace spiral::cascade
