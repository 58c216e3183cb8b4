// A collateral holding, and the haircut_model concept that values it.
/// \file
/// \ingroup haircut
/// \brief A collateral holding, and the haircut_model concept that values it.
#pragma once

#include <concepts>

namespace spiral {

/// One collateral position: `quantity` units at `price`, annualised `volatility` of its
/// price, and `correlation` of its returns with the exposure it secures (for wrong-way risk).
template <class T>
struct collateral {
    T quantity;           ///< Units held.
    T price;              ///< Price per unit, in quote units.
    T volatility;         ///< Volatility of the price, annualised.
    T correlation = T(0); ///< Correlation of its returns with the exposure's, in [-1, 1].
};

/// A haircut model: the fraction of a holding's market value that does NOT count as
/// collateral, in [0, 1] (0: counts in full; 1: counts for nothing).
template <class H, class T>
concept haircut_model = requires(const H& h, const collateral<T>& c) {
    { h(c) } -> std::convertible_to<T>;
};

} // namespace spiral
