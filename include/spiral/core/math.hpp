// Elementary functions and branch-free helpers that work on every `real` type.
//
// Scalars: `exp`, `log` and `sqrt` call the C library at run time and the library's own
// series when evaluated at compile time (switched with __builtin_is_constant_evaluated,
// which, unlike std::is_constant_evaluated, is also right in CUDA device code).
// Batches: the batch type's own functions, found by argument-dependent lookup (xsimd's for
// xsimd batches; see <spiral/core/detail/lane_ops.hpp>).
/// \file
/// \ingroup core
/// \brief Elementary functions and branch-free helpers that work on every `real` type.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/detail/lane_ops.hpp>
#include <spiral/core/real.hpp>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace spiral {

// ---------------------------------------------------------------- branch-free helpers

/// `m ? a : b`, lane by lane. The scalar form evaluates both arguments, as the batch form must.
template <real T>
SPIRAL_HD constexpr T select(mask_t<T> m, T a, T b) noexcept {
    if constexpr (std::floating_point<T>)
        return m ? a : b;
    else
        return detail::lane_ops::call_select(m, a, b);
}

/// Smaller of two values: `a < b ? a : b`, so `b` when either is NaN (as x86 minpd, which
/// batches use). Put the value that may be NaN second to let NaN through.
template <real T>
SPIRAL_HD constexpr T min(T a, T b) noexcept {
    if constexpr (std::floating_point<T>)
        return a < b ? a : b;
    else
        return detail::lane_ops::call_min(a, b);
}

/// Larger of two values: `a > b ? a : b`, so `b` when either is NaN (as x86 maxpd).
template <real T>
SPIRAL_HD constexpr T max(T a, T b) noexcept {
    if constexpr (std::floating_point<T>)
        return a > b ? a : b;
    else
        return detail::lane_ops::call_max(a, b);
}

/// `x` limited to [lo, hi]; requires lo <= hi. NaN stays NaN.
template <real T>
SPIRAL_HD constexpr T clamp(T x, T lo, T hi) noexcept {
    return spiral::min(hi, spiral::max(lo, x));
}

/// Absolute value (+0 for -0, NaN stays NaN).
template <real T>
SPIRAL_HD constexpr T abs(T x) noexcept {
    if constexpr (std::floating_point<T>)
        return x < T(0) ? -x : (x == T(0) ? T(0) : x);
    else
        return detail::lane_ops::call_abs(x);
}

