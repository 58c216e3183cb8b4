// Coverage tests of a margin or VaR series' breaches: Kupiec's proportion of failures,
// Christoffersen's independence and conditional coverage, and the Basel traffic light.
//
//   Kupiec (1995), "Techniques for verifying the accuracy of risk measurement models",
//   J. Derivatives 3(2): with x breaches in n days and expected breach probability p = 1 - c,
//     LR_pof = -2 [ (n - x) ln(1 - p) + x ln p - (n - x) ln(1 - x/n) - x ln(x/n) ]  ~ chi2(1).
//   Christoffersen (1998), "Evaluating interval forecasts", Int. Economic Review 39(4): with
//   n_ij the number of days in state j after a day in state i (0 no breach, 1 breach),
//   pi01 = n01 / (n00 + n01), pi11 = n11 / (n10 + n11), pi = (n01 + n11) / (n00 + n01 + n10 + n11),
//     LR_ind = -2 [ (n00 + n10) ln(1 - pi) + (n01 + n11) ln pi
//                   - n00 ln(1 - pi01) - n01 ln pi01 - n10 ln(1 - pi11) - n11 ln pi11 ]  ~ chi2(1),
//     LR_cc  = LR_pof + LR_ind  ~ chi2(2).
//   Every 0 ln 0 is 0 (the limit), so no breach and nothing but breaches are finite cases.
//   Chi-square survival: P(X > s) = erfc(sqrt(s / 2)) for 1 degree of freedom, exp(-s / 2) for 2.
//   Basel Committee (1996), "Supervisory framework for the use of backtesting in conjunction
//   with the internal models approach to market risk capital requirements", table 2: with 250
//   days at 99%, green for 0-4 breaches, yellow for 5-9, red for 10 or more. The zones are the
//   binomial cumulative probabilities P(X <= x) below 95% (green), from 95% to below 99.99%
//   (yellow), and 99.99% or more (red); traffic_light applies the same cut-offs to any
//   number of days and confidence.
/// \file
/// \ingroup capital
/// \brief Kupiec and Christoffersen coverage tests, the chi-square survival they use, the
/// binomial distribution and the Basel traffic light.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace spiral::capital {

namespace detail {

/// n ln p, 0 when n is 0 (the limit of 0 ln 0 included).
inline double count_log(double n, double p) noexcept {
    return n == 0.0 ? 0.0 : n * std::log(p);
}

/// Confidence in (0, 1).
inline void require_confidence(std::string_view what, double confidence) {
    spiral::detail::require(spiral::detail::in_open(0, 1), what, "confidence", confidence);
}

} // namespace detail

/// P(X > statistic) for X chi-square with 1 or 2 degrees of freedom: erfc(sqrt(s / 2)) and
/// exp(-s / 2), accurate in the far tail (no 1 - cdf). 1 for s <= 0; NaN for NaN. Other
/// degrees of freedom give NaN.
inline double chi_square_survival(double statistic, unsigned degrees_of_freedom) noexcept {
    if (statistic != statistic)
        return statistic;
    if (!(statistic > 0.0))
        return 1.0;
    if (degrees_of_freedom == 1)
        return std::erfc(std::sqrt(0.5 * statistic));
    if (degrees_of_freedom == 2)
        return std::exp(-0.5 * statistic);
    return __builtin_nan("");
}

/// A likelihood-ratio test: its statistic and p-value.
struct lr_test {
    double statistic;            ///< The likelihood-ratio statistic (>= 0).
    double p_value;              ///< P(chi-square > statistic) for the test's degrees of freedom.
    unsigned degrees_of_freedom; ///< 1 (Kupiec, Christoffersen independence) or 2 (conditional
                                 ///< coverage).
};

/// Kupiec's proportion-of-failures test of `breaches` out of `observations` days against the
/// breach probability 1 - confidence (see the file comment). Throws spiral::invalid_argument
/// for no observations, more breaches than observations, or confidence outside (0, 1).
inline lr_test kupiec_pof(std::size_t observations, std::size_t breaches, double confidence) {
    constexpr std::string_view what = "capital::kupiec_pof";
    detail::require_confidence(what, confidence);
    if (observations == 0)
        spiral::detail::throw_invalid(what, "observations", spiral::detail::no_row, observations,
                                      "must be > 0");
    if (breaches > observations)
        spiral::detail::throw_invalid(what, "breaches", spiral::detail::no_row, breaches,
                                      "must be <= observations");
    const double n = static_cast<double>(observations), x = static_cast<double>(breaches);
    const double p = 1.0 - confidence, rate = x / n;
    const double null_ll = detail::count_log(n - x, 1.0 - p) + detail::count_log(x, p);
    const double fitted_ll = detail::count_log(n - x, 1.0 - rate) + detail::count_log(x, rate);
    double s = -2.0 * (null_ll - fitted_ll);
    s = s > 0.0 ? s : 0.0; // rounding when rate == p
    return {s, chi_square_survival(s, 1), 1};
}

