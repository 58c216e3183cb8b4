// spiral.cascade: the liquidation cascade of one price shock through a book of leveraged
// positions (cascade::simulate), the book's liquidation profile, liquidations at risk, toxic
// positions, synthetic books and the per-position kernels. Results are dataclass-like; a
// result's per-round path comes as NumPy arrays (`path`) or a pandas DataFrame (`path_frame()`).
// Stress runs along price paths bind in stress.cpp (spiral.stress).
#include "curves.hpp"

#include <spiral/cascade/analysis.hpp>
#include <spiral/cascade/book.hpp>
#include <spiral/cascade/position.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/result.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/cascade/simulate.hpp>
#include <spiral/cascade/synthetic.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace spiral::python {
namespace cascade_part {

namespace cs = spiral::cascade;

cs::book make_book(py::handle collateral, py::handle debt, py::handle threshold) {
    constexpr std::string_view what = "cascade::book";
    return cs::book{doubles(collateral, what, "collateral"), doubles(debt, what, "debt"),
                    doubles(threshold, what, "threshold")};
}

/// The prepared book of a book or prepared_book argument (a book is validated and sorted: the
/// library's simulate(book, ...) does the same).
std::shared_ptr<const cs::prepared_book> prepared_of(py::handle b) {
    if (py::isinstance<cs::prepared_book>(b))
        return b.cast<std::shared_ptr<cs::prepared_book>>();
    if (py::isinstance<cs::book>(b)) {
        const auto& plain = b.cast<const cs::book&>();
        py::gil_scoped_release release;
        return std::make_shared<const cs::prepared_book>(plain);
    }
    fail("cascade::simulate", "book", std::string(py::str(py::type::of(b).attr("__name__"))),
         "must be a spiral.cascade.book or prepared_book");
}

/// simulate on the curve a Python object holds: the recovering resilient curve as itself (the
/// engine lets it recover between rounds), any other through curve_ref.
cs::result simulate_on(const cs::prepared_book& b, double price, double shock,
                       const any_curve& curve, const cs::rules& r,
                       const cs::position_columns& final_positions, cs::workspace& ws) {
    if (const auto* recovering = std::get_if<impact::resilient<curve_ref>>(&curve))
        return cs::simulate(b, price, shock, *recovering, r, final_positions, ws);
    const curve_ref any{std::make_shared<const any_curve>(curve)};
    return cs::simulate(b, price, shock, any, r, final_positions, ws);
}

cs::result simulate(py::handle book, double price, double shock, py::handle curve,
                    const cs::rules& r, py::handle final_collateral, py::handle final_debt) {
    constexpr std::string_view what = "cascade::simulate";
    const auto prepared = prepared_of(book);
    const any_curve c = curve_of(curve, what, "curve");
    const std::size_t n = prepared->size();
    const auto out_collateral = final_collateral.is_none()
                                    ? py::array_t<double>(0)
                                    : output<double>(final_collateral, what, "final_collateral", n);
    const auto out_debt = final_debt.is_none() ? py::array_t<double>(0)
                                               : output<double>(final_debt, what, "final_debt", n);
    auto oc = out_collateral; // spans of the caller's arrays (or empty: not wanted)
    auto od = out_debt;
    const cs::position_columns positions{mutable_span_of(oc), mutable_span_of(od)};
    py::gil_scoped_release release;
    cs::workspace ws;
    return simulate_on(*prepared, price, shock, c, r, positions, ws);
}

py::list at_risk(py::handle book, double price, py::handle shocks, py::handle curve,
                 const cs::rules& r) {
    const auto prepared = prepared_of(book);
    const std::vector<double> s = doubles(shocks, "cascade::liquidations_at_risk", "shocks");
    const any_curve c = curve_of(curve, "cascade::liquidations_at_risk", "curve");
    std::vector<cs::at_risk_point> points;
    {
        py::gil_scoped_release release;
        if (const auto* recovering = std::get_if<impact::resilient<curve_ref>>(&c)) {
            points = cs::liquidations_at_risk(*prepared, price, s, *recovering, r);
        } else {
            const curve_ref any{std::make_shared<const any_curve>(c)};
            points = cs::liquidations_at_risk(*prepared, price, s, any, r);
        }
    }
    py::list out;
    for (auto& p : points)
        out.append(py::cast(std::move(p)));
    return out;
}

/// The per-round path as columns.
py::dict path_columns(const cs::result& r) {
    const std::size_t n = r.path.size();
    py::array_t<double> oracle(n), price(n), multiplier(n), sold(n), repaid(n), bad(n), got(n);
    py::array_t<std::int64_t> liquidations(n);
    for (std::size_t k = 0; k < n; ++k) {
        const cs::round_record& x = r.path[k];
        const auto i = static_cast<py::ssize_t>(k);
        oracle.mutable_at(i) = x.oracle_price;
        price.mutable_at(i) = x.price;
        multiplier.mutable_at(i) = x.threshold_multiplier;
        liquidations.mutable_at(i) = static_cast<std::int64_t>(x.liquidations);
        sold.mutable_at(i) = x.collateral_sold;
        repaid.mutable_at(i) = x.debt_repaid;
        bad.mutable_at(i) = x.bad_debt;
        got.mutable_at(i) = x.proceeds;
    }
    py::dict d;
    d["oracle_price"] = oracle;
    d["price"] = price;
    d["threshold_multiplier"] = multiplier;
    d["liquidations"] = liquidations;
    d["collateral_sold"] = sold;
    d["debt_repaid"] = repaid;
    d["bad_debt"] = bad;
    d["proceeds"] = got;
    return d;
}

} // namespace cascade_part