namespace detail {

// ---------------------------------------------------------------- device-safe limits

/// Limits of float and double that CUDA device code may use (std::numeric_limits and
/// std::bit_cast are host functions for nvcc).
template <class S>
struct scalar_limits;
template <>
struct scalar_limits<double> {
    static constexpr double infinity = __builtin_huge_val();
    static constexpr double quiet_nan = __builtin_nan("");
    static constexpr double min_normal = 2.2250738585072014e-308;
    static constexpr double max = 1.7976931348623157e308;
};
template <>
struct scalar_limits<float> {
    static constexpr float infinity = __builtin_huge_valf();
    static constexpr float quiet_nan = __builtin_nanf("");
    static constexpr float min_normal = 1.17549435e-38f;
    static constexpr float max = 3.40282347e38f;
};

template <class To, class From>
SPIRAL_HD constexpr To bit_cast(const From& from) noexcept {
    return __builtin_bit_cast(To, from);
}

// ---------------------------------------------------------------- constexpr scalar kernels

inline constexpr double ln2_hi = 6.93147180369123816490e-01; // ln 2 with its low bits zero
inline constexpr double ln2_lo = 1.90821492927058770002e-10; // ln 2 - ln2_hi

/// x * 2^k for any int k, by exact multiplications with powers of two.
SPIRAL_HD constexpr double scale_by_power_of_two(double x, int k) noexcept {
    auto power = [](int e) { // 2^e for -1022 <= e <= 1023
        return bit_cast<double>(static_cast<std::uint64_t>(e + 1023) << 52);
    };
    while (k > 1023) {
        x *= power(1023);
        k -= 1023;
    }
    while (k < -1022) {
        x *= power(-1022);
        k += 1022;
    }
    return x * power(k);
}

/// exp by Cody–Waite reduction x = k ln2 + r, |r| <= ln2/2, and a degree-13 Taylor series
/// (truncation below 5e-18 relative); used only in constant evaluation.
SPIRAL_HD constexpr double constexpr_exp(double x) noexcept {
    if (x != x)
        return x;
    if (x > 709.782712893384)
        return spiral::detail::scalar_limits<double>::infinity;
    if (x < -745.2)
        return 0.0;
    const double kf = x * 1.4426950408889634074;
    const auto k = static_cast<int>(kf < 0 ? kf - 0.5 : kf + 0.5);
    const double r = (x - k * ln2_hi) - k * ln2_lo;
    double p = 1.0;
    for (int n = 13; n >= 1; --n)
        p = 1.0 + p * r / n;
    return scale_by_power_of_two(p, k);
}

/// log by x = m 2^e, m in [sqrt(1/2), sqrt(2)), and the series of 2 atanh((m-1)/(m+1)).
SPIRAL_HD constexpr double constexpr_log(double x) noexcept {
    if (x != x || x == spiral::detail::scalar_limits<double>::infinity)
        return x;
    if (x < 0)
        return spiral::detail::scalar_limits<double>::quiet_nan;
    if (x == 0)
        return -spiral::detail::scalar_limits<double>::infinity;
    int e = 0;
    if (x < spiral::detail::scalar_limits<double>::min_normal) { // subnormal: make it normal first
        x *= 18014398509481984.0;                                // 2^54
        e -= 54;
    }
    const auto bits = bit_cast<std::uint64_t>(x);
    e += static_cast<int>((bits >> 52) & 0x7ff) - 1023;
    double m = bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    if (m > 1.4142135623730950488) {
        m *= 0.5;
        ++e;
    }
    const double u = (m - 1.0) / (m + 1.0);
    const double u2 = u * u;
    double series = 0.0; // sum of u2^j / (2j + 1) for j = 0..13 (|u| < 0.172: tail < 1e-21)
    for (int j = 13; j >= 0; --j)
        series = 1.0 / (2 * j + 1) + u2 * series;
    return e * ln2_hi + (2.0 * u * series + e * ln2_lo);
}

/// sqrt by Newton's iteration from an exponent-halving first guess.
SPIRAL_HD constexpr double constexpr_sqrt(double x) noexcept {
    if (x != x || x == 0 || x == spiral::detail::scalar_limits<double>::infinity)
        return x;
    if (x < 0)
        return spiral::detail::scalar_limits<double>::quiet_nan;
    if (x < 1e-290) // tiny: scale by 2^108, exactly, so the residual below cannot underflow
        return constexpr_sqrt(x * 324518553658426726783156020576256.0) * 5.5511151231257827e-17;
    double y = bit_cast<double>((bit_cast<std::uint64_t>(x) >> 1) +
                                (static_cast<std::uint64_t>(1023) << 51));
    for (int i = 0; i < 8; ++i)
        y = 0.5 * (y + x / y);
    // Newton lands within an ulp; step to the neighbour that is closer if there is one.
    const double below = bit_cast<double>(bit_cast<std::uint64_t>(y) - 1);
    const double above = bit_cast<double>(bit_cast<std::uint64_t>(y) + 1);
    auto miss = [x](double c) { // |c^2 - x| with c^2 kept exact (Dekker), so ties resolve
        const double split = 134217729.0 * c;
        const double hi = split - (split - c);
        const double lo = c - hi;
        const double d = ((hi * hi - x) + 2.0 * hi * lo) + lo * lo;
        return d < 0 ? -d : d;
    };
    if (miss(below) < miss(y))
        return below;
    if (miss(above) < miss(y))
        return above;
    return y;
}

/// The rounding error of a product: a * b == (a * b rounded) + two_product_error(a, b) exactly.
/// Uses a fused multiply-add where the hardware has one, Dekker's splitting otherwise.
template <real T>
SPIRAL_HD constexpr T two_product_error(T a, T b) noexcept {
    const T p = a * b;
    if constexpr (!std::floating_point<T>) {
        if constexpr (batch_traits<T>::has_fma)
            return batch_traits<T>::fma(a, b, -p);
    }
#if defined(FP_FAST_FMA) && !defined(__CUDACC__)
    if constexpr (std::is_same_v<T, double>)
        if (!__builtin_is_constant_evaluated())
            return std::fma(a, b, -p);
#elif defined(__CUDA_ARCH__)
    if constexpr (std::floating_point<T>)
        return ::fma(a, b, -p);
#endif
    // Dekker: split each factor into 26-bit halves whose products are exact.
    constexpr auto split_factor = std::floating_point<scalar_t<T>> && sizeof(scalar_t<T>) == 4
                                      ? scalar_t<T>(4097.0)       // 2^12 + 1 for float
                                      : scalar_t<T>(134217729.0); // 2^27 + 1 for double
    const T ca = T(split_factor) * a;
    const T a_hi = ca - (ca - a);
    const T a_lo = a - a_hi;
    const T cb = T(split_factor) * b;
    const T b_hi = cb - (cb - b);
    const T b_lo = b - b_hi;
    return ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo;
}

/// c[0] + x (c[1] + x (c[2] + ...)) by Horner's rule; coefficients given lowest first.
template <real T, class... C>
SPIRAL_HD constexpr T polynomial(T x, double c0, C... rest) noexcept {
    if constexpr (sizeof...(rest) == 0)
        return T(static_cast<scalar_t<T>>(c0));
    else
        return T(static_cast<scalar_t<T>>(c0)) + x * polynomial(x, rest...);
}

/// c[0] + c[1] x + ... + c[N-1] x^{N-1} (N <= 16) by Estrin's scheme: neighbours paired with
/// x, the pairs with x^2, then x^4 and x^8. Horner's value with a dependency chain of four
/// steps instead of N.
template <real T, std::size_t N>
SPIRAL_HD constexpr T estrin(T x, const double (&c)[N]) noexcept {
    static_assert(N >= 1 && N <= 16);
    using S = scalar_t<T>;
    auto k = [&](std::size_t i) { return T(static_cast<S>(c[i < N ? i : 0])); };
    auto pair = [&](std::size_t i) { return i + 1 < N ? k(i) + k(i + 1) * x : k(i); };
    const T x2 = x * x;
    auto quad = [&](std::size_t i) { return i + 2 < N ? pair(i) + x2 * pair(i + 2) : pair(i); };
    const T x4 = x2 * x2;
    auto oct = [&](std::size_t i) { return i + 4 < N ? quad(i) + x4 * quad(i + 4) : quad(i); };
    if constexpr (N <= 2)
        return pair(0);
    else if constexpr (N <= 4)
        return quad(0);
    else if constexpr (N <= 8)
        return oct(0);
    else
        return oct(0) + (x4 * x4) * oct(8);
}

/// c[0] + c[1] x + ... + c[N-1] x^{N-1} by Horner's rule: the fewest operations, and for
/// positive coefficients and x >= 0 the most accurate order; a chain of N - 1 steps.
template <real T, std::size_t N>
SPIRAL_HD constexpr T horner(T x, const double (&c)[N]) noexcept {
    using S = scalar_t<T>;
    T sum = T(static_cast<S>(c[N - 1]));
    for (std::size_t i = N - 1; i > 0; --i)
        sum = T(static_cast<S>(c[i - 1])) + x * sum;
    return sum;
}

/// The same polynomial as two Horner chains in x^2, even and odd coefficients, joined at the
/// end: about half the dependency chain of `horner` for two more operations. For positive
/// coefficients and x >= 0 every partial sum stays positive, so it is as accurate.
template <real T, std::size_t N>
SPIRAL_HD constexpr T horner_even_odd(T x, const double (&c)[N]) noexcept {
    static_assert(N >= 2);
    using S = scalar_t<T>;
    const T x2 = x * x;
    constexpr std::size_t last_even = (N - 1) / 2 * 2;
    constexpr std::size_t last_odd = (N - 2) / 2 * 2 + 1;
    T even = T(static_cast<S>(c[last_even]));
    for (std::size_t i = last_even; i >= 2; i -= 2)
        even = T(static_cast<S>(c[i - 2])) + x2 * even;
    T odd = T(static_cast<S>(c[last_odd]));
    for (std::size_t i = last_odd; i >= 3; i -= 2)
        odd = T(static_cast<S>(c[i - 2])) + x2 * odd;
    return even + x * odd;
}

} // namespace detail

