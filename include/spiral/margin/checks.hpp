// Parameter and input checks shared by the margin models (spiral::margin::detail).
#pragma once

#include <spiral/core/checks.hpp>
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

// The wording comes from core/checks.hpp, shared by every family.

inline void require_finite(std::string_view what, std::string_view field, double v,
                           std::size_t row = no_row) {
    spiral::detail::require(spiral::detail::finite, what, field, v, row);
}

inline void require_non_negative(std::string_view what, std::string_view field, double v,
                                 std::size_t row = no_row) {
    spiral::detail::require(spiral::detail::non_negative, what, field, v, row);
}

inline void require_positive(std::string_view what, std::string_view field, double v,
                             std::size_t row = no_row) {
    spiral::detail::require(spiral::detail::positive, what, field, v, row);
}

inline void require_open_unit(std::string_view what, std::string_view field, double v) {
    spiral::detail::require(spiral::detail::in_open(0, 1), what, field, v);
}

inline void require_unit(std::string_view what, std::string_view field, double v,
                         std::size_t row = no_row) {
    spiral::detail::require(spiral::detail::in_closed(0, 1), what, field, v, row);
}

/// A return: finite and at most 1e100 in size (spiral::detail::return_domain).
inline void require_return(std::string_view what, std::string_view field, double v,
                           std::size_t row = no_row) {
    spiral::detail::require(spiral::detail::return_domain, what, field, v, row);
}

/// A day count that turns `horizon_days` into a finite number of years: days_per_year finite
/// and > 0 with horizon_days / days_per_year finite (1e-310 days per year is not a calendar).
inline void require_day_count(std::string_view what, double horizon_days, double days_per_year) {
    require_positive(what, "days_per_year", days_per_year);
    const double years = horizon_days / days_per_year;
    if (!is_finite(years))
        spiral::detail::throw_invalid(what, "days_per_year", no_row, days_per_year,
                                      "must make horizon_days / days_per_year finite, not " +
                                          spiral::detail::bound_text(years));
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
