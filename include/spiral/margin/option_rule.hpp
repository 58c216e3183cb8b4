// The per-position margin rule of crypto option venues (Deribit's standard margin model):
// requirements of a short option as fractions of the underlying price, plus the option's mark.
//
// With S the underlying (index) price, K the strike, m = mark / S the option's mark price as a
// fraction of the underlying (how inverse options are quoted) and OTM the out-of-the-money
// amount (max(K - S, 0) for a call, max(S - K, 0) for a put):
//   short call  IM = max(im_base - OTM/S, im_floor) + m
//               MM = mm_base + m
//   short put   MM = max(mm_base, mm_base * m) + m
//               IM = max(max(im_base - OTM/S, im_floor) + m, MM)
// each times S (and the number of contracts) for an amount in the quote currency. Long options
// need no margin (their premium is paid up front). Source: Deribit's published standard margin
// formulas (Deribit knowledge base, "Margin requirements"; defaults im_base 0.15,
// im_floor 0.10, mm_base 0.075).
/// \file
/// \ingroup margin
/// \brief The per-position margin rule of crypto option venues (Deribit's standard margin model).
#pragma once

#include <spiral/core/config.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/margin/checks.hpp>
#include <spiral/options/black.hpp>

namespace spiral::margin {

/// Initial and maintenance requirement of one position, in the quote currency.
template <class T>
struct requirement {
    T initial;     ///< Initial margin, in quote units.
    T maintenance; ///< Maintenance margin, in quote units.
};

/// Parameters of the per-position rule (fractions of the underlying price).
struct option_rule {
    double im_base = 0.15;  ///< initial margin before the out-of-the-money credit
    double im_floor = 0.10; ///< initial margin never below this (plus the mark)
    double mm_base = 0.075; ///< maintenance margin (plus the mark)

    /// All in [0, 1] (fractions of the underlying price), im_floor <= im_base,
    /// mm_base <= im_floor.
    void validate() const {
        constexpr auto what = "margin::option_rule";
        detail::require_unit(what, "im_base", im_base);
        detail::require_unit(what, "im_floor", im_floor);
        detail::require_unit(what, "mm_base", mm_base);
        if (!(im_floor <= im_base))
            spiral::detail::throw_invalid(what, "im_floor", detail::no_row, im_floor,
                                          "must be <= im_base");
        if (!(mm_base <= im_floor))
            spiral::detail::throw_invalid(what, "mm_base", detail::no_row, mm_base,
                                          "must be <= im_floor");
    }
};

/// Venue presets.
namespace venues {
/// Deribit standard (non-portfolio) margin for BTC and ETH options.
inline constexpr option_rule deribit{.im_base = 0.15, .im_floor = 0.10, .mm_base = 0.075};
/// A tighter illustrative preset (this library's choice, not a venue's published figures), for
/// thinner underlyings: 0.20 / 0.15 / 0.10.
inline constexpr option_rule conservative{.im_base = 0.20, .im_floor = 0.15, .mm_base = 0.10};
} // namespace venues

/// Requirement of ONE short option with the type as a number: `is_call` 1 for a call, 0 for a
/// put (lanes of a batch may mix); see short_option_requirement.
SPIRAL_HD_TEMPLATE
template <real T>
SPIRAL_HD constexpr requirement<T> short_option_requirement_signed(const option_rule& rule,
                                                                   T is_call, T spot, T strike,
                                                                   T mark) noexcept {
    // The rates times the spot, formed without dividing by it: a subnormal spot made
    // mark / spot infinite and the requirement inf * 5e-324 = NaN.
    const mask_t<T> call = is_call > T(0.5);
    const T otm = spiral::max(T(0), select(call, strike - spot, spot - strike)); // S otm
    const T im_base = spiral::splat<T>(rule.im_base);
    const T im_floor = spiral::splat<T>(rule.im_floor);
    const T mm_base = spiral::splat<T>(rule.mm_base);
    const T im_call = spiral::max(im_floor * spot, im_base * spot - otm) + mark;
    const T mm_call = mm_base * spot + mark;
    const T mm_put = spiral::max(mm_base * spot, mm_base * mark) + mark;
    const T mm = select(call, mm_call, mm_put);
    const T im = select(call, im_call, spiral::max(mm_put, im_call));
    return {im, mm};
}

/// Requirement of ONE short option (per unit of underlying), in the quote currency:
/// `spot` S > 0, `strike` K > 0, `mark` the option's price in the quote currency.
/// NaN in, NaN out (element kernel: no checks).
SPIRAL_HD_TEMPLATE
template <real T>
SPIRAL_HD constexpr requirement<T> short_option_requirement(const option_rule& rule,
                                                            option_type type, T spot, T strike,
                                                            T mark) noexcept {
    const T is_call = T(type == option_type::call ? scalar_t<T>(1) : scalar_t<T>(0));
    return short_option_requirement_signed(rule, is_call, spot, strike, mark);
}

namespace detail {

/// |quantity| x `per_unit` for a short position (quantity < 0), exactly 0 for a long or flat
/// one, even where the per-unit requirement overflowed (0 x inf would be NaN).
SPIRAL_HD_TEMPLATE
template <real T>
SPIRAL_HD constexpr T short_part(T quantity, T per_unit) noexcept {
    return select(quantity < T(0), -quantity * per_unit, T(0));
}

} // namespace detail

/// Requirement of a position of `quantity` options (negative: short). Long positions need
/// nothing; short ones |quantity| times the per-unit requirement.
SPIRAL_HD_TEMPLATE
template <real T>
SPIRAL_HD constexpr requirement<T> position_requirement(const option_rule& rule, option_type type,
                                                        T quantity, T spot, T strike,
                                                        T mark) noexcept {
    const requirement<T> one = short_option_requirement(rule, type, spot, strike, mark);
    return {detail::short_part(quantity, one.initial),
            detail::short_part(quantity, one.maintenance)};
}

} // namespace spiral::margin
