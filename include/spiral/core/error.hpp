// The one exception type the library throws, at its boundaries only.
/// \file
/// \ingroup core
/// \brief The one exception type the library throws, at its boundaries only.
#pragma once

#include <charconv>
#include <cstddef>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace spiral {

/// Thrown by entry points that validate input (bulk kernels, engines, `validate()`).
/// The message names the field, the row (when there is one) and the offending value.
struct invalid_argument : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

namespace detail {

inline constexpr std::size_t no_row = static_cast<std::size_t>(-1);

/// "spiral: <what>: <field>[<row>] = <value> (<why>)"
template <class V>
[[noreturn]] void throw_invalid(std::string_view what, std::string_view field, std::size_t row,
                                const V& value, std::string_view why) {
    std::ostringstream out;
    out << "spiral: " << what << ": " << field;
    if (row != no_row)
        out << '[' << row << ']';
    out << " = ";
    if constexpr (std::is_floating_point_v<V>) { // shortest text that reads back exactly: -0.2
        char text[64];
        const auto end = std::to_chars(text, text + sizeof text, value).ptr;
        out << std::string_view(text, static_cast<std::size_t>(end - text));
    } else {
        out << value;
    }
    out << " (" << why << ')';
    throw invalid_argument(out.str());
}

} // namespace detail
} // namespace spiral
