// haircut::fixed — the same fraction for every holding.
/// \file
/// \ingroup haircut
/// \brief haircut::fixed: the same fraction for every holding.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/real.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/kernel.hpp>

namespace spiral::haircut {

/// H = rate (clamped to [0, 1]), whatever the collateral; reads no field of it.
struct fixed {
    double rate; ///< The haircut, a fraction in [0, 1].

    /// `rate`, clamped to [0, 1].
    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T operator()(const collateral<T>&) const noexcept {
        return detail::unit_clamp(spiral::splat<T>(rate));
    }

    /// rate in [0, 1].
    void validate() const { detail::require_in_unit_interval("haircut::fixed", "rate", rate); }
};

} // namespace spiral::haircut
