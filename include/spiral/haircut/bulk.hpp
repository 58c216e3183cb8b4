// haircut::apply — one haircut model over columns of collateral.
//
//   spiral::haircut::apply(model, {.quantity = q, .price = p, .volatility = v}, out);
//
// Inputs are structure-of-arrays spans, one row per holding; `out` receives one haircut per
// row. The model is validated and prepared (haircut::prepare) once per call; every row is
// checked as it is read, and the first bad one throws spiral::invalid_argument naming the
// column, the row and the value. One pass over the data, no allocation.
//
// SIMD: include <spiral/simd.hpp> (and link spiral::simd) *before* this header, and rows go
// through the model in xsimd batches of doubles of the architecture the compiler flags select
// (SSE2: 2 lanes, AVX2: 4, AVX-512: 8), when the prepared model accepts batches; otherwise a
// scalar loop runs. The last partial batch is padded, so every row takes the same code path
// whatever its position. The entry point lives in an inline namespace named after that choice
// (`haircut_bulk_scalar`, `haircut_bulk_avx2_fma`, ...), so translation units built with
// different choices never share one definition.
#pragma once

#include <spiral/core/bulk_abi.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/error.hpp>
#include <spiral/core/real.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/kernel.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

// ------------------------------------------------------------------ SIMD or scalar, and ABI tag

#define SPIRAL_HAIRCUT_BULK_USES_SIMD SPIRAL_BULK_USES_SIMD
#define SPIRAL_HAIRCUT_BULK_ABI SPIRAL_BULK_NAME(haircut_bulk)