void bind_cascade(py::module_& m) {
    using namespace cascade_part;
    namespace cs = spiral::cascade;

    // ---- books
    py::class_<cs::book> bk(m, "book", R"doc(
Positions as columns, one row each: collateral (asset units, >= 0) backing debt (quote currency,
>= 0), liquidatable when collateral * price * threshold < debt; threshold in (0, 1]. The columns
are copied in; the properties are read-only views. validate() names the column and row.)doc");
    bk.def(py::init(&make_book), py::arg("collateral"), py::arg("debt"), py::arg("threshold"))
        .def_property_readonly(
            "collateral",
            [](py::object self) { return view_of(self.cast<const cs::book&>().collateral, self); })
        .def_property_readonly(
            "debt",
            [](py::object self) { return view_of(self.cast<const cs::book&>().debt, self); })
        .def_property_readonly(
            "threshold",
            [](py::object self) { return view_of(self.cast<const cs::book&>().threshold, self); })
        .def("size", &cs::book::size)
        .def("__len__", &cs::book::size)
        .def("validate", &cs::book::validate);

    py::class_<cs::prepared_book, std::shared_ptr<cs::prepared_book>> pb(m, "prepared_book", R"doc(
A validated book sorted once by liquidation price (highest first): run many shocks, curves and
rule sets on it (each cascade then touches only the positions its prices reach).)doc");
    pb.def(py::init([](const cs::book& b) {
               py::gil_scoped_release release;
               return std::make_shared<cs::prepared_book>(b);
           }),
           py::arg("book"))
        .def("size", &cs::prepared_book::size)
        .def("__len__", &cs::prepared_book::size)
        .def("indebted", &cs::prepared_book::indebted)
        .def("total_debt", &cs::prepared_book::total_debt)
        .def("total_collateral", &cs::prepared_book::total_collateral)
        .def_property_readonly(
            "liquidation_price",
            [](py::object self) {
                return view_of(self.cast<const cs::prepared_book&>().liquidation_price(), self);
            },
            "Per position in liquidation-price order (highest first).")
        .def_property_readonly(
            "row",
            [](const cs::prepared_book& b) {
                const auto rows = b.row();
                py::array_t<std::int64_t> out(static_cast<py::ssize_t>(rows.size()));
                for (std::size_t k = 0; k < rows.size(); ++k)
                    out.mutable_at(static_cast<py::ssize_t>(k)) = rows[k];
                return out;
            },
            "The book row of each position of the order.");

    // ---- rules
    py::enum_<cs::sizing>(m, "sizing")
        .value("close_factor", cs::sizing::close_factor)
        .value("target_health", cs::sizing::target_health)
        .value("full", cs::sizing::full);

    py::class_<cs::volatility_tightening> vt(m, "volatility_tightening", R"doc(
Thresholds multiplied by m = max(min_multiplier, 1 - sensitivity max(0, realised_vol - base_vol)),
ratcheted; realised_vol annualised from the oracle's log returns since before the shock.
sensitivity 0 (the default) turns it off.)doc");
    const cs::volatility_tightening vtd{};
    vt.def(py::init([](double s, double b, double m_, double w, double d) {
               return cs::volatility_tightening{s, b, m_, w, d};
           }),
           py::arg("sensitivity") = vtd.sensitivity, py::arg("base_vol") = vtd.base_vol,
           py::arg("min_multiplier") = vtd.min_multiplier, py::arg("window_days") = vtd.window_days,
           py::arg("days_per_year") = vtd.days_per_year)
        .def_readwrite("sensitivity", &cs::volatility_tightening::sensitivity)
        .def_readwrite("base_vol", &cs::volatility_tightening::base_vol)
        .def_readwrite("min_multiplier", &cs::volatility_tightening::min_multiplier)
        .def_readwrite("window_days", &cs::volatility_tightening::window_days)
        .def_readwrite("days_per_year", &cs::volatility_tightening::days_per_year);
    dataclass_like(vt,
                   {"sensitivity", "base_vol", "min_multiplier", "window_days", "days_per_year"});

    py::class_<cs::rules> ru(m, "rules", R"doc(
The liquidation rules. Reference (Aave v3-like): close_factor (fraction of the debt repaid per
liquidation, (0, 1]), full_close_below (at or below this health the whole debt), bonus
(collateral seized per unit repaid - 1), max_rounds. Off by default: size_by (sizing),
target_health, bonus_slope and max_bonus (Dutch auction), max_liquidations_per_round and
max_collateral_per_round (asset units), oracle_delay (rounds), round_days (length of a round in
days, 10 minutes by default), tightening (volatility_tightening).)doc");
    const cs::rules rd{};
    ru.def(py::init([](double cf, double fcb, double bonus, std::size_t max_rounds,
                       cs::sizing size_by, double target, double slope, double max_bonus,
                       std::size_t max_liq, double max_coll, std::size_t delay, double round_days,
                       cs::volatility_tightening tightening) {
               cs::rules r;
               r.close_factor = cf;
               r.full_close_below = fcb;
               r.bonus = bonus;
               r.max_rounds = max_rounds;
               r.size_by = size_by;
               r.target_health = target;
               r.bonus_slope = slope;
               r.max_bonus = max_bonus;
               r.max_liquidations_per_round = max_liq;
               r.max_collateral_per_round = max_coll;
               r.oracle_delay = delay;
               r.round_days = round_days;
               r.tightening = tightening;
               return r;
           }),
           py::arg("close_factor") = rd.close_factor,
           py::arg("full_close_below") = rd.full_close_below, py::arg("bonus") = rd.bonus,
           py::arg("max_rounds") = rd.max_rounds, py::arg("size_by") = rd.size_by,
           py::arg("target_health") = rd.target_health, py::arg("bonus_slope") = rd.bonus_slope,
           py::arg("max_bonus") = rd.max_bonus,
           py::arg("max_liquidations_per_round") = rd.max_liquidations_per_round,
           py::arg("max_collateral_per_round") = rd.max_collateral_per_round,
           py::arg("oracle_delay") = rd.oracle_delay, py::arg("round_days") = rd.round_days,
           py::arg("tightening") = rd.tightening)
        .def_readwrite("close_factor", &cs::rules::close_factor)
        .def_readwrite("full_close_below", &cs::rules::full_close_below)
        .def_readwrite("bonus", &cs::rules::bonus)
        .def_readwrite("max_rounds", &cs::rules::max_rounds)
        .def_readwrite("size_by", &cs::rules::size_by)
        .def_readwrite("target_health", &cs::rules::target_health)
        .def_readwrite("bonus_slope", &cs::rules::bonus_slope)
        .def_readwrite("max_bonus", &cs::rules::max_bonus)
        .def_readwrite("max_liquidations_per_round", &cs::rules::max_liquidations_per_round)
        .def_readwrite("max_collateral_per_round", &cs::rules::max_collateral_per_round)
        .def_readwrite("oracle_delay", &cs::rules::oracle_delay)
        .def_readwrite("round_days", &cs::rules::round_days)
        .def_readwrite("tightening", &cs::rules::tightening)
        .def("validate", &cs::rules::validate);
    dataclass_like(ru, {"close_factor", "full_close_below", "bonus", "max_rounds", "size_by",
                        "target_health", "bonus_slope", "max_bonus", "max_liquidations_per_round",
                        "max_collateral_per_round", "oracle_delay", "round_days", "tightening"});

    // ---- results
    py::class_<cs::round_record> rr(m, "round_record", R"doc(
One round: oracle_price (used by its liquidations), price (market price at its end), threshold
multiplier, liquidations, collateral_sold (asset units), debt_repaid, bad_debt, proceeds (quote).)doc");
    rr.def_readonly("oracle_price", &cs::round_record::oracle_price)
        .def_readonly("price", &cs::round_record::price)
        .def_readonly("threshold_multiplier", &cs::round_record::threshold_multiplier)
        .def_readonly("liquidations", &cs::round_record::liquidations)
        .def_readonly("collateral_sold", &cs::round_record::collateral_sold)
        .def_readonly("debt_repaid", &cs::round_record::debt_repaid)
        .def_readonly("bad_debt", &cs::round_record::bad_debt)
        .def_readonly("proceeds", &cs::round_record::proceeds);
    dataclass_like(rr, {"oracle_price", "price", "threshold_multiplier", "liquidations",
                        "collateral_sold", "debt_repaid", "bad_debt", "proceeds"});

    py::class_<cs::result> res(m, "result", R"doc(
The outcome of a cascade (totals over all rounds): initial_price (before the shock),
shocked_price (price (1 - shock)), final_price, collateral_sold (asset units), debt_repaid,
bad_debt, proceeds (quote currency), liquidations, rounds, truncated (stopped by max_rounds).
path: the rounds as a dict of NumPy arrays; path_frame(): the same as a pandas DataFrame
(index: round, from 1); records(): the rounds as round_record objects.)doc");
    res.def_readonly("initial_price", &cs::result::initial_price)
        .def_readonly("shocked_price", &cs::result::shocked_price)
        .def_readonly("final_price", &cs::result::final_price)
        .def_readonly("collateral_sold", &cs::result::collateral_sold)
        .def_readonly("debt_repaid", &cs::result::debt_repaid)
        .def_readonly("bad_debt", &cs::result::bad_debt)
        .def_readonly("liquidations", &cs::result::liquidations)
        .def_readonly("rounds", &cs::result::rounds)
        .def_readonly("proceeds", &cs::result::proceeds)
        .def_readonly("truncated", &cs::result::truncated)
        .def("amplification", &cs::result::amplification,
             "(initial - final) / (initial - shocked): 1 = no amplification.")
        .def("liquidator_profit", &cs::result::liquidator_profit, "proceeds - debt_repaid")
        .def_property_readonly("path", &path_columns)
        .def("records", [](const cs::result& r) { return r.path; })
        .def(
            "path_frame",
            [](const cs::result& r) {
                const py::object pandas = py::module_::import("pandas");
                py::array_t<std::int64_t> round(static_cast<py::ssize_t>(r.path.size()));
                for (std::size_t k = 0; k < r.path.size(); ++k)
                    round.mutable_at(static_cast<py::ssize_t>(k)) =
                        static_cast<std::int64_t>(k + 1);
                return pandas.attr("DataFrame")(
                    path_columns(r),
                    py::arg("index") = pandas.attr("Index")(round, py::arg("name") = "round"));
            },
            "The per-round path as a pandas DataFrame (index: round, from 1).");
    dataclass_like(res,
                   {"initial_price", "shocked_price", "final_price", "collateral_sold",
                    "debt_repaid", "bad_debt", "liquidations", "rounds", "proceeds", "truncated"});

    m.def("simulate", &simulate, py::arg("book"), py::arg("price"), py::arg("shock"),
          py::arg("curve"), py::arg("rules") = cs::rules{}, py::kw_only(),
          py::arg("final_collateral") = py::none(), py::arg("final_debt") = py::none(), R"doc(
The cascade that `shock` (relative, in [0, 1)) to `price` (quote per unit, > 0) starts in `book`
(a book, validated and sorted here, or a prepared_book), selling seized collateral into `curve`
(any spiral.impact curve; a resilient one recovers between rounds) under `rules`. The reference
semantics are docs/cascade.md's. final_collateral / final_debt: preallocated float64 arrays of
the book's size that receive the book after the cascade (book row order). Returns a result.
Raises spiral.invalid_argument for bad input, naming it. The GIL is released.)doc");

    py::class_<cs::at_risk_point> arp(m, "at_risk_point", "One shock and its cascade.");
    arp.def_readonly("shock", &cs::at_risk_point::shock)
        .def_readonly("outcome", &cs::at_risk_point::outcome);
    dataclass_like(arp, {"shock", "outcome"});
    m.def("liquidations_at_risk", &at_risk, py::arg("book"), py::arg("price"), py::arg("shocks"),
          py::arg("curve"), py::arg("rules") = cs::rules{},
          "The cascade of each shock in `shocks` (the book prepared once): a list of "
          "at_risk_point.");

    py::class_<cs::profile_bin> pbin(m, "profile_bin", R"doc(
Positions whose liquidation price lies drop_from to drop_to below the current price (fractions):
their number, collateral (asset units) and debt (quote).)doc");
    pbin.def_readonly("drop_from", &cs::profile_bin::drop_from)
        .def_readonly("drop_to", &cs::profile_bin::drop_to)
        .def_readonly("positions", &cs::profile_bin::positions)
        .def_readonly("collateral", &cs::profile_bin::collateral)
        .def_readonly("debt", &cs::profile_bin::debt);
    dataclass_like(pbin, {"drop_from", "drop_to", "positions", "collateral", "debt"});
    m.def(
        "liquidation_profile",
        [](const cs::book& b, double price, std::size_t bins, double max_drop) {
            return cs::liquidation_profile(b, price, bins, max_drop);
        },
        py::arg("book"), py::arg("price"), py::arg("bins"), py::arg("max_drop") = 1.0,
        "The book's liquidation-price distribution in `bins` equal bands of the drop from 0 to "
        "max_drop: a list of profile_bin.");
    m.def(
        "toxic_positions",
        [](const cs::book& b, double price, double bonus) {
            const auto rows = cs::toxic_positions(b, price, bonus);
            py::array_t<std::int64_t> out(static_cast<py::ssize_t>(rows.size()));
            for (std::size_t k = 0; k < rows.size(); ++k)
                out.mutable_at(static_cast<py::ssize_t>(k)) = static_cast<std::int64_t>(rows[k]);
            return out;
        },
        py::arg("book"), py::arg("price"), py::arg("bonus"),
        "Rows whose liquidation at `price` would lower their health (collateral * price < debt "
        "(1 + bonus)).");

    py::class_<cs::synthetic_book_params> sbp(m, "synthetic_book_params", R"doc(
A synthetic book: positions, price (at which the health factors hold), median_collateral and
collateral_dispersion (log-normal sizes), median_excess_health and health_dispersion (health =
1 + a log-normal excess), threshold -/+ threshold_spread (uniform), seed.)doc");
    const cs::synthetic_book_params sd{};
    sbp.def(py::init([](std::size_t n, double price, double mc, double cd, double me, double hd,
                        double t, double ts, std::uint64_t seed) {
                return cs::synthetic_book_params{n, price, mc, cd, me, hd, t, ts, seed};
            }),
            py::arg("positions") = sd.positions, py::arg("price") = sd.price,
            py::arg("median_collateral") = sd.median_collateral,
            py::arg("collateral_dispersion") = sd.collateral_dispersion,
            py::arg("median_excess_health") = sd.median_excess_health,
            py::arg("health_dispersion") = sd.health_dispersion,
            py::arg("threshold") = sd.threshold, py::arg("threshold_spread") = sd.threshold_spread,
            py::arg("seed") = sd.seed)
        .def_readwrite("positions", &cs::synthetic_book_params::positions)
        .def_readwrite("price", &cs::synthetic_book_params::price)
        .def_readwrite("median_collateral", &cs::synthetic_book_params::median_collateral)
        .def_readwrite("collateral_dispersion", &cs::synthetic_book_params::collateral_dispersion)
        .def_readwrite("median_excess_health", &cs::synthetic_book_params::median_excess_health)
        .def_readwrite("health_dispersion", &cs::synthetic_book_params::health_dispersion)
        .def_readwrite("threshold", &cs::synthetic_book_params::threshold)
        .def_readwrite("threshold_spread", &cs::synthetic_book_params::threshold_spread)
        .def_readwrite("seed", &cs::synthetic_book_params::seed)
        .def("validate", &cs::synthetic_book_params::validate);
    dataclass_like(sbp, {"positions", "price", "median_collateral", "collateral_dispersion",
                         "median_excess_health", "health_dispersion", "threshold",
                         "threshold_spread", "seed"});
    m.def("synthetic_book", &cs::synthetic_book, py::arg("params") = cs::synthetic_book_params{},
          "A book drawn from params (the same seed gives the same book everywhere).");

    // ---- per-position kernels
    m.def("health", py::vectorize([](double c, double p, double t, double d) {
              return cs::health(c, p, t, d);
          }),
          py::arg("collateral"), py::arg("price"), py::arg("threshold"), py::arg("debt"),
          "collateral * price * threshold / debt (broadcast over arrays).");
    m.def("liquidation_price", py::vectorize([](double c, double d, double t) {
              return cs::liquidation_price(c, d, t);
          }),
          py::arg("collateral"), py::arg("debt"), py::arg("threshold"),
          "debt / (collateral * threshold): the price at which health reaches 1.");
    m.def("toxic_price",
          py::vectorize([](double c, double d, double b) { return cs::toxic_price(c, d, b); }),
          py::arg("collateral"), py::arg("debt"), py::arg("bonus"),
          "debt (1 + bonus) / collateral: below it a liquidation lowers the health.");
    py::class_<cs::liquidation<double>> lq(m, "liquidation", "What one liquidation does.");
    lq.def_readonly("seized", &cs::liquidation<double>::seized)
        .def_readonly("repaid", &cs::liquidation<double>::repaid)
        .def_readonly("bad_debt", &cs::liquidation<double>::bad_debt)
        .def_readonly("collateral_left", &cs::liquidation<double>::collateral_left)
        .def_readonly("debt_left", &cs::liquidation<double>::debt_left);
    dataclass_like(lq, {"seized", "repaid", "bad_debt", "collateral_left", "debt_left"});
    m.def(
        "liquidate",
        [](double c, double d, double p, double f, double b) {
            return cs::liquidate(c, d, p, f, b);
        },
        py::arg("collateral"), py::arg("debt"), py::arg("price"), py::arg("fraction"),
        py::arg("bonus"),
        "One liquidation: repay fraction * debt, seize that (1 + bonus) / price (capped at the "
        "collateral); element kernel.");
}

} // namespace spiral::python
