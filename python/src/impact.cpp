// spiral.impact: the price-impact curves (same field names as the C++ structs), their
// combinators, and Almgren–Chriss execution. Every curve evaluates price_factor(q) and
// proceeds(q) on scalars or NumPy arrays (broadcast like a ufunc; element kernels: NaN in, NaN
// out, never raising); validate() raises spiral.invalid_argument naming the field. Engines that
// take a curve validate it themselves.
#include "curves.hpp"

#include <spiral/impact/execution.hpp>

#include <string>
#include <vector>

namespace spiral::python {
namespace impact_part {

constexpr const char* price_factor_doc =
    "Market price after selling a cumulative quantity q (asset units), divided by the "
    "pre-trade price; q a scalar or an array (broadcast).";
constexpr const char* marginal_price_doc =
    "Execution price of the next unit after selling q (d proceeds / dq), divided by the "
    "pre-trade price: below price_factor where the venue charges a fee; q a scalar or an array "
    "(broadcast).";
constexpr const char* proceeds_doc =
    "Quote received for selling q (asset units), divided by the pre-trade price: the integral "
    "of price_factor from 0 to q; q a scalar or an array (broadcast).";

/// price_factor, marginal_price, proceeds and validate of curve type C. (`const C*`: pybind11 would
/// try to broadcast a plain-old-data struct passed by reference.)
template <class C, class Class>
void curve_methods(Class& cls) {
    cls.def("price_factor", py::vectorize([](const C* c, double q) { return c->price_factor(q); }),
            py::arg("q"), price_factor_doc);
    cls.def("marginal_price",
            py::vectorize([](const C* c, double q) { return spiral::marginal_price(*c, q); }),
            py::arg("q"), marginal_price_doc);
    cls.def("proceeds", py::vectorize([](const C* c, double q) { return c->proceeds(q); }),
            py::arg("q"), proceeds_doc);
    cls.def(
        "validate", [](const C& c) { c.validate(); },
        "Raises spiral.invalid_argument naming the first field out of its domain.");
}

/// Rows of a table given as a 2-D array-like (n x columns) or a sequence of objects with the
/// named attributes: the numbers of each row, row by row.
std::vector<std::vector<double>> table_rows(py::handle value, std::string_view what,
                                            std::string_view field,
                                            std::initializer_list<const char*> names) {
    std::vector<std::vector<double>> rows;
    for (py::handle item : py::iter(value)) {
        std::vector<double> row;
        if (py::hasattr(item, *names.begin())) {
            for (const char* name : names)
                row.push_back(item.attr(name).cast<double>());
        } else {
            for (py::handle x : py::iter(item))
                row.push_back(py::cast<double>(x));
        }
        if (row.size() != names.size())
            fail(what, std::string(field) + "[" + std::to_string(rows.size()) + "].size()",
                 row.size(), "must be " + std::to_string(names.size()));
        rows.push_back(std::move(row));
    }
    return rows;
}

impact::concentrated_liquidity make_pool_v3(double price, py::handle positions, double fee) {
    std::vector<impact::concentrated_liquidity::position> p;
    for (const auto& row : table_rows(positions, "impact::concentrated_liquidity", "positions",
                                      {"lower_price", "upper_price", "liquidity"}))
        p.push_back({row[0], row[1], row[2]});
    return impact::concentrated_liquidity(price, p, fee);
}

impact::order_book make_book(py::handle bids, double reference) {
    std::vector<impact::order_book::level> levels;
    for (const auto& row : table_rows(bids, "impact::order_book", "bids", {"price", "size"}))
        levels.push_back({row[0], row[1]});
    return impact::order_book(levels, reference);
}

} // namespace impact_part

any_curve curve_of(py::handle o, std::string_view what, std::string_view field) {
    if (py::isinstance<impact::linear>(o))
        return o.cast<impact::linear>();
    if (py::isinstance<impact::exponential>(o))
        return o.cast<impact::exponential>();
    if (py::isinstance<impact::square_root>(o))
        return o.cast<impact::square_root>();
    if (py::isinstance<impact::power_law>(o))
        return o.cast<impact::power_law>();
    if (py::isinstance<impact::constant_product>(o))
        return o.cast<impact::constant_product>();
    if (py::isinstance<impact::concentrated_liquidity>(o))
        return o.cast<impact::concentrated_liquidity>();
    if (py::isinstance<impact::stableswap>(o))
        return o.cast<impact::stableswap>();
    if (py::isinstance<impact::order_book>(o))
        return o.cast<impact::order_book>();
    if (py::isinstance<impact::scaled_depth<curve_ref>>(o))
        return o.cast<impact::scaled_depth<curve_ref>>();
    if (py::isinstance<impact::resilient<curve_ref>>(o))
        return o.cast<impact::resilient<curve_ref>>();
    fail(what, field, std::string(py::str(py::type::of(o).attr("__name__"))),
         "must be a spiral.impact curve");
}

py::object curve_object(const any_curve& curve) {
    return std::visit([](const auto& c) { return py::cast(c); },
                      static_cast<const any_curve::variant&>(curve));
}

void bind_impact(py::module_& m) {
    using namespace impact_part;
    using namespace spiral::impact;

    py::class_<linear> lin(m, "linear", R"doc(
Kyle's linear impact: price_factor(q) = max(0, 1 - lambda q), proceeds(q) = q - lambda q^2 / 2
(saturated beyond 1/lambda). lambda_ (C++ field `lambda`, a Python keyword): relative price drop
per unit sold, >= 0.)doc");
    lin.def(py::init([](double l) { return linear{l}; }), py::arg("lambda_") = linear{}.lambda)
        .def_readwrite("lambda_", &linear::lambda, "relative price drop per unit sold, >= 0");
    curve_methods<linear>(lin);
    dataclass_like(lin, {"lambda_"});

    py::class_<exponential> ex(m, "exponential", R"doc(
Exponential impact (Cifuentes, Ferrucci and Shin 2005): price_factor(q) = exp(-alpha q),
proceeds(q) = (1 - exp(-alpha q)) / alpha. alpha: decay rate per unit sold, >= 0.)doc");
    ex.def(py::init([](double a) { return exponential{a}; }),
           py::arg("alpha") = exponential{}.alpha)
        .def_readwrite("alpha", &exponential::alpha, "decay rate per unit sold, >= 0");
    curve_methods<exponential>(ex);
    dataclass_like(ex, {"alpha"});

    py::class_<square_root> sq(m, "square_root", R"doc(
Square-root impact (Tóth et al. 2011): price_factor(q) = max(0, 1 - c sqrt(q)), c = y sigma /
sqrt(volume). sigma: volatility over the horizon volume is measured on (>= 0); volume: traded
volume over that horizon (asset units, > 0); y: the dimensionless prefactor (>= 0).)doc");
    sq.def(py::init([](double sigma, double volume, double y) {
               return square_root{sigma, volume, y};
           }),
           py::arg("sigma") = square_root{}.sigma, py::arg("volume") = square_root{}.volume,
           py::arg("y") = square_root{}.y)
        .def_readwrite("sigma", &square_root::sigma)
        .def_readwrite("volume", &square_root::volume)
        .def_readwrite("y", &square_root::y)
        .def("coefficient", &square_root::coefficient, "c = y sigma / sqrt(volume)");
    curve_methods<square_root>(sq);
    dataclass_like(sq, {"sigma", "volume", "y"});

    py::class_<power_law> pl(m, "power_law", R"doc(
Power-law impact: price_factor(q) = max(0, 1 - eta (q / volume)^exponent). eta: relative drop at
q = volume (>= 0); volume: the quantity scale (asset units, > 0); exponent > 0.)doc");
    pl.def(py::init([](double eta, double volume, double exponent) {
               return power_law{eta, volume, exponent};
           }),
           py::arg("eta") = power_law{}.eta, py::arg("volume") = power_law{}.volume,
           py::arg("exponent") = power_law{}.exponent)
        .def_readwrite("eta", &power_law::eta)
        .def_readwrite("volume", &power_law::volume)
        .def_readwrite("exponent", &power_law::exponent)
        .def_static("three_fifths", &power_law::three_fifths, py::arg("sigma"), py::arg("volume"),
                    py::arg("coefficient") = 0.142,
                    "Almgren et al. (2005): exponent 3/5, eta = coefficient * sigma.");
    curve_methods<power_law>(pl);
    dataclass_like(pl, {"eta", "volume", "exponent"});

    py::class_<constant_product> cp(m, "constant_product", R"doc(
A Uniswap v2 pool (x y = k) into which the base asset is sold. base_reserve: x, units of the
asset (> 0); quote_reserve: y, units of the quote currency (> 0); fee: on the input, in [0, 1)
(Uniswap v2: 0.003). price_factor is the pool's quoted price after the sale, relative to y / x
(what an oracle reads; pool_price_factor is its former name); marginal_price the next unit's
execution price net of the fee.)doc");
    cp.def(py::init([](double x, double y, double fee) {
               return constant_product{x, y, fee};
           }),
           py::arg("base_reserve") = constant_product{}.base_reserve,
           py::arg("quote_reserve") = constant_product{}.quote_reserve,
           py::arg("fee") = constant_product{}.fee)
        .def_readwrite("base_reserve", &constant_product::base_reserve)
        .def_readwrite("quote_reserve", &constant_product::quote_reserve)
        .def_readwrite("fee", &constant_product::fee)
        .def("price", &constant_product::price, "y / x: the pre-trade pool price")
        .def("amount_out",
             py::vectorize([](const constant_product* c, double q) { return c->amount_out(q); }),
             py::arg("q"), "Quote currency received for selling q of the asset.")
        .def("pool_price_factor", py::vectorize([](const constant_product* c, double q) {
                 return c->pool_price_factor(q);
             }),
             py::arg("q"), "The pool's price after selling q, relative to y / x.");
    curve_methods<constant_product>(cp);
    dataclass_like(cp, {"base_reserve", "quote_reserve", "fee"});

    py::class_<concentrated_liquidity> cl(m, "concentrated_liquidity", R"doc(
A Uniswap v3 pool with liquidity in price ranges, selling the base asset.
concentrated_liquidity(price, positions, fee=0): price: the current price (quote per base, > 0);
positions: rows (lower_price, upper_price, liquidity) as an n x 3 array-like or
concentrated_liquidity.position objects; fee on the input, in [0, 1). Validated on construction
(spiral.invalid_argument naming e.g. "positions[2].upper_price").)doc");
    py::class_<concentrated_liquidity::position> clp(cl, "position");
    clp.def(py::init([](double lo, double hi, double l) {
                return concentrated_liquidity::position{lo, hi, l};
            }),
            py::arg("lower_price"), py::arg("upper_price"), py::arg("liquidity"))
        .def_readwrite("lower_price", &concentrated_liquidity::position::lower_price)
        .def_readwrite("upper_price", &concentrated_liquidity::position::upper_price)
        .def_readwrite("liquidity", &concentrated_liquidity::position::liquidity);
    dataclass_like(clp, {"lower_price", "upper_price", "liquidity"});
    cl.def(py::init(&make_pool_v3), py::arg("price"), py::arg("positions"), py::arg("fee") = 0.0)
        .def_property_readonly("price", &concentrated_liquidity::price)
        .def_property_readonly("fee", &concentrated_liquidity::fee)
        .def("capacity", &concentrated_liquidity::capacity,
             "Quantity of base that exhausts the liquidity below the price (fee included).")
        .def("max_proceeds", &concentrated_liquidity::max_proceeds,
             "proceeds at and beyond capacity().")
        .def("segments", &concentrated_liquidity::segments,
             "Number of segments with liquidity below the price.");
    curve_methods<concentrated_liquidity>(cl);

    py::class_<stableswap> ss(m, "stableswap", R"doc(
A two-coin Curve StableSwap pool (Egorov 2019), selling the base asset. amplification: A, the
whitepaper's (on-chain A n^(n-1) = 2 A), > 0; base_reserve, quote_reserve: in units of the peg,
> 0; fee: on the output, in [0, 1).)doc");
    ss.def(py::init([](double a, double x, double y, double fee) {
               return stableswap{a, x, y, fee};
           }),
           py::arg("amplification") = stableswap{}.amplification,
           py::arg("base_reserve") = stableswap{}.base_reserve,
           py::arg("quote_reserve") = stableswap{}.quote_reserve, py::arg("fee") = stableswap{}.fee)
        .def_readwrite("amplification", &stableswap::amplification)
        .def_readwrite("base_reserve", &stableswap::base_reserve)
        .def_readwrite("quote_reserve", &stableswap::quote_reserve)
        .def_readwrite("fee", &stableswap::fee)
        .def("invariant", &stableswap::invariant, "The invariant D of the reserves.")
        .def("quote_for", py::vectorize([](const stableswap* s, double x, double d) {
                 return s->quote_for(x, d);
             }),
             py::arg("x"), py::arg("d"),
             "y(x): the quote reserve that keeps the invariant d at base reserve x.");
    curve_methods<stableswap>(ss);
    dataclass_like(ss, {"amplification", "base_reserve", "quote_reserve", "fee"});

    py::class_<order_book> ob(m, "order_book", R"doc(
The bid side of a limit order book, walked level by level by a market sell.
order_book(bids, reference=0): bids: rows (price, size) as an n x 2 array-like or
order_book.level objects, in any order (sorted best first, equal prices merged); reference: the
price price_factor and proceeds are relative to (0: the best bid; otherwise >= the best bid, e.g.
the mid). Validated on construction ("bids[i].price", "bids[i].size").)doc");
    py::class_<order_book::level> obl(ob, "level");
    obl.def(py::init([](double p, double s) {
                return order_book::level{p, s};
            }),
            py::arg("price"), py::arg("size"))
        .def_readwrite("price", &order_book::level::price)
        .def_readwrite("size", &order_book::level::size);
    dataclass_like(obl, {"price", "size"});
    ob.def(py::init(&make_book), py::arg("bids"), py::arg("reference") = 0.0)
        .def("reference", &order_book::reference)
        .def("depth", &order_book::depth, "Total size on the book (asset units).")
        .def("notional", &order_book::notional, "Sum of price * size (quote currency).")
        .def("levels", &order_book::levels, "Number of distinct price levels.")
        .def(
            "at",
            [](const order_book& b, std::size_t i) {
                if (i >= b.levels())
                    fail("impact::order_book", "i", i, "must be below levels()");
                return b.at(i);
            },
            py::arg("i"), "Level i after sorting and merging (best first).");
    curve_methods<order_book>(ob);

    py::class_<scaled_depth<curve_ref>> sd(m, "scaled_depth", R"doc(
`curve` with every quantity scale multiplied by depth (k > 0): k units move the price as one
unit did; depth < 1 is liquidity that evaporates under stress. Holds a copy of the curve.)doc");
    sd.def(
          py::init([](py::handle curve, double depth) {
              return scaled_depth<curve_ref>{ref_of(curve, "impact::scaled_depth", "curve"), depth};
          }),
          py::arg("curve"), py::arg("depth") = 1.0)
        .def_property(
            "curve", [](const scaled_depth<curve_ref>& s) { return curve_object(*s.curve.curve); },
            [](scaled_depth<curve_ref>& s, py::handle c) {
                s.curve = ref_of(c, "impact::scaled_depth", "curve");
            })
        .def_readwrite("depth", &scaled_depth<curve_ref>::depth);
    curve_methods<scaled_depth<curve_ref>>(sd);
    dataclass_like(sd, {"curve", "depth"});

    py::class_<resilient<curve_ref>> rs(m, "resilient", R"doc(
A curve whose liquidity refills over time (Obizhaeva–Wang): displaced (D >= 0) is the volume sold
whose impact has not decayed; trading moves along the curve from D; between trades D decays as
D exp(-rho dt). rho: recovery rate per unit of time (per day in the cascade), >= 0. The cascade
treats it as a recovering curve. Holds a copy of the curve.)doc");
    rs.def(py::init([](py::handle curve, double rho, double displaced) {
               return resilient<curve_ref>{ref_of(curve, "impact::resilient", "curve"), rho,
                                           displaced};
           }),
           py::arg("curve"), py::arg("rho") = 0.0, py::arg("displaced") = 0.0)
        .def_property(
            "curve", [](const resilient<curve_ref>& s) { return curve_object(*s.curve.curve); },
            [](resilient<curve_ref>& s, py::handle c) {
                s.curve = ref_of(c, "impact::resilient", "curve");
            })
        .def_readwrite("rho", &resilient<curve_ref>::rho)
        .def_readwrite("displaced", &resilient<curve_ref>::displaced)
        .def("trade", &resilient<curve_ref>::trade, py::arg("q"),
             "Sells q now: returns proceeds(q) and adds q to displaced.")
        .def("decay", &resilient<curve_ref>::decay, py::arg("dt"),
             "Lets time dt pass: displaced *= exp(-rho dt).");
    curve_methods<resilient<curve_ref>>(rs);
    dataclass_like(rs, {"curve", "rho", "displaced"});

    py::class_<execution_cost> ec(m, "execution_cost",
                                  "Expected implementation shortfall (quote currency) and its "
                                  "variance of one liquidation schedule.");
    ec.def(py::init([](double e, double v) {
               return execution_cost{e, v};
           }),
           py::arg("expected") = 0.0, py::arg("variance") = 0.0)
        .def_readwrite("expected", &execution_cost::expected)
        .def_readwrite("variance", &execution_cost::variance)
        .def("utility", &execution_cost::utility, py::arg("risk_aversion"),
             "expected + risk_aversion * variance");
    dataclass_like(ec, {"expected", "variance"});

    py::class_<almgren_chriss> ac(m, "almgren_chriss", R"doc(
Almgren–Chriss (2000) optimal liquidation of quantity units over horizon in steps intervals.
sigma: price volatility (price per sqrt(time unit)); permanent: gamma (price per unit); temporary:
eta (price per unit per time unit; eta - gamma tau / 2 > 0); fixed: epsilon (price);
risk_aversion: lambda (1 / quote currency).)doc");
    const almgren_chriss d{};
    ac.def(py::init([](double quantity, double horizon, std::size_t steps, double sigma,
                       double permanent, double temporary, double fixed, double risk_aversion) {
               return almgren_chriss{quantity,  horizon,   steps, sigma,
                                     permanent, temporary, fixed, risk_aversion};
           }),
           py::arg("quantity") = d.quantity, py::arg("horizon") = d.horizon,
           py::arg("steps") = d.steps, py::arg("sigma") = d.sigma,
           py::arg("permanent") = d.permanent, py::arg("temporary") = d.temporary,
           py::arg("fixed") = d.fixed, py::arg("risk_aversion") = d.risk_aversion)
        .def_readwrite("quantity", &almgren_chriss::quantity)
        .def_readwrite("horizon", &almgren_chriss::horizon)
        .def_readwrite("steps", &almgren_chriss::steps)
        .def_readwrite("sigma", &almgren_chriss::sigma)
        .def_readwrite("permanent", &almgren_chriss::permanent)
        .def_readwrite("temporary", &almgren_chriss::temporary)
        .def_readwrite("fixed", &almgren_chriss::fixed)
        .def_readwrite("risk_aversion", &almgren_chriss::risk_aversion)
        .def("tau", &almgren_chriss::tau)
        .def("eta_tilde", &almgren_chriss::eta_tilde)
        .def("kappa", &almgren_chriss::kappa)
        .def("holdings", &almgren_chriss::holdings, py::arg("k"), "x_k: units held after k steps")
        .def("trade", &almgren_chriss::trade, py::arg("k"), "n_k: units sold in interval k")
        .def(
            "schedule",
            [](const almgren_chriss& a) {
                a.validate();
                return to_array(a.schedule());
            },
            "x_0..x_N of the optimal schedule (validates first).")
        .def(
            "optimal",
            [](const almgren_chriss& a) {
                a.validate();
                return a.optimal();
            },
            "E and V of the optimal (sinh) schedule (validates first).")
        .def(
            "twap",
            [](const almgren_chriss& a) {
                a.validate();
                return a.twap();
            },
            "E and V of TWAP (validates first).")
        .def(
            "cost_of",
            [](const almgren_chriss& a, py::handle holdings) {
                a.validate();
                const std::vector<double> x =
                    doubles(holdings, "impact::almgren_chriss", "holdings");
                return a.cost_of(x);
            },
            py::arg("holdings"), "E and V of any schedule x_0 = quantity, ..., x_N = 0.")
        .def("validate", &almgren_chriss::validate);
    dataclass_like(ac, {"quantity", "horizon", "steps", "sigma", "permanent", "temporary", "fixed",
                        "risk_aversion"});
}

} // namespace spiral::python
