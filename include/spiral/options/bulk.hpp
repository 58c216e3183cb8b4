// Black–Scholes prices and first-order Greeks of many options at once, column by column.
//
//   spiral::black_scholes(spiral::bs_columns{...}, spiral::greeks_columns{...});
//
// Inputs and outputs are structure-of-arrays spans; an empty output span means "not wanted",
// and the work that only unwanted outputs need is skipped. The entry point checks the column
// lengths first and every value as it computes (in registers, not in a pass of its own), and
// throws spiral::invalid_argument naming the column, the row and the value of the first bad
// row, before writing that row. It allocates nothing.
//
// SIMD: include <spiral/simd.hpp> (and link spiral::simd) *before* this header, and the
// columns are processed in xsimd batches of doubles of the architecture the compiler flags
// select (SSE2: 2 lanes, AVX2: 4, AVX-512: 8); otherwise a scalar loop runs. Both use the
// same kernel, `detail::black_scholes_first_order`. The public function lives in an inline
// namespace named after that choice (`bulk_scalar`, `bulk_avx2_fma`, `bulk_avx512bw`, ...),
// so translation units built with different choices never share one definition.
#pragma once

#include <spiral/core/bulk_abi.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/math.hpp>
#include <spiral/core/normal.hpp>
#include <spiral/core/real.hpp>
#include <spiral/options/black.hpp>
#include <spiral/options/black_scholes.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>

// ------------------------------------------------------------------ SIMD or scalar, and ABI tag

#define SPIRAL_BULK_ABI SPIRAL_BULK_NAME(bulk)

// The loops inline the whole kernel (norm_cdf_given_exp included): a call in the loop body
// would spill every vector register around it, and dead-code elimination of unwanted
// outputs needs the kernel inlined. Not under AddressSanitizer, where the flattened loops only
// cost minutes of compile time.
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__SANITIZE_ADDRESS__)
#define SPIRAL_BULK_FLATTEN [[gnu::flatten]]
#else
#define SPIRAL_BULK_FLATTEN
#endif
#if defined(__GNUC__) || defined(__clang__)
#define SPIRAL_BULK_COLD [[gnu::noinline, gnu::cold]]
#else
#define SPIRAL_BULK_COLD
#endif

namespace spiral {

/// Input columns, one row per option; all the same length.
struct bs_columns {
    std::span<const option_type> type{};
    std::span<const double> spot{}, strike{}, time{}, rate{}, dividend{}, vol{};
};

/// Output columns: each either empty (not wanted) or as long as the inputs.
/// Units as in `spiral::greeks`: vega and rho per 1.00, theta per year (= -dV/dtime).
/// An output may be the very same array as an input (each row is read before it is written);
/// partial overlaps are not allowed.
struct greeks_columns {
    // The {} let `{.price = p, .delta = d}` leave the rest empty without
    // -Wmissing-field-initializers.
    std::span<double> price{}, delta{}, gamma{}, vega{}, theta{}, rho{};
};

#if SPIRAL_BULK_USES_SIMD
namespace detail {

/// N xsimd batches treated as one `real`: every operation is applied to each batch in turn,
/// so the instruction stream carries N independent dependency chains. The Black–Scholes kernel
/// is one long chain (sqrt, exp, log, exp, rational, division...) that a single batch runs at
/// a fraction of the core's throughput; N = 4 was fastest with AVX-512 and AVX2 (1.9x and 1.6x
/// over N = 1, see docs/performance.md).
template <class B, std::size_t N>
struct batch_group_mask {
    std::array<typename B::batch_bool_type, N> part;

    template <class F>
    static batch_group_mask generate(F&& f) noexcept {
        return [&]<std::size_t... k>(std::index_sequence<k...>) {
            return batch_group_mask{{f(k)...}};
        }
        (std::make_index_sequence<N>{});
    }
    friend batch_group_mask operator&&(const batch_group_mask& a,
                                       const batch_group_mask& b) noexcept {
        return generate([&](std::size_t k) { return a.part[k] && b.part[k]; });
    }
    friend batch_group_mask operator||(const batch_group_mask& a,
                                       const batch_group_mask& b) noexcept {
        return generate([&](std::size_t k) { return a.part[k] || b.part[k]; });
    }
    friend batch_group_mask operator!(const batch_group_mask& a) noexcept {
        return generate([&](std::size_t k) { return !a.part[k]; });
    }
    /// True when every lane of every batch is set.
    friend bool all(const batch_group_mask& a) noexcept {
        auto every = a.part[0];
        for (std::size_t k = 1; k < N; ++k)
            every = every && a.part[k];
        return xsimd::all(every);
    }
};

template <class B, std::size_t N>
struct batch_group {
    using scalar = typename B::value_type;
    using mask = batch_group_mask<B, N>;
    std::array<B, N> part;