// ---------------------------------------------------------------- elementary functions

/// e^x. Constant-evaluable for scalars. Batches clamp the argument to [-750, 710] first (the
/// results there are already 0 and inf) and keep NaN lanes out of xsimd's exp, which converts
/// its argument to a 64-bit integer in C++ (undefined behaviour for NaN and beyond about 1e19).
template <real T>
SPIRAL_HD constexpr T exp(T x) noexcept {
    if constexpr (std::floating_point<T>) {
        if (__builtin_is_constant_evaluated())
            return static_cast<T>(detail::constexpr_exp(static_cast<double>(x)));
        return std::exp(x);
    } else {
        // max returns its second argument where x is NaN: those lanes compute e^-750 and are
        // given x back
        const T safe = min(max(x, T(-750.0)), T(710.0));
        return select(x == x, detail::lane_ops::call_exp(safe), x);
    }
}

namespace detail {

/// e^x for arguments the caller knows to be finite and below 1e18 in size (kernels that
/// validated their inputs): the batch library's exp without spiral::exp's guard.
template <real T>
SPIRAL_HD constexpr T exp_finite(T x) noexcept {
    if constexpr (std::floating_point<T>)
        return spiral::exp(x);
    else
        return lane_ops::call_exp(x);
}

/// Batches of double whose traits can build 2^k from integer-valued lanes
/// (`batch_traits<T>::power_of_two`): their expm1 is spiral's own, below.
template <class T>
concept exp_by_reduction =
    !std::floating_point<T> && std::same_as<scalar_t<T>, double> && requires(const T& k) {
    batch_traits<T>::power_of_two(k);
};

/// x = k ln 2 + r: the parts of the Cody–Waite reduction.
template <real T>
struct exp_reduction {
    T k; ///< integer-valued
    T r; ///< in [-ln2/2, ln2/2], up to rounding
};

/// k and r for |x| < 2^50, ln 2 in two parts so that k ln2_hi is exact. Adding and removing
/// 1.5 * 2^52 rounds x / ln 2 to the nearest integer with two additions, on any batch type.
template <real T>
SPIRAL_HD constexpr exp_reduction<T> reduce_for_exp(T x) noexcept {
    const T shifter = T(6755399441055744.0); // 1.5 * 2^52
    const T k = (x * T(1.4426950408889634074) + shifter) - shifter;
    return {k, (x - k * T(ln2_hi)) - k * T(ln2_lo)};
}

/// e^r - 1 for |r| <= ln2/2 by its Taylor series to r^13 (truncation below 5e-18 relative),
/// with no division: r + r^2 (1/2 + r/6 + ...), so the polynomial's roundings land in a term
/// at most a sixth the size of the result.
template <real T>
SPIRAL_HD constexpr T expm1_reduced(T r) noexcept {
    constexpr double c[] = {1.0 / 2,       1.0 / 6,        1.0 / 24,        1.0 / 120,
                            1.0 / 720,     1.0 / 5040,     1.0 / 40320,     1.0 / 362880,
                            1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800};
    return r + (r * r) * estrin(r, c);
}

/// e^x - 1 on batches with `power_of_two`, accurate near 0 (the reduced polynomial is e^r - 1
/// itself; 2^k (e^r - 1) + (2^k - 1) adds exact terms for |k| <= 53). NaN lanes stay NaN.
template <exp_by_reduction T>
constexpr T expm1_batch(T x) noexcept {
    // below -40, e^x is under half an ulp of 1; for k > 1000 the - 1 is lost in e^x, and
    // 2^k is built as 2^(k-1) * 2 (e^709.78 needs 2^1024)
    const T safe = min(max(x, T(-40.0)), T(710.0));
    const auto [k, r] = reduce_for_exp(safe);
    const auto high = k > T(1000.0);
    const T two_k = batch_traits<T>::power_of_two(select(high, k - T(1.0), k));
    const T p = expm1_reduced(r);
    const T result = select(high, (two_k * p + two_k) * T(2.0), two_k * p + (two_k - T(1.0)));
    return select(x == x, result, x);
}

} // namespace detail

