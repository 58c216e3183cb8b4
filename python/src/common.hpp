// What every family's bindings share: NumPy columns in and out (zero copy where the caller's
// array already has the library's layout), the library's error wording for binding-level
// checks, and the dataclass-like face of bound structs (repr, as_dict, ==).
#pragma once

#include <spiral/core/error.hpp>
#include <spiral/options/black.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace spiral::python {

namespace py = pybind11;

// The type column is read in place as option_type: an enum over int, so an int32 array has
// its layout.
static_assert(sizeof(option_type) == sizeof(std::int32_t));

/// Raises spiral::invalid_argument (ValueError in Python) worded as the library words its own:
/// "spiral: <what>: <field> = <value> (<why>)".
template <class V>
[[noreturn]] void fail(std::string_view what, std::string_view field, const V& value,
                       std::string_view why) {
    spiral::detail::throw_invalid(what, field, spiral::detail::no_row, value, why);
}

/// NumPy's short name of an array's dtype ("float64", "<U4", "object").
inline std::string dtype_name(const py::array& a) {
    return py::str(a.dtype()).cast<std::string>();
}

/// A Python value as an array (lists, tuples, scalars and arrays alike); scalars give 0-d.
inline py::array as_array(py::handle value, std::string_view what, std::string_view field) {
    py::array a = py::array::ensure(value);
    if (!a) {
        PyErr_Clear();
        fail(what, field, std::string(py::str(py::type::of(value).attr("__name__"))),
             "must be a number or an array of numbers");
    }
    return a;
}

/// One input column of a bulk call, before the row count is known.
struct raw_column {
    std::string_view field;
    py::array array;
    bool scalar() const { return array.ndim() == 0; }
};

/// Reads `value` as a column: a 0-d value is a scalar (broadcast to every row later), a 1-D
/// array a column; more dimensions are rejected.
inline raw_column raw(py::handle value, std::string_view what, std::string_view field) {
    raw_column c{field, as_array(value, what, field)};
    if (c.array.ndim() > 1)
        fail(what, std::string(field) + ".ndim", c.array.ndim(), "must be 1 (a column) or 0");
    return c;
}

/// The row count of a bulk call: the length of the first input given as an array (the library
/// then checks every other length against it), or 1 when every input is a scalar.
inline std::size_t row_count(std::initializer_list<const raw_column*> columns) {
    for (const raw_column* c : columns)
        if (c != nullptr && !c->scalar())
            return static_cast<std::size_t>(c->array.shape(0));
    return 1;
}

/// True when every given input is a scalar: the call then returns scalars.
inline bool all_scalar(std::initializer_list<const raw_column*> columns) {
    for (const raw_column* c : columns)
        if (c != nullptr && !c->scalar())
            return false;
    return true;
}

/// A column of S ready for the library: the caller's own array when it is 1-D, of dtype S and
/// C-contiguous (no copy), otherwise a converted copy; a scalar filled into `rows` values.
template <class S>
py::array_t<S> numeric(const raw_column& c, std::string_view what, std::size_t rows) {
    const char kind = c.array.dtype().kind();
    if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b')
        fail(what, std::string(c.field) + ".dtype", dtype_name(c.array),
             "must be a real number type (float, int or bool)");
    if (c.scalar()) {
        py::array_t<S> filled(static_cast<py::ssize_t>(rows));
        const S value = py::array_t<S, py::array::forcecast>::ensure(c.array).at();
        S* out = filled.mutable_data();
        for (std::size_t i = 0; i < rows; ++i)
            out[i] = value;
        return filled;
    }
    using exact = py::array_t<S, py::array::c_style>;
    if (py::isinstance<exact>(c.array))
        return py::reinterpret_borrow<py::array_t<S>>(c.array);
    return py::array_t<S, py::array::c_style | py::array::forcecast>::ensure(c.array);
}

template <class S>
std::span<const S> span_of(const py::array_t<S>& a) {
    return {a.data(), static_cast<std::size_t>(a.size())};
}
template <class S>
std::span<S> mutable_span_of(py::array_t<S>& a) {
    return {a.mutable_data(), static_cast<std::size_t>(a.size())};
}

/// The option-type column as int32 (0 call, 1 put), read in place when it already is one.
/// Accepts integers, 'call'/'put' (str) and spiral.option_type values, as scalars or arrays.
/// Integers other than 0 and 1 are passed on for the library to name; those outside int32 are
/// named here with the library's wording.
py::array_t<std::int32_t> option_types(const raw_column& c, std::string_view what,
                                       std::size_t rows);

inline std::span<const option_type> type_span(const py::array_t<std::int32_t>& a) {
    return {reinterpret_cast<const option_type*>(a.data()), static_cast<std::size_t>(a.size())};
}

