// The one column loop of the library: every bulk entry point (options, haircut, margin,
// cascade) walks its columns with `bulk::for_each_step`, so they share one way of stepping,
// one tail, one set of checks and one wording of errors.
//
// A family describes its columns once, as a `column set`:
//
//   struct my_columns {
//       using scalar = double;                                   // or float
//       static constexpr std::array<bulk::column_spec, 2> inputs{{
//           {.name = "spot", .domain = detail::positive, .padding = 1.0},
//           {.name = "vol", .domain = detail::non_negative, .padding = 0.2}}};
//       static constexpr std::array<bulk::output_spec, 1> outputs{{{.name = "price"}}};
//   };
//
// and supplies a kernel: an object whose `operator()` takes one T per input column, in the
// set's order, and returns `std::array<T, outputs>` or an aggregate with one T per output
// column (in order), for T = `bulk::step_t<Target, scalar>` (a
// group of batches, or a scalar under a scalar target); a kernel may keep sums in members of
// type T. The entry point then is
//
//   const std::size_t n = bulk::rows<my_columns>(what, in, out);   // sizes, before any write
//   bulk::for_each_step<Target, my_columns, true>(what, kernel, n, in, out);
//
// The contract every entry point inherits (docs/numerics.md):
//   - the row count is the length of the first input column; every other input must be as
//     long (an optional one may be empty: every row then reads its padding), every output as
//     long or empty (not wanted; a required output must be there). Sizes are checked before
//     anything is written.
//   - values are checked in registers as each step is loaded, against the column's domain;
//     the first bad row (in row order, and in it the first bad column in the set's order) is
//     named: "spiral: <what>: <column>[<row>] = <value> (<rule>)". That row and every row after
//     it are not written; rows before it may already hold their results.
//   - the last, partial step reads padded lanes (each column's `padding`, a harmless value
//     inside its domain) and runs the same code as every other step, so a row's result does
//     not depend on where it sits.
//   - an output may be the very same array as an input (each step is read before it is
//     written); partial overlaps are not allowed.
/// \file
/// \ingroup core
/// \brief The one column loop of the library, shared by every bulk entry point.
#pragma once

#include <spiral/core/batch_group.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/detail/same_simd_choice.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/real.hpp>
#include <spiral/core/target.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace spiral::bulk {

/// One input column: its name in messages ("spot", "options.vol"), the values it accepts, the
/// value lanes past the last row read (inside the domain, and harmless to the kernel), and
/// whether it may be empty (every row then reads the padding).
struct column_spec {
    std::string_view name;                  ///< Name in error messages.
    detail::domain domain = detail::finite; ///< The values the column accepts.
    double padding = 0.0;                   ///< Value of the lanes past the last row.
    bool optional = false;                  ///< True when the column may be empty.
};

/// One output column: its name, and whether it must be given (otherwise empty = not wanted).
struct output_spec {
    std::string_view name; ///< Name in error messages.
    bool required = false; ///< True when the column must be given.
};

/// How a column of enumerators is read: `lane(e)` is the value the kernel sees, outside the
/// column's domain for a value that is not one of the enumerators (the check rejects it),
/// `rule` what the message then says. Specialised by the family that owns the enumeration.
template <class E>
struct enum_column;

/// Batches per loop step (see detail::batch_group).
inline constexpr std::size_t default_batches = 4;

/// What one loop step computes on: `Batches` batches of `S` for a SIMD target (one plain
/// batch when Batches is 1), one `S` for a scalar target.
template <class Target, class S, std::size_t Batches = default_batches>
struct step_type {
    using type = S; ///< The value one step computes on.
};
#if SPIRAL_SIMD_ENABLED
template <class Target, class S, std::size_t Batches>
requires(!detail::is_scalar_target<Target>) struct step_type<Target, S, Batches> {
    using batch = xsimd::batch<S, Target>;
    using type = std::conditional_t<Batches == 1, batch, detail::batch_group<batch, Batches>>;
};
#endif
/// `step_type<Target, S, Batches>::type`.
template <class Target, class S, std::size_t Batches = default_batches>
using step_t = typename step_type<Target, S, Batches>::type;

/// `T` from lanes<T> consecutive values at `from`.
template <real T>
T load(const scalar_t<T>* from) noexcept {
    if constexpr (std::floating_point<T>)
        return *from;
    else
        return T::load_unaligned(from);
}

/// The lanes of `v` to lanes<T> consecutive places at `to`.
template <real T>
void store(const T& v, scalar_t<T>* to) noexcept {
    if constexpr (std::floating_point<T>)
        *to = v;
    else
        v.store_unaligned(to);
}

