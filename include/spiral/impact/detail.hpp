// Helpers shared by the impact curves: accurate expm1 and powers on every `real` type,
// broadcasting of double parameters, and the checks behind each curve's `validate()`.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>

#include <cmath>
#include <string>
#include <string_view>

namespace spiral::impact::detail {

using spiral::splat; // detail::splat<T>(v): the one broadcast of core/math.hpp

template <real T>
SPIRAL_HD constexpr T infinity() noexcept {
    return T(spiral::detail::scalar_limits<scalar_t<T>>::infinity);
}

template <real T>
SPIRAL_HD constexpr T quiet_nan() noexcept {
    return T(spiral::detail::scalar_limits<scalar_t<T>>::quiet_nan);
}

/// e^x - 1 without cancellation near 0. Scalars at run time use std::expm1; in constant
/// evaluation, with u = exp(x) rounded, (u - 1) x / log(u) is within a few ulps (W. Kahan's
/// trick, see Higham, *Accuracy and Stability of Numerical Algorithms*, 1.14.1).
template <real T>
SPIRAL_HD constexpr T expm1(T x) noexcept {
    if constexpr (std::floating_point<T>) {
        if (!__builtin_is_constant_evaluated())
            return std::expm1(x);
        const T u = spiral::exp(x);
        if (u == T(1))
            return x;
        if (u == T(0))
            return T(-1);
        const T um1 = u - T(1);
        if (um1 == -T(1))
            return T(-1);
        return um1 * x / spiral::log(u);
    } else if constexpr (spiral::detail::exp_by_reduction<T>) {
        return spiral::detail::expm1_batch(x);
    } else {
        // Other batches: the Taylor series x + x^2/2! + ... + x^16/16! where |x| < 1/2 (truncation
        // below 2e-20 relative), exp(x) - 1 elsewhere (cancellation there costs under 2 bits).
        // Cheaper than the log-based form above: one exp and a polynomial, no log or division.
        using spiral::detail::polynomial;
        const T series =
            x * polynomial(x, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040,
                           1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800,
                           1.0 / 479001600, 1.0 / 6227020800, 1.0 / 87178291200,
                           1.0 / 1307674368000, 1.0 / 20922789888000);
        return select(abs(x) < T(0.5), series, spiral::exp(x) - T(1));
    }
}

/// ln u for u >= 0, subnormal u included: batches lift those by 2^64 first (xsimd's log is
/// wrong there: power_law at q = 1e-300 gave another haircut on batches than on scalars).
template <real T>
SPIRAL_HD constexpr T log_any(T u) noexcept {
    if constexpr (std::floating_point<T>) {
        return spiral::log(u);
    } else {
        using S = scalar_t<T>;
        const auto subnormal = u < T(spiral::detail::scalar_limits<S>::min_normal);
        const T lifted = select(subnormal, u * T(S(18446744073709551616.0)), u); // 2^64
        return spiral::log(lifted) -
               select(subnormal, T(S(44.361419555836499802702855773323)), T(0)); // 64 ln 2
    }
}

/// u^p for u >= 0 and p > 0 (0^p = 0). Scalars at run time use std::pow; constant evaluation
/// and batches use exp(p log u).
template <real T>
SPIRAL_HD constexpr T pow(T u, double p) noexcept {
    if constexpr (std::floating_point<T>) {
        if (!__builtin_is_constant_evaluated())
            return std::pow(u, static_cast<T>(p));
    }
    return spiral::exp(splat<T>(p) * log_any(u));
}

// ------------------------------------------------------------------ validation

/// "spiral: impact::<curve>: <field> = <value> (<why>)"
template <class V>
[[noreturn]] inline void fail(std::string_view curve, std::string_view field, const V& value,
                              std::string_view why) {
    spiral::detail::throw_invalid(curve, field, spiral::detail::no_row, value, why);
}

/// Like `fail`, for a member of element `index` of an array: field "<array>[<index>].<member>".
template <class V>
[[noreturn]] inline void fail_at(std::string_view curve, std::string_view array, std::size_t index,
                                 std::string_view member, const V& value, std::string_view why) {
    std::string field(array);
    field += '[';
    field += std::to_string(index);
    field += "].";
    field += member;
    fail(curve, field, value, why);
}

inline constexpr bool is_finite(double v) noexcept {
    return v == v && v - v == 0.0;
}

// The wording comes from core/checks.hpp, shared by every family.

/// Requires v in `d` (constexpr: constant evaluation fails only where the check does).
constexpr void require_in(const spiral::detail::domain& d, std::string_view curve,
                          std::string_view field, double v) {
    if (!d.contains(v))
        spiral::detail::throw_outside(d, curve, field, v, spiral::detail::no_row);
}

/// Requires 0 < v < inf.
constexpr void require_positive(std::string_view curve, std::string_view field, double v) {
    require_in(spiral::detail::positive, curve, field, v);
}

/// Requires 0 <= v < inf.
constexpr void require_non_negative(std::string_view curve, std::string_view field, double v) {
    require_in(spiral::detail::non_negative, curve, field, v);
}

/// Requires 0 <= fee < 1.
constexpr void require_fee(std::string_view curve, std::string_view field, double v) {
    require_in(spiral::detail::in_right_open(0, 1), curve, field, v);
}

} // namespace spiral::impact::detail
