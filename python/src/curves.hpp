// Impact curves as Python values: any curve of spiral::impact, or a combinator (scaled_depth,
// resilient) around any of them, held by value in one variant. The library composes curves by
// templates; Python composes them at run time, so the combinators wrap a `curve_ref` (a shared,
// immutable copy of the inner curve) that forwards to whichever curve it holds. Engines that
// take a curve (haircut::liquidity, cascade::simulate) are instantiated once for curve_ref and
// once for resilient<curve_ref> (the recovering curve of the cascade).
#pragma once

#include "common.hpp"

#include <spiral/core/real.hpp>
#include <spiral/impact/concentrated_liquidity.hpp>
#include <spiral/impact/constant_product.hpp>
#include <spiral/impact/exponential.hpp>
#include <spiral/impact/linear.hpp>
#include <spiral/impact/order_book.hpp>
#include <spiral/impact/power_law.hpp>
#include <spiral/impact/resilient.hpp>
#include <spiral/impact/scaled_depth.hpp>
#include <spiral/impact/square_root.hpp>
#include <spiral/impact/stableswap.hpp>

#include <memory>
#include <variant>

namespace spiral::python {

struct any_curve;

/// A shared, immutable curve of any kind, itself an impact_curve (forwarding by std::visit).
struct curve_ref {
    std::shared_ptr<const any_curve> curve;

    template <real T>
    T price_factor(T q) const noexcept;
    template <real T>
    T proceeds(T q) const noexcept;
    void validate() const;
};

/// Every curve a Python value can hold.
struct any_curve
    : std::variant<impact::linear, impact::exponential, impact::square_root, impact::power_law,
                   impact::constant_product, impact::concentrated_liquidity, impact::stableswap,
                   impact::order_book, impact::scaled_depth<curve_ref>,
                   impact::resilient<curve_ref>> {
    using variant::variant;
};

template <real T>
T curve_ref::price_factor(T q) const noexcept {
    return std::visit([&](const auto& c) -> T { return T(c.price_factor(q)); },
                      static_cast<const any_curve::variant&>(*curve));
}
template <real T>
T curve_ref::proceeds(T q) const noexcept {
    return std::visit([&](const auto& c) -> T { return T(c.proceeds(q)); },
                      static_cast<const any_curve::variant&>(*curve));
}
inline void curve_ref::validate() const {
    std::visit([](const auto& c) { c.validate(); }, static_cast<const any_curve::variant&>(*curve));
}

/// The curve a Python object holds (a copy); raises spiral.invalid_argument naming `field`
/// when the object is not a spiral.impact curve.
any_curve curve_of(py::handle object, std::string_view what, std::string_view field);

inline curve_ref ref_of(py::handle object, std::string_view what, std::string_view field) {
    return {std::make_shared<const any_curve>(curve_of(object, what, field))};
}

/// A Python object for a curve (a new object holding a copy).
py::object curve_object(const any_curve& curve);

} // namespace spiral::python