    batch_group() noexcept = default;
    batch_group(scalar value) noexcept // NOLINT(google-explicit-constructor): like xsimd::batch
        : part(generate([value](std::size_t) { return B(value); }).part) {}
    explicit batch_group(const std::array<B, N>& parts) noexcept : part(parts) {}

    template <class F>
    static batch_group generate(F&& f) noexcept {
        return [&]<std::size_t... k>(std::index_sequence<k...>) {
            return batch_group(std::array<B, N>{f(k)...});
        }
        (std::make_index_sequence<N>{});
    }
    static batch_group load_unaligned(const scalar* from) noexcept {
        return generate([from](std::size_t k) { return B::load_unaligned(from + k * B::size); });
    }
    static batch_group load_aligned(const scalar* from) noexcept {
        return generate([from](std::size_t k) { return B::load_aligned(from + k * B::size); });
    }
    void store_unaligned(scalar* to) const noexcept {
        for (std::size_t k = 0; k < N; ++k)
            part[k].store_unaligned(to + k * B::size);
    }
    void store_aligned(scalar* to) const noexcept {
        for (std::size_t k = 0; k < N; ++k)
            part[k].store_aligned(to + k * B::size);
    }

#define SPIRAL_BULK_GROUP_BINARY(op, result)                                                       \
    friend result operator op(const batch_group& a, const batch_group& b) noexcept {               \
        return result::generate([&](std::size_t k) { return a.part[k] op b.part[k]; });            \
    }
    SPIRAL_BULK_GROUP_BINARY(+, batch_group)
    SPIRAL_BULK_GROUP_BINARY(-, batch_group)
    SPIRAL_BULK_GROUP_BINARY(*, batch_group)
    SPIRAL_BULK_GROUP_BINARY(/, batch_group)
    SPIRAL_BULK_GROUP_BINARY(<, mask)
    SPIRAL_BULK_GROUP_BINARY(<=, mask)
    SPIRAL_BULK_GROUP_BINARY(>, mask)
    SPIRAL_BULK_GROUP_BINARY(>=, mask)
    SPIRAL_BULK_GROUP_BINARY(==, mask)
    SPIRAL_BULK_GROUP_BINARY(!=, mask)
#undef SPIRAL_BULK_GROUP_BINARY
    friend batch_group operator-(const batch_group& a) noexcept {
        return generate([&](std::size_t k) { return -a.part[k]; });
    }
};

} // namespace detail

template <class B, std::size_t N>
struct batch_traits<detail::batch_group<B, N>> {
    using group = detail::batch_group<B, N>;
    using scalar = typename B::value_type;
    using mask = typename group::mask;
    static constexpr bool is_batch = true;
    static constexpr std::size_t size = N * B::size;
    static constexpr bool has_fma = batch_traits<B>::has_fma;

