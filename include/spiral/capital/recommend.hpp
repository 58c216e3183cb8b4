// capital::recommend — the most capital-efficient parameter set of a frontier within a VaR
// budget, at a named risk appetite.
/// \file
/// \ingroup capital
/// \brief capital::recommend: the parameter set with the most capital efficiency whose VaR95
/// stays within a share of its debt, the constraint that binds, and three named appetites.
#pragma once

#include <spiral/capital/frontier.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>

#include <cstddef>
#include <limits>
#include <span>
#include <string_view>

namespace spiral::capital {

/// Named risk appetites, each a VaR budget (var_budget()): VaR95 of the net insolvent value as
/// a share of the book's debt.
enum class appetite {
    conservative, ///< 0.1% of the debt: a 1-in-20 scenario loses at most 10 basis points
    moderate,     ///< 0.5% of the debt
    aggressive,   ///< 2% of the debt: about a year of a lending market's net interest margin
};

/// The VaR budget of an appetite: 0.001, 0.005 and 0.02 of the debt. These are this library's
/// choices, not a standard: a lender with a reserve (safety module, insurance fund) of R per
/// unit of debt would set the budget near R.
constexpr double var_budget(appetite a) noexcept {
    switch (a) {
    case appetite::conservative:
        return 0.001;
    case appetite::moderate:
        return 0.005;
    case appetite::aggressive:
        return 0.02;
    }
    return 0.005;
}

/// What stops a recommendation from being more capital-efficient.
enum class binding_constraint {
    var_budget,    ///< a more efficient set exists on the grid and breaks the VaR budget
    grid_edge,     ///< no set on the grid is more efficient: widen the grid to go further
    none_feasible, ///< every set breaks the budget: no recommendation
};

/// A recommendation from a frontier.
struct recommendation {
    /// Index of the recommended point, or no_point when none is feasible.
    std::size_t index = std::numeric_limits<std::size_t>::max();
    double budget = 0;                     ///< the VaR budget, a share of the debt
    double efficiency = 0;                 ///< the point's efficiency (borrowing power)
    double var95_share = 0;                ///< the point's VaR95 / its debt
    double var95_share_standard_error = 0; ///< its Monte Carlo standard error
    binding_constraint binding = binding_constraint::none_feasible; ///< what binds
    /// With binding var_budget: the least efficient of the sets more efficient than the
    /// recommendation (each breaks the budget); else no_point.
    std::size_t blocked_by = std::numeric_limits<std::size_t>::max();

    /// The index of "no point".
    static constexpr std::size_t no_point = std::numeric_limits<std::size_t>::max();
};

/// The point of `points` with the highest efficiency among those with var95_share <= budget
/// (ties: the lower var95_share, then the lower index), and the constraint that binds it:
/// var_budget when a point with higher efficiency exists (it breaks the budget), grid_edge
/// when none does, none_feasible (index = no_point) when no point meets the budget. The
/// budget is checked on the VaR estimate itself; var95_share_standard_error (the VaR's
/// standard error over the debt) says how far that estimate could move with more scenarios.
/// Throws spiral::invalid_argument naming "capital::recommend" for a budget outside (0, 1) or
/// no points.
inline recommendation recommend(std::span<const frontier_point> points, double budget) {
    constexpr std::string_view what = "capital::recommend";
    spiral::detail::require(spiral::detail::in_open(0, 1), what, "budget", budget);
    spiral::detail::require_not_empty(what, "points", points.size());
    recommendation r;
    r.budget = budget;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const frontier_point& p = points[i];
        if (!(p.var95_share <= budget))
            continue;
        if (r.index == recommendation::no_point || p.efficiency > points[r.index].efficiency ||
            (p.efficiency == points[r.index].efficiency &&
             p.var95_share < points[r.index].var95_share))
            r.index = i;
    }
    if (r.index == recommendation::no_point)
        return r;
    const frontier_point& best = points[r.index];
    r.efficiency = best.efficiency;
    r.var95_share = best.var95_share;
    r.var95_share_standard_error = best.debt > 0 ? best.risk.var95.standard_error / best.debt : 0.0;
    r.binding = binding_constraint::grid_edge;
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (points[i].efficiency <= best.efficiency)
            continue;
        r.binding = binding_constraint::var_budget;
        if (r.blocked_by == recommendation::no_point ||
            points[i].efficiency < points[r.blocked_by].efficiency)
            r.blocked_by = i;
    }
    return r;
}

/// recommend(frontier.points, budget).
inline recommendation recommend(const frontier_result& frontier, double budget) {
    return recommend(std::span<const frontier_point>(frontier.points), budget);
}

/// recommend(frontier.points, var_budget(a)).
inline recommendation recommend(const frontier_result& frontier, appetite a) {
    return recommend(frontier, var_budget(a));
}

} // namespace spiral::capital
