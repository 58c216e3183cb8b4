// haircut::fat_tailed — the volatility haircut with a fat-tailed quantile in place of the
// normal one: Student-t, or the Cornish-Fisher expansion for a given skewness and excess
// kurtosis. Needs Boost.Math (header-only), which computes the quantile.
//
// The quantile depends only on the parameters, so it is computed once: `prepare()` returns
// the per-row kernel clamp(scale * sigma) with the quantile folded into `scale`. Use it (or
// `haircut::apply`, which calls it) for many rows; operator() prepares on every call.
// fat_tailed's own operator() is host-only and not constexpr (Boost); its prepared form is both.
/// \file
/// \ingroup haircut
/// \brief haircut::fat_tailed: Student-t or Cornish-Fisher volatility haircut (needs Boost.Math).
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/kernel.hpp>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/policies/policy.hpp>

#include <cmath>
#include <string>

namespace spiral::haircut {

/// Which fat-tailed law `fat_tailed` uses.
enum class tail_law {
    student_t,     ///< Student-t with `degrees_of_freedom`, scaled to unit variance
    cornish_fisher ///< normal quantile corrected for `skewness` and `excess_kurtosis`
};

/// H = m * sigma * sqrt(horizon_days / days_per_year), clamped to [0, 1], where m is the loss
/// quantile at `confidence` of a unit-variance return distribution (sigma = c.volatility is
/// the standard deviation, as for `volatility`):
///   student_t:      m = t_nu^-1(confidence) * sqrt((nu - 2) / nu), nu = degrees_of_freedom > 2
///                   (the Student-t scaled to variance 1). m exceeds the normal z only
///                   above a crossover confidence (98.2% for nu = 3, 97.5% for nu = 4, 96.4%
///                   for nu = 10); below it m is smaller: at equal variance a fat tail puts
///                   less mass in the shoulders.
///   cornish_fisher: m = -w(-z), z = Phi^-1(confidence), with the Cornish-Fisher expansion of
///                   the return quantile (Cornish & Fisher 1938)
///                     w(x) = x + (x^2 - 1) S / 6 + (x^3 - 3x) K / 24 - (2x^3 - 5x) S^2 / 36,
///                   S = skewness and K = excess_kurtosis of the *returns* (S < 0: crashes are
///                   larger than rallies, and raise the haircut). validate() requires w to be
///                   increasing (Maillard 2012, "A user's guide to the Cornish Fisher
///                   expansion": K/8 - S^2/6 > 0 and S^2/9 < 4 (K/8 - S^2/6)(1 - K/8 + 5 S^2/36)),
///                   or S = K = 0 (the normal quantile).
/// m below 0 (confidence below the median) gives H = 0.
struct fat_tailed {
    tail_law law = tail_law::student_t; ///< The law of the returns' tail.
    double confidence = 0.99;           ///< Confidence level of the quantile, in (0, 1).
    double horizon_days = 1;            ///< Holding period in days (>= 0).
    double days_per_year = 365;         ///< Days per year: converts the horizon to years.
    double degrees_of_freedom = 4;      ///< student_t only
    double skewness = 0;                ///< cornish_fisher only
    double excess_kurtosis = 0;         ///< cornish_fisher only

    /// m above, from Boost.Math (errors become NaN, never exceptions: valid parameters give
    /// none).
    double multiplier() const noexcept {
        namespace bp = boost::math::policies;
        using quiet =
            bp::policy<bp::domain_error<bp::ignore_error>, bp::overflow_error<bp::ignore_error>,
                       bp::evaluation_error<bp::ignore_error>>;
        if (law == tail_law::student_t) {
            const double nu = degrees_of_freedom;
            const boost::math::students_t_distribution<double, quiet> t(nu);
            return boost::math::quantile(t, confidence) * std::sqrt((nu - 2.0) / nu);
        }
        const boost::math::normal_distribution<double, quiet> normal;
        const double x = -boost::math::quantile(normal, confidence); // lower return tail
        const double s = skewness, k = excess_kurtosis;
        const double w = x + (x * x - 1.0) * s / 6.0 + (x * x * x - 3.0 * x) * k / 24.0 -
                         (2.0 * x * x * x - 5.0 * x) * s * s / 36.0;
        return -w;
    }

    /// The per-row kernel: clamp(scale * sigma), scale = max(m, 0) * sqrt(h / days).
    detail::affine_in_volatility prepare() const noexcept {
        const double m = multiplier();
        return {0.0, (m > 0.0 ? m : (m == m ? 0.0 : m)) * std::sqrt(horizon_days / days_per_year)};
    }

    /// The haircut of `c`, a fraction in [0, 1].
    template <real T>
    T operator()(const collateral<T>& c) const noexcept {
        return prepare()(c);
    }

    /// confidence in (0, 1); horizon_days finite and >= 0; days_per_year finite and > 0;
    /// student_t: degrees_of_freedom finite and > 2 (a finite variance);
    /// cornish_fisher: skewness and excess_kurtosis finite, inside the domain where the
    /// expansion is increasing (see above).
    void validate() const {
        constexpr auto what = "haircut::fat_tailed";
        detail::require_horizon(what, confidence, horizon_days, days_per_year);
        if (law == tail_law::student_t) {
            if (!(degrees_of_freedom > 2.0 && degrees_of_freedom < detail::infinity))
                spiral::detail::throw_invalid(what, "degrees_of_freedom", spiral::detail::no_row,
                                              degrees_of_freedom,
                                              "must be finite and > 2 (finite variance)");
            return;
        }
        if (law != tail_law::cornish_fisher)
            spiral::detail::throw_invalid(what, "law", spiral::detail::no_row,
                                          static_cast<int>(law),
                                          "must be tail_law::student_t or cornish_fisher");
        const double s = skewness, k = excess_kurtosis;
        if (!detail::is_finite(s))
            spiral::detail::throw_invalid(what, "skewness", spiral::detail::no_row, s,
                                          "must be finite");
        if (!detail::is_finite(k))
            spiral::detail::throw_invalid(what, "excess_kurtosis", spiral::detail::no_row, k,
                                          "must be finite");
        if (s == 0.0 && k == 0.0)
            return;
        // w'(x) = a x^2 + b x + c > 0 for every x.
        const double a = k / 8.0 - s * s / 6.0;
        const double b = s / 3.0;
        const double c = 1.0 - k / 8.0 + 5.0 * s * s / 36.0;
        if (!(a > 0.0 && b * b < 4.0 * a * c))
            spiral::detail::throw_invalid(
                what, "excess_kurtosis", spiral::detail::no_row, k,
                "with skewness = " + std::to_string(s) +
                    " the Cornish-Fisher quantile is not increasing; needs K/8 - S^2/6 > 0 and "
                    "S^2/9 < 4 (K/8 - S^2/6)(1 - K/8 + 5 S^2/36), Maillard 2012");
    }
};

} // namespace spiral::haircut