/// An output column: a new array of `rows`, or the caller's `given` array (written in place),
/// which must be 1-D, of dtype S, C-contiguous and writeable; the library checks its length.
template <class S>
py::array_t<S> output(py::handle given, std::string_view what, std::string_view field,
                      std::size_t rows) {
    if (given.is_none())
        return py::array_t<S>(static_cast<py::ssize_t>(rows));
    using exact = py::array_t<S, py::array::c_style>;
    const std::string name = "out['" + std::string(field) + "']";
    if (!py::isinstance<exact>(given))
        fail(what, name, std::string(py::repr(given)).substr(0, 60),
             std::string("must be a 1-D C-contiguous array of ") +
                 (std::is_same_v<S, float> ? "float32" : "float64"));
    auto a = py::reinterpret_borrow<py::array_t<S>>(given);
    if (a.ndim() != 1)
        fail(what, name + ".ndim", a.ndim(), "must be 1");
    if (!a.writeable())
        fail(what, name, "read-only array", "must be writeable");
    return a;
}

/// A 1-D array of doubles owned by Python, from any contiguous range.
template <class Range>
py::array_t<double> to_array(const Range& values) {
    py::array_t<double> a(static_cast<py::ssize_t>(std::size(values)));
    double* out = a.mutable_data();
    std::size_t i = 0;
    for (const auto& v : values)
        out[i++] = static_cast<double>(v);
    return a;
}

/// A read-only NumPy view of `values`, kept alive by `owner` (a Python object holding them).
inline py::array_t<double> view_of(std::span<const double> values, py::handle owner) {
    py::array_t<double> a(static_cast<py::ssize_t>(values.size()), values.data(), owner);
    a.attr("setflags")(py::arg("write") = false);
    return a;
}

/// Doubles from a Python sequence or 1-D array (copied), for parameters that the library keeps
/// in vectors (tables, tiers, levels).
inline std::vector<double> doubles(py::handle value, std::string_view what,
                                   std::string_view field) {
    const raw_column c = raw(value, what, field);
    if (c.scalar())
        fail(what, std::string(field) + ".ndim", 0, "must be 1 (a sequence of numbers)");
    const auto a = numeric<double>(c, what, 0);
    return {a.data(), a.data() + a.size()};
}

/// f of each value of `x`: a float for a scalar, an array for a 1-D array. For element functions
/// that need checks before they run (which py::vectorize cannot place).
template <class F>
py::object elementwise(py::handle x, std::string_view what, std::string_view field, F f) {
    const raw_column c = raw(x, what, field);
    const auto a =
        numeric<double>(c, what, c.scalar() ? 1 : static_cast<std::size_t>(c.array.shape(0)));
    py::array_t<double> out(a.size());
    double* o = out.mutable_data();
    for (py::ssize_t i = 0; i < a.size(); ++i)
        o[i] = f(a.data()[i]);
    if (c.scalar())
        return py::float_(o[0]);
    return out;
}

/// Gives a bound struct the face of a dataclass: repr with its fields, as_dict(), == and !=
/// by fields. `fields` are the attribute names, in declaration order.
template <class Class>
void dataclass_like(Class& cls, std::vector<std::string> fields) {
    cls.def_property_readonly_static(
        "_fields", [fields](py::object) { return py::tuple(py::cast(fields)); },
        "The field names, in order (as dataclasses.fields would list them).");
    cls.def(
        "as_dict",
        [fields](py::object self) {
            py::dict d;
            for (const std::string& f : fields)
                d[py::str(f)] = self.attr(f.c_str());
            return d;
        },
        "The fields as a dict (name -> value), in declaration order.");
    cls.def("__repr__", [fields](py::object self) {
        std::string text = py::str(py::type::of(self).attr("__name__")).cast<std::string>() + "(";
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i > 0)
                text += ", ";
            text += fields[i] + "=" +
                    py::repr(self.attr(fields[i].c_str())).template cast<std::string>();
        }
        return text + ")";
    });
    cls.def("__eq__", [fields](py::object self, py::object other) -> py::object {
        if (!py::type::of(self).is(py::type::of(other)))
            return py::reinterpret_borrow<py::object>(Py_NotImplemented);
        for (const std::string& f : fields)
            if (!self.attr(f.c_str()).equal(other.attr(f.c_str())))
                return py::bool_(false);
        return py::bool_(true);
    });
    cls.attr("__hash__") = py::none();
}

/// The result of a bulk call whose inputs were all scalars: element 0 as a Python float.
inline py::object first_as_float(const py::array_t<double>& a) {
    return py::float_(a.at(0));
}

/// The module-level functions of each family (defined in <family>.cpp).
void bind_options(py::module_& m);
void bind_impact(py::module_& m);
void bind_haircut(py::module_& m);
void bind_margin(py::module_& m);
void bind_risk(py::module_& m);
void bind_cascade(py::module_& m);
void bind_cascade_path(py::module_& m); // spiral.cascade: run along a price path, venues
void bind_stress(py::module_& m);

} // namespace spiral::python
