// The input checks every boundary of the library uses, with one wording per rule.
//
//   spiral::detail::require(spiral::detail::positive, "haircut::volatility", "days_per_year", v);
//   spiral::detail::require(spiral::detail::in_closed(-1, 1), what, "correlation", v, row);
//   spiral::detail::require_size(what, "debt", debt.size(), n, "collateral");
//
// A `domain` is a set of finite values between two bounds, each open or closed; its check and
// its message come from the same data, so the wording cannot drift from the rule:
//   finite                 "must be finite"
//   positive               "must be finite and > 0"
//   non_negative           "must be finite and >= 0"
//   at_least(1)            "must be finite and >= 1"
//   in_closed(0, 1)        "must be in [0, 1]"        (and in_open, in_left_open, in_right_open)
//   zero_or(in_closed(1e-8, 100))  "must be 0 or in [1e-08, 100]"
// Every message reads "spiral: <what>: <field>[<row>] = <value> (<why>)" (see core/error.hpp):
// `what` is the caller's public name ("margin::grid_margin"), `field` the name the caller
// passed ("options.vol"); no message is rewritten after it is thrown.
#pragma once

#include <spiral/core/error.hpp>

#include <charconv>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace spiral::detail {

/// Finite values x with lo < x < hi (or <= where the bound is closed), and 0 as well where
/// `zero_too` (a limit a kernel computes exactly, below a range it can serve). Infinite bounds
/// are open.
struct domain {
    double lo, hi;
    bool lo_closed, hi_closed;
    bool zero_too = false;

    /// True for finite v inside the bounds (or 0 where allowed); false for NaN and infinities.
    constexpr bool contains(double v) const noexcept {
        constexpr double inf = __builtin_huge_val();
        const bool above = lo_closed ? v >= lo : v > lo;
        const bool below = hi_closed ? v <= hi : v < hi;
        return (above && below && v > -inf && v < inf) || (zero_too && v == 0);
    }
    friend constexpr bool operator==(const domain&, const domain&) = default;
};

inline constexpr domain finite{-__builtin_huge_val(), __builtin_huge_val(), false, false};
inline constexpr domain positive{0.0, __builtin_huge_val(), false, false};
inline constexpr domain non_negative{0.0, __builtin_huge_val(), true, false};

/// A return (risk estimators, volatility filters, margin floors): finite and at most 1e100 in
/// size. Log returns of any two positive doubles stay below 1456 in size, so a larger value
/// is a data error; the bound keeps the sums of squares and cross products of long histories
/// finite.
inline constexpr domain return_domain{-1e100, 1e100, true, true};

/// [lo, inf), (lo, inf), [lo, hi], (lo, hi), (lo, hi], [lo, hi).
constexpr domain at_least(double lo) noexcept {
    return {lo, __builtin_huge_val(), true, false};
}
constexpr domain above(double lo) noexcept {
    return {lo, __builtin_huge_val(), false, false};
}
constexpr domain in_closed(double lo, double hi) noexcept {
    return {lo, hi, true, true};
}
constexpr domain in_open(double lo, double hi) noexcept {
    return {lo, hi, false, false};
}
constexpr domain in_left_open(double lo, double hi) noexcept {
    return {lo, hi, false, true};
}
constexpr domain in_right_open(double lo, double hi) noexcept {
    return {lo, hi, true, false};
}
/// `d`, and 0 as well.
constexpr domain zero_or(domain d) noexcept {
    d.zero_too = true;
    return d;
}

/// The bound as text: shortest round-trip form ("0.5", "1e-08").
inline std::string bound_text(double v) {
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, v).ptr;
    return {text, static_cast<std::size_t>(end - text)};
}

/// What a value outside `d` is told: "must be finite", "must be finite and > 0",
/// "must be in (0, 1]", ...
inline std::string describe(const domain& d) {
    constexpr double inf = __builtin_huge_val();
    const bool bounded_below = d.lo > -inf;
    const bool bounded_above = d.hi < inf;
    const std::string must = d.zero_too ? "must be 0 or " : "must be ";
    if (!bounded_below && !bounded_above)
        return must + "finite";
    if (bounded_below && bounded_above)
        return must + "in " + (d.lo_closed ? "[" : "(") + bound_text(d.lo) + ", " +
               bound_text(d.hi) + (d.hi_closed ? "]" : ")");
    if (bounded_below)
        return must + "finite and " + (d.lo_closed ? ">= " : "> ") + bound_text(d.lo);
    return must + "finite and " + (d.hi_closed ? "<= " : "< ") + bound_text(d.hi);
}

/// Throws for `field[row] = v` outside `d` (kept apart so callers inline only the comparison).
[[noreturn]] inline void throw_outside(const domain& d, std::string_view what,
                                       std::string_view field, double v, std::size_t row) {
    throw_invalid(what, field, row, v, describe(d));
}

