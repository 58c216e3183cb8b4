// spiral._core: the compiled part of the Python package `spiral`. One submodule per family
// (impact, haircut, margin, risk, cascade, stress; the options functions at the top level), each
// bound in its own file; spiral::invalid_argument arrives in Python as spiral.invalid_argument, a
// ValueError with the library's message.
#include "common.hpp"

#include <spiral/version.hpp>

#include <string>

namespace spiral::python {

py::array_t<std::int32_t> option_types(const raw_column& c, std::string_view what,
                                       std::size_t rows) {
    constexpr std::string_view rule = "must be option_type::call (0) or option_type::put (1)";
    const auto field = std::string(c.field);
    const py::object integral = py::module_::import("numbers").attr("Integral");
    // One value (scalar or array element) as 0/1, or an integer for the library to judge.
    const auto one = [&](py::handle v, std::size_t row) -> std::int64_t {
        const std::string name = c.scalar() ? field : field + "[" + std::to_string(row) + "]";
        if (py::isinstance<option_type>(v))
            return static_cast<std::int64_t>(v.cast<option_type>());
        if (py::isinstance<py::str>(v)) {
            const std::string s = v.cast<std::string>();
            if (s == "call")
                return 0;
            if (s == "put")
                return 1;
            fail(what, name, "'" + s + "'", "must be 'call' or 'put'");
        }
        if (py::isinstance<py::bool_>(v) || !py::isinstance(v, integral))
            fail(what, name, std::string(py::repr(v)),
                 "must be an integer (0 call, 1 put), 'call', 'put' or a spiral.option_type");
        return v.cast<std::int64_t>();
    };
    const auto checked = [&](std::int64_t t, std::size_t row) -> std::int32_t {
        if (t < std::numeric_limits<std::int32_t>::min() ||
            t > std::numeric_limits<std::int32_t>::max()) {
            spiral::detail::throw_invalid(what, field, c.scalar() ? spiral::detail::no_row : row, t,
                                          rule);
        }
        return static_cast<std::int32_t>(t);
    };

    const char kind = c.array.dtype().kind();
    if (c.scalar()) {
        // a 0-d array: take the Python object it holds (str, int, option_type, ...)
        const py::object v = c.array.attr("item")();
        py::array_t<std::int32_t> filled(static_cast<py::ssize_t>(rows));
        const std::int32_t t = checked(one(v, 0), 0);
        std::int32_t* out = filled.mutable_data();
        for (std::size_t i = 0; i < rows; ++i)
            out[i] = t;
        return filled;
    }
    if (py::isinstance<py::array_t<std::int32_t, py::array::c_style>>(c.array))
        return py::reinterpret_borrow<py::array_t<std::int32_t>>(c.array); // read in place
    const auto n = static_cast<std::size_t>(c.array.shape(0));
    py::array_t<std::int32_t> converted(static_cast<py::ssize_t>(n));
    if (n == 0) // [] reads as float64: an empty column of any type is an empty column
        return converted;
    std::int32_t* out = converted.mutable_data();
    if (kind == 'i' || kind == 'u') {
        const auto values = py::array_t<std::int64_t, py::array::forcecast>::ensure(c.array);
        if (kind == 'u' && c.array.dtype().itemsize() == 8) { // above int64: named as unsigned
            const auto u = py::array_t<std::uint64_t, py::array::forcecast>::ensure(c.array);
            for (std::size_t i = 0; i < n; ++i)
                if (u.at(static_cast<py::ssize_t>(i)) > 0x7fffffffu)
                    spiral::detail::throw_invalid(what, field, i, u.at(static_cast<py::ssize_t>(i)),
                                                  rule);
        }
        for (std::size_t i = 0; i < n; ++i)
            out[i] = checked(values.at(static_cast<py::ssize_t>(i)), i);
        return converted;
    }
    if (kind == 'U' || kind == 'S' || kind == 'O') {
        const py::list items = c.array.attr("tolist")();
        for (std::size_t i = 0; i < n; ++i) {
            py::object v = items[i];
            if (py::isinstance<py::bytes>(v))
                v = v.attr("decode")();
            out[i] = checked(one(v, i), i);
        }
        return converted;
    }
    fail(what, field + ".dtype", dtype_name(c.array),
         "must hold integers (0 call, 1 put), 'call'/'put' or spiral.option_type values");
}

} // namespace spiral::python

PYBIND11_MODULE(_core, m) {
    namespace py = pybind11;
    using namespace spiral::python;

    m.doc() = "spiral: the collateral value feedback loop (options, impact, haircuts, margin, "
              "risk, liquidation cascades). The compiled part of the package `spiral`.";
    m.attr("__version__") = std::to_string(SPIRAL_VERSION_MAJOR) + "." +
                            std::to_string(SPIRAL_VERSION_MINOR) + "." +
                            std::to_string(SPIRAL_VERSION_PATCH);

    // spiral::invalid_argument -> spiral.invalid_argument (a ValueError), message unchanged.
    py::register_exception<spiral::invalid_argument>(m, "invalid_argument", PyExc_ValueError)
        .attr("__doc__") =
        "spiral::invalid_argument: bad input at a boundary of the library (a ValueError). The "
        "message names the function, the field, the row and the value: \"spiral: <function>: "
        "<field>[<row>] = <value> (<rule>)\".";

    py::enum_<spiral::option_type>(m, "option_type", "Call (0) or put (1).")
        .value("call", spiral::option_type::call)
        .value("put", spiral::option_type::put);

    bind_options(m);
    auto impact = m.def_submodule("impact", "Price-impact curves and optimal execution.");
    bind_impact(impact);
    auto haircut = m.def_submodule("haircut", "Collateral haircut models and their combinations.");
    bind_haircut(haircut);
    auto margin = m.def_submodule(
        "margin", "Margin: option rules, scenario grids, size-dependent and dynamic margin, "
                  "volatility estimators.");
    bind_margin(margin);
    auto risk = m.def_submodule(
        "risk", "Risk: covariance and correlation estimators, nearest correlation, factors, "
                "aggregation, pools, correlated scenarios.");
    bind_risk(risk);
    auto cascade = m.def_submodule("cascade", "Liquidation cascades.");
    bind_cascade(cascade);
    bind_cascade_path(cascade);
    auto stress = m.def_submodule(
        "stress", "Stress runs: Monte Carlo over price paths (scenario models, the path cascade, "
                  "VaR, ES, LaR).");
    bind_stress(stress);
}
