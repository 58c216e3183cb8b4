// cascade::liquidation_terms — what a protocol keeps of a liquidation and how it bounds its
// size, beyond cascade::rules: the protocol's cut of the bonus (Aave v3), the size rules of
// Aave v3.3 (small positions close whole, no dust left behind), Morpho Blue's incentive.
/// \file
/// \ingroup cascade
/// \brief cascade::liquidation_terms: the protocol's cut of the bonus, size rules, incentives.
#pragma once

#include <spiral/cascade/position.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>

#include <cstdint>
#include <limits>
#include <string_view>

namespace spiral::cascade {

/// Where a liquidation's bonus comes from.
enum class incentive_model : std::uint8_t {
    rules,       ///< rules::bonus (and its health slope)
    morpho_blue, ///< Morpho Blue: from the position's threshold (LLTV), see morpho_incentive
};

/// Terms of a liquidation beyond cascade::rules. All off by default.
struct liquidation_terms {
    /// The protocol's cut of the bonus (Aave v3 `liquidationProtocolFee`): of the collateral
    /// a liquidation takes, s b / (1 + b) is the bonus, and this share of it goes to the
    /// protocol's treasury instead of the liquidator. In [0, 1].
    double protocol_fee = 0;
    /// Aave v3.3: when the collateral or the debt is worth less than this (quote, at the
    /// oracle), the whole debt may be repaid whatever the health (2,000 USD on Aave). 0: off.
    double full_close_value = 0;
    /// Aave v3.3: a liquidation that repays part of the debt and takes part of the collateral
    /// must leave at least this much of each (quote; 1,000 USD on Aave), or it cannot happen.
    /// 0: off.
    double min_leftover_value = 0;
    incentive_model incentive = incentive_model::rules; ///< where the liquidation bonus comes from
    double morpho_cursor = 0.3; ///< Morpho Blue's LIQUIDATION_CURSOR, in (0, 1]
    double morpho_max = 1.15;   ///< Morpho Blue's MAX_LIQUIDATION_INCENTIVE_FACTOR, >= 1

    /// True when any term here changes what cascade::rules alone do.
    bool active() const noexcept {
        return protocol_fee > 0 || full_close_value > 0 || min_leftover_value > 0 ||
               incentive != incentive_model::rules;
    }

    /// Throws spiral::invalid_argument naming the first field out of its domain.
    void validate(std::string_view what = "cascade::liquidation_terms",
                  std::string_view name = "terms") const {
        using spiral::detail::require;
        const std::string prefix = std::string(name) + ".";
        require(spiral::detail::in_closed(0, 1), what, prefix + "protocol_fee", protocol_fee);
        require(spiral::detail::non_negative, what, prefix + "full_close_value", full_close_value);
        require(spiral::detail::non_negative, what, prefix + "min_leftover_value",
                min_leftover_value);
        spiral::detail::require_enum(what, prefix + "incentive", incentive, 2);
        require(spiral::detail::in_left_open(0, 1), what, prefix + "morpho_cursor", morpho_cursor);
        require(spiral::detail::at_least(1), what, prefix + "morpho_max", morpho_max);
    }
};

/// Morpho Blue's liquidation incentive factor for a market of liquidation LTV `lltv`:
/// min(max, 1 / (cursor lltv + 1 - cursor)) (Morpho Blue whitepaper, "Liquidation incentive";
/// cursor 0.3 and max 1.15 in the deployed contract). The bonus is the factor minus one: 5.6%
/// at LLTV 0.86, 15% (the cap) at LLTV 0.5 and below.
template <real T>
SPIRAL_HD constexpr T morpho_incentive(T lltv, double cursor = 0.3, double max = 1.15) noexcept {
    using S = scalar_t<T>;
    const T c = T(static_cast<S>(cursor));
    return spiral::min(T(static_cast<S>(max)), T(1) / (c * lltv + (T(1) - c)));
}

/// One liquidation under `rules` and `terms`, as a plan (nothing is applied).
struct liquidation_plan {
    double bonus = 0;           ///< b: collateral taken per unit of debt value repaid - 1
    double repaid = 0;          ///< debt units
    double seized = 0;          ///< collateral taken from the position (asset units)
    double protocol_fee = 0;    ///< of which the protocol keeps
    double to_liquidator = 0;   ///< seized - protocol_fee
    double bad_debt = 0;        ///< debt written off because the collateral ran out
    double collateral_left = 0; ///< collateral the position keeps (asset units)
    double debt_left = 0;       ///< debt the position keeps (debt units)
    bool blocked = false;       ///< it would leave dust (min_leftover_value): it cannot happen
};

/// Plans one liquidation of a position holding `collateral` against `debt`, with effective
/// threshold `threshold` (and `lltv`, its market's own, for Morpho's incentive) at health
/// `health`, priced at oracle prices `collateral_price` and `debt_price` (quote per unit;
/// ratio = collateral_price / debt_price). The fraction repaid is close_fraction of `r`, all
/// of it when a value falls below terms.full_close_value, and at most what seizes `room`
/// collateral (a per-step cap; +inf for none). The liquidation then runs as cascade::liquidate
/// (all the collateral and what it covers when it runs out; bad debt when none is left), the
/// protocol keeps `protocol_fee` of the bonus collateral, and a partial liquidation that would
/// leave less than terms.min_leftover_value of debt or of collateral is blocked (Aave v3.3
/// measures the collateral left as collateral - to_liquidator).
inline liquidation_plan plan_liquidation(double collateral, double debt, double threshold,
                                         double lltv, double health, double collateral_price,
                                         double debt_price, const rules& r,
                                         const liquidation_terms& terms,
                                         double room = std::numeric_limits<double>::infinity()) {
    liquidation_plan p;
    const double ratio = collateral_price / debt_price;
    p.bonus = terms.incentive == incentive_model::morpho_blue
                  ? morpho_incentive(lltv, terms.morpho_cursor, terms.morpho_max) - 1
                  : bonus_at(r, health);
    const double b = p.bonus;
    double f = close_fraction(r, health, threshold, b);
    if (terms.full_close_value > 0 && (collateral * collateral_price < terms.full_close_value ||
                                       debt * debt_price < terms.full_close_value))
        f = 1;
    if (room < std::numeric_limits<double>::infinity() && ratio > 0) {
        const double most = room * ratio / (debt * (1 + b));
        f = most < f ? most : f;
    }
    const liquidation<double> l = liquidate(collateral, debt, ratio, f, b);
    p.repaid = l.repaid;
    p.seized = l.seized;
    p.bad_debt = l.bad_debt;
    p.collateral_left = l.collateral_left;
    p.debt_left = l.debt_left;
    p.protocol_fee = terms.protocol_fee > 0 ? terms.protocol_fee * (l.seized * b / (1 + b)) : 0;
    p.to_liquidator = l.seized - p.protocol_fee;
    if (terms.min_leftover_value > 0 && l.repaid < debt && l.seized < collateral) {
        const bool debt_kept = (debt - l.repaid) * debt_price >= terms.min_leftover_value;
        const bool collateral_kept =
            (collateral - p.to_liquidator) * collateral_price >= terms.min_leftover_value;
        p.blocked = !(debt_kept && collateral_kept);
    }
    return p;
}

} // namespace spiral::cascade