/// Throws spiral::invalid_argument "spiral: <what>: <field>[<row>] = <v> (<rule>)" unless
/// `v` is in `d`. Without a row, the field is a single parameter.
inline void require(const domain& d, std::string_view what, std::string_view field, double v,
                    std::size_t row = no_row) {
    if (!d.contains(v)) [[unlikely]]
        throw_outside(d, what, field, v, row);
}

/// A column's smallest and largest values and its sum: the quick test of a whole column before
/// its row-by-row checks, which then run only to name a bad row. The extremes skip NaN
/// (`v < m ? v : m` keeps m); the sum does not, and an infinity shows in it too.
struct column_summary {
    double lowest, highest, sum;
};

/// Summarises `column` in eight independent lanes, a loop the compiler vectorises for this
/// translation unit's CPU. `Target` (the caller's bulk_target) puts that CPU in the symbol, so
/// units built for different CPUs never share the vector code (see core/target.hpp).
template <class Target>
column_summary summarise_column(std::span<const double> column, Target) noexcept {
    constexpr std::size_t lanes = 8;
    constexpr double inf = __builtin_huge_val();
    double lowest[lanes], highest[lanes], sum[lanes];
    for (std::size_t k = 0; k < lanes; ++k) {
        lowest[k] = inf;
        highest[k] = -inf;
        sum[k] = 0;
    }
    const std::size_t n = column.size();
    const double* v = column.data();
    std::size_t i = 0;
    for (; i + lanes <= n; i += lanes)
        for (std::size_t k = 0; k < lanes; ++k) {
            lowest[k] = v[i + k] < lowest[k] ? v[i + k] : lowest[k];
            highest[k] = v[i + k] > highest[k] ? v[i + k] : highest[k];
            sum[k] += v[i + k];
        }
    for (; i < n; ++i) {
        lowest[0] = v[i] < lowest[0] ? v[i] : lowest[0];
        highest[0] = v[i] > highest[0] ? v[i] : highest[0];
        sum[0] += v[i];
    }
    column_summary out{inf, -inf, 0};
    for (std::size_t k = 0; k < lanes; ++k) {
        out.lowest = lowest[k] < out.lowest ? lowest[k] : out.lowest;
        out.highest = highest[k] > out.highest ? highest[k] : out.highest;
        out.sum += sum[k];
    }
    return out;
}

/// True when every value of a summarised column lies in `d`: both extremes inside and no NaN.
/// An interval holds everything between its extremes; a domain that also takes 0 need not,
/// so for those this is false and the caller checks row by row.
constexpr bool column_within(const domain& d, const column_summary& s) noexcept {
    return !d.zero_too && s.sum == s.sum &&
           (s.lowest > s.highest || (d.contains(s.lowest) && d.contains(s.highest)));
}

/// Requires a count (iterations, bins, steps) within [lo, hi]: "must be in [1, 100000]".
inline void require_count(std::string_view what, std::string_view field, std::size_t n,
                          std::size_t lo, std::size_t hi) {
    if (n < lo || n > hi) [[unlikely]]
        throw_invalid(what, field, no_row, n,
                      "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

/// Requires `<field>.size() == n`: "<field>.size() = 3 (must equal <reference>.size() = 4)".
inline void require_size(std::string_view what, std::string_view field, std::size_t size,
                         std::size_t n, std::string_view reference) {
    if (size != n) [[unlikely]]
        throw_invalid(what, std::string(field) + ".size()", no_row, size,
                      "must equal " + std::string(reference) + ".size() = " + std::to_string(n));
}

/// Requires an optional column to be empty or as long as the others:
/// "<field>.size() = 3 (must be 0 or 4)".
inline void require_size_or_empty(std::string_view what, std::string_view field, std::size_t size,
                                  std::size_t n) {
    if (size != 0 && size != n) [[unlikely]]
        throw_invalid(what, std::string(field) + ".size()", no_row, size,
                      "must be 0 or " + std::to_string(n));
}

/// Requires at least one row: "<field>.size() = 0 (must not be empty)".
inline void require_not_empty(std::string_view what, std::string_view field, std::size_t size) {
    if (size == 0) [[unlikely]]
        throw_invalid(what, std::string(field) + ".size()", no_row, size, "must not be empty");
}

/// Requires an enumerator among the `count` declared ones (0 .. count - 1), for values that
/// may come from a file or a cast: "kind = 9 (must be one of 0 .. 2)".
template <class E>
void require_enum(std::string_view what, std::string_view field, E value, unsigned count) {
    const auto raw = static_cast<long long>(value);
    if (raw < 0 || raw >= static_cast<long long>(count)) [[unlikely]]
        throw_invalid(what, field, no_row, raw, "must be one of 0 .. " + std::to_string(count - 1));
}

} // namespace spiral::detail
