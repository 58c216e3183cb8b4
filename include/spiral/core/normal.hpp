// Standard normal distribution: density, distribution function, quantile, and erfc.
//
// The distribution function uses one rational approximation of Phi(-|x|) / exp(-x^2/2) over the
// whole half-line (fitted for this library; see normal_tail_ratio), ending in one division:
// the same code is branch-free for SIMD batches, and every lane does the same work. Tails are
// computed directly as exp(-x^2/2) * R(|x|), never as 1 - something, so Phi(-37) keeps its full
// relative accuracy; exp(-x^2/2) corrects for the rounding of x^2, which otherwise costs x^2
// ulps.
// The quantile is M. J. Wichura's AS 241 (PPND16, Appl. Statist. 37, 1988).
/// \file
/// \ingroup core
/// \brief Standard normal distribution: density, distribution function, quantile and erfc.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>

namespace spiral {
namespace detail {

inline constexpr double inv_sqrt_2pi = 0.39894228040143267793994605993438;
inline constexpr double inv_sqrt_2 = 0.70710678118654752440084436210485;
inline constexpr double inv_sqrt_pi = 0.56418958354775628694807945156077;

/// exp(-x^2 / 2), with the rounding error of x^2 put back: relative error stays near one ulp
/// for every x instead of growing like x^2 ulps. `NotNaN`: the caller knows x is not NaN (a
/// kernel that validated its inputs), so the exponential needs no guard.
template <real T, bool NotNaN = false>
SPIRAL_HD constexpr T exp_neg_half_square(T x) noexcept {
    // Beyond |x| = 40 the result underflows to 0 anyway; the cap keeps inf * inf out of the
    // error term (NaN still passes: min returns its second argument when unordered).
    const T capped = min(T(40), abs(x));
    const T square = capped * capped;
    const T square_error = two_product_error(capped, capped);
    const T argument = T(-0.5) * square;
    const T e = NotNaN ? exp_finite(argument) : spiral::exp(argument);
    return e * (T(1) - T(0.5) * square_error);
}

/// P10 of `normal_tail_ratio` (see there), shared with `norm_cdf_pair_given_exp`. The
/// coefficients stay inside the function: a namespace-scope array is not visible to CUDA code.
template <real T>
SPIRAL_HD constexpr T normal_tail_ratio_numerator(T a) noexcept {
    constexpr double p[] = {0.5,
                            0.857585007697788800667,
                            0.726694188736481924927,
                            0.394242091049620246691,
                            0.150417989655680863674,
                            0.042017039760292482131,
                            8.69708800930997282292e-3,
                            1.31993257077650282811e-3,
                            1.41262865814942592966e-4,
                            9.711927190528175416e-6,
                            3.30889845596951390687e-7};
    return horner(a, p);
}

/// Q11 of `normal_tail_ratio`, shared with `mills_ratio`; `even_odd` evaluates it in two halves
/// (`horner_even_odd`), half the dependency chain of Horner's rule.
template <real T, bool even_odd = false>
SPIRAL_HD constexpr T normal_tail_ratio_denominator(T a) noexcept {
    constexpr double q[] = {1.0,
                            2.51305457619844429059,
                            2.95851582427663438401,
                            2.15847251334974715121,
                            1.08716577608737164051,
                            0.398142459035164626699,
                            0.108580991817226197107,
                            0.0221528013687296125257,
                            3.33292449381440970555e-3,
                            3.54922911449888213437e-4,
                            2.43441912969355664196e-5,
                            8.29417842761604414856e-7};
    if constexpr (even_odd)
        return horner_even_odd(a, q);
    else
        return horner(a, q);
}

/// The normal tail over its Gaussian factor, Phi(-a) / exp(-a^2/2) = m(a) / sqrt(2 pi) for
/// a >= 0 (m is Mills' ratio): 1/2 at 0, ~ 1/(a sqrt(2 pi)) as a -> inf. One rational function
/// P10(a) / Q11(a) over the whole half-line, so batches evaluate one formula for every lane
/// instead of several ranges and a selection. The coefficients are ours: a weighted least-squares
/// fit at 90 digits on 500 points Chebyshev-spaced in t = (a - 3)/(a + 3) (so a from 0 to
/// ~6e12), iteratively reweighted (Lawson) towards the minimax relative error, 9.7e-18, with
/// P(0) = 1/2 fixed; P10/Q11 -> 1/sqrt(2 pi) by the fit, not by construction. All
/// coefficients are positive, so evaluating on a >= 0 (Estrin) adds no cancellation: a few ulps in
/// double. a is taken as given (callers cap it; Q11 overflows near a = 1e28).
template <real T>
SPIRAL_HD constexpr T normal_tail_ratio(T a) noexcept {
    return normal_tail_ratio_numerator(a) / normal_tail_ratio_denominator(a);
}

/// Mills' ratio m(a) = (1 - Phi(a)) / phi(a) = Phi(-a) / phi(a) for a >= 0: sqrt(pi/2) at 0,
/// ~ 1/a as a -> inf. The fit of `normal_tail_ratio` with P scaled by sqrt(2 pi) before
/// rounding (one rounding fewer than multiplying afterwards). Evaluated in even and odd halves:
/// the implied vol solver, its user, waits on it several times in a row (all terms are positive
/// for a >= 0, so the halves add no cancellation).
template <real T>
SPIRAL_HD constexpr T mills_ratio(T a) noexcept {
    constexpr double p[] = {
        1.25331413731550025121,   2.14964682819492162575,    1.82155220049690232651,
        0.988218372474627404845,  0.37704198588408300465,    0.105321099879444091418,
        0.0218003667110906200115, 3.30858030251476623908e-3, 3.54093493607140094518e-4,
        2.4344191296935540428e-5, 8.29417842761604422916e-7};
    return horner_even_odd(a, p) / normal_tail_ratio_denominator<T, true>(a);
}

/// Phi(x) given e = exp(-x^2/2): Phi(-|x|) = e P(|x|)/Q(|x|) (`normal_tail_ratio`), and
/// Phi(|x|) = 1 - Phi(-|x|), whose rounding is absolute, below an ulp of the result.
/// |x| is capped at 40: beyond it e is 0 and the ratio only needs to stay finite.
template <real T>
SPIRAL_HD constexpr T norm_cdf_given_exp(T x, T e) noexcept {
    const T lower = e * normal_tail_ratio(min(T(40), abs(x))); // Phi(-|x|); NaN passes min
    return select(x < T(0), lower, T(1) - lower);
}

/// Phi(x1) and Phi(x2) given e1 = exp(-x1^2/2) and e2 = exp(-x2^2/2), as `norm_cdf_given_exp`
/// but with one division for both ratios: P1/Q1 = P1 Q2 / (Q1 Q2) (Q <= 4e11 at the cap, so
/// the product cannot overflow); about two ulps more rounding, for one division fewer.
template <real T>
struct norm_cdf_pair {
    T first, second;
};

template <real T>
SPIRAL_HD constexpr norm_cdf_pair<T> norm_cdf_pair_given_exp(T x1, T e1, T x2, T e2) noexcept {
    const T a1 = min(T(40), abs(x1));
    const T a2 = min(T(40), abs(x2));
    const T q1 = normal_tail_ratio_denominator(a1);
    const T q2 = normal_tail_ratio_denominator(a2);
    const T inv = T(1) / (q1 * q2);
    const T lower1 = e1 * normal_tail_ratio_numerator(a1) * (q2 * inv);
    const T lower2 = e2 * normal_tail_ratio_numerator(a2) * (q1 * inv);
    return {select(x1 < T(0), lower1, T(1) - lower1), select(x2 < T(0), lower2, T(1) - lower2)};
}

} // namespace detail

/// Standard normal density exp(-x^2/2) / sqrt(2 pi).
template <real T>
SPIRAL_HD constexpr T norm_pdf(T x) noexcept {
    return T(detail::inv_sqrt_2pi) * detail::exp_neg_half_square(x);
}

/// Standard normal distribution function Phi(x), accurate to a few ulps relative in both
/// tails (down to the underflow of Phi near x = -37.5). NaN in, NaN out.
template <real T>
SPIRAL_HD constexpr T norm_cdf(T x) noexcept {
    return detail::norm_cdf_given_exp(x, detail::exp_neg_half_square(x));
}

/// Complementary error function (scalar, constant-evaluable): erfc(x) = 2 Phi(-x sqrt 2),
/// evaluated with exp(-x^2) directly so that no sqrt(2) rounding enters the tail.
template <std::floating_point T>
SPIRAL_HD constexpr T erfc(T x) noexcept {
    const T capped = min(T(27.5), abs(x)); // erfc(27.5) underflows; keeps inf out of e
    const T e = exp(-(capped * capped)) * (T(1) - detail::two_product_error(capped, capped));
    // norm_cdf_given_exp takes the normal variable u = -x sqrt(2); its e is exp(-u^2/2) = e.
    // Scaling by sqrt(2) rounds u, but the rational part is insensitive to that.
    const T u = -x * T(1.4142135623730950488016887242097);
    return T(2) * detail::norm_cdf_given_exp(u, e);
}

/// Inverse of Phi: the x with Phi(x) = p. -inf at 0, +inf at 1, NaN outside [0, 1].
/// Wichura's AS 241, relative accuracy about 1e-16.
template <real T>
SPIRAL_HD constexpr T norm_quantile(T p) noexcept {
    const T q = p - T(0.5);
    const T r_central = T(0.180625) - q * q;
    const T central_num =
        q * detail::polynomial(r_central, 3.3871328727963666080, 1.3314166789178437745e+2,
                               1.9715909503065514427e+3, 1.3731693765509461125e+4,
                               4.5921953931549871457e+4, 6.7265770927008700853e+4,
                               3.3430575583588128105e+4, 2.5090809287301226727e+3);
    const T central_den = detail::polynomial(r_central, 1.0, 4.2313330701600911252e+1,
                                             6.8718700749205790830e+2, 5.3941960214247511077e+3,
                                             2.1213794301586595867e+4, 3.9307895800092710610e+4,
                                             2.8729085735721942674e+4, 5.2264952788528545610e+3);
    // Tails: r = sqrt(-log(min(p, 1 - p))); 1 - p is exact for p >= 1/2.
    const T r = sqrt(-log(min(p, T(1) - p)));
    const T r_near = r - T(1.6);
    const T near_num = detail::polynomial(r_near, 1.42343711074968357734, 4.63033784615654529590,
                                          5.76949722146069140550, 3.64784832476320460504,
                                          1.27045825245236838258, 2.41780725177450611770e-1,
                                          2.27238449892691845833e-2, 7.74545014278341407640e-4);
    const T near_den = detail::polynomial(r_near, 1.0, 2.05319162663775882187,
                                          1.67638483018380384940, 6.89767334985100004550e-1,
                                          1.48103976427480074590e-1, 1.51986665636164571966e-2,
                                          5.47593808499534494600e-4, 1.05075007164441684324e-9);
    const T r_far = r - T(5);
    const T far_num = detail::polynomial(r_far, 6.65790464350110377720, 5.46378491116411436990,
                                         1.78482653991729133580, 2.96560571828504891230e-1,
                                         2.65321895265761230930e-2, 1.24266094738807843860e-3,
                                         2.71155556874348757815e-5, 2.01033439929228813265e-7);
    const T far_den = detail::polynomial(r_far, 1.0, 5.99832206555887937690e-1,
                                         1.36929880922735805310e-1, 1.48753612908506148525e-2,
                                         7.86869131145613259100e-4, 1.84631831751005468180e-5,
                                         1.42151175831644588870e-7, 2.04426310338993978564e-15);

    const mask_t<T> central = abs(q) <= T(0.425);
    const mask_t<T> near = r <= T(5);
    const T ratio = select(central, central_num, select(near, near_num, far_num)) /
                    select(central, central_den, select(near, near_den, far_den));
    const T value = select(central, ratio, select(q < T(0), -ratio, ratio));
    constexpr auto inf = spiral::detail::scalar_limits<scalar_t<T>>::infinity;
    return select(p == T(0), T(-inf), select(p == T(1), T(inf), value));
}

} // namespace spiral
