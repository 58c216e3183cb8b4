// spiral (top level): Black–Scholes Greeks and implied vol over NumPy columns (the bulk entry
// points, on the best SIMD target of the CPU through spiral::dispatch), the element kernels as
// NumPy-broadcasting functions, and the normal distribution.
#include "common.hpp"

#include <spiral/core/normal.hpp>
#include <spiral/core/target.hpp>
#include <spiral/options/black.hpp>
#include <spiral/options/black_scholes.hpp>
#include <spiral/options/bulk.hpp>
#include <spiral/options/implied_vol.hpp>
#include <spiral/options/implied_vol_bulk.hpp>
#if SPIRAL_PYTHON_DISPATCH
#include <spiral/dispatch.hpp>
#endif

#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

namespace spiral::python {
namespace options_part {

// The bulk calls: the CPU's best target through spiral::dispatch when the module links it,
// else the module's own (the build's) target.
template <class S>
void run_black_scholes(const basic_bs_columns<S>& in, const basic_greeks_columns<S>& out) {
#if SPIRAL_PYTHON_DISPATCH
    spiral::dispatch::black_scholes(in, out);
#else
    spiral::black_scholes(in, out);
#endif
}

void run_implied_vol(const implied_vol_columns& in, std::span<double> vol) {
#if SPIRAL_PYTHON_DISPATCH
    spiral::dispatch::implied_vol(in, vol);
#else
    spiral::implied_vol(in, vol);
#endif
}

std::string_view simd_target() {
#if SPIRAL_PYTHON_DISPATCH
    return spiral::dispatch::target_name();
#else
    return spiral::bulk_arch_name;
#endif
}

constexpr std::array<const char*, 6> greek_names{"price", "delta", "gamma", "vega", "theta", "rho"};
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// The columns of one black_scholes call, read and allocated (the GIL still held).
template <class S>
struct bs_call {
    bool scalar = false;
    py::array_t<std::int32_t> type;
    std::array<py::array_t<S>, 6> in; // spot, strike, time, rate, dividend, vol
    std::array<py::array_t<S>, 6> out;
    std::array<bool, 6> wanted{};

