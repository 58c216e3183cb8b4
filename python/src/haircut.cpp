// spiral.haircut: the haircut models (same field names as the C++ structs) and their
// combinations, evaluated over NumPy columns by haircut::apply (the library's column loop: SIMD
// batches, the first bad row named).
//
// The library composes models by templates (sum<volatility, liquidity<C>>); Python composes them
// at run time (volatility() + liquidity(pool)), so a combination is evaluated part by part: each
// model of the tree runs haircut::apply over the columns, and the parts' columns are combined
// row by row by the library's own combinator (sum, max_of, capped, floored) applied to models
// that return the parts' values, which gives the values the composed template gives.
#include "curves.hpp"

#include <spiral/haircut/basel_scaled.hpp>
#include <spiral/haircut/bulk.hpp>
#include <spiral/haircut/combinators.hpp>
#include <spiral/haircut/depeg.hpp>
#include <spiral/haircut/fat_tailed.hpp>
#include <spiral/haircut/fixed.hpp>
#include <spiral/haircut/liquidity.hpp>
#include <spiral/haircut/volatility.hpp>
#include <spiral/haircut/wrong_way.hpp>

#include <memory>
#include <variant>

namespace spiral::python {
namespace haircut_part {

namespace hc = spiral::haircut;

// Python-side combinations: they hold the Python objects they were built from.
struct sum_model {
    py::object first, second;
};
struct max_model {
    py::object first, second;
};
struct capped_model {
    py::object model;
    double limit;
};
struct floored_model {
    py::object model;
    double limit;
};

/// A model that returns a value already computed: the combinators' parts.
struct given {
    double value;
    template <real T>
    T operator()(const collateral<T>&) const noexcept {
        return T(value);
    }
};

/// A model as a tree the C++ side can evaluate without the GIL.
struct tree;
using tree_ptr = std::shared_ptr<const tree>;
enum class combination { sum, max, cap, floor };
struct combined {
    combination how;
    tree_ptr first, second; // second: sum and max only
    double limit = 0;       // cap and floor only
};
struct tree {
    std::variant<hc::fixed, hc::volatility, hc::basel_scaled, hc::fat_tailed, hc::wrong_way,
                 hc::depeg, hc::liquidity<curve_ref>, combined>
        node;
};

constexpr std::string_view apply_what = "haircut::apply";

tree_ptr tree_of(py::handle m, std::string_view field) {
    const auto leaf = [](auto model) { return std::make_shared<const tree>(tree{model}); };
    if (py::isinstance<hc::fixed>(m))
        return leaf(m.cast<hc::fixed>());
    if (py::isinstance<hc::volatility>(m))
        return leaf(m.cast<hc::volatility>());
    if (py::isinstance<hc::basel_scaled>(m))
        return leaf(m.cast<hc::basel_scaled>());
    if (py::isinstance<hc::fat_tailed>(m))
        return leaf(m.cast<hc::fat_tailed>());
    if (py::isinstance<hc::wrong_way>(m))
        return leaf(m.cast<hc::wrong_way>());
    if (py::isinstance<hc::depeg>(m))
        return leaf(m.cast<hc::depeg>());
    if (py::isinstance<hc::liquidity<curve_ref>>(m))
        return leaf(m.cast<hc::liquidity<curve_ref>>());
    const auto node = [](combined c) { return std::make_shared<const tree>(tree{std::move(c)}); };
    if (py::isinstance<sum_model>(m)) {
        const auto& s = m.cast<const sum_model&>();
        return node({combination::sum, tree_of(s.first, "first"), tree_of(s.second, "second")});
    }
    if (py::isinstance<max_model>(m)) {
        const auto& s = m.cast<const max_model&>();
        return node({combination::max, tree_of(s.first, "first"), tree_of(s.second, "second")});
    }
    if (py::isinstance<capped_model>(m)) {
        const auto& c = m.cast<const capped_model&>();
        return node({combination::cap, tree_of(c.model, "model"), nullptr, c.limit});
    }
    if (py::isinstance<floored_model>(m)) {
        const auto& c = m.cast<const floored_model&>();
        return node({combination::floor, tree_of(c.model, "model"), nullptr, c.limit});
    }
    fail("haircut", field, std::string(py::str(py::type::of(m).attr("__name__"))),
         "must be a spiral.haircut model");
}

/// The checks the composed template's validate() makes, in its order.
void validate(const tree& t) {
    std::visit(
        [](const auto& node) {
            if constexpr (std::is_same_v<std::decay_t<decltype(node)>, combined>) {
                validate(*node.first);
                if (node.second)
                    validate(*node.second);
                if (node.how == combination::cap)
                    hc::capped<given>{given{0}, node.limit}.validate();
                if (node.how == combination::floor)
                    hc::floored<given>{given{0}, node.limit}.validate();
            } else {
                node.validate();
            }
        },
        t.node);
}

/// Haircuts of every row into `out` (the tree validated already).
void evaluate(const tree& t, const hc::collateral_columns& in, std::span<double> out) {
    std::visit(
        [&](const auto& node) {
            if constexpr (std::is_same_v<std::decay_t<decltype(node)>, combined>) {
                evaluate(*node.first, in, out);
                std::vector<double> second;
                if (node.second) {
                    second.resize(out.size());
                    evaluate(*node.second, in, second);
                }
                const collateral<double> unused{0, 0, 0, 0};
                for (std::size_t i = 0; i < out.size(); ++i) {
                    const given a{out[i]};
                    switch (node.how) {
                    case combination::sum:
                        out[i] = hc::sum<given, given>{a, given{second[i]}}(unused);
                        break;
                    case combination::max:
                        out[i] = hc::max_of<given, given>{a, given{second[i]}}(unused);
                        break;
                    case combination::cap:
                        out[i] = hc::capped<given>{a, node.limit}(unused);
                        break;
                    case combination::floor:
                        out[i] = hc::floored<given>{a, node.limit}(unused);
                        break;
                    }
                }
            } else {
                hc::apply(node, in, out);
            }
        },
        t.node);
}

/// model.apply(quantity, price, volatility, correlation=None, out=None).
py::object apply(py::handle model, py::handle quantity, py::handle price, py::handle volatility,
                 py::handle correlation, py::handle out) {
    const tree_ptr t = tree_of(model, "model");
    validate(*t);
    const raw_column q = raw(quantity, apply_what, "quantity");
    const raw_column p = raw(price, apply_what, "price");
    const raw_column v = raw(volatility, apply_what, "volatility");
    const bool has_correlation = !correlation.is_none();
    const raw_column c =
        has_correlation ? raw(correlation, apply_what, "correlation") : raw_column{"", {}};
    const std::size_t n = row_count({&q, &p, &v, has_correlation ? &c : nullptr});
    const auto qa = numeric<double>(q, apply_what, n);
    const auto pa = numeric<double>(p, apply_what, n);
    const auto va = numeric<double>(v, apply_what, n);
    const auto ca = has_correlation ? numeric<double>(c, apply_what, n) : py::array_t<double>(0);
    auto result = output<double>(out, apply_what, "out", n);
    const hc::collateral_columns columns{span_of(qa), span_of(pa), span_of(va),
                                         has_correlation ? span_of(ca) : std::span<const double>{}};
    {
        py::gil_scoped_release release;
        evaluate(*t, columns, mutable_span_of(result));
    }
    if (all_scalar({&q, &p, &v, has_correlation ? &c : nullptr}))
        return first_as_float(result);
    return result;
}

constexpr const char* apply_doc = R"doc(
Haircuts of many holdings (haircut::apply over columns): one row per holding; quantity: asset
units (>= 0); price: quote per unit (> 0); volatility: annualised (>= 0); correlation: the
wrong-way correlation in [-1, 1] (optional: 0 for every row). Arrays or scalars (broadcast).
Returns the haircut of each row, a fraction in [0, 1] (a float when every input is a scalar);
out: a preallocated float64 array. Raises spiral.invalid_argument for an invalid model (naming
its field) or at the first bad row, naming the column, row and value.)doc";

/// Methods every model class has: apply / __call__, validate, +.
template <class Class>
void model_methods(Class& cls) {
    cls.def("apply", &haircut_part::apply, py::arg("quantity"), py::arg("price"),
            py::arg("volatility"), py::arg("correlation") = py::none(), py::kw_only(),
            py::arg("out") = py::none(), apply_doc);
    cls.def("__call__", &haircut_part::apply, py::arg("quantity"), py::arg("price"),
            py::arg("volatility"), py::arg("correlation") = py::none(), py::kw_only(),
            py::arg("out") = py::none(), "The same as apply.");
    cls.def(
        "validate", [](py::handle self) { validate(*tree_of(self, "model")); },
        "Raises spiral.invalid_argument naming the first field out of its domain.");
    cls.def(
        "__add__",
        [](py::object self, py::object other) {
            tree_of(other, "second");
            return sum_model{self, other};
        },
        py::is_operator(), "a + b: the sum model (haircuts for independent reasons add up).");
}

template <class M>
py::object copy_of(const M& m) {
    return py::cast(m);
}

} // namespace haircut_part

