// Parameter and input checks shared by the margin models (spiral::margin::detail).
#pragma once

#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace spiral::margin::detail {

inline constexpr double infinity = spiral::detail::scalar_limits<double>::infinity;
inline constexpr std::size_t no_row = spiral::detail::no_row;

constexpr bool is_finite(double v) noexcept {
    return v > -infinity && v < infinity; // false for NaN
}

inline void require_finite(std::string_view what, std::string_view field, double v,
                           std::size_t row = no_row) {
    if (!is_finite(v))
        spiral::detail::throw_invalid(what, field, row, v, "must be finite");
}

inline void require_non_negative(std::string_view what, std::string_view field, double v,
                                 std::size_t row = no_row) {
    if (!(v >= 0.0 && v < infinity))
        spiral::detail::throw_invalid(what, field, row, v, "must be finite and >= 0");
}

inline void require_positive(std::string_view what, std::string_view field, double v,
                             std::size_t row = no_row) {
    if (!(v > 0.0 && v < infinity))
        spiral::detail::throw_invalid(what, field, row, v, "must be finite and > 0");
}

inline void require_open_unit(std::string_view what, std::string_view field, double v) {
    if (!(v > 0.0 && v < 1.0))
        spiral::detail::throw_invalid(what, field, no_row, v, "must be in (0, 1)");
}

inline void require_unit(std::string_view what, std::string_view field, double v,
                         std::size_t row = no_row) {
    if (!(v >= 0.0 && v <= 1.0))
        spiral::detail::throw_invalid(what, field, row, v, "must be in [0, 1]");
}

/// Throws when a column is empty ("must not be empty").
inline void require_rows(std::string_view what, std::string_view field, std::size_t n) {
    if (n == 0)
        spiral::detail::throw_invalid(what, field, no_row, n, "must not be empty");
}

/// Throws when `size` differs from `n`, naming the column and the expected length.
inline void require_size(std::string_view what, std::string_view field, std::size_t size,
                         std::size_t n, std::string_view reference) {
    if (size != n)
        spiral::detail::throw_invalid(what, std::string(field) + ".size()", no_row, size,
                                      "must equal " + std::string(reference) +
                                          ".size() = " + std::to_string(n));
}

} // namespace spiral::margin::detail