/// The sum of the lanes of `v`, added in lane order (the same order for every target width
/// that has the same lanes).
template <real T>
scalar_t<T> sum_lanes(const T& v) noexcept {
    if constexpr (std::floating_point<T>) {
        return v;
    } else {
        alignas(64) scalar_t<T> lane[lanes<T>];
        v.store_unaligned(lane);
        scalar_t<T> sum = 0;
        for (std::size_t k = 0; k < lanes<T>; ++k)
            sum += lane[k];
        return sum;
    }
}

namespace detail {

template <class V>
concept enumeration = std::is_enum_v<V>;

/// The lane value of one element of a column.
template <class S, class V>
S lane_of(const V& v) noexcept {
    if constexpr (enumeration<V>)
        return static_cast<S>(enum_column<V>::lane(v));
    else
        return v;
}

/// Where step i of one column is read from: the column itself where a whole step of
/// floating values is there, otherwise a buffer of converted values and padding.
template <class S, class V, std::size_t W, bool Optional>
struct column_reader {
    std::span<const V> values;
    const S* direct; // the column's own values where they can be loaded as they are
    S padding;
    alignas(64) S buffer[W];

    column_reader(std::span<const V> column, double pad) noexcept
        : values(column), direct(nullptr), padding(static_cast<S>(pad)) {
        if constexpr (std::is_same_v<V, S>)
            direct = column.empty() ? nullptr : column.data();
        for (std::size_t k = 0; k < W; ++k)
            buffer[k] = padding;
    }

    const S* at(std::size_t i, bool full, std::size_t count) noexcept {
        if constexpr (std::is_same_v<V, S> && !Optional) { // a required column: never empty
            if (full) [[likely]]
                return direct + i;
        } else if constexpr (std::is_same_v<V, S>) {
            if (full && direct != nullptr) [[likely]]
                return direct + i;
        }
        return fill(i, count);
    }

