// cascade::position_columns — where an engine writes the book as a cascade leaves it.
/// \file
/// \ingroup cascade
/// \brief cascade::position_columns: where an engine writes the book as a cascade leaves it.
#pragma once

#include <span>

namespace spiral::cascade {

/// Where simulate and run write the book after the cascade, in book row order (optional:
/// empty spans are skipped).
struct position_columns {
    std::span<double> collateral{}; ///< Collateral left in each position, in asset units.
    std::span<double> debt{};       ///< Debt left in each position, in quote currency.
};

} // namespace spiral::cascade