    static group select(const mask& m, const group& a, const group& b) noexcept {
        return group::generate(
            [&](std::size_t k) { return xsimd::select(m.part[k], a.part[k], b.part[k]); });
    }
    static group min(const group& a, const group& b) noexcept {
        return group::generate([&](std::size_t k) { return xsimd::min(a.part[k], b.part[k]); });
    }
    static group max(const group& a, const group& b) noexcept {
        return group::generate([&](std::size_t k) { return xsimd::max(a.part[k], b.part[k]); });
    }
    static group abs(const group& x) noexcept {
        return group::generate([&](std::size_t k) { return xsimd::abs(x.part[k]); });
    }
    static group fma(const group& a, const group& b, const group& c) noexcept {
        return group::generate(
            [&](std::size_t k) { return batch_traits<B>::fma(a.part[k], b.part[k], c.part[k]); });
    }
    static group exp(const group& x) noexcept {
        return group::generate([&](std::size_t k) { return xsimd::exp(x.part[k]); });
    }
    static group log(const group& x) noexcept {
        return group::generate([&](std::size_t k) { return xsimd::log(x.part[k]); });
    }
    static group sqrt(const group& x) noexcept {
        return group::generate([&](std::size_t k) { return xsimd::sqrt(x.part[k]); });
    }
};
#endif

namespace detail {

// ------------------------------------------------------------------ the lean kernel

/// What the wanted outputs need of the Black terms (bit flags).
inline constexpr unsigned bs_need_cdf1 = 1; // Phi(theta d1): price, delta, theta
inline constexpr unsigned bs_need_cdf2 = 2; // Phi(theta d2): price, theta, rho
inline constexpr unsigned bs_need_pdf = 4;  // n(d1):         gamma, vega, theta
inline constexpr unsigned bs_need_all = 7;

/// The six outputs of the bulk entry point.
template <class T>
struct bs_first_order {
    T price, delta, gamma, vega, theta, rho;
};

/// Price, delta, gamma, vega, theta and rho with theta = +1 (call) or -1 (put), computing only
/// what `Needs` asks for; outputs that were not asked for are left 0 (price and theta need
/// cdf1 | cdf2, theta also pdf, delta cdf1, rho cdf2, gamma and vega pdf). Every variant does
/// the same operations for what it computes (the last bit may still differ between variants
/// where the compiler contracts a * b + c into a fused multiply-add in one and not another).
///
/// Same formulas and conventions as `black_scholes_greeks`: time = 0 or vol = 0 give the
/// limits (gamma 0). `Checked`: NaN unless spot > 0, strike > 0, time >= 0, vol >= 0 and all
/// finite; the bulk entry point validates first and passes `false`. Shared factors:
///   F = S e^{-qT}, K' = K e^{-rT}, x = ln(F/K'), s = vol sqrt(T);
///   one division 1/(S s) serves d1 = x/s + s/2 and gamma = e^{-qT} n(d1) / (S s);
///   one exponential serves n(d1), Phi(d1) and Phi(d2): exp(-d2^2/2) = exp(-d1^2/2) F/K'
///   (F/K' is the argument of the log anyway; unlike black_terms, which carries the smaller
///   of the two exponentials to the larger, this can lose exp(-d2^2/2) where exp(-d1^2/2)
///   underflows, i.e. only where both are below 1e-307 and no output can see them);
///   K' n(d2) = F n(d1), so every density term uses n(d1), and theta's first term
///   -F n(d1) vol / (2 sqrt T) = -(vol S)^2 gamma / 2.
template <unsigned Needs, bool Checked = true, real T>
SPIRAL_HD constexpr bs_first_order<T> black_scholes_first_order(T theta,
                                                                const bs_input<T>& in) noexcept {
    constexpr bool need_cdf1 = (Needs & bs_need_cdf1) != 0;
    constexpr bool need_cdf2 = (Needs & bs_need_cdf2) != 0;
    constexpr bool need_pdf = (Needs & bs_need_pdf) != 0;
    constexpr auto largest = spiral::detail::scalar_limits<scalar_t<T>>::max;

    T spot = in.spot;
    if constexpr (Checked) {
        const mask_t<T> valid = in.spot > T(0) && in.strike > T(0) && in.time >= T(0) &&
                                in.vol >= T(0) && is_finite(in.spot) && is_finite(in.strike) &&
                                is_finite(in.time) && is_finite(in.vol) && is_finite(in.rate) &&
                                is_finite(in.dividend);
        spot = spot + nan_unless<T>(valid);
    }
    const T sqrt_time = sqrt(in.time);
    const T s = in.vol * sqrt_time;
    const T dividend_discount = exp(-in.dividend * in.time);
    const T forward = spot * dividend_discount;           // S e^{-qT}
    const T strike = in.strike * exp(-in.rate * in.time); // K e^{-rT}
    const T moneyness = forward / strike;
    const T x = log(moneyness);

    // d1, d2 as in black_terms: +-inf (or 0 at the money) when s = 0. 1/(S s) is capped so
    // that a subnormal s cannot make 0 * inf.
    const mask_t<T> degenerate = s == T(0);
    const T inf = T(spiral::detail::scalar_limits<scalar_t<T>>::infinity);
    const T limit = select(x > T(0), inf, select(x < T(0), -inf, T(0)));
    const T s_safe = select(degenerate, T(1), s);
    const T inv_spot_s = min(T(largest), T(1) / (spot * s_safe));
    const T d1 = select(degenerate, limit, x * (spot * inv_spot_s) + T(0.5) * s);
    const T d2 = select(degenerate, limit, d1 - s);

    // exp(-d1^2/2), and exp(-d2^2/2) from it (the cap keeps 0 * inf out when F/K' overflows).
    const T e1 = exp_neg_half_square(d1);
    const T e2 = e1 * min(T(largest), moneyness);

    bs_first_order<T> out{T(0), T(0), T(0), T(0), T(0), T(0)};
    T cdf1 = T(0), cdf2 = T(0);
    if constexpr (need_cdf1 && need_cdf2) {
        const auto both = norm_cdf_pair_given_exp(theta * d1, e1, theta * d2, e2);
        cdf1 = both.first;
        cdf2 = both.second;
    } else if constexpr (need_cdf1) {
        cdf1 = norm_cdf_given_exp(theta * d1, e1);
    } else if constexpr (need_cdf2) {
        cdf2 = norm_cdf_given_exp(theta * d2, e2);
    }
    if constexpr (need_cdf1)
        out.delta = theta * dividend_discount * cdf1;
    const T spot_part = forward * cdf1;  // F Phi(theta d1)
    const T strike_part = strike * cdf2; // K' Phi(theta d2)
    if constexpr (need_cdf2)
        out.rho = theta * in.time * strike_part;
    if constexpr (need_cdf1 && need_cdf2)
        out.price = theta * (spot_part - strike_part);
    if constexpr (need_pdf) {
        const T pdf1 = T(inv_sqrt_2pi) * e1;
        out.vega = forward * pdf1 * sqrt_time;
        out.gamma = select(degenerate, T(0), dividend_discount * pdf1 * inv_spot_s);
        if constexpr (need_cdf1 && need_cdf2) {
            const T vol_spot = in.vol * spot;
            out.theta = theta * (in.dividend * spot_part - in.rate * strike_part) -
                        T(0.5) * vol_spot * vol_spot * out.gamma;
        }
    }
    return out;
}

// ------------------------------------------------------------------ validation

inline constexpr std::string_view bulk_what = "black_scholes";

/// "<column>.size() = <size> (must equal type.size() = <n>)", or "(must be 0 or <n>)" for an
/// output. Strings are built only here, on the error path: validation allocates nothing.
[[noreturn]] inline void throw_bad_size(std::string_view column, std::size_t size, std::size_t n,
                                        bool output) {
    const std::string why =
        (output ? "must be 0 or " : "must equal type.size() = ") + std::to_string(n);
    throw_invalid(bulk_what, std::string(column) + ".size()", no_row, size, why);
}

/// What a column's values must be: finite and > 0, finite and >= 0 (-0 included), finite.
/// (The enumerators share their names with core/checks.hpp's domains in this namespace.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#endif
enum class bulk_bound { positive, non_negative, finite };
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/// 1 if `v` is within `bound`, else 0; no short-circuits, so that loops over it vectorise.
template <bulk_bound Bound>
constexpr unsigned bulk_within(double v) noexcept {
    constexpr double inf = spiral::detail::scalar_limits<double>::infinity;
    if constexpr (Bound == bulk_bound::positive)
        return static_cast<unsigned>((v > 0.0) & (v < inf));
    else if constexpr (Bound == bulk_bound::non_negative)
        return static_cast<unsigned>((v >= 0.0) & (v < inf));
    else
        return static_cast<unsigned>((v > -inf) & (v < inf));
}

/// Throws for `column[row]`, which is out of `bound`.
[[noreturn]] inline void throw_bad_value(std::string_view name, std::size_t row, double value,
                                         bulk_bound bound) {
    const bool is_finite_value = value > -spiral::detail::scalar_limits<double>::infinity &&
                                 value < spiral::detail::scalar_limits<double>::infinity;
    const std::string_view why = !is_finite_value                ? "must be finite"
                                 : bound == bulk_bound::positive ? "must be > 0"
                                                                 : "must be >= 0";
    throw_invalid(bulk_what, name, row, value, why);
}

/// Checks the column lengths; returns the number of rows.
inline std::size_t validate_bulk_sizes(const bs_columns& in, const greeks_columns& out) {
    const std::size_t n = in.type.size();
    const std::pair<std::string_view, std::size_t> inputs[] = {
        {"spot", in.spot.size()}, {"strike", in.strike.size()},     {"time", in.time.size()},
        {"rate", in.rate.size()}, {"dividend", in.dividend.size()}, {"vol", in.vol.size()}};
    for (const auto& [name, size] : inputs)
        if (size != n)
            throw_bad_size(name, size, n, false);
    const std::pair<std::string_view, std::size_t> outputs[] = {
        {"price", out.price.size()}, {"delta", out.delta.size()}, {"gamma", out.gamma.size()},
        {"vega", out.vega.size()},   {"theta", out.theta.size()}, {"rho", out.rho.size()}};
    for (const auto& [name, size] : outputs)
        if (size != 0 && size != n)
            throw_bad_size(name, size, n, true);
    return n;
}

/// 1 if `t` is call (0) or put (1).
constexpr unsigned bulk_type_ok(option_type t) noexcept {
    return static_cast<unsigned>(static_cast<unsigned>(t) <= 1u);
}

/// 1 if row `i` is valid, without branches.
inline unsigned bulk_row_ok(const bs_columns& in, std::size_t i) noexcept {
    using enum bulk_bound;
    return bulk_type_ok(in.type[i]) & bulk_within<positive>(in.spot[i]) &
           bulk_within<positive>(in.strike[i]) & bulk_within<non_negative>(in.time[i]) &
           bulk_within<finite>(in.rate[i]) & bulk_within<finite>(in.dividend[i]) &
           bulk_within<non_negative>(in.vol[i]);
}

/// Throws for the first invalid row in [begin, end) (and in it the first offending column, in
/// the order type, spot, strike, time, rate, dividend, vol); returns if there is none.
/// Kept out of line and cold: inlined into the flattened loops, its string building would
/// crowd the registers of the kernel it sits in.
SPIRAL_BULK_COLD inline void throw_first_bad_row(const bs_columns& in, std::size_t begin,
                                                 std::size_t end) {
    using enum bulk_bound;
    for (std::size_t i = begin; i < end; ++i) {
        if (!bulk_type_ok(in.type[i]))
            throw_invalid(bulk_what, "type", i, static_cast<int>(in.type[i]),
                          "must be option_type::call (0) or option_type::put (1)");
        if (!bulk_within<positive>(in.spot[i]))
            throw_bad_value("spot", i, in.spot[i], positive);
        if (!bulk_within<positive>(in.strike[i]))
            throw_bad_value("strike", i, in.strike[i], positive);
        if (!bulk_within<non_negative>(in.time[i]))
            throw_bad_value("time", i, in.time[i], non_negative);
        if (!bulk_within<finite>(in.rate[i]))
            throw_bad_value("rate", i, in.rate[i], finite);
        if (!bulk_within<finite>(in.dividend[i]))
            throw_bad_value("dividend", i, in.dividend[i], finite);
        if (!bulk_within<non_negative>(in.vol[i]))
            throw_bad_value("vol", i, in.vol[i], non_negative);
    }
}

/// Checks sizes, then every value, before anything is computed; throws for the first
/// offending row. Returns the number of rows. (The bulk entry point checks the values as it
/// computes instead; this full pass serves callers that need all rows valid up front.)
///
/// One pass over all seven columns together, in blocks counted without branches (the loop
/// vectorises): reading the columns side by side keeps seven memory streams in flight, which
/// is about 1.5x faster than seven passes once the columns are larger than the caches.
/// Only a block with a bad value is scanned again row by row.
inline std::size_t validate_bulk(const bs_columns& in, const greeks_columns& out) {
    const std::size_t n = validate_bulk_sizes(in, out);
    constexpr std::size_t block = 1024;
    for (std::size_t start = 0; start < n; start += block) {
        const std::size_t end = n - start < block ? n : start + block;
        std::size_t failures = 0;
        for (std::size_t i = start; i < end; ++i)
            failures += 1u - bulk_row_ok(in, i);
        if (failures != 0)
            throw_first_bad_row(in, start, end);
    }
    return n;
}

// ------------------------------------------------------------------ loops

/// Which intermediate results the non-empty outputs need.
inline unsigned bulk_needs(const greeks_columns& out) noexcept {
    unsigned needs = 0;
    if (!out.price.empty() || !out.theta.empty())
        needs |= bs_need_cdf1 | bs_need_cdf2;
    if (!out.theta.empty() || !out.gamma.empty() || !out.vega.empty())
        needs |= bs_need_pdf;
    if (!out.delta.empty())
        needs |= bs_need_cdf1;
    if (!out.rho.empty())
        needs |= bs_need_cdf2;
    return needs;
}

/// +1 for a call, -1 for a put (validated: nothing else occurs).
inline double bulk_theta(option_type type) noexcept {
    return 1.0 - 2.0 * static_cast<double>(static_cast<int>(type));
}

/// A quick test of a step of rows, false in every lane with a bad value or type (time or vol
/// < 0, spot or strike <= 0, NaN or infinite anywhere, sign other than +-1). It may also be
/// false for valid values whose sum overflows; the caller then finds no bad row and goes on.
/// The loops check each step as they compute instead of in a pass of their own: the values
/// are in registers anyway, and a separate pass over the columns costs about 15% of the whole
/// call once they are larger than the caches.
template <real T>
mask_t<T> bulk_step_maybe_ok(const bs_input<T>& row, const T& sign) noexcept {
    const T inf(spiral::detail::scalar_limits<double>::infinity);
    // NaN or +-inf anywhere makes the sum NaN or infinite; where all are finite, min is exact
    const T sum = (row.spot + row.strike) + (row.time + row.vol) + (row.rate + row.dividend);
    return (abs(sum) < inf) && (min(row.spot, row.strike) > T(0.0)) &&
           (min(row.time, row.vol) >= T(0.0)) && (sign * sign == T(1.0));
}

/// Rows [begin, end) one at a time. `Checked`: throws for the first invalid row before writing
/// it (rows before it are written).
template <unsigned Needs, bool Checked>
SPIRAL_BULK_FLATTEN void bulk_rows_scalar(const bs_columns& in, const greeks_columns& out,
                                          std::size_t begin, std::size_t end) noexcept(!Checked) {
    for (std::size_t i = begin; i < end; ++i) {
        if constexpr (Checked) {
            if (!bulk_row_ok(in, i)) [[unlikely]]
                throw_first_bad_row(in, i, i + 1);
        }
        const bs_input<double> row{in.spot[i], in.strike[i],   in.time[i],
                                   in.rate[i], in.dividend[i], in.vol[i]};
        const auto g = black_scholes_first_order<Needs, false>(bulk_theta(in.type[i]), row);
        if (!out.price.empty())
            out.price[i] = g.price;
        if (!out.delta.empty())
            out.delta[i] = g.delta;
        if (!out.gamma.empty())
            out.gamma[i] = g.gamma;
        if (!out.vega.empty())
            out.vega[i] = g.vega;
        if (!out.theta.empty())
            out.theta[i] = g.theta;
        if (!out.rho.empty())
            out.rho[i] = g.rho;
    }
}

#if SPIRAL_BULK_USES_SIMD
/// Rows [0, n) in steps of lanes<B> rows. The last, partial step reads from and writes to
/// padded buffers but runs the same code: the loop body holds one copy of the kernel, so every
/// row gets bit-for-bit the same results wherever it sits (the compiler may contract a * b + c
/// differently in two inlined copies). `Checked`: throws for the first invalid row before
/// writing the step that holds it (earlier steps are written).
template <unsigned Needs, bool Checked, class B>
SPIRAL_BULK_FLATTEN void bulk_rows_simd(const bs_columns& in, const greeks_columns& out,
                                        std::size_t n) noexcept(!Checked) {
    constexpr std::size_t width = lanes<B>;
    const std::span<const double> columns[6] = {in.spot, in.strike,   in.time,
                                                in.rate, in.dividend, in.vol};
    constexpr double padding[6] = {1.0, 1.0, 1.0, 0.0, 0.0, 0.5}; // a harmless option
    const std::span<double> results[6] = {out.price, out.delta, out.gamma,
                                          out.vega,  out.theta, out.rho};
    alignas(64) double type_sign[width];
    alignas(64) double padded_in[6][width];
    alignas(64) double padded_out[width];

    for (std::size_t i = 0; i < n; i += width) {
        const std::size_t count = n - i < width ? n - i : width;
        const bool full = count == width;
        const double* from[6];
        if (full) {
            for (std::size_t k = 0; k < width; ++k) {
                type_sign[k] = bulk_theta(in.type[i + k]);
            }
            for (std::size_t c = 0; c < 6; ++c)
                from[c] = columns[c].data() + i;
        } else {
            for (std::size_t k = 0; k < width; ++k) {
                type_sign[k] = k < count ? bulk_theta(in.type[i + k]) : 1.0;
            }
            for (std::size_t c = 0; c < 6; ++c) {
                for (std::size_t k = 0; k < width; ++k)
                    padded_in[c][k] = k < count ? columns[c][i + k] : padding[c];
                from[c] = padded_in[c];
            }
        }
        const B sign = B::load_aligned(type_sign);
        const bs_input<B> row{B::load_unaligned(from[0]), B::load_unaligned(from[1]),
                              B::load_unaligned(from[2]), B::load_unaligned(from[3]),
                              B::load_unaligned(from[4]), B::load_unaligned(from[5])};
        if constexpr (Checked) {
            // (a type other than call (0) or put (1) gives a sign other than +-1)
            if (!all(bulk_step_maybe_ok(row, sign))) [[unlikely]]
                throw_first_bad_row(in, i, i + count);
        }
        const bs_first_order<B> g = black_scholes_first_order<Needs, false>(sign, row);
        const B* values[6] = {&g.price, &g.delta, &g.gamma, &g.vega, &g.theta, &g.rho};
        for (std::size_t j = 0; j < 6; ++j) {
            if (results[j].empty())
                continue;
            if (full) {
                values[j]->store_unaligned(results[j].data() + i);
            } else {
                values[j]->store_aligned(padded_out);
                for (std::size_t k = 0; k < count; ++k)
                    results[j][i + k] = padded_out[k];
            }
        }
    }
}

#ifndef SPIRAL_BULK_GROUP
#define SPIRAL_BULK_GROUP 4 // batches per loop step (see batch_group; 4 measured best)
#endif
using bulk_batch = batch_group<xsimd::batch<double>, SPIRAL_BULK_GROUP>;
#endif

/// Computes rows [0, n) with the kernel specialised for `Needs`. `Simd`: batches where this
/// translation unit has them, else the scalar loop. `Checked`: the rows are checked as they are
/// computed (see `bulk_rows_simd`); otherwise they must have been validated.
template <bool Simd, unsigned Needs, bool Checked>
void bulk_compute_needs(const bs_columns& in, const greeks_columns& out,
                        std::size_t n) noexcept(!Checked) {
#if SPIRAL_BULK_USES_SIMD
    if constexpr (Simd) {
        bulk_rows_simd<Needs, Checked, bulk_batch>(in, out, n);
        return;
    }
#endif
    bulk_rows_scalar<Needs, Checked>(in, out, 0, n);
}

template <bool Simd, bool Checked = false>
void bulk_compute(const bs_columns& in, const greeks_columns& out,
                  std::size_t n) noexcept(!Checked) {
    switch (bulk_needs(out)) {
    case 1:
        return bulk_compute_needs<Simd, 1, Checked>(in, out, n);
    case 2:
        return bulk_compute_needs<Simd, 2, Checked>(in, out, n);
    case 3:
        return bulk_compute_needs<Simd, 3, Checked>(in, out, n);
    case 4:
        return bulk_compute_needs<Simd, 4, Checked>(in, out, n);
    case 5:
        return bulk_compute_needs<Simd, 5, Checked>(in, out, n);
    case 6:
        return bulk_compute_needs<Simd, 6, Checked>(in, out, n);
    case 7:
        return bulk_compute_needs<Simd, 7, Checked>(in, out, n);
    default:
        // Nothing wanted: nothing to compute, but bad input is still reported.
        if constexpr (Checked)
            validate_bulk(in, {});
        return;
    }
}

} // namespace detail

inline namespace SPIRAL_BULK_ABI {

/// Prices and first-order Greeks of `in.type.size()` European options (Black–Scholes–Merton
/// with continuous dividend yield), written to the non-empty columns of `out`.
/// Throws spiral::invalid_argument when an input column's length differs from
/// `in.type.size()` or a non-empty output's length differs from it (before writing anything),
/// or when a type is not call or put or a value is out of range: NaN or infinite anywhere,
/// spot <= 0, strike <= 0, time < 0, vol < 0. Values are checked as the rows are computed, in
/// order: the first bad row is the one named, it and the rows after it are not written, and
/// rows before it may already hold their results. time = 0 and vol = 0 are valid (see
/// `spiral::black_scholes`).
inline void black_scholes(const bs_columns& in, const greeks_columns& out) {
    const std::size_t n = detail::validate_bulk_sizes(in, out);
    detail::bulk_compute<SPIRAL_BULK_USES_SIMD != 0, true>(in, out, n);
}

} // namespace SPIRAL_BULK_ABI
} // namespace spiral
