// The order per-round caps serve liquidatable positions in: lowest health first, then lower
// book row. Shared by the single- and multi-asset engines.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace spiral::cascade::detail {

struct candidate {
    double health;
    std::uint32_t k; // position in the engine's own order
    std::uint32_t row;
};

inline bool worse(const candidate& x, const candidate& y) noexcept {
    return x.health < y.health || (x.health == y.health && x.row < y.row);
}

// Passed to the algorithms as a lambda, not as `worse`: a function pointer is called, not
// inlined, and was a third of a capped cascade's time.
inline constexpr auto worse_first = [](const candidate& x, const candidate& y) noexcept {
    return worse(x, y);
};

/// All of `due` in serving order.
inline void sort_worst_first(std::span<candidate> due) {
    std::sort(due.begin(), due.end(), worse_first);
}

/// The `count` first served at the front of `due`, in no particular order (linear time).
inline void keep_worst(std::span<candidate> due, std::size_t count) {
    if (due.size() > count)
        std::nth_element(due.begin(), due.begin() + static_cast<std::ptrdiff_t>(count), due.end(),
                         worse_first);
}

} // namespace spiral::cascade::detail