void bind_haircut(py::module_& m) {
    using namespace haircut_part;
    using namespace spiral::haircut;

    py::class_<fixed> fx(m, "fixed", "H = rate (clamped to [0, 1]) for every holding.");
    fx.def(py::init([](double rate) { return fixed{rate}; }), py::arg("rate"))
        .def_readwrite("rate", &fixed::rate, "in [0, 1]");
    model_methods(fx);
    dataclass_like(fx, {"rate"});

    py::class_<volatility> vo(m, "volatility", R"doc(
H = z sigma sqrt(horizon_days / days_per_year), clamped to [0, 1], z = Phi^-1(confidence), sigma
the holding's annualised volatility: the VaR haircut of a normal diffusion.)doc");
    const volatility vd{};
    vo.def(py::init([](double c, double h, double d) {
               return volatility{c, h, d};
           }),
           py::arg("confidence") = vd.confidence, py::arg("horizon_days") = vd.horizon_days,
           py::arg("days_per_year") = vd.days_per_year)
        .def_readwrite("confidence", &volatility::confidence, "in (0, 1)")
        .def_readwrite("horizon_days", &volatility::horizon_days, "days, >= 0")
        .def_readwrite("days_per_year", &volatility::days_per_year, "> 0");
    model_methods(vo);
    dataclass_like(vo, {"confidence", "horizon_days", "days_per_year"});

    py::class_<basel_scaled> bs(m, "basel_scaled", R"doc(
H = h10 sqrt((remargin_days + holding_days - 1) / 10), clamped to [0, 1] (Basel II paragraph
169): a supervisory 10-business-day haircut rescaled (see spiral.haircut.basel).)doc");
    const basel_scaled bd{0};
    bs.def(py::init([](double h10, double r, double h) {
               return basel_scaled{h10, r, h};
           }),
           py::arg("h10"), py::arg("remargin_days") = bd.remargin_days,
           py::arg("holding_days") = bd.holding_days)
        .def_readwrite("h10", &basel_scaled::h10, "in [0, 1]")
        .def_readwrite("remargin_days", &basel_scaled::remargin_days, "business days, >= 1")
        .def_readwrite("holding_days", &basel_scaled::holding_days, "business days, >= 1")
        .def("value", &basel_scaled::value, "The scaled haircut before clamping.");
    model_methods(bs);
    dataclass_like(bs, {"h10", "remargin_days", "holding_days"});

    auto basel_module = m.def_submodule("basel", "Basel II supervisory haircuts (paragraph 151) "
                                                 "and minimum holding periods (paragraph 167).");
    basel_module.attr("repo_style") = basel::repo_style;
    basel_module.attr("capital_market") = basel::capital_market;
    basel_module.attr("secured_lending") = basel::secured_lending;
    basel_module.attr("main_index_equity_or_gold") = basel::main_index_equity_or_gold;
    basel_module.attr("other_listed_equity") = basel::other_listed_equity;
    basel_module.attr("cash") = basel::cash;
    basel_module.attr("currency_mismatch") = basel::currency_mismatch;
    py::enum_<basel::issuer>(basel_module, "issuer")
        .value("sovereign", basel::issuer::sovereign)
        .value("other", basel::issuer::other);
    py::enum_<basel::rating>(basel_module, "rating")
        .value("aaa_to_aa", basel::rating::aaa_to_aa)
        .value("a_to_bbb", basel::rating::a_to_bbb)
        .value("bb", basel::rating::bb);
    basel_module.def("debt_h10", &basel::debt_h10, py::arg("issuer"), py::arg("rating"),
                     py::arg("residual_years"),
                     "10-day haircut of a debt security; NaN where the table has no entry.");

    py::enum_<tail_law>(m, "tail_law")
        .value("student_t", tail_law::student_t)
        .value("cornish_fisher", tail_law::cornish_fisher);
    py::class_<fat_tailed> ft(m, "fat_tailed", R"doc(
The volatility haircut with a fat-tailed quantile m (Student-t scaled to unit variance, or the
Cornish-Fisher expansion for skewness and excess_kurtosis of the returns): H = m sigma
sqrt(horizon_days / days_per_year), clamped to [0, 1].)doc");
    const fat_tailed fd{};
    ft.def(py::init([](tail_law law, double c, double h, double d, double nu, double s, double k) {
               return fat_tailed{law, c, h, d, nu, s, k};
           }),
           py::arg("law") = fd.law, py::arg("confidence") = fd.confidence,
           py::arg("horizon_days") = fd.horizon_days, py::arg("days_per_year") = fd.days_per_year,
           py::arg("degrees_of_freedom") = fd.degrees_of_freedom, py::arg("skewness") = fd.skewness,
           py::arg("excess_kurtosis") = fd.excess_kurtosis)
        .def_readwrite("law", &fat_tailed::law)
        .def_readwrite("confidence", &fat_tailed::confidence)
        .def_readwrite("horizon_days", &fat_tailed::horizon_days)
        .def_readwrite("days_per_year", &fat_tailed::days_per_year)
        .def_readwrite("degrees_of_freedom", &fat_tailed::degrees_of_freedom, "student_t, > 2")
        .def_readwrite("skewness", &fat_tailed::skewness, "cornish_fisher")
        .def_readwrite("excess_kurtosis", &fat_tailed::excess_kurtosis, "cornish_fisher")
        .def("multiplier", &fat_tailed::multiplier, "The loss quantile m (Boost.Math).");
    model_methods(ft);
    dataclass_like(ft, {"law", "confidence", "horizon_days", "days_per_year", "degrees_of_freedom",
                        "skewness", "excess_kurtosis"});

    py::class_<wrong_way> ww(m, "wrong_way", R"doc(
The collateral's share of the combined quantile of exposure and collateral:
H = z sqrt(tau) (sqrt(sc^2 + 2 rho sc se + se^2) - se), clamped to [0, 1], sc the holding's
volatility, rho its correlation column (the wrong-way correlation), se = exposure_volatility
(annualised, as a fraction of the collateral's value).)doc");
    const wrong_way wd{0};
    ww.def(py::init([](double se, double c, double h, double d) {
               return wrong_way{se, c, h, d};
           }),
           py::arg("exposure_volatility"), py::arg("confidence") = wd.confidence,
           py::arg("horizon_days") = wd.horizon_days, py::arg("days_per_year") = wd.days_per_year)
        .def_readwrite("exposure_volatility", &wrong_way::exposure_volatility)
        .def_readwrite("confidence", &wrong_way::confidence)
        .def_readwrite("horizon_days", &wrong_way::horizon_days)
        .def_readwrite("days_per_year", &wrong_way::days_per_year);
    model_methods(ww);
    dataclass_like(ww, {"exposure_volatility", "confidence", "horizon_days", "days_per_year"});

    py::class_<depeg> dp(m, "depeg", R"doc(
A jump haircut for pegged collateral: H = z sigma sqrt(tau) + J min(1, p / (1 - confidence)),
clamped to [0, 1]; jump_size J and jump_probability p (within the horizon) in [0, 1].)doc");
    const depeg dd{0, 0};
    dp.def(py::init([](double j, double p, double c, double h, double d) {
               return depeg{j, p, c, h, d};
           }),
           py::arg("jump_size"), py::arg("jump_probability"), py::arg("confidence") = dd.confidence,
           py::arg("horizon_days") = dd.horizon_days, py::arg("days_per_year") = dd.days_per_year)
        .def_readwrite("jump_size", &depeg::jump_size)
        .def_readwrite("jump_probability", &depeg::jump_probability)
        .def_readwrite("confidence", &depeg::confidence)
        .def_readwrite("horizon_days", &depeg::horizon_days)
        .def_readwrite("days_per_year", &depeg::days_per_year)
        .def("jump_charge", &depeg::jump_charge, "J min(1, p / (1 - confidence))");
    model_methods(dp);
    dataclass_like(
        dp, {"jump_size", "jump_probability", "confidence", "horizon_days", "days_per_year"});

    py::class_<liquidity<curve_ref>> lq(m, "liquidity", R"doc(
H = 1 - proceeds(q) / q, q the holding's quantity (the curve's asset units), clamped to [0, 1]:
the discount of selling the whole holding at once into `curve` (any spiral.impact curve; held as
a copy).)doc");
    lq.def(py::init([](py::handle curve) {
               return liquidity<curve_ref>{ref_of(curve, "haircut::liquidity", "curve")};
           }),
           py::arg("curve"))
        .def_property(
            "curve", [](const liquidity<curve_ref>& l) { return curve_object(*l.curve.curve); },
            [](liquidity<curve_ref>& l, py::handle c) {
                l.curve = ref_of(c, "haircut::liquidity", "curve");
            });
    model_methods(lq);
    dataclass_like(lq, {"curve"});

    py::class_<sum_model> sm(m, "sum", "H = clamp(first + second, 0, 1) (a + b).");
    sm.def(py::init([](py::object a, py::object b) {
               tree_of(a, "first");
               tree_of(b, "second");
               return sum_model{a, b};
           }),
           py::arg("first"), py::arg("second"))
        .def_readonly("first", &sum_model::first)
        .def_readonly("second", &sum_model::second);
    model_methods(sm);
    dataclass_like(sm, {"first", "second"});

    py::class_<max_model> mx(m, "max_of", "H = max(first, second): the stricter of two rules.");
    mx.def(py::init([](py::object a, py::object b) {
               tree_of(a, "first");
               tree_of(b, "second");
               return max_model{a, b};
           }),
           py::arg("first"), py::arg("second"))
        .def_readonly("first", &max_model::first)
        .def_readonly("second", &max_model::second);
    model_methods(mx);
    dataclass_like(mx, {"first", "second"});

    py::class_<capped_model> cp(m, "capped", "H = min(model, limit): at most limit (in [0, 1]).");
    cp.def(py::init([](py::object model, double limit) {
               tree_of(model, "model");
               return capped_model{model, limit};
           }),
           py::arg("model"), py::arg("limit"))
        .def_readonly("model", &capped_model::model)
        .def_readonly("limit", &capped_model::limit);
    model_methods(cp);
    dataclass_like(cp, {"model", "limit"});

    py::class_<floored_model> fl(m, "floored",
                                 "H = max(model, limit): at least limit (in [0, 1]).");
    fl.def(py::init([](py::object model, double limit) {
               tree_of(model, "model");
               return floored_model{model, limit};
           }),
           py::arg("model"), py::arg("limit"))
        .def_readonly("model", &floored_model::model)
        .def_readonly("limit", &floored_model::limit);
    model_methods(fl);
    dataclass_like(fl, {"model", "limit"});

    m.def(
        "max",
        [](py::object a, py::object b) {
            tree_of(a, "first");
            tree_of(b, "second");
            return max_model{a, b};
        },
        py::arg("first"), py::arg("second"), "max(a, b): max_of(a, b).");
    m.def(
        "cap",
        [](py::object model, double limit) {
            tree_of(model, "model");
            return capped_model{model, limit};
        },
        py::arg("model"), py::arg("limit"), "cap(model, limit): capped(model, limit).");
    m.def(
        "floor",
        [](py::object model, double limit) {
            tree_of(model, "model");
            return floored_model{model, limit};
        },
        py::arg("model"), py::arg("limit"), "floor(model, limit): floored(model, limit).");
    m.def("apply", &haircut_part::apply, py::arg("model"), py::arg("quantity"), py::arg("price"),
          py::arg("volatility"), py::arg("correlation") = py::none(), py::kw_only(),
          py::arg("out") = py::none(), apply_doc);
}

} // namespace spiral::python