/// Christoffersen's tests on a breach sequence: the transition counts and both statistics.
struct christoffersen_result {
    std::size_t n00;              ///< Days without a breach after a day without one.
    std::size_t n01;              ///< Breaches after a day without one.
    std::size_t n10;              ///< Days without a breach after a breach.
    std::size_t n11;              ///< Breaches after a breach.
    lr_test independence;         ///< LR_ind, 1 degree of freedom.
    lr_test conditional_coverage; ///< LR_pof (on all days of the sequence) + LR_ind, 2 degrees.
};

/// Christoffersen's independence and conditional-coverage tests of `hits` (1 a breach, 0 none,
/// in time order) against the breach probability 1 - confidence (see the file comment).
/// Throws spiral::invalid_argument for fewer than 2 days, a value other than 0 or 1 (naming its
/// index), or confidence outside (0, 1).
inline christoffersen_result christoffersen(std::span<const std::uint8_t> hits, double confidence) {
    constexpr std::string_view what = "capital::christoffersen";
    detail::require_confidence(what, confidence);
    if (hits.size() < 2)
        spiral::detail::throw_invalid(what, "hits.size()", spiral::detail::no_row, hits.size(),
                                      "must be >= 2");
    std::size_t n[2][2] = {{0, 0}, {0, 0}}, breaches = 0;
    for (std::size_t i = 0; i < hits.size(); ++i) {
        if (hits[i] > 1)
            spiral::detail::throw_invalid(what, "hits", i, static_cast<unsigned>(hits[i]),
                                          "must be 0 or 1");
        breaches += hits[i];
        if (i > 0)
            ++n[hits[i - 1]][hits[i]];
    }
    const double n00 = static_cast<double>(n[0][0]), n01 = static_cast<double>(n[0][1]);
    const double n10 = static_cast<double>(n[1][0]), n11 = static_cast<double>(n[1][1]);
    const double pi = (n01 + n11) / (n00 + n01 + n10 + n11);
    const double pi01 = n00 + n01 > 0.0 ? n01 / (n00 + n01) : 0.0;
    const double pi11 = n10 + n11 > 0.0 ? n11 / (n10 + n11) : 0.0;
    const double restricted =
        detail::count_log(n00 + n10, 1.0 - pi) + detail::count_log(n01 + n11, pi);
    const double unrestricted = detail::count_log(n00, 1.0 - pi01) + detail::count_log(n01, pi01) +
                                detail::count_log(n10, 1.0 - pi11) + detail::count_log(n11, pi11);
    double ind = -2.0 * (restricted - unrestricted);
    ind = ind > 0.0 ? ind : 0.0;
    const double cc = kupiec_pof(hits.size(), breaches, confidence).statistic + ind;
    return {n[0][0],
            n[0][1],
            n[1][0],
            n[1][1],
            {ind, chi_square_survival(ind, 1), 1},
            {cc, chi_square_survival(cc, 2), 2}};
}

/// P(X <= x) for X binomial with `trials` trials of probability `p` in [0, 1] (summed from the
/// terms exp(ln C(n, k) + k ln p + (n - k) ln(1 - p)), through lgamma); 1 for x >= trials.
inline double binomial_cdf(std::size_t x, std::size_t trials, double p) noexcept {
    if (x >= trials)
        return 1.0;
    if (p <= 0.0)
        return 1.0;
    if (p >= 1.0)
        return 0.0;
    const double n = static_cast<double>(trials);
    const double lp = std::log(p), lq = std::log1p(-p);
    double sum = 0.0;
    for (std::size_t k = 0; k <= x; ++k) {
        const double kk = static_cast<double>(k);
        sum += std::exp(std::lgamma(n + 1.0) - std::lgamma(kk + 1.0) - std::lgamma(n - kk + 1.0) +
                        kk * lp + (n - kk) * lq);
    }
    return sum < 1.0 ? sum : 1.0;
}

/// The Basel traffic-light zones.
enum class zone {
    green,  ///< P(X <= breaches) < 95%: consistent with an accurate model.
    yellow, ///< 95% <= P(X <= breaches) < 99.99%: the model may be inaccurate.
    red     ///< P(X <= breaches) >= 99.99%: the model is almost surely inaccurate.
};

/// "green", "yellow" or "red".
constexpr const char* zone_name(zone z) noexcept {
    return z == zone::green ? "green" : z == zone::yellow ? "yellow" : "red";
}

/// The zone of `breaches` in `observations` days of a margin at `confidence`, by the binomial
/// cumulative probability of the breach count (Basel 1996 cut-offs, see the file comment;
/// with 250 days at 99%: green 0-4, yellow 5-9, red 10+). Throws spiral::invalid_argument for
/// no observations, more breaches than observations, or confidence outside (0, 1).
inline zone traffic_light(std::size_t breaches, std::size_t observations, double confidence) {
    constexpr std::string_view what = "capital::traffic_light";
    detail::require_confidence(what, confidence);
    if (observations == 0)
        spiral::detail::throw_invalid(what, "observations", spiral::detail::no_row, observations,
                                      "must be > 0");
    if (breaches > observations)
        spiral::detail::throw_invalid(what, "breaches", spiral::detail::no_row, breaches,
                                      "must be <= observations");
    const double cdf = binomial_cdf(breaches, observations, 1.0 - confidence);
    return cdf < 0.95 ? zone::green : cdf < 0.9999 ? zone::yellow : zone::red;
}

} // namespace spiral::capital
