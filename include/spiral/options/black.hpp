// Black-76: the option price on a forward, the core every Black–Scholes form reduces to.
/// \file
/// \ingroup options
/// \brief Black-76: the option price on a forward, the core every Black–Scholes form reduces to.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>

namespace spiral {

/// A European call or put.
enum class option_type { call, put };

namespace detail {

/// +1 for a call, -1 for a put: with it, call and put formulas are one formula.
template <real T>
SPIRAL_HD constexpr T sign_of(option_type type) noexcept {
    return T(type == option_type::call ? scalar_t<T>(1) : scalar_t<T>(-1));
}

/// What the Black formula needs of d1 = ln(F/K)/s + s/2 and d2 = d1 - s, given the
/// discounted forward F (or S e^{-qT}), the discounted strike K and the total stddev s.
template <real T>
struct black_d_terms {
    T d1, d2;
    T pdf1;       // n(d1)
    T cdf1, cdf2; // Phi(theta d1), Phi(theta d2)
    T log_moneyness;
    mask_t<T> degenerate; // s == 0: the price is the discounted intrinsic value
};

/// One exponential serves n(d1), Phi(d1) and Phi(d2): exp(-d2^2/2) = exp(-d1^2/2) F/K.
/// It is taken at whichever of d1, d2 is smaller in size and carried to the other by
/// min(F,K)/max(F,K) <= 1, so nothing overflows and the larger factor stays accurate.
/// At s = 0, d1 = d2 = +-inf away from the money and 0 at the money.
template <real T>
SPIRAL_HD constexpr black_d_terms<T> black_terms(T theta, T forward, T strike, T s) noexcept {
    black_d_terms<T> t;
    t.log_moneyness = log(forward / strike);
    const T x = t.log_moneyness;
    t.degenerate = s == T(0);
    const T inf = T(spiral::detail::scalar_limits<scalar_t<T>>::infinity);
    const T limit = select(x > T(0), inf, select(x < T(0), -inf, T(0)));
    const T s_safe = select(t.degenerate, T(1), s);
    t.d1 = select(t.degenerate, limit, x / s_safe + T(0.5) * s);
    t.d2 = select(t.degenerate, limit, t.d1 - s);
    const mask_t<T> in_the_forward = x > T(0); // then |d2| < |d1|
    const T ratio = min(forward, strike) / max(forward, strike);
    const T e_small = exp_neg_half_square(select(in_the_forward, t.d2, t.d1));
    const T e1 = select(in_the_forward, e_small * ratio, e_small);
    const T e2 = select(in_the_forward, e_small, e_small * ratio);
    t.pdf1 = T(inv_sqrt_2pi) * e1;
    t.cdf1 = norm_cdf_given_exp(theta * t.d1, e1);
    t.cdf2 = norm_cdf_given_exp(theta * t.d2, e2);
    return t;
}

} // namespace detail

/// Black-76 price: discount * theta * (F Phi(theta d1) - K Phi(theta d2)),
/// d1 = ln(F/K)/stddev + stddev/2, theta = +1 for calls and -1 for puts;
/// stddev = vol * sqrt(time). stddev = 0 gives discount * max(theta (F - K), 0).
/// NaN unless forward > 0, strike > 0, stddev >= 0, discount >= 0, all finite.
template <real T>
SPIRAL_HD constexpr T black(option_type type, T forward, T strike, T stddev, T discount) noexcept {
    using detail::is_finite;
    const mask_t<T> valid = forward > T(0) && strike > T(0) && stddev >= T(0) && discount >= T(0) &&
                            is_finite(forward) && is_finite(strike) && is_finite(stddev) &&
                            is_finite(discount);
    const T theta = detail::sign_of<T>(type);
    const auto t =
        detail::black_terms(theta, forward + detail::nan_unless<T>(valid), strike, stddev);
    return discount * theta * (forward * t.cdf1 - strike * t.cdf2);
}

} // namespace spiral
