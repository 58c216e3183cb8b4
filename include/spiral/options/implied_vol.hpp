// Implied standard deviation of the Black-76 formula: the total stddev s = vol * sqrt(time)
// that reproduces a given price, to a few 1e-15 relative, with a bounded amount of work.
//
// Method (after P. Jäckel, "Let's Be Rational", Wilmott 2015; written here from the paper's
// mathematics). With x = ln(F/K) and the normalised price b = price / (discount sqrt(F K)),
//   b(x, s) = e^{x/2} Phi(x/s + s/2) - e^{-x/2} Phi(x/s - s/2)        (call).
// Put-call symmetry and subtracting the intrinsic value reduce every input to an
// out-of-the-money call, x <= 0, 0 < b < b_max = e^{x/2}. b(s) is convex below
// s_c = sqrt(2|x|) and concave above, so its tangent at s_c meets 0 at s_l and b_max at
// s_u. These split the price range into four branches for the initial guess:
//   b < b(s_l):   a rational cubic in b for f_l(s) = 2 pi |x| / 3^{3/2} Phi(-|x| / (sqrt(3) s))^3,
//                 which has the asymptotics of b as s -> 0; then s = f_l^{-1}(f);
//   the middle:   rational cubics for s itself through s_l, s_c, s_u, matching slopes 1/b';
//   b > b(s_u):   a rational cubic for f_u(s) = Phi(-s/2) (b_max - b ~ 2 f_u as s -> inf).
// Two Householder steps of order three follow, on 1/ln b below s_l (nearly linear there) and
// elsewhere on ln b or ln(b_max - b), whichever the evaluation has without cancellation. Where
// no lane is below s_l, one step of order eight (the Taylor series of b, whose derivatives are
// closed forms, reverted) replaces them when its last term shows it is enough. Each step stays
// inside a bracket that shrinks with every evaluation, so no input can take the iteration away
// from the root. The work is bounded: at most three evaluations after the guess.
//
// The normalised price is evaluated without cancellation: with Y(z) = Phi(z)/phi(z) (the
// lower-tail Mills ratio), h = x/s, t = s/2 and q = -(h^2 + t^2)/2,
//   b         = e^q / sqrt(2 pi) (Y(h + t) - Y(h - t)),
//   b_max - b = e^q / sqrt(2 pi) (Y(-h - t) + Y(h - t)),
// and for small s near the money, where the difference cancels, by the odd Taylor series of
// Y(h + t) - Y(h - t) in t. Logarithms of prices never underflow: ln b = q + ln(...).
/// \file
/// \ingroup options
/// \brief Implied standard deviation of the Black-76 formula (after Jäckel, 2015).
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>
#include <spiral/options/black.hpp>

#include <concepts>
#include <cstddef>

// The solver for batches is one long chain of small functions (Mills ratios, xsimd's log and
// exp): called out of line, each call spills the vector registers around it. Inlining them all
// into the solver lets the compiler keep values in registers and overlap the chains (host
// GCC/Clang; not under AddressSanitizer, where it only costs compile time).
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__) &&                           \
    !defined(__SANITIZE_ADDRESS__)
#define SPIRAL_IV_FLATTEN [[gnu::flatten]]
#else
#define SPIRAL_IV_FLATTEN
#endif

