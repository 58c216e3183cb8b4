// spiral.cascade, along a price path: cascade::run with its inputs (price_path, path_rules and
// their parts: oracles and their sources, keepers, liquidation terms, the liquidation designs
// with Compound III's absorb and Maker's auctions) and its result (path_result, whose per-step
// records come as NumPy arrays, `steps`, or a pandas DataFrame, `steps_frame()`), and the venue
// presets (spiral.cascade.venues). The C++ inputs view their data through spans; the Python
// objects own theirs (a NumPy array each, the caller's own when it is already a C-contiguous
// float64 array) and the spans are taken when the run starts.
#include "curves.hpp"
#include "path_rules.hpp"

#include <spiral/cascade/book.hpp>
#include <spiral/cascade/path.hpp>
#include <spiral/cascade/path_result.hpp>
#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/path_workspace.hpp>
#include <spiral/cascade/position_columns.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/price_path.hpp>
#include <spiral/cascade/venues.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spiral::python {
namespace cascade_path_part {

namespace cs = spiral::cascade;

/// A float64 column held by a Python object: the caller's array when it already is 1-D,
/// C-contiguous float64 (no copy), else a converted copy; None: empty.
py::array_t<double> column_of(py::handle value, std::string_view what, std::string_view field) {
    if (value.is_none())
        return py::array_t<double>(0);
    const raw_column c = raw(value, what, field);
    if (c.scalar())
        fail(what, std::string(field) + ".ndim", 0, "must be 1 (a sequence of numbers)");
    return numeric<double>(c, what, 0);
}

/// A read-only view of a held column (None when it is empty and `none_if_empty`).
py::object held_view(const py::array_t<double>& a, py::handle owner, bool none_if_empty) {
    if (none_if_empty && a.size() == 0)
        return py::none();
    return view_of(span_of(a), owner);
}

/// cascade::price_path owning its columns.
struct owned_price_path {
    py::array_t<double> prices{0}, times{0}, debt_prices{0};
    double step_days = cs::price_path{}.step_days;

    cs::price_path view() const {
        return cs::price_path{span_of(prices), step_days, span_of(times), span_of(debt_prices)};
    }
};

owned_oracle owned_of(const cs::oracle_rules& r) {
    owned_oracle o;
    o.rules = r;
    o.rules.sources = {};
    return o;
}

owned_path_rules owned_of(const cs::path_rules& p) {
    owned_path_rules o;
    o.liquidation = p.liquidation;
    o.oracle = owned_of(p.oracle);
    o.debt_oracle = owned_of(p.debt_oracle);
    o.terms = p.terms;
    o.keepers = p.keepers;
    o.design = p.design;
    o.absorb = p.absorb;
    o.clipper = p.clipper;
    o.flipper = p.flipper;
    return o;
}

// ---- the per-step records as columns, in step_record's declaration order

struct step_field {
    const char* name;
    double cs::step_record::*real = nullptr;
    std::size_t cs::step_record::*count = nullptr;
};

const std::vector<step_field>& step_fields() {
    using r = cs::step_record;
    static const std::vector<step_field> fields{
        {"time", &r::time},
        {"exogenous_price", &r::exogenous_price},
        {"market_price", &r::market_price},
        {"oracle_price", &r::oracle_price},
        {"debt_oracle_price", &r::debt_oracle_price},
        {"price", &r::price},
        {"threshold_multiplier", &r::threshold_multiplier},
        {"liquidations", nullptr, &r::liquidations},
        {"collateral_seized", &r::collateral_seized},
        {"collateral_sold", &r::collateral_sold},
        {"protocol_fee", &r::protocol_fee},
        {"debt_repaid", &r::debt_repaid},
        {"bad_debt", &r::bad_debt},
        {"proceeds", &r::proceeds},
        {"repaid_value", &r::repaid_value},
        {"gas", &r::gas},
        {"unprofitable", nullptr, &r::unprofitable},
        {"unprofitable_debt", &r::unprofitable_debt},
        {"deferred", nullptr, &r::deferred},
        {"blocked", nullptr, &r::blocked},
        {"auctions_started", nullptr, &r::auctions_started},
        {"auctions_settled", nullptr, &r::auctions_settled},
        {"zero_bid_auctions", nullptr, &r::zero_bid_auctions},
        {"collateral_returned", &r::collateral_returned},
        {"collateral_kept", &r::collateral_kept},
        {"raised", &r::raised},
        {"incentives", &r::incentives},
        {"penalty", &r::penalty},
        {"returned_value", &r::returned_value},
        {"protocol_collateral", &r::protocol_collateral},
        {"auction_debt", &r::auction_debt},
    };
    return fields;
}

py::dict step_columns(const cs::path_result& res) {
    const auto n = static_cast<py::ssize_t>(res.steps.size());
    py::dict d;
    for (const step_field& f : step_fields()) {
        if (f.real != nullptr) {
            py::array_t<double> a(n);
            double* out = a.mutable_data();
            for (py::ssize_t k = 0; k < n; ++k)
                out[k] = res.steps[static_cast<std::size_t>(k)].*(f.real);
            d[f.name] = a;
        } else {
            py::array_t<std::int64_t> a(n);
            std::int64_t* out = a.mutable_data();
            for (py::ssize_t k = 0; k < n; ++k)
                out[k] =
                    static_cast<std::int64_t>(res.steps[static_cast<std::size_t>(k)].*(f.count));
            d[f.name] = a;
        }
    }
    return d;
}

// ---- run

owned_price_path path_of(py::handle path) {
    if (py::isinstance<owned_price_path>(path))
        return path.cast<owned_price_path>();
    owned_price_path p; // a bare array of prices: steps of the default length
    p.prices = column_of(path, "cascade::run", "prices");
    return p;
}

template <class Book, class C>
cs::path_result run_on(const Book& b, const cs::price_path& path, const C& curve,
                       const cs::path_rules& pr, const cs::position_columns& out) {
    cs::path_workspace ws;
    return cs::run(b, path, curve, pr, out, ws);
}

template <class Book>
cs::path_result run_curve(const Book& b, const cs::price_path& path, const any_curve& curve,
                          const cs::path_rules& pr, const cs::position_columns& out) {
    if (const auto* recovering = std::get_if<impact::resilient<curve_ref>>(&curve))
        return run_on(b, path, *recovering, pr, out);
    const curve_ref any{std::make_shared<const any_curve>(curve)};
    return run_on(b, path, any, pr, out);
}

cs::path_result run(py::handle book, py::handle path, py::handle curve, py::handle rules,
                    py::handle final_collateral, py::handle final_debt) {
    constexpr std::string_view what = "cascade::run";
    const bool prepared = py::isinstance<cs::prepared_book>(book);
    if (!prepared && !py::isinstance<cs::book>(book))
        fail(what, "book", std::string(py::str(py::type::of(book).attr("__name__"))),
             "must be a spiral.cascade.book or prepared_book");
    const owned_price_path p = path_of(path);
    const owned_path_rules r = rules_of(rules, what);
    const any_curve c = curve_of(curve, what, "curve");
    const std::size_t n = prepared ? book.cast<const cs::prepared_book&>().size()
                                   : book.cast<const cs::book&>().size();
    auto oc = final_collateral.is_none()
                  ? py::array_t<double>(0)
                  : output<double>(final_collateral, what, "final_collateral", n);
    auto od = final_debt.is_none() ? py::array_t<double>(0)
                                   : output<double>(final_debt, what, "final_debt", n);
    const cs::position_columns positions{mutable_span_of(oc), mutable_span_of(od)};
    std::vector<cs::oracle_source> oracle_storage, debt_storage;
    const cs::path_rules pr = r.view(oracle_storage, debt_storage);
    const cs::price_path view = p.view();
    if (prepared) {
        const auto held = book.cast<std::shared_ptr<cs::prepared_book>>();
        py::gil_scoped_release release;
        return run_curve(*held, view, c, pr, positions);
    }
    const cs::book& plain = book.cast<const cs::book&>();
    py::gil_scoped_release release;
    return run_curve(plain, view, c, pr, positions);
}

} // namespace cascade_path_part

