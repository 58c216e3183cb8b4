// Standard normal distribution: density, distribution function, quantile, and erfc.
//
// The distribution function uses W. J. Cody's rational approximations (Math. Comp. 23, 1969)
// in three ranges of |x|/sqrt(2), written so that every range ends in one shared division:
// the same code is branch-free for SIMD batches. Tails are computed directly as
// exp(-x^2/2) * R(x), never as 1 - something, so Phi(-37) keeps its full relative accuracy;
// exp(-x^2/2) corrects for the rounding of x^2, which otherwise costs x^2 ulps.
// The quantile is M. J. Wichura's AS 241 (PPND16, Appl. Statist. 37, 1988).
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
/// for every x instead of growing like x^2 ulps.
template <real T>
SPIRAL_HD constexpr T exp_neg_half_square(T x) noexcept {
    // Beyond |x| = 40 the result underflows to 0 anyway; the cap keeps inf * inf out of the
    // error term (NaN still passes: min returns its second argument when unordered).
    const T capped = min(T(40), abs(x));
    const T square = capped * capped;
    const T square_error = two_product_error(capped, capped);
    return exp(T(-0.5) * square) * (T(1) - T(0.5) * square_error);
}

/// Phi(x) given e = exp(-x^2/2). With y = |x|/sqrt(2) (Cody's argument):
///   y <= 0.46875:  Phi = 1/2 + 1/2 erf(y sign x),    erf(y) = y P1(y^2) / Q1(y^2)
///   y <  4:        Phi(-|x|) = e/2 * P2(y) / Q2(y)
///   y >= 4:        Phi(-|x|) = e/2 * (1/sqrt(pi) - R(1/y^2)) / y,  R = z P3(z) / Q3(z),
/// the last rewritten over w = y^2 (polynomials with reversed coefficients) to avoid a
/// second division. y is capped at 40 there: beyond it e is 0 and the ratio only overflows.
template <real T>
SPIRAL_HD constexpr T norm_cdf_given_exp(T x, T e) noexcept {
    const T y = abs(x) * T(inv_sqrt_2);
    const T ys = x * T(inv_sqrt_2); // signed, for the odd central form
    const T z = ys * ys;
    const T central_num =
        ys * polynomial(z, 3209.37758913846947, 377.485237685302021, 113.864154151050156,
                        3.1611237438705656, 0.185777706184603153);
    const T central_den = polynomial(z, 2844.23683343917062, 1282.61652607737228,
                                     244.024637934444173, 23.6012909523441209, 1.0);
    const T middle_num =
        polynomial(y, 1230.33935479799725, 2051.07837782607147, 1712.04761263407058,
                   881.95222124176909, 298.635138197400131, 66.1191906371416295,
                   8.88314979438837594, 0.564188496988670089, 2.15311535474403846e-8);
    const T middle_den = polynomial(
        y, 1230.33935480374942, 3439.36767414372164, 4362.61909014324716, 3290.79923573345963,
        1621.38957456669019, 537.181101862009858, 117.693950891312499, 15.7449261107098347, 1.0);
    const T yc = min(T(40), y);
    const T w = yc * yc;
    const T tail_p =
        polynomial(w, 0.0163153871373020978, 0.305326634961232344, 0.360344899949804439,
                   0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4);
    const T tail_q =
        w * polynomial(w, 1.0, 2.56852019228982242, 1.87295284992346047, 0.527905102951428412,
                       0.0605183413124413191, 0.00233520497626869185);
    const T tail_num = T(inv_sqrt_pi) * tail_q - tail_p;
    const T tail_den = yc * tail_q;

    const mask_t<T> central = y <= T(0.46875);
    const mask_t<T> middle = y < T(4);
    const T ratio = select(central, central_num, select(middle, middle_num, tail_num)) /
                    select(central, central_den, select(middle, middle_den, tail_den));
    const T lower = T(0.5) * e * ratio; // Phi(-|x|) outside the central range
    return select(central, T(0.5) + T(0.5) * ratio, select(x < T(0), lower, T(1) - lower));
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