namespace spiral::haircut {

/// Input columns, one row per holding (the fields of spiral::collateral). quantity, price and
/// volatility must be as long as the output; correlation may be empty (every row 0) or as long.
struct collateral_columns {
    std::span<const double> quantity{}, price{}, volatility{}, correlation{};
};

namespace detail {

inline constexpr std::string_view apply_what = "haircut::apply";

/// Checks the column lengths; returns the number of rows.
inline std::size_t apply_rows_checked(const collateral_columns& in, std::span<double> out) {
    const std::size_t n = out.size();
    const std::string equal = "must equal out.size() = " + std::to_string(n);
    if (in.quantity.size() != n)
        spiral::detail::throw_invalid(apply_what, "quantity.size()", spiral::detail::no_row,
                                      in.quantity.size(), equal);
    if (in.price.size() != n)
        spiral::detail::throw_invalid(apply_what, "price.size()", spiral::detail::no_row,
                                      in.price.size(), equal);
    if (in.volatility.size() != n)
        spiral::detail::throw_invalid(apply_what, "volatility.size()", spiral::detail::no_row,
                                      in.volatility.size(), equal);
    if (!in.correlation.empty() && in.correlation.size() != n)
        spiral::detail::throw_invalid(apply_what, "correlation.size()", spiral::detail::no_row,
                                      in.correlation.size(), "must be 0 or " + std::to_string(n));
    return n;
}

// The domain of a row. Every comparison is false for NaN, so NaN fails each check.
constexpr bool quantity_ok(double v) noexcept {
    return v >= 0.0 && v < infinity;
}
constexpr bool price_ok(double v) noexcept {
    return v > 0.0 && v < infinity;
}
constexpr bool volatility_ok(double v) noexcept {
    return v >= 0.0 && v < infinity;
}
constexpr bool correlation_ok(double v) noexcept {
    return v >= -1.0 && v <= 1.0;
}

/// Throws for the first invalid field of the first invalid row at or after `row`.
[[noreturn]] inline void throw_bad_row(const collateral_columns& in, std::size_t row) {
    for (std::size_t i = row; i < in.quantity.size(); ++i) {
        if (!quantity_ok(in.quantity[i]))
            spiral::detail::throw_invalid(apply_what, "quantity", i, in.quantity[i],
                                          "must be finite and >= 0");
        if (!price_ok(in.price[i]))
            spiral::detail::throw_invalid(apply_what, "price", i, in.price[i],
                                          "must be finite and > 0");
        if (!volatility_ok(in.volatility[i]))
            spiral::detail::throw_invalid(apply_what, "volatility", i, in.volatility[i],
                                          "must be finite and >= 0");
        if (!in.correlation.empty() && !correlation_ok(in.correlation[i]))
            spiral::detail::throw_invalid(apply_what, "correlation", i, in.correlation[i],
                                          "must be in [-1, 1]");
    }
    spiral::detail::throw_invalid(apply_what, "row", row, row, "reported invalid, found valid");
}

/// Rows [0, n) one at a time.
template <class Kernel>
void apply_rows_scalar(const Kernel& kernel, const collateral_columns& in, std::span<double> out) {
    const std::size_t n = out.size();
    const bool has_correlation = !in.correlation.empty();
    for (std::size_t i = 0; i < n; ++i) {
        const collateral<double> c{in.quantity[i], in.price[i], in.volatility[i],
                                   has_correlation ? in.correlation[i] : 0.0};
        if (!(quantity_ok(c.quantity) && price_ok(c.price) && volatility_ok(c.volatility) &&
              correlation_ok(c.correlation)))
            throw_bad_row(in, i);
        out[i] = static_cast<double>(kernel(c));
    }
}

#if SPIRAL_HAIRCUT_BULK_USES_SIMD
/// Rows [0, n) in batches of B; the last partial batch is padded with a valid holding.
template <class B, bool HasCorrelation, class Kernel>
void apply_rows_simd(const Kernel& kernel, const collateral_columns& in, std::span<double> out) {
    constexpr std::size_t width = B::size;
    const std::size_t n = out.size();
    const auto evaluate = [&kernel](const double* quantity, const double* price,
                                    const double* volatility, const double* correlation, bool& ok) {
        const B q = B::load_unaligned(quantity);
        const B p = B::load_unaligned(price);
        const B v = B::load_unaligned(volatility);
        B r(0.0);
        if constexpr (HasCorrelation)
            r = B::load_unaligned(correlation);
        const B inf(infinity);
        auto valid =
            (q >= B(0.0)) & (q < inf) & (p > B(0.0)) & (p < inf) & (v >= B(0.0)) & (v < inf);
        if constexpr (HasCorrelation)
            valid = valid & (r >= B(-1.0)) & (r <= B(1.0));
        ok = xsimd::all(valid);
        return kernel(collateral<B>{q, p, v, r});
    };

    std::size_t i = 0;
    for (; i + width <= n; i += width) {
        bool ok = true;
        const B h = evaluate(in.quantity.data() + i, in.price.data() + i, in.volatility.data() + i,
                             HasCorrelation ? in.correlation.data() + i : nullptr, ok);
        if (!ok)
            throw_bad_row(in, i);
        h.store_unaligned(out.data() + i);
    }
    if (i == n)
        return;

    // Remainder: copy into padded buffers (padding: an empty, valid holding), keep `rest` lanes.
    const std::size_t rest = n - i;
    alignas(64) double quantity[width], price[width], volatility[width], correlation[width],
        result[width];
    for (std::size_t k = 0; k < width; ++k) {
        const bool real_row = k < rest;
        quantity[k] = real_row ? in.quantity[i + k] : 0.0;
        price[k] = real_row ? in.price[i + k] : 1.0;
        volatility[k] = real_row ? in.volatility[i + k] : 0.0;
        correlation[k] = real_row && HasCorrelation ? in.correlation[i + k] : 0.0;
    }
    bool ok = true;
    const B h = evaluate(quantity, price, volatility, correlation, ok);
    if (!ok)
        throw_bad_row(in, i);
    h.store_aligned(result);
    for (std::size_t k = 0; k < rest; ++k)
        out[i + k] = result[k];
}
#endif

/// Rows of length-checked columns through a prepared model: batches when `Simd` and this
/// translation unit has them and the kernel accepts them, else the scalar loop.
template <bool Simd, class Kernel>
void apply_rows(const Kernel& kernel, const collateral_columns& in, std::span<double> out) {
#if SPIRAL_HAIRCUT_BULK_USES_SIMD
    using batch = xsimd::batch<double>;
    if constexpr (Simd && haircut_model<Kernel, batch>) {
        if (in.correlation.empty())
            apply_rows_simd<batch, false>(kernel, in, out);
        else
            apply_rows_simd<batch, true>(kernel, in, out);
        return;
    }
#endif
    apply_rows_scalar(kernel, in, out);
}

} // namespace detail

inline namespace SPIRAL_HAIRCUT_BULK_ABI {

/// out[i] = model(collateral{quantity[i], price[i], volatility[i], correlation[i]}).
///
/// Throws spiral::invalid_argument
///   - from model.validate() (when the model has one), before reading any row;
///   - when quantity, price or volatility is not as long as `out`, or correlation is neither
///     empty nor as long, before reading any row;
///   - at the first row (in order) with quantity < 0, price <= 0, volatility < 0, correlation
///     outside [-1, 1], or any of them NaN or infinite, naming the column, row and value.
///     Rows before that row's batch may have been written; the rest of `out` is untouched.
/// `out` may be the very same array as an input column (each row is read before it is
/// written); partial overlaps are not allowed.
template <class Model>
requires haircut_model<Model, double>
void apply(const Model& model, const collateral_columns& in, std::span<double> out) {
    if constexpr (requires { model.validate(); })
        model.validate();
    detail::apply_rows_checked(in, out);
    detail::apply_rows<SPIRAL_HAIRCUT_BULK_USES_SIMD != 0>(haircut::prepare(model), in, out);
}

} // namespace SPIRAL_HAIRCUT_BULK_ABI
} // namespace spiral::haircut