owned_path_rules rules_of(py::handle rules, std::string_view what) {
    if (py::isinstance<owned_path_rules>(rules))
        return rules.cast<owned_path_rules>();
    if (py::isinstance<cascade::rules>(rules)) {
        owned_path_rules p;
        p.liquidation = rules.cast<cascade::rules>();
        return p;
    }
    fail(what, "rules", std::string(py::str(py::type::of(rules).attr("__name__"))),
         "must be a spiral.cascade.path_rules or rules");
}

void bind_cascade_path(py::module_& m) {
    using namespace cascade_path_part;
    namespace cs = spiral::cascade;

    // ---- the path
    py::class_<owned_price_path> pp(m, "price_path", R"doc(
An exogenous price path (cascade::price_path): prices[0] (quote per unit of collateral, > 0) is
where the path starts, what every oracle shows before the first step; step k = 1, ..., steps()
moves the price to prices[k]. Steps last step_days (days, > 0; one minute by default) each, or,
when times is given, from times[k - 1] to times[k] (days, strictly increasing, same length as
prices). debt_prices, when given, is the debt asset's market price at each point (quote per
unit of debt; 1 when absent): a stablecoin that de-pegs. The columns are held by the object
(a C-contiguous float64 array is held as it is, without a copy: do not change it while a run
uses it); the properties are read-only views. validate() names the field and index.)doc");
    pp.def(py::init(
               [](py::handle prices, double step_days, py::handle times, py::handle debt_prices) {
                   constexpr std::string_view what = "cascade::price_path";
                   owned_price_path p;
                   p.prices = column_of(prices, what, "prices");
                   p.step_days = step_days;
                   p.times = column_of(times, what, "times");
                   p.debt_prices = column_of(debt_prices, what, "debt_prices");
                   return p;
               }),
           py::arg("prices"), py::arg("step_days") = cs::price_path{}.step_days,
           py::arg("times") = py::none(), py::arg("debt_prices") = py::none())
        .def_property_readonly(
            "prices",
            [](py::object self) {
                return held_view(self.cast<const owned_price_path&>().prices, self, false);
            },
            "The collateral's exogenous price at each point (quote per unit).")
        .def_property_readonly(
            "times",
            [](py::object self) {
                return held_view(self.cast<const owned_price_path&>().times, self, true);
            },
            "Days of each point, or None (every step_days).")
        .def_property_readonly(
            "debt_prices",
            [](py::object self) {
                return held_view(self.cast<const owned_price_path&>().debt_prices, self, true);
            },
            "The debt asset's price at each point (quote per unit), or None (1).")
        .def_readwrite("step_days", &owned_price_path::step_days, "Length of a step (days).")
        .def(
            "steps", [](const owned_price_path& p) { return p.view().steps(); },
            "The number of steps: len(prices) - 1.")
        .def(
            "__len__", [](const owned_price_path& p) { return p.view().steps(); },
            "The number of steps.")
        .def(
            "time",
            [](const owned_price_path& p) {
                const cs::price_path v = p.view();
                py::array_t<double> t(static_cast<py::ssize_t>(v.prices.size()));
                for (std::size_t k = 0; k < v.prices.size(); ++k)
                    t.mutable_at(static_cast<py::ssize_t>(k)) = v.time(k);
                return t;
            },
            "Days from the start to each point (an array of len(prices)).")
        .def(
            "validate", [](const owned_price_path& p) { p.view().validate(); },
            "Raises spiral.invalid_argument naming the first bad field and index.");
    dataclass_like(pp, {"prices", "step_days", "times", "debt_prices"});

    // ---- oracles
    py::class_<owned_source> os(m, "oracle_source", R"doc(
One price source of a feed (cascade::oracle_source): prices (quote per unit, one per point of
the path; NaN: no report at that point, the source is down; None: the venue's own market price
for the collateral feed, the debt's market price for the debt feed). It reports when
heartbeat_days (days, >= 0) have passed since its last report or its price has moved by more
than deviation (relative, >= 0, may be inf) from it. The defaults report at every step.)doc");
    os.def(py::init([](py::handle prices, double heartbeat_days, double deviation) {
               return owned_source{column_of(prices, "cascade::oracle_source", "prices"),
                                   heartbeat_days, deviation};
           }),
           py::arg("prices") = py::none(), py::arg("heartbeat_days") = 0.0,
           py::arg("deviation") = 0.0)
        .def_property_readonly(
            "prices",
            [](py::object self) {
                return held_view(self.cast<const owned_source&>().prices, self, true);
            },
            "The source's price at each point (quote per unit), or None (the market).")
        .def_readwrite("heartbeat_days", &owned_source::heartbeat_days, "days, >= 0")
        .def_readwrite("deviation", &owned_source::deviation, "relative, >= 0, may be inf");
    dataclass_like(os, {"prices", "heartbeat_days", "deviation"});

    py::class_<owned_oracle> orc(m, "oracle_rules", R"doc(
A price feed (cascade::oracle_rules). At each step every source reports or not; sources whose
last report is older than max_age_days (days, > 0, may be inf) are stale and left out, those
farther than max_spread (relative, >= 0, may be inf) from the median are outliers and left out;
the observation is the median of the rest. The feed publishes it when heartbeat_days (days,
>= 0) have passed since it last published, or when it is more than deviation (relative, >= 0,
may be inf) away from the last published price (Chainlink); a price below floor (quote, >= 0)
is published as floor (minAnswer). The protocol reads the price published delay_steps steps
earlier (Maker's OSM). sources: a sequence of oracle_source, held as a tuple (empty: one
source, the market, every step). The defaults show the market price at the start of every step.)doc");
    const cs::oracle_rules od{};
    orc.def(py::init([](double heartbeat, double deviation, std::size_t delay, double floor,
                        double max_age, double max_spread, std::vector<owned_source> sources) {
                owned_oracle o;
                o.rules.heartbeat_days = heartbeat;
                o.rules.deviation = deviation;
                o.rules.delay_steps = delay;
                o.rules.floor = floor;
                o.rules.max_age_days = max_age;
                o.rules.max_spread = max_spread;
                o.sources = std::move(sources);
                return o;
            }),
            py::arg("heartbeat_days") = od.heartbeat_days, py::arg("deviation") = od.deviation,
            py::arg("delay_steps") = od.delay_steps, py::arg("floor") = od.floor,
            py::arg("max_age_days") = od.max_age_days, py::arg("max_spread") = od.max_spread,
            py::arg("sources") = std::vector<owned_source>{})
        .def_property(
            "heartbeat_days", [](const owned_oracle& o) { return o.rules.heartbeat_days; },
            [](owned_oracle& o, double v) { o.rules.heartbeat_days = v; }, "days, >= 0")
        .def_property(
            "deviation", [](const owned_oracle& o) { return o.rules.deviation; },
            [](owned_oracle& o, double v) { o.rules.deviation = v; }, "relative, >= 0, may be inf")
        .def_property(
            "delay_steps", [](const owned_oracle& o) { return o.rules.delay_steps; },
            [](owned_oracle& o, std::size_t v) { o.rules.delay_steps = v; }, "steps")
        .def_property(
            "floor", [](const owned_oracle& o) { return o.rules.floor; },
            [](owned_oracle& o, double v) { o.rules.floor = v; }, "quote per unit, >= 0")
        .def_property(
            "max_age_days", [](const owned_oracle& o) { return o.rules.max_age_days; },
            [](owned_oracle& o, double v) { o.rules.max_age_days = v; }, "days, > 0, may be inf")
        .def_property(
            "max_spread", [](const owned_oracle& o) { return o.rules.max_spread; },
            [](owned_oracle& o, double v) { o.rules.max_spread = v; }, "relative, >= 0, may be inf")
        .def_property(
            "sources", [](const owned_oracle& o) { return py::tuple(py::cast(o.sources)); },
            [](owned_oracle& o, std::vector<owned_source> sources) {
                o.sources = std::move(sources);
            },
            "The sources, a tuple of oracle_source (assign a new sequence to change them).")
        .def(
            "validate",
            [](const owned_oracle& o, std::size_t points) {
                std::vector<cs::oracle_source> storage;
                o.view(storage).validate("cascade::oracle_rules", "oracle", points);
            },
            py::arg("points") = 0,
            "Raises spiral.invalid_argument naming the first bad field; `points` is the path's "
            "size the sources' prices must have (0: not checked).");
    dataclass_like(orc, {"heartbeat_days", "deviation", "delay_steps", "floor", "max_age_days",
                         "max_spread", "sources"});

    // ---- liquidation terms
    py::enum_<cs::incentive_model>(m, "incentive_model",
                                   "Where a liquidation's bonus comes from: rules (rules.bonus and "
                                   "its slope) or morpho_blue (from the position's threshold).")
        .value("rules", cs::incentive_model::rules)
        .value("morpho_blue", cs::incentive_model::morpho_blue);

    py::class_<cs::liquidation_terms> lt(m, "liquidation_terms", R"doc(
Terms of a liquidation beyond rules (cascade::liquidation_terms), all off by default:
protocol_fee (the protocol's share of the bonus collateral, in [0, 1]; Aave v3's
liquidationProtocolFee), full_close_value (quote: below it the whole debt may be repaid; Aave
v3.3: 2,000 USD; 0 off), min_leftover_value (quote: a partial liquidation must leave at least
this of collateral and of debt; Aave v3.3: 1,000 USD; 0 off), incentive (incentive_model),
morpho_cursor (in (0, 1]) and morpho_max (>= 1): Morpho Blue's incentive
min(morpho_max, 1 / (cursor LLTV + 1 - cursor)).)doc");
    const cs::liquidation_terms ltd{};
    lt.def(py::init([](double fee, double full, double leftover, cs::incentive_model incentive,
                       double cursor, double max) {
               return cs::liquidation_terms{fee, full, leftover, incentive, cursor, max};
           }),
           py::arg("protocol_fee") = ltd.protocol_fee,
           py::arg("full_close_value") = ltd.full_close_value,
           py::arg("min_leftover_value") = ltd.min_leftover_value,
           py::arg("incentive") = ltd.incentive, py::arg("morpho_cursor") = ltd.morpho_cursor,
           py::arg("morpho_max") = ltd.morpho_max)
        .def_readwrite("protocol_fee", &cs::liquidation_terms::protocol_fee)
        .def_readwrite("full_close_value", &cs::liquidation_terms::full_close_value)
        .def_readwrite("min_leftover_value", &cs::liquidation_terms::min_leftover_value)
        .def_readwrite("incentive", &cs::liquidation_terms::incentive)
        .def_readwrite("morpho_cursor", &cs::liquidation_terms::morpho_cursor)
        .def_readwrite("morpho_max", &cs::liquidation_terms::morpho_max)
        .def("active", &cs::liquidation_terms::active,
             "True when a term changes what rules alone do.")
        .def(
            "validate", [](const cs::liquidation_terms& t) { t.validate(); },
            "Raises spiral.invalid_argument naming the first bad field.");
    dataclass_like(lt, {"protocol_fee", "full_close_value", "min_leftover_value", "incentive",
                        "morpho_cursor", "morpho_max"});
    m.def("morpho_incentive", py::vectorize([](double lltv, double cursor, double max) {
              return cs::morpho_incentive(lltv, cursor, max);
          }),
          py::arg("lltv"), py::arg("cursor") = 0.3, py::arg("max") = 1.15,
          "Morpho Blue's liquidation incentive factor min(max, 1 / (cursor lltv + 1 - cursor)) "
          "(the bonus is the factor - 1); broadcast over arrays.");

    // ---- keepers
    py::class_<cs::keeper_rules> kr(m, "keeper_rules", R"doc(
The keepers who liquidate (cascade::keeper_rules). The defaults liquidate everything due at
once, whatever it pays. only_profitable: keepers skip liquidations whose sale (judged alone, at
the market as the step starts), less gas (quote per liquidation, >= 0), is below (1 + margin)
(margin > -1) times what the debt costs them. Per step at most max_liquidations (> 0),
max_repaid_value (quote, > 0) and gas_budget (quote, > 0), lowest health first; a keeper acts
latency_steps steps after it sees a position due.)doc");
    const cs::keeper_rules kd{};
    kr.def(py::init([](bool only, double gas, double margin, std::size_t latency,
                       std::size_t max_liq, double max_repaid, double budget) {
               return cs::keeper_rules{only, gas, margin, latency, max_liq, max_repaid, budget};
           }),
           py::arg("only_profitable") = kd.only_profitable, py::arg("gas") = kd.gas,
           py::arg("margin") = kd.margin, py::arg("latency_steps") = kd.latency_steps,
           py::arg("max_liquidations") = kd.max_liquidations,
           py::arg("max_repaid_value") = kd.max_repaid_value, py::arg("gas_budget") = kd.gas_budget)
        .def_readwrite("only_profitable", &cs::keeper_rules::only_profitable)
        .def_readwrite("gas", &cs::keeper_rules::gas)
        .def_readwrite("margin", &cs::keeper_rules::margin)
        .def_readwrite("latency_steps", &cs::keeper_rules::latency_steps)
        .def_readwrite("max_liquidations", &cs::keeper_rules::max_liquidations)
        .def_readwrite("max_repaid_value", &cs::keeper_rules::max_repaid_value)
        .def_readwrite("gas_budget", &cs::keeper_rules::gas_budget)
        .def("active", &cs::keeper_rules::active,
             "True when a rule changes what the reference rules do.")
        .def(
            "validate", [](const cs::keeper_rules& k) { k.validate(); },
            "Raises spiral.invalid_argument naming the first bad field.");
    dataclass_like(kr, {"only_profitable", "gas", "margin", "latency_steps", "max_liquidations",
                        "max_repaid_value", "gas_budget"});

    // ---- designs
    py::enum_<cs::liquidation_design>(
        m, "liquidation_design",
        "How liquidations are carried out: keepers (repay debt for collateral at a bonus), absorb "
        "(Compound III: absorb_rules), dutch_auction (Maker Liquidations 2.0: clipper_rules), "
        "english_auction (Maker Liquidations 1.2: flipper_rules).")
        .value("keepers", cs::liquidation_design::keepers)
        .value("absorb", cs::liquidation_design::absorb)
        .value("dutch_auction", cs::liquidation_design::dutch_auction)
        .value("english_auction", cs::liquidation_design::english_auction);

    py::class_<cs::absorb_rules> ab(m, "absorb_rules", R"doc(
Compound III's absorb and storefront (cascade::absorb_rules): an account below its threshold
is absorbed whole, credited liquidation_factor (in (0, 1]) times its collateral's oracle value;
the protocol sells the collateral at the oracle price times
1 - store_front_price_factor (in [0, 1]) (1 - liquidation_factor) while its reserves (debt
units; initial_reserves, finite) are below target_reserves (debt units, > 0, may be inf).
usdc_mainnet_weth(): cUSDCv3's WETH parameters.)doc");
    const cs::absorb_rules abd{};
    ab.def(py::init([](double lf, double sf, double target, double initial) {
               return cs::absorb_rules{lf, sf, target, initial};
           }),
           py::arg("liquidation_factor") = abd.liquidation_factor,
           py::arg("store_front_price_factor") = abd.store_front_price_factor,
           py::arg("target_reserves") = abd.target_reserves,
           py::arg("initial_reserves") = abd.initial_reserves)
        .def_readwrite("liquidation_factor", &cs::absorb_rules::liquidation_factor)
        .def_readwrite("store_front_price_factor", &cs::absorb_rules::store_front_price_factor)
        .def_readwrite("target_reserves", &cs::absorb_rules::target_reserves)
        .def_readwrite("initial_reserves", &cs::absorb_rules::initial_reserves)
        .def("storefront_factor", &cs::absorb_rules::storefront_factor,
             "The price buyers pay per unit, over the oracle price.")
        .def_static("usdc_mainnet_weth", &cs::absorb_rules::usdc_mainnet_weth,
                    "cUSDCv3 on Ethereum, WETH: liquidation_factor 0.95, "
                    "store_front_price_factor 0.5, target_reserves 5,000,000 USDC.")
        .def(
            "validate", [](const cs::absorb_rules& a) { a.validate(); },
            "Raises spiral.invalid_argument naming the first bad field.");
    dataclass_like(ab, {"liquidation_factor", "store_front_price_factor", "target_reserves",
                        "initial_reserves"});

    py::class_<cs::clipper_rules> cl(m, "clipper_rules", R"doc(
Maker Liquidations 2.0, the Dutch auction (cascade::clipper_rules): buf (starting price over the
oracle, >= 1), cut (price kept per step, in (0, 1)) every step_seconds (> 0), reset after
tail_seconds (> 0) or below cusp (in (0, 1)) of the top; the barker gets tip (debt units,
>= 0) + chip (in [0, 1)) tab; chop (>= 1): tab = debt chop; hole and global_hole (debt units,
> 0, may be inf): room for tabs in auctions; dust (debt units, >= 0). Presets eth_b_2021(),
yfi_a_2021().)doc");
    const cs::clipper_rules cld{};
    cl.def(py::init([](double buf, double cut, double step, double tail, double cusp, double chip,
                       double tip, double chop, double hole, double global_hole, double dust) {
               return cs::clipper_rules{buf, cut,  step, tail,        cusp, chip,
                                        tip, chop, hole, global_hole, dust};
           }),
           py::arg("buf") = cld.buf, py::arg("cut") = cld.cut,
           py::arg("step_seconds") = cld.step_seconds, py::arg("tail_seconds") = cld.tail_seconds,
           py::arg("cusp") = cld.cusp, py::arg("chip") = cld.chip, py::arg("tip") = cld.tip,
           py::arg("chop") = cld.chop, py::arg("hole") = cld.hole,
           py::arg("global_hole") = cld.global_hole, py::arg("dust") = cld.dust)
        .def_readwrite("buf", &cs::clipper_rules::buf)
        .def_readwrite("cut", &cs::clipper_rules::cut)
        .def_readwrite("step_seconds", &cs::clipper_rules::step_seconds)
        .def_readwrite("tail_seconds", &cs::clipper_rules::tail_seconds)
        .def_readwrite("cusp", &cs::clipper_rules::cusp)
        .def_readwrite("chip", &cs::clipper_rules::chip)
        .def_readwrite("tip", &cs::clipper_rules::tip)
        .def_readwrite("chop", &cs::clipper_rules::chop)
        .def_readwrite("hole", &cs::clipper_rules::hole)
        .def_readwrite("global_hole", &cs::clipper_rules::global_hole)
        .def_readwrite("dust", &cs::clipper_rules::dust)
        .def("price", &cs::clipper_rules::price, py::arg("top"), py::arg("elapsed_seconds"),
             "The auction's price elapsed_seconds after it started at top: "
             "top cut^floor(elapsed / step_seconds).")
        .def_static("eth_b_2021", &cs::clipper_rules::eth_b_2021,
                    "ETH-B, June 2021: buf 1.20, cut 0.99 every 60 s, tail 90 min, cusp 0.4, "
                    "chip 0.1%, tip 300 DAI, chop 13%, hole 15M DAI, Hole 100M DAI.")
        .def_static("yfi_a_2021", &cs::clipper_rules::yfi_a_2021,
                    "YFI-A, April 2021: buf 1.30, cut 0.99 every 90 s, tail 140 min, cusp 0.4, "
                    "chip 0.1%, tip 0, chop 13%, hole 5M DAI, Hole 100M DAI.")
        .def(
            "validate", [](const cs::clipper_rules& c) { c.validate(); },
            "Raises spiral.invalid_argument naming the first bad field.");
    dataclass_like(cl, {"buf", "cut", "step_seconds", "tail_seconds", "cusp", "chip", "tip", "chop",
                        "hole", "global_hole", "dust"});

    py::class_<cs::flipper_rules> fl(m, "flipper_rules", R"doc(
Maker Liquidations 1.2, the English auction (cascade::flipper_rules): bids rise by at least beg
(> 1) until one reaches the tab (debt chop, chop >= 1), then offer the tab for less collateral;
the auction ends ttl_seconds (> 0) after the last bid or tau_seconds (> 0) after it started;
box (debt units, > 0, may be inf) caps tabs in auctions; zero_bidder: an opportunist bids 0 as
each auction starts. Presets contract_defaults(), eth_a_march_2020() (Black Thursday).)doc");
    const cs::flipper_rules fld{};
    fl.def(py::init([](double beg, double ttl, double tau, double chop, double box, bool zero) {
               return cs::flipper_rules{beg, ttl, tau, chop, box, zero};
           }),
           py::arg("beg") = fld.beg, py::arg("ttl_seconds") = fld.ttl_seconds,
           py::arg("tau_seconds") = fld.tau_seconds, py::arg("chop") = fld.chop,
           py::arg("box") = fld.box, py::arg("zero_bidder") = fld.zero_bidder)
        .def_readwrite("beg", &cs::flipper_rules::beg)
        .def_readwrite("ttl_seconds", &cs::flipper_rules::ttl_seconds)
        .def_readwrite("tau_seconds", &cs::flipper_rules::tau_seconds)
        .def_readwrite("chop", &cs::flipper_rules::chop)
        .def_readwrite("box", &cs::flipper_rules::box)
        .def_readwrite("zero_bidder", &cs::flipper_rules::zero_bidder)
        .def_static("contract_defaults", &cs::flipper_rules::contract_defaults,
                    "flip.sol's defaults: beg 5%, ttl 3 hours, tau 2 days; chop 13%.")
        .def_static("eth_a_march_2020", &cs::flipper_rules::eth_a_march_2020,
                    "ETH-A on 12 March 2020: beg 3%, ttl 10 min, tau 6 hours, chop 13%, with a "
                    "zero bidder.")
        .def(
            "validate", [](const cs::flipper_rules& f) { f.validate(); },
            "Raises spiral.invalid_argument naming the first bad field.");
    dataclass_like(fl, {"beg", "ttl_seconds", "tau_seconds", "chop", "box", "zero_bidder"});

    // ---- path rules
    py::class_<owned_path_rules> pr(m, "path_rules", R"doc(
The rules of a cascade along a price path (cascade::path_rules): liquidation (rules: sizing,
bonus, per-step caps; its max_rounds and round_days are not used and its oracle_delay must be
0: the path sets the steps, oracle.delay_steps the delay), oracle and debt_oracle
(oracle_rules of the collateral's and the debt's price feeds), terms (liquidation_terms),
keepers (keeper_rules), design (liquidation_design) and the parameters of the designs that use
them: absorb (absorb_rules), clipper (clipper_rules), flipper (flipper_rules). The defaults
reproduce simulate's reference rules, one round per step. Fields are writable in place
(r.liquidation.bonus = 0.1); oracle sources are a tuple (assign a new sequence to change it).)doc");
    const owned_path_rules prd{};
    pr.def(py::init([](const cs::rules& liquidation, const owned_oracle& oracle,
                       const owned_oracle& debt_oracle, const cs::liquidation_terms& terms,
                       const cs::keeper_rules& keepers, cs::liquidation_design design,
                       const cs::absorb_rules& absorb, const cs::clipper_rules& clipper,
                       const cs::flipper_rules& flipper) {
               return owned_path_rules{liquidation, oracle, debt_oracle, terms,  keepers,
                                       design,      absorb, clipper,     flipper};
           }),
           py::arg("liquidation") = prd.liquidation, py::arg("oracle") = prd.oracle,
           py::arg("debt_oracle") = prd.debt_oracle, py::arg("terms") = prd.terms,
           py::arg("keepers") = prd.keepers, py::arg("design") = prd.design,
           py::arg("absorb") = prd.absorb, py::arg("clipper") = prd.clipper,
           py::arg("flipper") = prd.flipper)
        .def_readwrite("liquidation", &owned_path_rules::liquidation)
        .def_readwrite("oracle", &owned_path_rules::oracle)
        .def_readwrite("debt_oracle", &owned_path_rules::debt_oracle)
        .def_readwrite("terms", &owned_path_rules::terms)
        .def_readwrite("keepers", &owned_path_rules::keepers)
        .def_readwrite("design", &owned_path_rules::design)
        .def_readwrite("absorb", &owned_path_rules::absorb)
        .def_readwrite("clipper", &owned_path_rules::clipper)
        .def_readwrite("flipper", &owned_path_rules::flipper)
        .def(
            "validate",
            [](const owned_path_rules& r, std::size_t points) {
                std::vector<cs::oracle_source> a, b;
                r.view(a, b).validate(points);
            },
            py::arg("points") = 0,
            "Raises spiral.invalid_argument naming the first bad field; `points` is the path's "
            "size the oracle sources must have (0: not checked).");
    dataclass_like(pr, {"liquidation", "oracle", "debt_oracle", "terms", "keepers", "design",
                        "absorb", "clipper", "flipper"});

    // ---- results
    py::class_<cs::step_record> sr(m, "step_record", R"doc(
One step of a cascade along a path (cascade::step_record). Collateral in asset units, debt in
debt units (the quote currency when the debt price is 1), money in quote: time (days since the
start), exogenous_price, market_price (at the start of the step), oracle_price and
debt_oracle_price (what its liquidations used), price (market price at its end),
threshold_multiplier, liquidations, collateral_seized (protocol fee included), collateral_sold,
protocol_fee (collateral), debt_repaid, bad_debt, proceeds, repaid_value, gas, unprofitable and
unprofitable_debt (due positions left because liquidating them did not pay), deferred (no
keeper capacity or latency), blocked (size rules or auction room), auctions_started,
auctions_settled, zero_bid_auctions, collateral_returned, collateral_kept, raised, incentives,
penalty (debt units), returned_value (quote), protocol_collateral and auction_debt (after the
step).)doc");
    std::vector<std::string> step_names;
    for (const step_field& f : step_fields()) {
        if (f.real != nullptr)
            sr.def_readonly(f.name, f.real);
        else
            sr.def_readonly(f.name, f.count);
        step_names.emplace_back(f.name);
    }
    dataclass_like(sr, step_names);

    py::class_<cs::path_result> res(m, "path_result", R"doc(
The outcome of a cascade along a path (cascade::path_result), totals over all steps:
initial_collateral, final_collateral (asset units), initial_debt, final_debt (debt units),
final_price (market price after the last step), liquidations, collateral_seized,
collateral_sold, protocol_fee (asset units), debt_repaid, bad_debt (debt units), proceeds,
repaid_value, gas (quote), unprofitable, deferred, blocked (position-steps), auctions_started,
auctions_settled, zero_bid_auctions, collateral_returned, collateral_kept (asset units), raised,
incentives, penalty (debt units), returned_value (quote), protocol_collateral (asset units,
held after the path), auction_debt (debt units behind auctions still running).
steps: the per-step records as a dict of NumPy arrays; steps_frame(): a pandas DataFrame
(index: step, from 1); records(): a list of step_record.)doc");
    const std::vector<std::pair<const char*, double cs::path_result::*>> reals{
        {"initial_collateral", &cs::path_result::initial_collateral},
        {"initial_debt", &cs::path_result::initial_debt},
        {"final_collateral", &cs::path_result::final_collateral},
        {"final_debt", &cs::path_result::final_debt},
        {"final_price", &cs::path_result::final_price},
        {"collateral_seized", &cs::path_result::collateral_seized},
        {"collateral_sold", &cs::path_result::collateral_sold},
        {"protocol_fee", &cs::path_result::protocol_fee},
        {"debt_repaid", &cs::path_result::debt_repaid},
        {"bad_debt", &cs::path_result::bad_debt},
        {"proceeds", &cs::path_result::proceeds},
        {"repaid_value", &cs::path_result::repaid_value},
        {"gas", &cs::path_result::gas},
        {"collateral_returned", &cs::path_result::collateral_returned},
        {"collateral_kept", &cs::path_result::collateral_kept},
        {"raised", &cs::path_result::raised},
        {"incentives", &cs::path_result::incentives},
        {"penalty", &cs::path_result::penalty},
        {"returned_value", &cs::path_result::returned_value},
        {"protocol_collateral", &cs::path_result::protocol_collateral},
        {"auction_debt", &cs::path_result::auction_debt},
    };
    const std::vector<std::pair<const char*, std::size_t cs::path_result::*>> counts{
        {"liquidations", &cs::path_result::liquidations},
        {"unprofitable", &cs::path_result::unprofitable},
        {"deferred", &cs::path_result::deferred},
        {"blocked", &cs::path_result::blocked},
        {"auctions_started", &cs::path_result::auctions_started},
        {"auctions_settled", &cs::path_result::auctions_settled},
        {"zero_bid_auctions", &cs::path_result::zero_bid_auctions},
    };
    for (const auto& [name, member] : reals)
        res.def_readonly(name, member);
    for (const auto& [name, member] : counts)
        res.def_readonly(name, member);
    res.def("shortfall", &cs::path_result::shortfall,
            "What the protocol lost (debt units): bad_debt + incentives - penalty.")
        .def("liquidator_profit", &cs::path_result::liquidator_profit,
             "What liquidators made (quote): proceeds - repaid_value - gas.")
        .def("zero_bid_share", &cs::path_result::zero_bid_share,
             "Share of settled auctions that went for a zero bid (0 when none settled).")
        .def_property_readonly("steps", &step_columns,
                               "The per-step records as a dict of NumPy arrays (float64; int64 "
                               "for the counts), in step_record's field order.")
        .def(
            "records", [](const cs::path_result& r) { return r.steps; },
            "The per-step records as a list of step_record.")
        .def(
            "steps_frame",
            [](const cs::path_result& r) {
                const py::object pandas = py::module_::import("pandas");
                py::array_t<std::int64_t> step(static_cast<py::ssize_t>(r.steps.size()));
                for (std::size_t k = 0; k < r.steps.size(); ++k)
                    step.mutable_at(static_cast<py::ssize_t>(k)) = static_cast<std::int64_t>(k + 1);
                return pandas.attr("DataFrame")(
                    step_columns(r),
                    py::arg("index") = pandas.attr("Index")(step, py::arg("name") = "step"));
            },
            "The per-step records as a pandas DataFrame (index: step, from 1).");
    dataclass_like(res, {"initial_collateral",
                         "initial_debt",
                         "final_collateral",
                         "final_debt",
                         "final_price",
                         "liquidations",
                         "collateral_seized",
                         "collateral_sold",
                         "protocol_fee",
                         "debt_repaid",
                         "bad_debt",
                         "proceeds",
                         "repaid_value",
                         "gas",
                         "unprofitable",
                         "deferred",
                         "blocked",
                         "auctions_started",
                         "auctions_settled",
                         "zero_bid_auctions",
                         "collateral_returned",
                         "collateral_kept",
                         "raised",
                         "incentives",
                         "penalty",
                         "returned_value",
                         "protocol_collateral",
                         "auction_debt"});

    m.def("run", &run, py::arg("book"), py::arg("path"), py::arg("curve"),
          py::arg("rules") = owned_path_rules{}, py::kw_only(),
          py::arg("final_collateral") = py::none(), py::arg("final_debt") = py::none(), R"doc(
The cascade along a price path (cascade::run): `book` (a book, validated here, or a
prepared_book) along `path` (a price_path, or an array of prices with steps of one minute),
its liquidations' sales going into `curve` (any spiral.impact curve; a resilient one recovers
for each step's length) under `rules` (a path_rules, or a rules that becomes its
liquidation). In each step the exogenous price moves to the path's next price, the market price
is that times the curve's price_factor of what liquidations have sold, the oracle shows a price
by its rules, every position with health below 1 at that price is liquidated once, and the
step's seized collateral is sold in one sale (docs/cascade.md, "Along a price path").
final_collateral / final_debt: preallocated float64 arrays of the book's size that receive the
book after the path (book row order). Returns a path_result. Raises spiral.invalid_argument for
bad input, naming the field and index. The GIL is released during the run.)doc");

    // ---- venue presets
    auto venues = m.def_submodule(
        "venues", "path_rules for named lending venues, with their documented parameters "
                  "(cascade::venues).");
    venues.def(
        "aave_v3",
        [](double bonus, double fee) { return owned_of(cs::venues::aave_v3(bonus, fee)); },
        py::arg("bonus") = 0.05, py::arg("protocol_fee") = 0.10,
        "Aave v3: half the debt above health 0.95, all of it at or below; bonus (WETH: 5%) and "
        "protocol_fee (share of the bonus, 10%).");
    venues.def(
        "aave_v3_3",
        [](double bonus, double fee) { return owned_of(cs::venues::aave_v3_3(bonus, fee)); },
        py::arg("bonus") = 0.05, py::arg("protocol_fee") = 0.10,
        "Aave v3.3: as aave_v3, plus full close below 2,000 USD and no partial liquidation "
        "leaving less than 1,000 USD (quote) of collateral or debt.");
    venues.def(
        "morpho_blue", [] { return owned_of(cs::venues::morpho_blue()); },
        "Morpho Blue: up to the whole debt, incentive min(1.15, 1 / (0.3 LLTV + 0.7)).");
    venues.def(
        "compound_v3_usdc_weth", [] { return owned_of(cs::venues::compound_v3_usdc_weth()); },
        "Compound III, cUSDCv3 with WETH: absorb and storefront (absorb_rules.usdc_mainnet_weth).");
    venues.def(
        "maker_osm", [](double step_days) { return owned_of(cs::venues::maker_osm(step_days)); },
        py::arg("step_days"),
        "Maker's Oracle Security Module for steps of step_days (days): the price changes once an "
        "hour and takes effect an hour later.");
    venues.def(
        "maker_flipper_march_2020",
        [](double step_days) { return owned_of(cs::venues::maker_flipper_march_2020(step_days)); },
        py::arg("step_days"),
        "Maker Liquidations 1.2 on 12 March 2020 (ETH-A): English auctions with a zero bidder, "
        "behind the OSM (steps of step_days days).");
    venues.def(
        "maker_clipper_2021",
        [](double step_days) { return owned_of(cs::venues::maker_clipper_2021(step_days)); },
        py::arg("step_days"),
        "Maker Liquidations 2.0 (ETH-B, 2021): Dutch auctions behind the OSM (steps of "
        "step_days days).");
}

} // namespace spiral::python