    basic_bs_columns<S> inputs() const {
        return {type_span(type), span_of(in[0]), span_of(in[1]), span_of(in[2]),
                span_of(in[3]),  span_of(in[4]), span_of(in[5])};
    }
    basic_greeks_columns<S> outputs() {
        std::array<std::span<S>, 6> o{};
        for (std::size_t k = 0; k < 6; ++k)
            if (wanted[k])
                o[k] = mutable_span_of(out[k]);
        return {o[0], o[1], o[2], o[3], o[4], o[5]};
    }
};

/// Which of the six outputs are wanted: `outputs` (names), else the keys of `out`, else all.
std::array<bool, 6> wanted_outputs(py::handle outputs, const py::dict& out) {
    std::array<bool, 6> wanted{};
    py::list names;
    if (!outputs.is_none())
        names = py::module_::import("builtins").attr("list")(outputs);
    else if (!out.empty())
        names = py::module_::import("builtins").attr("list")(out);
    else
        wanted.fill(true);
    for (py::handle name : names) {
        const std::string n = py::str(name);
        std::size_t k = 0;
        while (k < 6 && n != greek_names[k])
            ++k;
        if (k == 6)
            fail("black_scholes", "outputs", n,
                 "must be among price, delta, gamma, vega, theta, rho");
        wanted[k] = true;
    }
    for (auto item : out) {
        const std::string n = py::str(item.first);
        std::size_t k = 0;
        while (k < 6 && n != greek_names[k])
            ++k;
        if (k == 6 || !wanted[k])
            fail("black_scholes", "out", n, "must name one of the wanted outputs");
    }
    return wanted;
}

template <class S>
py::object black_scholes_columns(const std::array<raw_column, 7>& raw_in, py::handle outputs,
                                 const py::dict& out, bool timing, std::size_t repeats,
                                 std::vector<double>* seconds) {
    constexpr std::string_view what = "black_scholes";
    const std::size_t n = row_count(
        {&raw_in[0], &raw_in[1], &raw_in[2], &raw_in[3], &raw_in[4], &raw_in[5], &raw_in[6]});
    bs_call<S> call;
    call.scalar = all_scalar(
        {&raw_in[0], &raw_in[1], &raw_in[2], &raw_in[3], &raw_in[4], &raw_in[5], &raw_in[6]});
    call.type = option_types(raw_in[0], what, n);
    for (std::size_t k = 0; k < 6; ++k)
        call.in[k] = numeric<S>(raw_in[k + 1], what, n);
    call.wanted = wanted_outputs(outputs, out);
    for (std::size_t k = 0; k < 6; ++k)
        if (call.wanted[k])
            call.out[k] = output<S>(out.contains(greek_names[k]) ? py::handle(out[greek_names[k]])
                                                                 : py::handle(py::none()),
                                    what, greek_names[k], n);
    const basic_bs_columns<S> in = call.inputs();
    const basic_greeks_columns<S> o = call.outputs();
    {
        py::gil_scoped_release release;
        if (timing) {
            for (std::size_t r = 0; r < repeats; ++r) {
                const auto start = std::chrono::steady_clock::now();
                run_black_scholes(in, o);
                const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
                seconds->push_back(took.count());
            }
        } else {
            run_black_scholes(in, o);
        }
    }
    py::dict result;
    for (std::size_t k = 0; k < 6; ++k)
        if (call.wanted[k]) {
            if (call.scalar)
                result[greek_names[k]] = py::float_(static_cast<double>(call.out[k].at(0)));
            else
                result[greek_names[k]] = call.out[k];
        }
    return result;
}

/// float32 when asked (dtype) or, by default, when the spot column is a float32 array.
bool use_float(const raw_column& spot, py::handle dtype) {
    if (!dtype.is_none()) {
        const py::dtype d = py::dtype::from_args(py::reinterpret_borrow<py::object>(dtype));
        if (d.is(py::dtype::of<float>()) || d.equal(py::dtype::of<float>()))
            return true;
        if (d.equal(py::dtype::of<double>()))
            return false;
        fail("black_scholes", "dtype", std::string(py::str(static_cast<py::handle>(d))),
             "must be float64 or float32");
    }
    return !spot.scalar() && spot.array.dtype().equal(py::dtype::of<float>());
}

py::object black_scholes(py::handle type, py::handle spot, py::handle strike, py::handle time,
                         py::handle rate, py::handle dividend, py::handle vol, py::handle outputs,
                         py::handle out, py::handle dtype) {
    constexpr std::string_view what = "black_scholes";
    const std::array<raw_column, 7> raw_in{
        raw(type, what, "type"), raw(spot, what, "spot"), raw(strike, what, "strike"),
        raw(time, what, "time"), raw(rate, what, "rate"), raw(dividend, what, "dividend"),
        raw(vol, what, "vol")};
    const py::dict out_dict =
        out.is_none() ? py::dict() : py::dict(py::reinterpret_borrow<py::object>(out));
    if (use_float(raw_in[1], dtype))
        return black_scholes_columns<float>(raw_in, outputs, out_dict, false, 0, nullptr);
    return black_scholes_columns<double>(raw_in, outputs, out_dict, false, 0, nullptr);
}

/// Seconds of each of `repeats` calls of the library on the prepared columns, timed in C++
/// (for python/bench: the C++ call on the very arrays the Python call gets).
std::vector<double> time_black_scholes(py::handle type, py::handle spot, py::handle strike,
                                       py::handle time, py::handle rate, py::handle dividend,
                                       py::handle vol, py::dict out, std::size_t repeats) {
    constexpr std::string_view what = "black_scholes";
    const std::array<raw_column, 7> raw_in{
        raw(type, what, "type"), raw(spot, what, "spot"), raw(strike, what, "strike"),
        raw(time, what, "time"), raw(rate, what, "rate"), raw(dividend, what, "dividend"),
        raw(vol, what, "vol")};
    std::vector<double> seconds;
    if (use_float(raw_in[1], py::none()))
        black_scholes_columns<float>(raw_in, py::none(), out, true, repeats, &seconds);
    else
        black_scholes_columns<double>(raw_in, py::none(), out, true, repeats, &seconds);
    return seconds;
}

py::object implied_vol(py::handle type, py::handle price, py::handle spot, py::handle strike,
                       py::handle time, py::handle rate, py::handle dividend, py::handle out) {
    constexpr std::string_view what = "implied_vol";
    const std::array<raw_column, 7> r{raw(type, what, "type"),        raw(price, what, "price"),
                                      raw(spot, what, "spot"),        raw(strike, what, "strike"),
                                      raw(time, what, "time"),        raw(rate, what, "rate"),
                                      raw(dividend, what, "dividend")};
    const std::size_t n = row_count({&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6]});
    const auto types = option_types(r[0], what, n);
    std::array<py::array_t<double>, 6> in;
    for (std::size_t k = 0; k < 6; ++k)
        in[k] = numeric<double>(r[k + 1], what, n);
    auto vol = output<double>(out, what, "vol", n);
    const implied_vol_columns columns{type_span(types), span_of(in[0]), span_of(in[1]),
                                      span_of(in[2]),   span_of(in[3]), span_of(in[4]),
                                      span_of(in[5])};
    {
        py::gil_scoped_release release;
        run_implied_vol(columns, mutable_span_of(vol));
    }
    if (all_scalar({&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6]}))
        return first_as_float(vol);
    return vol;
}

