// Cross-margining: the requirement of a portfolio margined as one (risk offsets between
// options, futures and spot on the same underlying) against the sum of each position margined
// alone, and collateral in the option's own underlying seen through the haircut models.
//
//   net       = grid margin of the whole portfolio
//   isolated  = sum over positions of the grid margin of that position alone
//   offset    = isolated - net >= 0 (the worst loss of a sum is at most the sum of the worst
//               losses), offset_fraction = offset / isolated.
//
// Same-asset collateral. Collateral in the option's underlying moves with the exposure it
// secures. With the exposure E = -q V (what the holder of a short option owes), its
// sensitivity to the underlying is -q delta; the collateral falls when the underlying falls.
// The wrong-way correlation of haircut::wrong_way (between a fall of the collateral and a rise
// of the exposure) is therefore
//   rho = +1 when -q delta < 0 (the exposure grows as the price falls: a short put, a long
//            call financed by a loan), wrong way;
//   rho = -1 when -q delta > 0 (a short call backed by the underlying: a covered call), right
//            way; 0 when delta is 0.
// The exposure's volatility as a fraction of the collateral's value is
//   |q delta| S vol / (collateral quantity x S) = |q delta| vol / collateral quantity.
/// \file
/// \ingroup margin
/// \brief Cross-margining: a portfolio margined as one against its positions margined alone.
#pragma once

#include <spiral/core/math.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/margin/checks.hpp>
#include <spiral/margin/scenario_grid.hpp>
#include <spiral/options/black_scholes.hpp>

#include <cstddef>
#include <span>

namespace spiral::margin {

/// Net against isolated requirement.
struct cross_margin_result {
    double net;             ///< Grid margin of the whole portfolio, in quote units.
    double isolated;        ///< Sum of each position's grid margin alone, in quote units.
    double offset;          ///< isolated - net (>= 0).
    double offset_fraction; ///< offset / isolated (0 when isolated is 0).
    grid_result net_worst;  ///< the portfolio's worst scenario
};

/// Net and isolated grid margins of a portfolio (see the file comment). Throws as grid_margin.
template <std::size_t N>
cross_margin_result cross_margin(const scenario_grid<N>& grid,
                                 std::span<const option_position> options,
                                 std::span<const linear_position> linear = {}) {
    const grid_result net = grid_margin(grid, options, linear);
    double isolated = 0.0;
    for (std::size_t i = 0; i < options.size(); ++i)
        isolated += grid_margin(grid, options.subspan(i, 1)).margin;
    for (std::size_t i = 0; i < linear.size(); ++i)
        isolated += grid_margin(grid, {}, linear.subspan(i, 1)).margin;
    const double offset = isolated - net.margin;
    return {net.margin, isolated, offset, isolated > 0.0 ? offset / isolated : 0.0, net};
}

/// The wrong-way correlation of same-asset collateral securing `quantity` options
/// (+1 wrong way, -1 right way, 0 without delta); see the file comment.
inline double same_asset_correlation(option_type type, const bs_input<double>& option,
                                     double quantity) noexcept {
    const double exposure_delta = -quantity * black_scholes(type, option).delta;
    return exposure_delta < 0.0 ? 1.0 : (exposure_delta > 0.0 ? -1.0 : 0.0);
}

/// The exposure's annualised volatility as a fraction of the collateral's value:
/// |quantity delta| vol / collateral_quantity (the `exposure_volatility` of
/// haircut::wrong_way).
inline double option_exposure_volatility(option_type type, const bs_input<double>& option,
                                         double quantity, double collateral_quantity) noexcept {
    return spiral::abs(quantity * black_scholes(type, option).delta) * option.vol /
           collateral_quantity;
}

/// Collateral in the option's own underlying, valued through a haircut model.
struct same_asset_credit {
    double correlation; ///< wrong-way correlation passed to the model
    double haircut;     ///< model's haircut, in [0, 1]
    double value;       ///< collateral_quantity x spot x (1 - haircut)
};

/// Values `collateral_quantity` units of the underlying securing `quantity` options with
/// `model` (any haircut_model; haircut::wrong_way makes the direction of the risk visible).
/// The collateral's volatility is the option's vol.
template <class Model>
requires haircut_model<Model, double>
    same_asset_credit same_asset_collateral(const Model& model, option_type type,
                                            const bs_input<double>& option, double quantity,
                                            double collateral_quantity) {
    if constexpr (requires { model.validate(); })
        model.validate();
    constexpr auto what = "margin::same_asset_collateral";
    detail::require_non_negative(what, "collateral_quantity", collateral_quantity);
    detail::require_finite(what, "quantity", quantity);
    detail::require_positive(what, "option.spot", option.spot);
    detail::require_non_negative(what, "option.vol", option.vol);
    const double rho = same_asset_correlation(type, option, quantity);
    const double h = static_cast<double>(
        model(collateral<double>{collateral_quantity, option.spot, option.vol, rho}));
    return {rho, h, collateral_quantity * option.spot * (1.0 - h)};
}

} // namespace spiral::margin