/// Natural logarithm; NaN for x < 0, -inf at 0.
template <real T>
SPIRAL_HD constexpr T log(T x) noexcept {
    if constexpr (std::floating_point<T>) {
        if (__builtin_is_constant_evaluated())
            return static_cast<T>(detail::constexpr_log(static_cast<double>(x)));
        return std::log(x);
    } else {
        return detail::lane_ops::call_log(x);
    }
}

/// Square root; NaN for x < 0.
template <real T>
SPIRAL_HD constexpr T sqrt(T x) noexcept {
    if constexpr (std::floating_point<T>) {
        if (__builtin_is_constant_evaluated())
            return static_cast<T>(detail::constexpr_sqrt(static_cast<double>(x)));
        return std::sqrt(x);
    } else {
        return detail::lane_ops::call_sqrt(x);
    }
}

/// `value` in every lane of a `T` (converted to float first for float lanes): the one way
/// the library broadcasts a double parameter.
template <real T>
SPIRAL_HD constexpr T splat(double value) noexcept {
    return T(static_cast<scalar_t<T>>(value));
}

namespace detail {

template <real T>
SPIRAL_HD constexpr T quiet_nan() noexcept {
    return T(scalar_limits<scalar_t<T>>::quiet_nan);
}

/// 0 where `valid`, NaN elsewhere: added to an input, it makes every output NaN.
template <real T>
SPIRAL_HD constexpr T nan_unless(mask_t<T> valid) noexcept {
    return select(valid, T(0), quiet_nan<T>());
}

/// Lanes that are neither infinite nor NaN.
template <real T>
SPIRAL_HD constexpr mask_t<T> is_finite(T x) noexcept {
    return abs(x) < T(scalar_limits<scalar_t<T>>::infinity);
}

// ---------------------------------------------------------------- lazy lane-wise branches

/// True when some lane of `m` is set. Batches use their own `any` (found by argument-dependent
/// lookup, as xsimd's); a batch type without one counts as "maybe", which is always safe.
template <real T>
SPIRAL_HD constexpr bool any_lane(const mask_t<T>& m) noexcept {
    if constexpr (std::floating_point<T>)
        return m;
    else if constexpr (requires(const mask_t<T>& k) { static_cast<bool>(lane_ops::call_any(k)); })
        return static_cast<bool>(lane_ops::call_any(m));
    else
        return true;
}

/// True when every lane of `m` is set (false when that cannot be told).
template <real T>
SPIRAL_HD constexpr bool all_lanes(const mask_t<T>& m) noexcept {
    if constexpr (std::floating_point<T>)
        return m;
    else if constexpr (requires(const mask_t<T>& k) { static_cast<bool>(lane_ops::call_all(k)); })
        return static_cast<bool>(lane_ops::call_all(m));
    else
        return false;
}

/// `select(m, if_set(), if_clear())`, calling a branch only when some lane takes it: scalars
/// run one branch, batches whose lanes agree skip the other. Each branch is straight-line
/// code, so the work stays bounded either way.
template <real T, class IfSet, class IfClear>
SPIRAL_HD constexpr T branch(const mask_t<T>& m, IfSet&& if_set, IfClear&& if_clear) noexcept {
    if constexpr (std::floating_point<T>) {
        return m ? if_set() : if_clear();
    } else {
        if (all_lanes<T>(m))
            return if_set();
        if (!any_lane<T>(m))
            return if_clear();
        return select(m, if_set(), if_clear());
    }
}

} // namespace detail
} // namespace spiral