    const S* fill(std::size_t i, std::size_t count) noexcept {
        if (values.empty()) // an optional column that was not given: padding throughout
            return buffer;
        if (count == W) {
            const V* from = values.data() + i;
            for (std::size_t k = 0; k < W; ++k) // branch-free: the compiler vectorises it
                buffer[k] = lane_of<S>(from[k]);
        } else {
            for (std::size_t k = 0; k < W; ++k)
                buffer[k] = k < count ? lane_of<S>(values[i + k]) : padding;
        }
        return buffer;
    }
};

/// Field J of a kernel's result: a std::array, or an aggregate with one field per output
/// column (taken apart by a structured binding, so that nothing is copied).
template <std::size_t J, std::size_t M, class R>
decltype(auto) field(const R& r) noexcept {
    if constexpr (requires { std::tuple_size<R>::value; }) {
        return std::get<J>(r);
    } else {
        static_assert(M >= 1 && M <= 8, "a kernel result with 1 to 8 fields");
        if constexpr (M == 1) {
            const auto& [a] = r;
            return std::get<J>(std::tie(a));
        } else if constexpr (M == 2) {
            const auto& [a, b] = r;
            return std::get<J>(std::tie(a, b));
        } else if constexpr (M == 3) {
            const auto& [a, b, c] = r;
            return std::get<J>(std::tie(a, b, c));
        } else if constexpr (M == 4) {
            const auto& [a, b, c, d] = r;
            return std::get<J>(std::tie(a, b, c, d));
        } else if constexpr (M == 5) {
            const auto& [a, b, c, d, e] = r;
            return std::get<J>(std::tie(a, b, c, d, e));
        } else if constexpr (M == 6) {
            const auto& [a, b, c, d, e, f] = r;
            return std::get<J>(std::tie(a, b, c, d, e, f));
        } else if constexpr (M == 7) {
            const auto& [a, b, c, d, e, f, g] = r;
            return std::get<J>(std::tie(a, b, c, d, e, f, g));
        } else {
            const auto& [a, b, c, d, e, f, g, h] = r;
            return std::get<J>(std::tie(a, b, c, d, e, f, g, h));
        }
    }
}

template <class Set>
inline constexpr std::size_t input_count = std::tuple_size_v<decltype(Set::inputs)>;
template <class Set>
inline constexpr std::size_t output_count = std::tuple_size_v<decltype(Set::outputs)>;

/// Column c's bounds, compared in every lane (a NaN fails every comparison; a column with no
/// finite bound is left to the sum test of maybe_valid).
template <class Set, std::size_t c, real T, class Values>
void check_bounds(const Values& x, mask_t<T>& ok) noexcept {
    constexpr double inf = spiral::detail::scalar_limits<double>::infinity;
    constexpr spiral::detail::domain d = Set::inputs[c].domain;
    const T v = std::get<c>(x);
    const auto above = [&] { return d.lo_closed ? v >= splat<T>(d.lo) : v > splat<T>(d.lo); };
    const auto below = [&] { return d.hi_closed ? v <= splat<T>(d.hi) : v < splat<T>(d.hi); };
    mask_t<T> inside;
    if constexpr (d.lo == -d.hi && d.lo_closed && d.hi_closed && d.hi < inf)
        inside = abs(v) <= splat<T>(d.hi); // [-h, h]: one comparison, exact, NaN fails it
    else if constexpr (d.lo > -inf && d.hi < inf)
        inside = above() && below();
    else if constexpr (d.lo > -inf)
        inside = above();
    else if constexpr (d.hi < inf)
        inside = below();
    else
        return;
    if constexpr (d.zero_too)
        inside = inside || v == T(0);
    ok = ok && inside;
}

/// True when every column has two finite bounds: their comparisons then reject NaN and
/// infinities by themselves.
template <class Set>
constexpr bool every_column_bounded() noexcept {
    constexpr double inf = spiral::detail::scalar_limits<double>::infinity;
    for (const column_spec& c : Set::inputs)
        if (!(c.domain.lo > -inf && c.domain.hi < inf))
            return false;
    return true;
}

/// A quick test of one step (the values of each column, in the set's order), false in every
/// lane where some value may be outside its column's domain: each column against its own
/// bounds and, unless every column has two finite bounds, finiteness of all columns as one
/// comparison of their sum (a NaN or an infinity anywhere makes it non-finite). It may be false
/// for valid values whose sum overflows: the rescan then finds no bad row and the loop goes on.
template <class Set, real T, real... X>
mask_t<T> maybe_valid(const T& first, const X&... rest) noexcept {
    constexpr double inf = spiral::detail::scalar_limits<double>::infinity;
    mask_t<T> ok = T(0) == T(0); // every lane set (a constant)
    if constexpr (!every_column_bounded<Set>()) {
        const T sum = (first + ... + rest);
        ok = abs(sum) < spiral::splat<T>(inf);
    }
    const auto values = std::forward_as_tuple(first, rest...);
    [&]<std::size_t... c>(std::index_sequence<c...>) {
        (check_bounds<Set, c, T>(values, ok), ...);
    }
    (std::make_index_sequence<1 + sizeof...(X)>{});
    return ok;
}

/// Throws for column `c` of `row` when its value is outside the column's domain.
template <class Set, std::size_t c, class V>
void check_value(std::string_view what, std::span<const V> column, std::size_t row) {
    constexpr column_spec spec = Set::inputs[c];
    if (column.empty())
        return; // an optional column not given: its padding is valid
    const V value = column[row];
    if constexpr (enumeration<V>) {
        if (!spec.domain.contains(static_cast<double>(enum_column<V>::lane(value))))
            spiral::detail::throw_invalid(what, spec.name, row, static_cast<long long>(value),
                                          enum_column<V>::rule);
    } else {
        spiral::detail::require(spec.domain, what, spec.name, static_cast<double>(value), row);
    }
}

/// Throws for the first row in [begin, end) with a value outside its domain (and in it the
/// first such column, in the set's order); returns when there is none. Out of line and cold:
/// inlined into the flattened loops, its string building would crowd the kernel's registers.
/// `Target` keeps the instantiations of differently compiled units apart.
template <class Target, class Set, class... V>
SPIRAL_COLD void throw_first_bad_row(std::string_view what,
                                     const std::tuple<std::span<const V>...>& in, std::size_t begin,
                                     std::size_t end) {
    for (std::size_t row = begin; row < end; ++row)
        [&]<std::size_t... c>(std::index_sequence<c...>) {
            (check_value<Set, c>(what, std::get<c>(in), row), ...);
        }
    (std::index_sequence_for<V...>{});
}

} // namespace detail

