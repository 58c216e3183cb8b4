// capital::smart_ltv — Risk DAO's closed-form loan-to-value (SmartLTV), the baseline a
// simulated recommendation is compared with.
/// \file
/// \ingroup capital
/// \brief capital::smart_ltv: the SmartLTV formula of Risk DAO / B.Protocol,
/// LTV = exp(-c sigma / sqrt(l / d)) - beta.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>

#include <cmath>
#include <string_view>

namespace spiral::capital {

/// The inputs of SmartLTV (Y. Velner, Risk DAO, "A Smart Contract Formula for LTV ratio",
/// 2023; deployed by B.Protocol as SmartLTV).
struct smart_ltv_input {
    /// sigma: volatility of the collateral price in units of the debt asset over the
    /// liquidation horizon (the time the liquidity takes to recover), as a fraction, >= 0.
    double volatility = 0;
    /// l: collateral that can be sold within slippage beta (in the debt asset's value), > 0.
    double liquidity = 1;
    /// d: the debt cap of the market (in the debt asset's value), > 0.
    double debt_cap = 1;
    /// c: the confidence (risk level) factor; larger is more conservative, > 0.
    double confidence = 1;
    /// beta: the liquidation bonus, which is also the slippage the liquidity is measured at,
    /// in [0, 1).
    double bonus = 0.05;

    /// Throws spiral::invalid_argument naming "capital::smart_ltv", the field and the value.
    void validate() const {
        using namespace spiral::detail;
        constexpr std::string_view what = "capital::smart_ltv";
        require(non_negative, what, "volatility", volatility);
        require(positive, what, "liquidity", liquidity);
        require(positive, what, "debt_cap", debt_cap);
        require(positive, what, "confidence", confidence);
        require(in_right_open(0, 1), what, "bonus", bonus);
    }
};

/// SmartLTV: LTV = exp(-c sigma / sqrt(l / d)) - beta, floored at 0.
///
/// As the paper frames it: liquidators can sell collateral worth l within slippage beta per
/// liquidity cycle, so unwinding a debt of d takes about d / l cycles, over which the price
/// moves with a standard deviation of about sigma sqrt(d / l) (sigma per cycle). The LTV is
/// the collateral value left after a c-standard-deviation lognormal fall over that time,
/// exp(-c sigma sqrt(d / l)), less the bonus paid to the
/// liquidator. Higher volatility, a larger debt cap, less liquidity or a larger c all lower
/// it. A result <= 0 (no loan is safe at that confidence) is returned as 0. Throws
/// spiral::invalid_argument (smart_ltv_input::validate) for inputs out of their domain.
inline double smart_ltv(const smart_ltv_input& in) {
    in.validate();
    const double ltv =
        std::exp(-in.confidence * in.volatility / std::sqrt(in.liquidity / in.debt_cap)) - in.bonus;
    return ltv > 0 ? ltv : 0.0;
}

} // namespace spiral::capital
