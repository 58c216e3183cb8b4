// haircut::apply over columns — one haircut model over many holdings.
//
//   spiral::haircut::apply(model, {.quantity = q, .price = p, .volatility = v}, out);
//
// The bulk form of `haircut::apply(model, collateral)`: inputs are structure-of-arrays spans,
// one row per holding, and `out` receives one haircut per row. The model is validated and
// prepared (haircut::prepare) once per call, then the rows run through the library's one column
// loop (core/bulk.hpp) and its contract: the row count is quantity.size(), sizes are checked
// before anything is written, every value is checked as it is loaded and the first bad one is
// named ("spiral: haircut::apply: price[2] = inf (must be finite and > 0)"), it and the rows
// after it left unwritten. One pass over the data, no allocation.
//
// Linking spiral::simd (SPIRAL_SIMD=1) runs the rows on groups of xsimd batches when the
// prepared model accepts batches; otherwise, or without SIMD, a scalar loop runs the model.
/// \file
/// \ingroup haircut
/// \brief haircut::apply over columns: one haircut model over many holdings.
#pragma once

#include <spiral/core/bulk.hpp>
#include <spiral/core/checks.hpp>
#include <spiral/core/config.hpp>
#include <spiral/core/detail/same_simd_choice.hpp>
#include <spiral/core/real.hpp>
#include <spiral/core/target.hpp>
#include <spiral/haircut/collateral.hpp>
#include <spiral/haircut/kernel.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <tuple>

namespace spiral::haircut {

/// Input columns, one row per holding (the fields of spiral::collateral). price and volatility
/// must be as long as quantity; correlation may be empty (every row 0) or as long.
struct collateral_columns {
    std::span<const double> quantity{};   ///< Units held (>= 0); its length is the row count.
    std::span<const double> price{};      ///< Price per unit, in quote units (> 0).
    std::span<const double> volatility{}; ///< Volatility of the price, annualised (>= 0).
    std::span<const double>
        correlation{}; ///< Correlation with the exposure, in [-1, 1]; may be empty.
};

/// The haircut of one holding: `model(c)`, the element form of the bulk `apply` below.
template <class Model, real T>
requires haircut_model<Model, T>
constexpr T apply(const Model& model, const collateral<T>& c) noexcept {
    return model(c);
}

namespace detail {

/// The columns of `apply`, in the order values are checked; padding: an empty holding.
struct collateral_column_set {
    using scalar = double;
    static constexpr std::array<bulk::column_spec, 4> inputs{{
        {.name = "quantity", .domain = spiral::detail::non_negative, .padding = 0.0},
        {.name = "price", .domain = spiral::detail::positive, .padding = 1.0},
        {.name = "volatility", .domain = spiral::detail::non_negative, .padding = 0.0},
        {.name = "correlation",
         .domain = spiral::detail::in_closed(-1, 1),
         .padding = 0.0,
         .optional = true},
    }};
    static constexpr std::array<bulk::output_spec, 1> outputs{{{.name = "out", .required = true}}};
};

/// One step: the prepared model on a step of holdings. The model is held by value: a local
/// copy cannot alias the output column, so its parameters stay in registers across steps.
template <class Kernel>
struct haircut_step {
    Kernel kernel;

    template <real T>
    std::array<T, 1> operator()(T quantity, T price, T volatility, T correlation) const noexcept {
        return {kernel(collateral<T>{quantity, price, volatility, correlation})};
    }
};

/// Batches per step: two, not the layer's default four. Composite models keep several
/// polynomials live at once; four batches of them spill registers (bench_haircut composite:
/// 2.1-2.2 ms with four, 1.9-2.0 ms with two, 2026-12-03).
inline constexpr std::size_t step_batches = 2;

/// `apply` on `Target` with a prepared model; a model that does not accept batches runs on
/// the scalar target of the same compilation.
template <class Target, class Kernel>
void apply_columns(const Kernel& kernel, const collateral_columns& in, std::span<double> out) {
    using set = collateral_column_set;
    constexpr std::string_view what = "haircut::apply";
    const std::tuple inputs{in.quantity, in.price, in.volatility, in.correlation};
    const std::array<std::span<double>, 1> outputs{out};
    const std::size_t n = bulk::rows<set>(what, inputs, outputs);
    haircut_step<Kernel> step{kernel};
    if constexpr (haircut_model<Kernel, bulk::step_t<Target, double, step_batches>>)
        bulk::for_each_step<Target, set, true, step_batches>(what, step, n, inputs, outputs);
    else
        bulk::for_each_step<scalar_bulk_target, set, true>(what, step, n, inputs, outputs);
}

} // namespace detail

/// out[i] = model(collateral{quantity[i], price[i], volatility[i], correlation[i]}).
///
/// Throws spiral::invalid_argument
///   - from model.validate() (when the model has one), before reading any row;
///   - when price or volatility is not as long as quantity, correlation neither empty nor as
///     long, or out not as long, before reading any row;
///   - at the first row (in order) with quantity < 0, price <= 0, volatility < 0, correlation
///     outside [-1, 1], or any of them NaN or infinite, naming the column, row and value. That
///     row and the rows after it are not written; rows before it may already hold their
///     results.
/// `out` may be the very same array as an input column (each row is read before it is
/// written); partial overlaps are not allowed. The last parameter only puts the CPU target
/// into the function's type: leave it defaulted.
template <class Model>
requires haircut_model<Model, double>
void apply(const Model& model, const collateral_columns& in, std::span<double> out,
           bulk_target = {}) {
    if constexpr (requires { model.validate(); })
        model.validate();
    detail::apply_columns<bulk_target>(haircut::prepare(model), in, out);
}

} // namespace spiral::haircut