py::object implied_stddev(py::handle type, py::handle price, py::handle forward, py::handle strike,
                          py::handle discount, py::handle out) {
    constexpr std::string_view what = "implied_stddev";
    const std::array<raw_column, 5> r{raw(type, what, "type"), raw(price, what, "price"),
                                      raw(forward, what, "forward"), raw(strike, what, "strike"),
                                      raw(discount, what, "discount")};
    const std::size_t n = row_count({&r[0], &r[1], &r[2], &r[3], &r[4]});
    const auto types = option_types(r[0], what, n);
    std::array<py::array_t<double>, 4> in;
    for (std::size_t k = 0; k < 4; ++k)
        in[k] = numeric<double>(r[k + 1], what, n);
    auto stddev = output<double>(out, what, "stddev", n);
    const implied_stddev_columns columns{type_span(types), span_of(in[0]), span_of(in[1]),
                                         span_of(in[2]), span_of(in[3])};
    {
        py::gil_scoped_release release;
        spiral::implied_stddev(columns, mutable_span_of(stddev));
    }
    if (all_scalar({&r[0], &r[1], &r[2], &r[3], &r[4]}))
        return first_as_float(stddev);
    return stddev;
}

/// An element kernel's option type: 0 call, 1 put; anything else gives NaN.
bool element_type(std::int32_t t, option_type& type) {
    if (t != 0 && t != 1)
        return false;
    type = t == 0 ? option_type::call : option_type::put;
    return true;
}

/// The type argument of an element function as integers for NumPy broadcasting: ints pass,
/// 'call'/'put' and option_type values become 0/1 (arrays of them too).
py::object element_types(py::handle type, std::string_view what) {
    const raw_column c = raw(type, what, "type");
    const char kind = c.array.dtype().kind();
    if (kind == 'i' || kind == 'u')
        return c.array;
    const auto types = option_types(c, what, 1);
    if (c.scalar())
        return py::int_(types.at(0));
    return types;
}

greeks<double> greeks_of(py::handle type, double spot, double strike, double time, double rate,
                         double dividend, double vol) {
    const raw_column c = raw(type, "greeks", "type");
    if (!c.scalar())
        fail("greeks", "type.ndim", 1, "must be 0 (one option; use black_scholes for columns)");
    const auto t = option_types(c, "greeks", 1).at(0);
    option_type which{};
    if (!element_type(t, which))
        return greeks<double>{nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan};
    return spiral::black_scholes(which, bs_input<double>{spot, strike, time, rate, dividend, vol});
}

} // namespace options_part