namespace spiral {
namespace detail {

inline constexpr double sqrt_2pi = 2.5066282746310005024157652848110453;
inline constexpr double log_sqrt_2pi = 0.91893853320467274178032973640561764;
inline constexpr double sqrt_pi_over_2 = 1.2533141373155002512078826424055226;
inline constexpr double sqrt_3 = 1.7320508075688772935274463415058723;
inline constexpr double two_pi_over_3_sqrt_3 = 1.2091995761561452337293855050947737;

/// ln v for v > 0, subnormal v included (xsimd's batch log gets those wrong): they are
/// lifted by 2^64 first.
template <real T>
SPIRAL_HD constexpr T log_positive(T v) noexcept {
    using S = scalar_t<T>;
    const mask_t<T> subnormal = v < T(spiral::detail::scalar_limits<S>::min_normal);
    return log(select(subnormal, v * T(S(18446744073709551616.0)), v)) -
           select(subnormal, T(S(44.361419555836499802702855773323)), T(0));
}

/// ln v for v > 0 with a shorter dependency chain than the batch library's log, for the
/// solver's serial path: v = m 2^k, m in [sqrt(1/2), sqrt(2)) (exact), f = m - 1 (exact),
/// ln m = f + f^2 P(f) with P a polynomial of degree 20 (no division), and ln 2 in two parts
/// so that k ln 2 is exact. P is a Chebyshev interpolant of (ln(1 + f) - f)/f^2 on that
/// interval, fitted here at 50 digits (mpmath.chebyfit): within 1.1e-17 of it, so ln m is
/// within 6e-18 relative before rounding; the leading f is exact and f^2 P is at most a fifth
/// of ln m, so the result is within about an ulp. P is evaluated by Estrin's scheme, in two
/// parts (16 and 5 coefficients). Lanes that are not positive normal finite numbers (rare)
/// take `log_positive` (subnormals right; log's values for 0, negatives, inf and NaN).
/// Scalars, and batches without `split_exponent`, use `log` itself.
template <real T>
SPIRAL_HD constexpr T log_low_latency(T v) noexcept {
    if constexpr (requires(const T& a, T& k) { batch_traits<T>::split_exponent(a, k); }) {
        using S = scalar_t<T>;
        T k;
        const T m = batch_traits<T>::split_exponent(v, k);
        const T f = m - T(1);
        constexpr double low[] = {-0.5,
                                  0.3333333333333337,
                                  -0.24999999999999434,
                                  0.19999999999975535,
                                  -0.16666666666809152,
                                  0.14285714290226392,
                                  -0.12499999988229632,
                                  0.1111111072996344,
                                  -0.10000000293648051,
                                  0.09090926519529235,
                                  -0.08333341859605121,
                                  0.07691846251495121,
                                  -0.07142178144931366,
                                  0.06673746435165462,
                                  -0.06266871141028912,
                                  0.05825070238646302};
        constexpr double high[] = {-0.053492389973253424, 0.054081381753003616,
                                   -0.06207496038793952, 0.05647814073538777, -0.02432617491821441};
        const T f2 = f * f;
        const T f4 = f2 * f2;
        const T f8 = f4 * f4;
        const T p = estrin(f, low) + (f8 * f8) * estrin(f, high);
        // The small parts first, then the exact f, then the exact k ln2_hi.
        T result = k * T(S(ln2_hi)) + (f + (f2 * p + k * T(S(ln2_lo))));
        const mask_t<T> ordinary = v >= T(spiral::detail::scalar_limits<S>::min_normal) &&
                                   v <= T(spiral::detail::scalar_limits<S>::max);
        if (!all_lanes<T>(ordinary))
            result = select(ordinary, result, log_positive(v));
        return result;
    } else {
        return log(v);
    }
}

/// -|ln(F/K)| = -ln(1 + v), v = (max - min)/min >= 0, to a few ulps relative also near the
/// money (where an error e in x moves s by about e/s): max - min is exact there (Sterbenz),
/// and with w = 1 + v rounded, ln(1 + v) = ln w + (v - (w - 1))/w to second order in the
/// (exact) rounding error v - (w - 1).
template <real T>
SPIRAL_HD constexpr T minus_abs_log_ratio(T forward, T strike) noexcept {
    const T smaller = min(forward, strike);
    const T v = (max(forward, strike) - smaller) / smaller;
    const T w = T(1) + v;
    return -(log_low_latency(w) + (v - (w - T(1))) / w);
}

/// True where some lane of `m` may need a value: `m` itself for scalars (so they skip the
/// work), always for batches, which then overlap the work with what comes before instead of
/// waiting to test the mask.
template <real T>
SPIRAL_HD constexpr bool worth_computing(const mask_t<T>& m) noexcept {
    if constexpr (std::floating_point<T>)
        return m;
    else
        return true;
}

// ---------------------------------------------------------------- the normalised Black price

/// Y(z) = Phi(z) / phi(z) for z <= 0: sqrt(pi/2) at 0, 1/|z| (1 - 1/z^2 + ...) far out, 0 at
/// -inf; a few ulps relative. Mills' ratio at -z (core/normal.hpp: one rational function for
/// every lane, no ranges to select), and for z < -56 the asymptotic series
/// 1/|z| sum (-1)^k (2k-1)!! / z^{2k}, whose seventh term is below 1e-19 there (evaluated only
/// when some lane needs it).
template <real T>
SPIRAL_HD constexpr T lower_mills_ratio(T z) noexcept {
    T value = mills_ratio(min(T(57), -z)); // NaN passes min
    const mask_t<T> far = z < T(-56);
    if (any_lane<T>(far)) {
        constexpr double series[] = {1.0, -1.0, 3.0, -15.0, 105.0, -945.0, 10395.0};
        const T inv = T(-1) / min(z, T(-56));
        value = select(far, inv * estrin(inv * inv, series), value);
    }
    return value;
}

/// Y(h + t) - Y(h - t) for h <= 0 and small t, by its odd Taylor series in t, all of whose
/// terms are positive. The derivatives follow from Y' = 1 + h Y by differentiating:
/// Y^(k+1) = k Y^(k-1) + h Y^(k). For t < 0.15 the first omitted term (t^15/15! Y^(15)) is
/// below 2e-18 of the sum; the recursion's rounding grows like (|h| t)^k, small for
/// |x| = 2 |h| t < 0.2, where the series is used.
/// The recursion runs in jumps of four, (Y^(k-1), Y^(k)) -> (Y^(k+3), Y^(k+4)), by the product
/// of four of its steps: the same linear map, whose entries (sign-definite products of h and
/// k + c + h^2) are computed while Y(h) is, so the chain that waits on Y(h) is three jumps
/// instead of thirteen steps. The sum is taken in a tree for the same reason. Y(h) comes from
/// the caller, which shares one Mills ratio evaluation between lanes on and off the series.
template <real T>
struct mills_derivatives_ahead {
    T plus_3, plus_4, plus_5; // Y^(k+2), Y^(k+3), Y^(k+4) from Y^(k-1), Y^(k)
};

template <real T>
SPIRAL_HD constexpr mills_derivatives_ahead<T> mills_derivatives_jump(scalar_t<T> k, T h, T h2,
                                                                      T below, T at) noexcept {
    using S = scalar_t<T>;
    return {(h * T(k)) * below + (T(k + S(1)) + h2) * at,
            (T(k) * (T(k + S(2)) + h2)) * below + (h * (T(S(2) * k + S(3)) + h2)) * at,
            (h * T(k) * (T(S(2) * k + S(5)) + h2)) * below +
                (h2 * T(k + S(2)) + (T(k + S(3)) + h2) * (T(k + S(1)) + h2)) * at};
}

template <real T>
SPIRAL_HD constexpr T mills_ratio_difference_series(T y0, T h, T t) noexcept { // y0 = Y(h)
    using S = scalar_t<T>;
    const T h2 = h * h;
    const T y1 = T(1) + h * y0;
    const auto from_1 = mills_derivatives_jump(S(1), h, h2, y0, y1); // 3, 4, 5
    const auto from_5 = mills_derivatives_jump(S(5), h, h2, from_1.plus_4, from_1.plus_5); // 7..9
    const auto from_9 = mills_derivatives_jump(S(9), h, h2, from_5.plus_4, from_5.plus_5); // ..13
    const T t2 = t * t;
    const T t4 = t2 * t2;
    const T t8 = t4 * t4;
    const T sum =
        (y1 + t2 * T(S(1.0 / 6)) * from_1.plus_3) +
        t4 * (T(S(1.0 / 120)) * from_1.plus_5 + t2 * T(S(1.0 / 5040)) * from_5.plus_3) +
        t8 * ((T(S(1.0 / 362880)) * from_5.plus_5 + t2 * T(S(1.0 / 39916800)) * from_9.plus_3) +
              t4 * T(S(1.0 / 6227020800.0)) * from_9.plus_5);
    return T(2) * t * sum;
}

/// Y(0) - Y(-a) for 0 <= a < 0.3 by its Taylor series at 0, whose coefficients are numbers:
/// at h = 0 the recursion gives Y^(2j+1)(0) = 2^j j! and Y^(2j)(0) = (2j-1)!! sqrt(pi/2), so
///   Y(0) - Y(-a) = sum_j a^(2j+1)/(2j+1)!! - sqrt(pi/2) sum_(j>=1) a^(2j)/(2^j j!).
/// The terms alternate and fall by a factor of about 5 at a = 0.3, where the first omitted one
/// (a^20) is below 1e-17 of the sum. Used at s_c = sqrt(2|x|) < 0.3 instead of the series at
/// h = -s_c/2: the same value without waiting on a Mills ratio.
template <real T>
SPIRAL_HD constexpr T mills_ratio_drop_from_zero(T a) noexcept {
    constexpr double c = sqrt_pi_over_2;
    constexpr double low[] = {1.0,          -c / 2,      1.0 / 3,       -c / 8,
                              1.0 / 15,     -c / 48,     1.0 / 105,     -c / 384,
                              1.0 / 945,    -c / 3840,   1.0 / 10395,   -c / 46080,
                              1.0 / 135135, -c / 645120, 1.0 / 2027025, -c / 10321920};
    constexpr double high[] = {1.0 / 34459425, -c / 185794560, 1.0 / 654729075};
    const T a2 = a * a;
    const T a4 = a2 * a2;
    const T a8 = a4 * a4;
    return a * (estrin(a, low) + (a8 * a8) * estrin(a, high));
}

/// Where the Taylor series replaces the difference of Mills ratios: s < 0.3 and |x| < 0.2.
/// Outside, the difference costs at most ~5 ulps of s (its rounding is ~ulp(Y(d1)), which
/// moves s by ulp(Y(d1))/1 relative to s, and Y(d1)/s <= 1.25/s near the money, 1/|x| away).
template <real T>
SPIRAL_HD constexpr mask_t<T> use_series(T x, T s) noexcept {
    return s < T(scalar_t<T>(0.3)) && x > T(scalar_t<T>(-0.2));
}

/// The normalised out-of-the-money call price b(x, s), x <= 0, s > 0, in the parts the
/// solver needs.
template <real T>
struct normalised_black_parts {
    T h, t, inv_s;        // x/s, s/2, 1/s
    T exponent;           // q = -(h^2 + t^2)/2: db/ds = e^q / sqrt(2 pi)
    T lower;              // b = e^q lower / sqrt(2 pi)          (unless upper_form)
    T upper;              // b_max - b = e^q upper / sqrt(2 pi)  (where d1 = h + t > 0)
    mask_t<T> upper_form; // b is best taken as b_max - e^q upper / sqrt(2 pi)
};

template <real T>
SPIRAL_HD constexpr normalised_black_parts<T> normalised_black(T x, T s) noexcept {
    normalised_black_parts<T> p;
    p.inv_s = T(1) / s;
    p.h = x * p.inv_s;
    p.t = T(0.5) * s;
    p.exponent = T(-0.5) * (p.h * p.h + p.t * p.t);
    const T d1 = p.h + p.t;
    const T d2 = p.h - p.t;
    const mask_t<T> series = use_series(x, s);
    p.upper_form = d1 > T(0) && !series;
    if (!any_lane<T>(series)) {
        const T y1 = lower_mills_ratio(-abs(d1));
        const T y2 = lower_mills_ratio(d2);
        p.lower = y1 - y2;
        p.upper = y1 + y2; // Y(-d1) + Y(d2) where d1 > 0
        return p;
    }
    // Lanes on the series need Y(h), the others Y(-|d1|): one Mills ratio serves both.
    const T y1 = lower_mills_ratio(select(series, p.h, -abs(d1)));
    const T by_series = mills_ratio_difference_series(y1, p.h, p.t);
    if (all_lanes<T>(series)) {
        p.lower = by_series;
        p.upper = T(0);
        return p;
    }
    const T y2 = lower_mills_ratio(d2);
    p.lower = select(series, by_series, y1 - y2);
    p.upper = y1 + y2;
    return p;
}

// ---------------------------------------------------------------- initial guess

/// Rational cubic interpolation (Delbourgo and Gregory) through (x_l, y_l), (x_r, y_r) with
/// slopes d_l, d_r, at the point with u = (x - x_l)/w, u_bar = (x_r - x)/w, w = x_r - x_l
/// (passed separately so either can come from an exact difference); the slopes come scaled
/// to the interval, D = w d. The control parameter r is the smallest that keeps monotone data
/// monotone and convex (concave) data convex (concave); for such data one end then has zero
/// second derivative.
template <real T>
SPIRAL_HD constexpr T rational_cubic(T u, T u_bar, T y_l, T y_r, T D_l, T D_r) noexcept {
    const T rise = y_r - y_l;
    const T gap_l = rise - D_l;
    const T gap_r = D_r - rise;
    // Convex or concave data: r >= (D_r - D_l) / min(rise - D_l, D_r - rise), in size.
    const mask_t<T> shaped = gap_l * gap_r > T(0);
    const T r_shape =
        select(shaped, (D_r - D_l) / select(abs(gap_l) < abs(gap_r), gap_l, gap_r), T(0));
    const T r_monotone = (D_l + D_r) / rise;
    // Large r tends to linear interpolation; the cap keeps r y finite.
    const T r = min(max(r_shape, r_monotone), T(scalar_t<T>(1e12)));
    const T numerator = y_r * u * u * u + (r * y_r - D_r) * u * u * u_bar +
                        (r * y_l + D_l) * u * u_bar * u_bar + y_l * u_bar * u_bar * u_bar;
    return numerator / (T(1) + (r - T(3)) * u * u_bar);
}

/// Phi^{-1}(p) = P(r)/Q(r) - r, r = sqrt(-2 ln p), for 0 < p <= 1/2 within 4.5e-4
/// (Abramowitz and Stegun 26.2.23, after Hastings): enough for the initial guess, which the
/// Householder steps refine. Returned as its parts so callers can fold the division.
template <real T>
struct rough_quantile_parts {
    T r, p, q;
};

template <real T>
SPIRAL_HD constexpr rough_quantile_parts<T> rough_lower_quantile(T log_p) noexcept {
    const T r = sqrt(T(-2) * log_p);
    return {r, polynomial(r, 2.515517, 0.802853, 0.010328),
            polynomial(r, 1.0, 1.432788, 0.189269, 0.001308)};
}

/// A step is kept if inside [lo, hi] and above 0; otherwise the bracket is bisected.
template <real T>
SPIRAL_HD constexpr T keep_in_bracket(T s, T lo, T hi) noexcept {
    const mask_t<T> inside = s >= lo && s <= hi && s > T(0);
    return select(inside, s, T(0.5) * (lo + hi));
}

// ---------------------------------------------------------------- Householder steps

/// What the steps aim at, lane by lane.
template <real T>
struct implied_target {
    T log_beta;      // ln b
    T log_gap;       // ln(b_max - b)
    T inv_log_beta;  // 1 / ln b
    mask_t<T> lower; // b < b(s_l): objective 1/ln b; elsewhere ln b or ln(b_max - b)
};

/// One Householder step of order three on the lane's objective g, from s inside [lo, hi]:
///   s + nu (1 + h2 nu / 2) / (1 + nu (h2 + h3 nu / 6)),  nu = -g/g', h_k = g^(k)/g'.
/// Objectives: 1/ln b - 1/ln beta below s_l (nearly linear there); elsewhere ln b - ln beta
/// or ln(b_max - b) - ln(b_max - beta), whichever of b and b_max - b this evaluation has
/// without cancellation (in the middle branches these converge like b - beta itself, and
/// need a logarithm where b would need an exponential). The sign of nu (that of beta - b(s))
/// first moves one end of the bracket to s.
template <real T>
SPIRAL_HD constexpr T householder_step(T x, T s, const implied_target<T>& aim, T& lo,
                                       T& hi) noexcept {
    using S = scalar_t<T>;
    const auto p = normalised_black(x, s);
    // b''/b' = x^2/s^3 - s/4 and b'''/b' = (b''/b')^2 - 3 x^2/s^4 - 1/4.
    const T h_over_s = p.h * p.inv_s;
    const T r2 = (p.h * p.h - p.t * p.t) * p.inv_s;
    const T r3 = r2 * r2 - T(3) * h_over_s * h_over_s - T(0.25);

    // L = ln b or ln(b_max - b) = q + ln(part) - ln sqrt(2 pi); lambda = L' = +-1/part.
    const T part = select(p.upper_form, p.upper, p.lower);
    const T lambda = select(p.upper_form, T(-1), T(1)) / part;
    const T log_part = p.exponent + log_low_latency(part) - T(S(log_sqrt_2pi));
    const T log_target = select(p.upper_form, aim.log_gap, aim.log_beta);
    // nu = -(L - L_target)/lambda; below s_l, g = 1/L - 1/L_beta gives nu = L (L_beta - L) /
    // (L_beta lambda).
    const T nu_log = (log_target - log_part) * select(p.upper_form, -part, part); // / lambda
    const T nu = select(aim.lower, nu_log * log_part * aim.inv_log_beta, nu_log);
    // g''/g' = A and g'''/g' = B for g = L - const. For g = 1/L - const they become
    // A - 2 lambda/L and B - 6 lambda A/L + 6 lambda^2/L^2; the step's fraction is then
    // multiplied through by L^2 (e = lambda there; elsewhere L = 1, e = 0).
    const T a = r2 - lambda;
    const T b = r3 - T(3) * lambda * r2 + T(2) * lambda * lambda;
    const T l = select(aim.lower, log_part, T(1));
    const T e = select(aim.lower, lambda, T(0));
    const T l2 = l * l;
    // numerator = l^2 (1 + a nu/2) - e nu l and denominator = l^2 (1 + nu (a + b nu/6)) -
    // e nu l (2 + a nu) + e^2 nu^2, as polynomials in nu whose coefficients do not wait on nu.
    const T el = e * l;
    const T numerator = l2 + nu * (T(0.5) * a * l2 - el);
    const T denominator =
        (l2 + nu * (a * l2 - T(2) * el)) + (nu * nu) * (b * l2 * T(S(1.0 / 6)) - a * el + e * e);

    // nu < 0 means b(s) > beta: the root is below s.
    const mask_t<T> above = nu < T(0);
    hi = select(above, s, hi);
    lo = select(above, lo, s);
    return keep_in_bracket(s + nu * numerator / denominator, lo, hi);
}

/// e^z - 1 for |z| <= 0.05 by its Taylor series (the first omitted term is below 3e-20
/// relative); larger |z| come out inaccurate, which the caller detects.
template <real T>
SPIRAL_HD constexpr T expm1_small(T z) noexcept {
    constexpr double series[] = {1.0,         1.0 / 2,      1.0 / 6,       1.0 / 24,      1.0 / 120,
                                 1.0 / 720.0, 1.0 / 5040.0, 1.0 / 40320.0, 1.0 / 362880.0};
    return z * estrin(z, series);
}

/// One step of order eight from s inside [lo, hi], for lanes above s_l (`aim.lower` clear). There
/// b' = e^q / sqrt(2 pi) has closed-form derivatives: b^(k+1) = b' E_k with E_k the complete Bell
/// polynomials of q', q'', ..., and in units of s, Q_j = q^(j) s^j: Q_1 = h^2 - t^2, Q_2 = -3 h^2 -
/// t^2, Q_j = (-1)^(j+1) (j+1)!/2 h^2 for j >= 3. So the Taylor series of b at s in u = ds/s,
///   b(s (1 + u)) - beta = s b' (u + A_2 u^2 + ... - nu),  A_k = E_(k-1) s^(k-1) / k!,
/// costs multiplications that run while the Mills ratios are evaluated. Its root is the
/// reverted series u = nu + d_2 nu^2 + ... + d_7 nu^7 (series reversion, A&S 3.6.25).
/// nu = (beta - b)/(s b') comes from the logarithms, as in `householder_step`, so that it has
/// the same rounding: with D = ln beta - ln b (or ln(b_max - beta) - ln(b_max - b)),
/// beta - b = b (e^D - 1) (or -(b_max - b)(e^D - 1)), and e^D - 1 by its series (|D| is a few
/// 1e-3 here). `tail` gets |d_7 nu^7|, the last term taken (the largest double where |D| >
/// 0.05): where it is below 1e-16 the terms left out (about nu d_8/d_7 times it) are far
/// below the rounding, and the caller needs no second step. Measured from starts 1e-4 to 3e-2
/// off the root on the benchmark books (middle branches): the error after the step is within
/// 31 e0^8 (listed) and 6.3e3 e0^8 (wide) above the rounding (3.4e-15), and no start with a
/// tail below 1e-16 ended more than 4e-15 off.
/// The largest last term |d_7 nu^7| of `middle_step` that needs no further step.
inline constexpr double middle_step_enough = 1e-16;

template <real T>
SPIRAL_HD constexpr T middle_step(T x, T s, const implied_target<T>& aim, T& lo, T& hi,
                                  T& tail) noexcept {
    using S = scalar_t<T>;
    const auto p = normalised_black(x, s);
    // The series' coefficients: none of this waits on the Mills ratios.
    const T h2 = p.h * p.h;
    const T t2 = p.t * p.t;
    const T q1 = h2 - t2;
    const T q2 = T(-3) * h2 - t2;
    const T q3 = T(12) * h2;
    const T q4 = T(-60) * h2;
    const T q5 = T(360) * h2;
    const T q6 = T(-2520) * h2;
    const T e1 = q1;
    const T e2 = q1 * e1 + q2;
    const T e3 = q1 * e2 + T(2) * q2 * e1 + q3;
    const T e4 = q1 * e3 + T(3) * q2 * e2 + T(3) * q3 * e1 + q4;
    const T e5 = q1 * e4 + T(4) * q2 * e3 + T(6) * q3 * e2 + T(4) * q4 * e1 + q5;
    const T e6 = q1 * e5 + T(5) * q2 * e4 + T(10) * q3 * e3 + T(10) * q4 * e2 + T(5) * q5 * e1 + q6;
    const T a2 = e1 * T(S(1.0 / 2));
    const T a3 = e2 * T(S(1.0 / 6));
    const T a4 = e3 * T(S(1.0 / 24));
    const T a5 = e4 * T(S(1.0 / 120));
    const T a6 = e5 * T(S(1.0 / 720));
    const T a7 = e6 * T(S(1.0 / 5040));
    const T a2_2 = a2 * a2;
    const T a2_3 = a2_2 * a2;
    const T a3_2 = a3 * a3;
    const T d2 = -a2;
    const T d3 = T(2) * a2_2 - a3;
    const T d4 = T(5) * a2 * a3 - a4 - T(5) * a2_3;
    const T d5 = T(6) * a2 * a4 + T(3) * a3_2 + T(14) * a2_2 * a2_2 - a5 - T(21) * a2_2 * a3;
    const T d6 = T(7) * a2 * a5 + T(7) * a3 * a4 + T(84) * a2_3 * a3 - a6 - T(28) * a2_2 * a4 -
                 T(28) * a2 * a3_2 - T(42) * a2_2 * a2_3;
    const T d7 = T(132) * a2_3 * a2_3 - T(330) * a2_2 * a2_2 * a3 + T(120) * a2_3 * a4 +
                 T(180) * a2_2 * a3_2 - T(36) * a2_2 * a5 - T(72) * a2 * a3 * a4 -
                 T(12) * a3_2 * a3 + T(8) * a2 * a6 + T(4) * a4 * a4 + T(8) * a3 * a5 - a7;

    // nu from the logarithms (ln b or ln(b_max - b) = q + ln(part) - ln sqrt(2 pi)).
    const T part = select(p.upper_form, p.upper, p.lower);
    const T log_part = p.exponent + log_low_latency(part) - T(S(log_sqrt_2pi));
    const T log_target = select(p.upper_form, aim.log_gap, aim.log_beta);
    const T log_ratio = log_target - log_part;
    const T relative_gap = expm1_small(log_ratio);
    const T nu = select(p.upper_form, -part, part) * relative_gap * p.inv_s;
    const T nu2 = nu * nu;
    const T nu4 = nu2 * nu2;
    const T u = nu * ((T(1) + nu * d2) + nu2 * (d3 + nu * d4) + nu4 * ((d5 + nu * d6) + nu2 * d7));
    const T last = d7 * nu4 * nu2 * nu;
    // Where |D| > 0.05 the series of e^D - 1 is not accurate: no claim then.
    tail =
        select(abs(log_ratio) <= T(S(0.05)), abs(last), T(spiral::detail::scalar_limits<S>::max));
    // nu < 0 means b(s) > beta: the root is below s.
    const mask_t<T> above = nu < T(0);
    hi = select(above, s, hi);
    lo = select(above, lo, s);
    return keep_in_bracket(s + s * u, lo, hi);
}

/// The total stddev s with b(x, s) = beta for x <= 0, 0 < beta < b_max = e^{x/2}, given as
/// beta = time_value / scale and b_max - beta = upper_gap / scale: the caller forms both
/// numerators without cancellation, and their logarithms stay exact where beta underflows.
template <real T>
SPIRAL_IV_FLATTEN SPIRAL_HD constexpr T implied_stddev_scaled(T x, T b_max, T time_value,
                                                              T upper_gap, T scale) noexcept {
    using S = scalar_t<T>;
    const T inv_scale = T(1) / scale;
    const T beta = time_value * inv_scale;
    const T gap = upper_gap * inv_scale;
    const T abs_x = -x;
    // The targets' logarithms: of beta and gap themselves (an absolute error of ln(scale) would
    // cost ~ulp(ln scale) relative), or where they are not normal numbers, of their parts.
    implied_target<T> aim;
    const T smallest = T(spiral::detail::scalar_limits<S>::min_normal);
    aim.log_beta = log(max(beta, smallest));
    aim.log_gap = log(max(gap, smallest));
    const mask_t<T> tiny_target = beta < smallest || gap < smallest;
    if (any_lane<T>(tiny_target)) {
        const T log_scale = log(scale);
        aim.log_beta = select(beta < smallest, log_positive(time_value) - log_scale, aim.log_beta);
        aim.log_gap = select(gap < smallest, log_positive(upper_gap) - log_scale, aim.log_gap);
    }
    aim.inv_log_beta = T(1) / aim.log_beta;

    // The inflection point s_c, where d1 = 0 and b' = b_max / sqrt(2 pi); its tangent meets
    // 0 at s_l = s_c - b_c/b'_c and b_max at s_u = s_c + (b_max - b_c)/b'_c.
    const T s_c = sqrt(T(2) * abs_x);
    // Y(0) - Y(-s_c): a Mills ratio, or where that cancels its Taylor series at 0.
    const T lower_c = branch<T>(
        use_series(x, s_c), [&] { return mills_ratio_drop_from_zero(s_c); },
        [&] { return T(S(sqrt_pi_over_2)) - lower_mills_ratio(-s_c); });
    const T vega_c = b_max * T(S(1 / sqrt_2pi));
    const T inv_vega_c = T(S(sqrt_2pi)) / b_max;
    const T b_c = vega_c * lower_c;
    const mask_t<T> below = beta <= b_c;

    // One more evaluation serves both sides: at s_l below b_c, at s_u above.
    const T s_side = select(below, max(s_c - lower_c, T(0)), s_c + (T(S(sqrt_2pi)) - lower_c));
    // s_l = 0 only at the money, where no lane takes the lower side: evaluate at s_u instead.
    const T s_eval = select(s_side > T(0), s_side, s_c + T(S(sqrt_2pi)));
    const auto at_side = normalised_black(x, s_eval);
    const T vega_side = spiral::exp(at_side.exponent) * T(S(1 / sqrt_2pi));
    const T inv_vega_side = T(1) / vega_side;
    const T b_side =
        select(at_side.upper_form, b_max - vega_side * at_side.upper, vega_side * at_side.lower);
    const mask_t<T> lower = below && beta < b_side;
    const mask_t<T> upper = !below && beta > b_side;
    const mask_t<T> outer = lower || upper;
    aim.lower = lower;

    // Outer lanes interpolate f_l or f_u, functions of z = -|x|/(sqrt(3) s_l) or -s_u/2:
    // Phi(z) = Y(z) e^{-z^2/2} / sqrt(2 pi), phi(z)/Phi(z) = 1/Y(z). None of it waits for
    // b_side, so batches compute it alongside.
    const T lower_scale = T(S(two_pi_over_3_sqrt_3)) * abs_x; // f_l = lower_scale Phi(z)^3
    T f_side = T(0), df_side = T(0);
    if (worth_computing<T>(outer)) {
        const T z = select(below, -abs_x * T(S(1 / sqrt_3)) * at_side.inv_s, T(-0.5) * s_eval);
        const T mills = lower_mills_ratio(z);
        const T density = spiral::exp(T(-0.5) * z * z) * T(S(1 / sqrt_2pi));
        const T cdf = mills * density;
        const T f_l = lower_scale * cdf * cdf * cdf;
        // df_l/ds = -3 f_l (phi/Phi) z / s; d Phi(-s/2)/ds = -phi/2; per unit of b: / b'.
        const T df_l = T(-3) * f_l / mills * z * at_side.inv_s;
        f_side = select(below, f_l, cdf);
        df_side = select(below, df_l, T(-0.5) * density) * inv_vega_side;
    }

    // Interpolation data by branch: [0, b_l] lower, [b_l, b_c], [b_c, b_u], [b_u, b_max] upper.
    const T x_left = select(below, select(lower, T(0), b_side), select(upper, b_side, b_c));
    const T x_right = select(below, select(lower, b_side, b_c), select(upper, b_max, b_side));
    const T y_left = select(below, select(lower, T(0), s_side), select(upper, f_side, s_c));
    const T y_right = select(below, select(lower, f_side, s_c), select(upper, T(0), s_side));
    const T d_left =
        select(below, select(lower, T(1), inv_vega_side), select(upper, df_side, inv_vega_c));
    const T d_right =
        select(below, select(lower, df_side, inv_vega_c), select(upper, T(-0.5), inv_vega_side));
    const T width = x_right - x_left;
    const T inv_width = T(1) / width;
    const T u_bar = select(upper, gap, x_right - beta) * inv_width;
    const T interpolated = rational_cubic((beta - x_left) * inv_width, u_bar, y_left, y_right,
                                          width * d_left, width * d_right);

    // Outer lanes invert their maps: s = |x| / (sqrt(3) (-Phi^{-1}((f/lower_scale)^{1/3})))
    // and s = -2 Phi^{-1}(f). Where f underflows (f ~ beta as beta -> 0, f ~ gap/2 as
    // beta -> b_max), the target's logarithm stands in for ln f. This waits on the
    // interpolation (a logarithm, a square root and a division in a row), so batches skip it
    // when no lane is outer.
    T guess = interpolated;
    if (any_lane<T>(outer)) {
        const T tiny = T(S(1e3) * spiral::detail::scalar_limits<S>::min_normal);
        // ln(f / lower_scale) or ln f; ln(lower_scale) does not wait on the interpolation.
        const T f = max(interpolated, tiny);
        T log_p = log_low_latency(f) - select(lower, log_low_latency(lower_scale), T(0));
        const mask_t<T> underflow = outer && !(interpolated > tiny);
        if (any_lane<T>(underflow)) {
            const T log_f = select(lower, aim.log_beta - log(lower_scale), aim.log_gap);
            log_p = select(underflow, log_f, log_p);
        }
        log_p = select(lower, log_p * T(S(1.0 / 3)), log_p);
        const auto z = rough_lower_quantile(log_p); // Phi^{-1} = p/q - r
        const T minus_z_q = z.r * z.q - z.p;        // -Phi^{-1} q
        const T outer_guess = select(lower, abs_x * T(S(1 / sqrt_3)) * z.q, T(2) * minus_z_q) /
                              select(lower, minus_z_q, z.q);
        guess = select(outer, outer_guess, interpolated);
    }

    // Each branch's bracket: (0, s_l], [s_l, s_c], [s_c, s_u], [s_u, 100]. (No root exceeds
    // ~77: b_max - beta is at least the least subnormal, and b_max - b ~ 2 Phi(-s/2).)
    T lo = select(below, select(lower, T(0), s_side), select(upper, s_side, s_c));
    T hi = select(below, select(lower, s_side, s_c), select(upper, T(100), s_side));
    // Clamped, not bisected: the root is inside, so clamping only brings the guess closer.
    const T s0 = keep_in_bracket(clamp(guess, lo, hi), lo, hi);
    // Two steps: the guess is within ~10% (1e-3 typically) and each step takes the error e
    // to about e^4, so the second lands below 1e-19 before rounding.
    // Without lanes below s_l (all of them in the middle branches or above s_u), one step of
    // order eight on the guess (within ~4e-3 there, 1e-3 typically) is enough wherever the last
    // term of its series says so; otherwise the two steps below, from s0 as without it.
    if (!any_lane<T>(lower)) {
        T tail;
        const T s1 = middle_step(x, s0, aim, lo, hi, tail);
        if (all_lanes<T>(tail <= T(S(middle_step_enough))))
            return s1;
    }
    const T s1 = householder_step(x, s0, aim, lo, hi);
    return householder_step(x, s1, aim, lo, hi);
}

} // namespace detail

namespace detail {

/// `implied_stddev` with the option type as a number: theta = +1 for a call, -1 for a put
/// (lanes of a batch may mix calls and puts).
template <real T>
SPIRAL_HD constexpr T implied_stddev_signed(T theta, T price, T forward, T strike,
                                            T discount) noexcept {
    const T intrinsic = discount * max(theta * (forward - strike), T(0));
    const T limit = discount * select(theta > T(0), forward, strike);
    const mask_t<T> valid = forward > T(0) && strike > T(0) && discount > T(0) &&
                            is_finite(price) && is_finite(forward) && is_finite(strike) &&
                            is_finite(discount) && price >= intrinsic && price < limit;
    const mask_t<T> has_time_value = valid && price > intrinsic;
    return branch<T>(
        has_time_value,
        [&] {
            // Out-of-the-money call in normalised terms: x = -|ln(F/K)|, b_max = e^{x/2} =
            // sqrt(min/max), b = time value / (discount sqrt(F K)); discount sqrt(F K) =
            // discount max(F, K) b_max. The distance to the limit comes straight from the inputs.
            const T larger = max(forward, strike);
            const T smaller = min(forward, strike);
            const T x = minus_abs_log_ratio(forward, strike);
            const T b_max = sqrt(smaller / larger); // = e^{x/2}, without waiting for x
            const T scale = discount * larger * b_max;
            return implied_stddev_scaled(x, b_max, price - intrinsic, limit - price, scale);
        },
        [&] { return select(valid, T(0), quiet_nan<T>()); });
}

} // namespace detail

/// The total standard deviation s = vol * sqrt(time) for which
/// `black(type, forward, strike, s, discount) == price`.
///
/// Element kernel: never throws, bounded work (no loop to convergence). Returns
///  - 0 where the price equals the discounted intrinsic value discount * max(theta (F - K), 0);
///  - NaN where no s exists: price below that intrinsic value, or at or above its limit as
///    s -> inf (discount * forward for calls, discount * strike for puts); forward, strike or
///    discount not > 0; any input NaN or infinite.
/// Accuracy: relative error of s within a few 1e-15 wherever rounding the price to T moves s
/// by less than that (see docs/implied_vol.md for the domain and the measurements); elsewhere
/// the s found reproduces the price to its rounding.
template <real T>
SPIRAL_HD constexpr T implied_stddev(option_type type, T price, T forward, T strike,
                                     T discount) noexcept {
    return detail::implied_stddev_signed(detail::sign_of<T>(type), price, forward, strike,
                                         discount);
}

} // namespace spiral
