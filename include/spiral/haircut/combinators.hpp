// Haircut combinators: sums, maxima, caps and floors of models, themselves models.
//
//   auto h = volatility{.confidence = 0.99} + liquidity{curve};   // sum<volatility, liquidity<C>>
//   auto g = cap(max(h, basel_scaled{basel::other_listed_equity}), 0.8);
//
// All are aggregates (sum{a, b} works too), constexpr when their parts are, clamp to [0, 1],
// and keep NaN: a NaN part gives a NaN result. Each operation is non-decreasing in each
// part, so a combination is non-decreasing in every input its parts are non-decreasing in.
// validate() validates the parts and the limit; prepare() prepares the parts.
/// \file
/// \ingroup haircut
/// \brief Haircut combinators: sums, maxima, caps and floors of models, themselves models.
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/kernel.hpp>

#include <concepts>

namespace spiral::haircut {

namespace detail {

template <class M>
void validate_part(const M& model) {
    if constexpr (requires { model.validate(); })
        model.validate();
}

/// 0, or NaN when x is NaN (x is a haircut, finite otherwise): added to a result, it lets a
/// NaN part through min/max, which return their second argument on NaN.
template <real T>
SPIRAL_HD constexpr T nan_of(T x) noexcept {
    return x - x;
}

} // namespace detail

/// H = clamp(first(c) + second(c), 0, 1): haircuts for independent reasons that add up
/// (a market-risk haircut and a liquidation discount, a currency-mismatch add-on).
template <class A, class B>
struct sum {
    A first;  ///< The first model.
    B second; ///< The second model.

    /// The combined haircut of `c`, a fraction in [0, 1].
    SPIRAL_HD_TEMPLATE
    template <real T>
    requires haircut_model<A, T> && haircut_model<B, T> SPIRAL_HD constexpr T
    operator()(const collateral<T>& c) const noexcept {
        return detail::unit_clamp(T(first(c)) + T(second(c)));
    }

    /// The same combination of the parts' prepared forms.
    constexpr auto prepare() const {
        using PA = decltype(haircut::prepare(first));
        using PB = decltype(haircut::prepare(second));
        return sum<PA, PB>{haircut::prepare(first), haircut::prepare(second)};
    }

    /// Each part's validate().
    void validate() const {
        detail::validate_part(first);
        detail::validate_part(second);
    }
};

/// H = max(first(c), second(c)): the stricter of two rules.
template <class A, class B>
struct max_of {
    A first;  ///< The first model.
    B second; ///< The second model.

    /// The combined haircut of `c`, a fraction in [0, 1].
    SPIRAL_HD_TEMPLATE
    template <real T>
    requires haircut_model<A, T> && haircut_model<B, T> SPIRAL_HD constexpr T
    operator()(const collateral<T>& c) const noexcept {
        const T a = T(first(c));
        const T b = T(second(c));
        return detail::unit_clamp(spiral::max(a, b) + detail::nan_of(a));
    }

    /// The same combination of the parts' prepared forms.
    constexpr auto prepare() const {
        using PA = decltype(haircut::prepare(first));
        using PB = decltype(haircut::prepare(second));
        return max_of<PA, PB>{haircut::prepare(first), haircut::prepare(second)};
    }

    /// Each part's validate().
    void validate() const {
        detail::validate_part(first);
        detail::validate_part(second);
    }
};

/// H = min(model(c), limit): at most `limit` (e.g. a protocol's maximum haircut).
template <class M>
struct capped {
    M model;      ///< The model capped.
    double limit; ///< The largest haircut, a fraction in [0, 1].

    /// The combined haircut of `c`, a fraction in [0, 1].
    SPIRAL_HD_TEMPLATE
    template <real T>
    requires haircut_model<M, T> SPIRAL_HD constexpr T
    operator()(const collateral<T>& c) const noexcept {
        return detail::unit_clamp(spiral::min(spiral::splat<T>(limit), T(model(c))));
    }

    /// The same combination of the parts' prepared forms.
    constexpr auto prepare() const {
        using P = decltype(haircut::prepare(model));
        return capped<P>{haircut::prepare(model), limit};
    }

    /// The model's validate(); limit in [0, 1].
    void validate() const {
        detail::validate_part(model);
        detail::require_in_unit_interval("haircut::capped", "limit", limit);
    }
};

/// H = max(model(c), limit): at least `limit` (e.g. a regulatory minimum haircut).
template <class M>
struct floored {
    M model;      ///< The model floored.
    double limit; ///< The smallest haircut, a fraction in [0, 1].

    /// The combined haircut of `c`, a fraction in [0, 1].
    SPIRAL_HD_TEMPLATE
    template <real T>
    requires haircut_model<M, T> SPIRAL_HD constexpr T
    operator()(const collateral<T>& c) const noexcept {
        return detail::unit_clamp(spiral::max(spiral::splat<T>(limit), T(model(c))));
    }

    /// The same combination of the parts' prepared forms.
    constexpr auto prepare() const {
        using P = decltype(haircut::prepare(model));
        return floored<P>{haircut::prepare(model), limit};
    }

    /// The model's validate(); limit in [0, 1].
    void validate() const {
        detail::validate_part(model);
        detail::require_in_unit_interval("haircut::floored", "limit", limit);
    }
};

/// Deduction guide: `sum{a, b}` of any two models.
template <class A, class B>
sum(A, B) -> sum<A, B>;
/// Deduction guide: `max_of{a, b}` of any two models.
template <class A, class B>
max_of(A, B) -> max_of<A, B>;
/// Deduction guide: `capped{model, limit}`.
template <class M>
capped(M, double) -> capped<M>;
/// Deduction guide: `floored{model, limit}`.
template <class M>
floored(M, double) -> floored<M>;

/// `a + b`: sum{a, b}.
SPIRAL_HD_TEMPLATE
template <class A, class B>
requires haircut_model<A, double> && haircut_model<B, double> SPIRAL_HD constexpr sum<A, B>
operator+(const A& a, const B& b) {
    return {a, b};
}

/// max(a, b): max_of{a, b}.
SPIRAL_HD_TEMPLATE
template <class A, class B>
requires haircut_model<A, double> && haircut_model<B, double> SPIRAL_HD constexpr max_of<A, B>
max(const A& a, const B& b) {
    return {a, b};
}

/// cap(model, limit): capped{model, limit}.
SPIRAL_HD_TEMPLATE
template <class M>
requires haircut_model<M, double> SPIRAL_HD constexpr capped<M> cap(const M& model, double limit) {
    return {model, limit};
}

/// floor(model, limit): floored{model, limit}.
SPIRAL_HD_TEMPLATE
template <class M>
requires haircut_model<M, double> SPIRAL_HD constexpr floored<M> floor(const M& model,
                                                                       double limit) {
    return {model, limit};
}

} // namespace spiral::haircut
