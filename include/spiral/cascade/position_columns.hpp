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
    std::span<double> collateral{}, debt{};
};

} // namespace spiral::cascade