void bind_options(py::module_& m) {
    using namespace options_part;
    py::class_<greeks<double>> g(m, "greeks", R"doc(
Price and all Greeks of one European option (Black–Scholes–Merton with a continuous dividend
yield), as `spiral.greeks(...)` returns them. Units: vega, rho and dividend_rho per 1.00 of vol
or rate (not per 1%); theta, charm, color and veta per year, minus the derivative with respect to
time; delta per unit of spot, gamma per unit of spot squared.

greeks(type, spot, strike, time, rate, dividend, vol) computes them for ONE option (the element
kernel spiral::black_scholes; for columns use black_scholes). It never raises for values: NaN
unless spot > 0, strike > 0, time >= 0, vol >= 0 and all finite; time = 0 or vol = 0 give the
limits. type: 0/'call'/option_type.call or 1/'put'.)doc");
    g.def(py::init(&greeks_of), py::arg("type"), py::arg("spot"), py::arg("strike"),
          py::arg("time"), py::arg("rate"), py::arg("dividend"), py::arg("vol"));
    g.def_readonly("price", &greeks<double>::price)
        .def_readonly("delta", &greeks<double>::delta)
        .def_readonly("gamma", &greeks<double>::gamma)
        .def_readonly("vega", &greeks<double>::vega)
        .def_readonly("theta", &greeks<double>::theta)
        .def_readonly("rho", &greeks<double>::rho)
        .def_readonly("dividend_rho", &greeks<double>::dividend_rho)
        .def_readonly("vanna", &greeks<double>::vanna)
        .def_readonly("volga", &greeks<double>::volga)
        .def_readonly("charm", &greeks<double>::charm)
        .def_readonly("speed", &greeks<double>::speed)
        .def_readonly("zomma", &greeks<double>::zomma)
        .def_readonly("color", &greeks<double>::color)
        .def_readonly("veta", &greeks<double>::veta);
    dataclass_like(g, {"price", "delta", "gamma", "vega", "theta", "rho", "dividend_rho", "vanna",
                       "volga", "charm", "speed", "zomma", "color", "veta"});

    m.def("black_scholes", &black_scholes, py::arg("type"), py::arg("spot"), py::arg("strike"),
          py::arg("time"), py::arg("rate"), py::arg("dividend"), py::arg("vol"), py::kw_only(),
          py::arg("outputs") = py::none(), py::arg("out") = py::none(),
          py::arg("dtype") = py::none(), R"doc(
Prices and first-order Greeks of many European options at once (the bulk call,
spiral::black_scholes over columns, on the CPU's best SIMD target; the GIL is released).

type: 0 / 'call' / spiral.option_type.call or 1 / 'put'; spot, strike: price levels (quote
currency); time: years to expiry; rate, dividend: annualised, continuously compounded; vol:
annualised. Each argument is a 1-D array (one row per option) or a scalar (the same for every
row); the row count is the length of the first array.

Zero copy: float64 (or, for float32 computation, float32) C-contiguous arrays and int32 type
arrays are read in place; other numeric arrays are converted (a copy). dtype: float64 (default)
or float32 (default when spot is a float32 array; about 1e-6 relative accuracy).

outputs: the names wanted among price, delta, gamma, vega, theta, rho (default: all; work only
the unwanted ones need is skipped). out: a dict name -> preallocated array to write into (e.g. the
arrays of a previous call: no allocation, no page faults).

Returns a dict name -> array (floats when every input is a scalar). Units: price in the quote
currency, delta per unit of spot, gamma per unit of spot squared, vega and rho per 1.00 of vol
or rate, theta per year (-dV/dtime).

Raises spiral.invalid_argument (a ValueError) naming the column, row and value, e.g.
"spiral: black_scholes: vol[3] = -1 (must be 0 or in [1e-08, 100])": spot and strike in
[1e-100, 1e100], time in [0, 50], vol 0 or in [1e-08, 100], rate and dividend in
[-2, 2]. Rows before the bad one may already be written into `out` arrays.)doc");

    m.def("implied_vol", &implied_vol, py::arg("type"), py::arg("price"), py::arg("spot"),
          py::arg("strike"), py::arg("time"), py::arg("rate"), py::arg("dividend"), py::kw_only(),
          py::arg("out") = py::none(), R"doc(
Black–Scholes implied volatility of many options (calls and puts mixed): the annualised vol that
reproduces each price, NaN where none does (a price outside the no-arbitrage bounds, or time 0
with time value left). Columns and scalars as in black_scholes; price in the quote currency;
out: a preallocated float64 array. Returns an array (a float when every input is a scalar).
Raises spiral.invalid_argument naming the column, row and value (price must be >= 0; spot,
strike, time, rate, dividend as in black_scholes).)doc");

    m.def("implied_stddev", &implied_stddev, py::arg("type"), py::arg("price"), py::arg("forward"),
          py::arg("strike"), py::arg("discount"), py::kw_only(), py::arg("out") = py::none(), R"doc(
Black-76 implied total standard deviation vol * sqrt(time) of many options, NaN where none fits.
forward, strike: price levels; discount: the discount factor (> 0); price in the quote currency.
Columns, scalars and errors as in implied_vol.)doc");

    const py::object price_kernel =
        py::cpp_function(py::vectorize([](std::int32_t t, double spot, double strike, double time,
                                          double rate, double dividend, double vol) {
            option_type type{};
            if (!element_type(t, type))
                return nan;
            return spiral::black_scholes_price(
                type, bs_input<double>{spot, strike, time, rate, dividend, vol});
        }));
    m.def(
        "black_scholes_price",
        [price_kernel](py::handle type, py::handle spot, py::handle strike, py::handle time,
                       py::handle rate, py::handle dividend, py::handle vol) {
            return price_kernel(element_types(type, "black_scholes_price"), spot, strike, time,
                                rate, dividend, vol);
        },
        py::arg("type"), py::arg("spot"), py::arg("strike"), py::arg("time"), py::arg("rate"),
        py::arg("dividend"), py::arg("vol"), R"doc(
The Black–Scholes price alone (element kernel spiral::black_scholes_price), broadcast over NumPy
arrays like a ufunc, one option at a time in C++. NaN for invalid input (never raises for
values); type 0/'call' or 1/'put' (other integers give NaN). Units as in black_scholes.)doc");

    const py::object black_kernel = py::cpp_function(py::vectorize(
        [](std::int32_t t, double forward, double strike, double stddev, double discount) {
            option_type type{};
            if (!element_type(t, type))
                return nan;
            return spiral::black(type, forward, strike, stddev, discount);
        }));
    m.def(
        "black",
        [black_kernel](py::handle type, py::handle forward, py::handle strike, py::handle stddev,
                       py::handle discount) {
            return black_kernel(element_types(type, "black"), forward, strike, stddev, discount);
        },
        py::arg("type"), py::arg("forward"), py::arg("strike"), py::arg("stddev"),
        py::arg("discount"), R"doc(
Black-76 price discount * theta * (F Phi(theta d1) - K Phi(theta d2)), stddev = vol sqrt(time),
broadcast over NumPy arrays; NaN unless forward > 0, strike > 0, stddev >= 0, discount >= 0.)doc");

    const py::object implied_kernel =
        py::cpp_function(py::vectorize([](std::int32_t t, double price, double spot, double strike,
                                          double time, double rate, double dividend) {
            option_type type{};
            if (!element_type(t, type))
                return nan;
            return spiral::implied_vol(type, price,
                                       bs_input<double>{spot, strike, time, rate, dividend, 0.0});
        }));
    m.def(
        "implied_vol_element",
        [implied_kernel](py::handle type, py::handle price, py::handle spot, py::handle strike,
                         py::handle time, py::handle rate, py::handle dividend) {
            return implied_kernel(element_types(type, "implied_vol_element"), price, spot, strike,
                                  time, rate, dividend);
        },
        py::arg("type"), py::arg("price"), py::arg("spot"), py::arg("strike"), py::arg("time"),
        py::arg("rate"), py::arg("dividend"), R"doc(
The element implied vol (spiral::implied_vol(option_type, price, bs_input)), broadcast over
NumPy arrays one option at a time: NaN where no vol fits or the input is invalid (never raises
for values). The bulk implied_vol gives the same values and names bad input instead.)doc");

    m.def("norm_cdf", py::vectorize([](double x) { return spiral::norm_cdf(x); }), py::arg("x"),
          "Standard normal CDF Phi(x) (spiral::norm_cdf), broadcast over arrays.");
    m.def("norm_pdf", py::vectorize([](double x) { return spiral::norm_pdf(x); }), py::arg("x"),
          "Standard normal density exp(-x^2/2)/sqrt(2 pi) (spiral::norm_pdf), broadcast over "
          "arrays.");
    m.def("norm_quantile", py::vectorize([](double p) { return spiral::norm_quantile(p); }),
          py::arg("p"),
          "Inverse standard normal CDF (spiral::norm_quantile), broadcast over arrays; NaN "
          "outside [0, 1].");

    m.def("simd_target", &simd_target, R"doc(
The CPU target the bulk option and margin calls run on ("avx512bw", "fma3+avx2", "sse2", ...):
chosen at run time by spiral::dispatch when the module links it.)doc");
    m.attr("build_target") = std::string(spiral::bulk_arch_name);

    m.def("_time_black_scholes", &time_black_scholes, py::arg("type"), py::arg("spot"),
          py::arg("strike"), py::arg("time"), py::arg("rate"), py::arg("dividend"), py::arg("vol"),
          py::arg("out"), py::arg("repeats"),
          "Seconds of each of `repeats` C++ calls of the bulk Black–Scholes on these columns "
          "(timed in C++; for python/bench).");
}

} // namespace spiral::python
