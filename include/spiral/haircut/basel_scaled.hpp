// haircut::basel_scaled — a supervisory 10-day haircut rescaled to the holding period and the
// re-margining frequency (Basel II, June 2006 comprehensive version, paragraphs 151-153 and
// 166-169; Basel Framework CRE22).
/// \file
/// \ingroup haircut
/// \brief haircut::basel_scaled: a Basel 10-day haircut rescaled to the holding period.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/fixed.hpp>
#include <spiral/haircut/kernel.hpp>

namespace spiral::haircut {

/// H = h10 * sqrt((N_R + T_M - 1) / 10), clamped to [0, 1] (Basel II paragraph 169), with
///   h10          — the supervisory haircut for a 10-business-day holding period (`basel::`
///                  below has the paragraph 151 table),
///   remargin_days — N_R, business days between re-margining (capital-market and repo-style
///                  transactions) or revaluation (secured lending); 1 = daily,
///   holding_days — T_M, the minimum holding period of the transaction type: 5 business days
///                  for repo-style transactions, 10 for other capital-market transactions,
///                  20 for secured lending (paragraph 167; `basel::repo_style`, ...).
/// The collateral's fields are not read: the haircut belongs to the asset class.
struct basel_scaled {
    double h10;               ///< Supervisory 10-business-day haircut, a fraction.
    double remargin_days = 1; ///< N_R: business days between re-margining (>= 1).
    double holding_days = 10; ///< T_M: minimum holding period in business days (>= 1).

    /// The scaled haircut before clamping.
    SPIRAL_HD constexpr double value() const noexcept {
        // each term divided first: remargin_days + holding_days may overflow (h10 = 0 then
        // gave 0 * inf = NaN)
        return h10 * spiral::sqrt(remargin_days / 10.0 + (holding_days - 1.0) / 10.0);
    }

    /// The clamped haircut as a `fixed` model.
    SPIRAL_HD constexpr fixed prepare() const noexcept {
        return {spiral::clamp(value(), 0.0, 1.0)};
    }

    /// The scaled haircut clamped to [0, 1], whatever the collateral.
    SPIRAL_HD_TEMPLATE
    template <real T>
    SPIRAL_HD constexpr T operator()(const collateral<T>& c) const noexcept {
        return prepare()(c);
    }

    /// h10 in [0, 1]; remargin_days and holding_days finite and >= 1.
    void validate() const {
        constexpr auto what = "haircut::basel_scaled";
        detail::require_in_unit_interval(what, "h10", h10);
        detail::require_at_least_one(what, "remargin_days", remargin_days);
        detail::require_at_least_one(what, "holding_days", holding_days);
    }
};

/// Basel II standard supervisory haircuts (paragraph 151), as fractions, for a 10-business-day
/// holding period with daily re-margining; and the minimum holding periods of paragraph 167.
namespace basel {

/// Minimum holding periods T_M in business days (paragraph 167): repo-style transactions.
inline constexpr double repo_style = 5;
/// Other capital-market transactions: 10 business days.
inline constexpr double capital_market = 10;
/// Secured lending: 20 business days.
inline constexpr double secured_lending = 20;

/// Equities in a main index (including convertible bonds) and gold.
inline constexpr double main_index_equity_or_gold = 0.15;
/// Other equities (including convertible bonds) listed on a recognised exchange.
inline constexpr double other_listed_equity = 0.25;
/// Cash in the same currency.
inline constexpr double cash = 0.0;
/// Added when the collateral and the exposure are in different currencies (paragraph 152).
inline constexpr double currency_mismatch = 0.08;

/// The issuer of a debt security: a sovereign, or any other issuer.
enum class issuer { sovereign, other };

/// Issue-rating bands of paragraph 151: AAA to AA- (A-1 short term); A+ to BBB- (A-2, A-3,
/// P-3, and unrated bank securities of paragraph 145(d)); BB+ to BB- (sovereigns only).
enum class rating { aaa_to_aa, a_to_bbb, bb };

/// The 10-day haircut of a debt security by issuer, rating band and residual maturity in
/// years (<= 1, in (1, 5], > 5). NaN where the table has no entry (BB-rated non-sovereign debt
/// is not eligible collateral) or the maturity is NaN or negative.
constexpr double debt_h10(issuer who, rating band, double residual_years) noexcept {
    constexpr double nan = spiral::detail::scalar_limits<double>::quiet_nan;
    if (!(residual_years >= 0.0))
        return nan;
    const int bucket = residual_years <= 1.0 ? 0 : residual_years <= 5.0 ? 1 : 2;
    constexpr double sovereign_high[] = {0.005, 0.02, 0.04};
    constexpr double sovereign_mid[] = {0.01, 0.03, 0.06};
    constexpr double other_high[] = {0.01, 0.04, 0.08};
    constexpr double other_mid[] = {0.02, 0.06, 0.12};
    if (band == rating::bb)
        return who == issuer::sovereign ? 0.15 : nan;
    if (who == issuer::sovereign)
        return band == rating::aaa_to_aa ? sovereign_high[bucket] : sovereign_mid[bucket];
    return band == rating::aaa_to_aa ? other_high[bucket] : other_mid[bucket];
}

} // namespace basel
} // namespace spiral::haircut