/// The number of rows (the first input's length), after checking every other column's length
/// against it. Throws spiral::invalid_argument before anything is read or written:
/// "<what>: vol.size() = 3 (must equal spot.size() = 4)", "price.size() = 3 (must be 0 or 4)".
template <class Set, class... V, class S, std::size_t M>
std::size_t rows(std::string_view what, const std::tuple<std::span<const V>...>& in,
                 const std::array<std::span<S>, M>& out) {
    static_assert(sizeof...(V) == detail::input_count<Set> && M == detail::output_count<Set>,
                  "one span per column of the set");
    static_assert(!Set::inputs[0].optional, "the first input column gives the row count");
    const std::size_t n = std::get<0>(in).size();
    const std::string_view reference = Set::inputs[0].name;
    [&]<std::size_t... c>(std::index_sequence<c...>) {
        (
            [&] {
                const std::size_t size = std::get<c>(in).size();
                if constexpr (Set::inputs[c].optional)
                    spiral::detail::require_size_or_empty(what, Set::inputs[c].name, size, n);
                else
                    spiral::detail::require_size(what, Set::inputs[c].name, size, n, reference);
            }(),
            ...);
    }
    (std::index_sequence_for<V...>{});
    for (std::size_t j = 0; j < M; ++j) {
        if (Set::outputs[j].required)
            spiral::detail::require_size(what, Set::outputs[j].name, out[j].size(), n, reference);
        else
            spiral::detail::require_size_or_empty(what, Set::outputs[j].name, out[j].size(), n);
    }
    return n;
}

/// Runs `kernel` over rows [0, n) of columns whose sizes `rows` accepted, one step of
/// lanes<step_t<Target, S, Batches>> rows at a time, writing the non-empty outputs.
/// `Checked`: each step's values are checked before it is computed (see the contract at the
/// top); otherwise they must be valid already and nothing throws.
template <class Target, class Set, bool Checked, std::size_t Batches = default_batches,
          class Kernel, class... V>
SPIRAL_FLATTEN void
for_each_step(std::string_view what, Kernel& kernel, std::size_t n,
              const std::tuple<std::span<const V>...>& in,
              const std::array<std::span<typename Set::scalar>, detail::output_count<Set>>&
                  out) noexcept(!Checked) {
    using S = typename Set::scalar;
    using T = step_t<Target, S, Batches>;
    constexpr std::size_t width = lanes<T>;
    constexpr std::size_t outputs = detail::output_count<Set>;
    static_assert(sizeof...(V) == detail::input_count<Set>, "one span per input column");
    [&]<std::size_t... c>(std::index_sequence<c...>) {
        static_assert((Set::inputs[c].domain.contains(Set::inputs[c].padding) && ...),
                      "padding must be a valid value of its column");
    }
    (std::index_sequence_for<V...>{});

    auto readers = [&]<std::size_t... c>(std::index_sequence<c...>) {
        return std::tuple<detail::column_reader<S, V, width, Set::inputs[c].optional>...>{
            detail::column_reader<S, V, width, Set::inputs[c].optional>(std::get<c>(in),
                                                                        Set::inputs[c].padding)...};
    }
    (std::index_sequence_for<V...>{});
    alignas(64) S tail[width];
    // A local copy of the kernel: its parameters cannot alias the output columns, so the
    // compiler keeps them (and its running sums) in registers across steps instead of
    // reloading them after every store. Copied back at the end for the sums.
    Kernel work = kernel;

    for (std::size_t i = 0; i < n; i += width) {
        const std::size_t count = n - i < width ? n - i : width;
        const bool full = count == width;
        const std::array<const S*, sizeof...(V)> from = [&]<std::size_t... c>(
            std::index_sequence<c...>) {
            return std::array<const S*, sizeof...(V)>{std::get<c>(readers).at(i, full, count)...};
        }
        (std::index_sequence_for<V...>{});
        const auto y = [&]<std::size_t... c>(std::index_sequence<c...>) {
            if constexpr (Checked) {
                if (!spiral::detail::all_lanes<T>(detail::maybe_valid<Set>(load<T>(from[c])...)))
                    [[unlikely]]
                    detail::throw_first_bad_row<Target, Set>(what, in, i, i + count);
            }
            return work(load<T>(from[c])...);
        }
        (std::index_sequence_for<V...>{});
        [&]<std::size_t... j>(std::index_sequence<j...>) {
            (
                [&] {
                    if (out[j].empty())
                        return;
                    const T& value = detail::field<j, outputs>(y);
                    if (full) {
                        store(value, out[j].data() + i);
                    } else {
                        store(value, tail);
                        for (std::size_t k = 0; k < count; ++k)
                            out[j][i + k] = tail[k];
                    }
                }(),
                ...);
        }
        (std::make_index_sequence<outputs>{});
    }
    kernel = work;
}

} // namespace spiral::bulk
