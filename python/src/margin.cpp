// spiral.margin: the per-position option rule over columns, scenario grids (SPAN, crypto
// portfolio margin, any grid) over columns, delta-gamma-vega margin, accounts, size-dependent
// margin, dynamic margin with the anti-procyclicality tools, and the EWMA / GARCH(1,1)
// volatility estimators. Series and columns are NumPy arrays; results are new arrays or
// dataclass-like objects.
#include "common.hpp"

#include <spiral/margin/account.hpp>
#include <spiral/margin/bulk.hpp>
#include <spiral/margin/dynamic.hpp>
#include <spiral/margin/greeks_margin.hpp>
#include <spiral/margin/option_rule.hpp>
#include <spiral/margin/scenario_grid.hpp>
#include <spiral/margin/size_dependent.hpp>
#include <spiral/margin/volatility_estimators.hpp>
#if SPIRAL_PYTHON_DISPATCH
#include <spiral/dispatch.hpp>
#endif

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

namespace spiral::python {
namespace margin_part {

namespace mg = spiral::margin;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// ------------------------------------------------------------------ per-position rule

py::dict position_requirement(const mg::option_rule& rule, py::handle type, py::handle quantity,
                              py::handle spot, py::handle strike, py::handle mark, py::handle out) {
    constexpr std::string_view what = "margin::position_requirement";
    const std::array<raw_column, 5> r{raw(type, what, "type"), raw(quantity, what, "quantity"),
                                      raw(spot, what, "spot"), raw(strike, what, "strike"),
                                      raw(mark, what, "mark")};
    const std::size_t n = row_count({&r[0], &r[1], &r[2], &r[3], &r[4]});
    const auto types = option_types(r[0], what, n);
    std::array<py::array_t<double>, 4> in;
    for (std::size_t k = 0; k < 4; ++k)
        in[k] = numeric<double>(r[k + 1], what, n);
    const py::dict given = out.is_none() ? py::dict() : py::reinterpret_borrow<py::dict>(out);
    const auto pick = [&](const char* name) {
        return given.contains(name) ? py::handle(given[name]) : py::handle(py::none());
    };
    auto initial = output<double>(pick("initial"), what, "initial", n);
    auto maintenance = output<double>(pick("maintenance"), what, "maintenance", n);
    const mg::option_rule_columns columns{type_span(types), span_of(in[0]), span_of(in[1]),
                                          span_of(in[2]), span_of(in[3])};
    const mg::requirement_columns outputs{mutable_span_of(initial), mutable_span_of(maintenance)};
    {
        py::gil_scoped_release release;
#if SPIRAL_PYTHON_DISPATCH
        spiral::dispatch::position_requirement(rule, columns, outputs);
#else
        mg::position_requirement(rule, columns, outputs);
#endif
    }
    py::dict result;
    if (all_scalar({&r[0], &r[1], &r[2], &r[3], &r[4]})) {
        result["initial"] = first_as_float(initial);
        result["maintenance"] = first_as_float(maintenance);
    } else {
        result["initial"] = initial;
        result["maintenance"] = maintenance;
    }
    return result;
}

// ------------------------------------------------------------------ scenario grids

/// A grid of any number of scenarios, as Python builds it. The library's grids have a size
/// fixed at compile time; grid_margin runs the one with 16 (SPAN) or 35 (crypto) scenarios
/// as it is, and pads other grids to the next of 16, 35 or 64 with weight-0 copies of their
/// last scenario (a weight-0 loss is 0: the margin, max(0, worst loss), is unchanged).
struct any_grid {
    std::vector<mg::scenario> scenarios;
    mg::vol_shock shock{};
    double horizon_years = 0;
};

template <std::size_t N>
mg::scenario_grid<N> fixed_grid(const any_grid& g) {
    mg::scenario_grid<N> out;
    for (std::size_t s = 0; s < N; ++s) {
        out.scenarios[s] = s < g.scenarios.size() ? g.scenarios[s] : g.scenarios.back();
        if (s >= g.scenarios.size())
            out.scenarios[s].weight = 0;
    }
    out.shock = g.shock;
    out.horizon_years = g.horizon_years;
    return out;
}

template <std::size_t N>
any_grid grid_of(const mg::scenario_grid<N>& g) {
    return {std::vector<mg::scenario>(g.scenarios.begin(), g.scenarios.end()), g.shock,
            g.horizon_years};
}

template <std::size_t N>
mg::grid_result padded_grid_margin(const any_grid& g, const mg::portfolio_columns& in,
                                   std::span<double> pnl) {
    const std::size_t m = g.scenarios.size();
    std::array<double, N> all{};
    mg::grid_result r = mg::grid_margin(fixed_grid<N>(g), in, std::span<double>(all));
    std::copy_n(all.begin(), m, pnl.begin());
    if (r.worst >= m) { // a padding scenario (loss 0) beat every real one: all real losses < 0
        r.worst = 0;
        for (std::size_t s = 1; s < m; ++s)
            if (-g.scenarios[s].weight * pnl[s] > -g.scenarios[r.worst].weight * pnl[r.worst])
                r.worst = s;
    }
    return r;
}

struct grid_outcome {
    mg::grid_result result;
    py::object scenario_pnl;
};

grid_outcome grid_margin(const any_grid& grid, py::handle type, py::handle spot, py::handle strike,
                         py::handle time, py::handle rate, py::handle dividend, py::handle vol,
                         py::handle quantity, py::handle linear_quantity, py::handle linear_price) {
    constexpr std::string_view what = "margin::grid_margin";
    const std::size_t m = grid.scenarios.size();
    if (m == 0 || m > 64)
        fail(what, "grid.scenarios.size()", m, "must be in [1, 64]");
    const std::array<raw_column, 8> r{
        raw(type, what, "options.type"),     raw(spot, what, "options.spot"),
        raw(strike, what, "options.strike"), raw(time, what, "options.time"),
        raw(rate, what, "options.rate"),     raw(dividend, what, "options.dividend"),
        raw(vol, what, "options.vol"),       raw(quantity, what, "quantity")};
    // options are columns: scalars broadcast to the first array's length (one row if none)
    const std::size_t n = row_count({&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7]});
    const auto types = option_types(r[0], what, n);
    std::array<py::array_t<double>, 7> in;
    for (std::size_t k = 0; k < 7; ++k)
        in[k] = numeric<double>(r[k + 1], what, n);
    py::array_t<double> lq(0), lp(0);
    if (!linear_quantity.is_none()) {
        const raw_column a = raw(linear_quantity, what, "linear_quantity");
        const raw_column b = raw(linear_price, what, "linear_price");
        const std::size_t l = row_count({&a, &b});
        lq = numeric<double>(a, what, l);
        lp = numeric<double>(b, what, l);
    }
    mg::portfolio_columns columns{bs_columns{type_span(types), span_of(in[0]), span_of(in[1]),
                                             span_of(in[2]), span_of(in[3]), span_of(in[4]),
                                             span_of(in[5])},
                                  span_of(in[6]), span_of(lq), span_of(lp)};
    py::array_t<double> pnl(static_cast<py::ssize_t>(m));
    const std::span<double> pnl_span = mutable_span_of(pnl);
    mg::grid_result result{};
    {
        py::gil_scoped_release release;
        if (m == 16)
            result = mg::grid_margin(fixed_grid<16>(grid), columns, pnl_span);
        else if (m == 35)
            result = mg::grid_margin(fixed_grid<35>(grid), columns, pnl_span);
        else if (m < 16)
            result = padded_grid_margin<16>(grid, columns, pnl_span);
        else if (m < 35)
            result = padded_grid_margin<35>(grid, columns, pnl_span);
        else
            result = padded_grid_margin<64>(grid, columns, pnl_span);
    }
    return {result, pnl};
}

py::object risk_array_margin(py::handle arrays, py::handle quantities) {
    constexpr std::string_view what = "margin::risk_array_margin";
    const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(arrays);
    if (!a || a.ndim() != 2)
        fail(what, "arrays.ndim", a ? a.ndim() : 0, "must be 2 (contracts x scenarios)");
    const std::vector<double> q = doubles(quantities, what, "quantities");
    const auto rows = static_cast<std::size_t>(a.shape(0));
    const auto cols = static_cast<std::size_t>(a.shape(1));
    const auto run = [&](auto size) -> mg::grid_result {
        constexpr std::size_t N = decltype(size)::value;
        std::vector<std::array<double, N>> table(rows);
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t s = 0; s < N; ++s)
                table[i][s] = a.at(static_cast<py::ssize_t>(i), static_cast<py::ssize_t>(s));
        return mg::risk_array_margin<N>(table, q);
    };
    if (cols == 16)
        return py::cast(run(std::integral_constant<std::size_t, 16>{}));
    fail(what, "arrays.shape[1]", cols, "must be 16 (SPAN risk arrays)");
}

// ------------------------------------------------------------------ size-dependent

/// leverage_brackets owning its tiers (the library's struct holds a span).
struct brackets {
    std::vector<mg::bracket> tiers;
    mg::leverage_brackets view() const { return {tiers}; }
};

// ------------------------------------------------------------------ series helpers

py::array_t<double> series_out(std::size_t n) {
    return py::array_t<double>(static_cast<py::ssize_t>(n));
}

std::vector<double> series(py::handle v, std::string_view what, std::string_view field) {
    return doubles(v, what, field);
}

} // namespace margin_part

void bind_margin(py::module_& m) {
    using namespace margin_part;
    using namespace spiral::margin;

    // ---- option rule
    py::class_<option_rule> rule(m, "option_rule", R"doc(
The per-position margin rule of crypto option venues (Deribit's standard model), as fractions of
the underlying price: short call IM = max(im_base - OTM/S, im_floor) + mark/S, MM = mm_base +
mark/S; short put MM = max(mm_base, mm_base mark/S) + mark/S, IM = max(..., MM); times S per
contract. Long positions need nothing.)doc");
    const option_rule od{};
    rule.def(py::init([](double a, double b, double c) {
                 return option_rule{a, b, c};
             }),
             py::arg("im_base") = od.im_base, py::arg("im_floor") = od.im_floor,
             py::arg("mm_base") = od.mm_base)
        .def_readwrite("im_base", &option_rule::im_base)
        .def_readwrite("im_floor", &option_rule::im_floor)
        .def_readwrite("mm_base", &option_rule::mm_base)
        .def("validate", &option_rule::validate);
    dataclass_like(rule, {"im_base", "im_floor", "mm_base"});
    auto venue = m.def_submodule("venues", "Option-rule presets.");
    venue.attr("deribit") = venues::deribit;
    venue.attr("conservative") = venues::conservative;

    m.def("position_requirement", &position_requirement, py::arg("rule"), py::arg("type"),
          py::arg("quantity"), py::arg("spot"), py::arg("strike"), py::arg("mark"), py::kw_only(),
          py::arg("out") = py::none(), R"doc(
Initial and maintenance requirement of each option position under `rule` (the bulk
margin::position_requirement, on the CPU's best SIMD target): quantity in contracts (< 0
short; long rows need 0), spot and strike (> 0) and mark (the option's price, >= 0) in the
quote currency. Columns or scalars as in spiral.black_scholes; out: a dict with preallocated
'initial' / 'maintenance' arrays. Returns {'initial': ..., 'maintenance': ...} in the quote
currency. Raises spiral.invalid_argument for an invalid rule or at the first bad row.)doc");
    m.def(
        "short_option_requirement",
        [](const option_rule& r, py::handle type, double spot, double strike, double mark) {
            const auto t = option_types(raw(type, "margin::short_option_requirement", "type"),
                                        "margin::short_option_requirement", 1)
                               .at(0);
            if (t != 0 && t != 1)
                return py::make_tuple(nan, nan);
            const auto req = short_option_requirement(
                r, t == 0 ? option_type::call : option_type::put, spot, strike, mark);
            return py::make_tuple(req.initial, req.maintenance);
        },
        py::arg("rule"), py::arg("type"), py::arg("spot"), py::arg("strike"), py::arg("mark"),
        "(initial, maintenance) of ONE short option per unit (element kernel; NaN in, NaN out).");

    // ---- scenario grids
    py::class_<scenario> sc(m, "scenario", "One stress scenario of a grid.");
    sc.def(py::init([](double move, double dir, double w) {
               return scenario{move, dir, w};
           }),
           py::arg("price_move"), py::arg("vol_direction"), py::arg("weight") = 1.0)
        .def_readwrite("price_move", &scenario::price_move, "relative move: -0.16 = 16% down")
        .def_readwrite("vol_direction", &scenario::vol_direction, "+1 up, 0 unchanged, -1 down")
        .def_readwrite("weight", &scenario::weight, "fraction of the scenario's P&L counted");
    dataclass_like(sc, {"price_move", "vol_direction", "weight"});

    py::class_<vol_shock> vs(m, "vol_shock", R"doc(
The vol shift of a scenario, per option: s = magnitude (pivot_days / days)^power, days =
max(min_days, time days_per_year), power = short_term_power up to pivot_days, long_term_power
beyond; vol' = max(0, vol + direction s (vol if relative else 1)).)doc");
    const vol_shock vd{};
    vs.def(py::init([](double up, double down, bool relative, double sp, double lp, double pivot,
                       double dpy, double min_days) {
               return vol_shock{up, down, relative, sp, lp, pivot, dpy, min_days};
           }),
           py::arg("up") = vd.up, py::arg("down") = vd.down, py::arg("relative") = vd.relative,
           py::arg("short_term_power") = vd.short_term_power,
           py::arg("long_term_power") = vd.long_term_power, py::arg("pivot_days") = vd.pivot_days,
           py::arg("days_per_year") = vd.days_per_year, py::arg("min_days") = vd.min_days)
        .def_readwrite("up", &vol_shock::up)
        .def_readwrite("down", &vol_shock::down)
        .def_readwrite("relative", &vol_shock::relative)
        .def_readwrite("short_term_power", &vol_shock::short_term_power)
        .def_readwrite("long_term_power", &vol_shock::long_term_power)
        .def_readwrite("pivot_days", &vol_shock::pivot_days)
        .def_readwrite("days_per_year", &vol_shock::days_per_year)
        .def_readwrite("min_days", &vol_shock::min_days)
        .def("shocked",
             py::vectorize([](const vol_shock* s, double vol, double time, double direction) {
                 return s->shocked(vol, time, direction);
             }),
             py::arg("vol"), py::arg("time"), py::arg("direction"),
             "The shocked vol for direction +1, 0 or -1 (time in years).")
        .def("validate", &vol_shock::validate);
    dataclass_like(vs, {"up", "down", "relative", "short_term_power", "long_term_power",
                        "pivot_days", "days_per_year", "min_days"});

    py::class_<any_grid> gr(m, "scenario_grid", R"doc(
Scenarios, the vol shock they use and the look-ahead time horizon_years (years that pass
before revaluation). Any number of scenarios up to 64 (span_parameters().grid() has 16,
crypto_pm_parameters().grid() 35).)doc");
    gr.def(py::init([](std::vector<scenario> s, vol_shock shock, double horizon) {
               return any_grid{std::move(s), shock, horizon};
           }),
           py::arg("scenarios"), py::arg("shock") = vol_shock{}, py::arg("horizon_years") = 0.0)
        .def_readwrite("scenarios", &any_grid::scenarios)
        .def_readwrite("shock", &any_grid::shock)
        .def_readwrite("horizon_years", &any_grid::horizon_years)
        .def("size", [](const any_grid& g) { return g.scenarios.size(); })
        .def("__len__", [](const any_grid& g) { return g.scenarios.size(); });
    dataclass_like(gr, {"scenarios", "shock", "horizon_years"});

    py::class_<span_parameters> sp(m, "span_parameters", R"doc(
SPAN risk-array parameters (CME): price_scan_range (the 3/3 move, a fraction of the price),
vol_scan_range (vol points), extreme_multiple, extreme_cover, horizon_days, days_per_year.
grid() gives the 16 scenarios in CME's order.)doc");
    const span_parameters spd{};
    sp.def(py::init([](double p, double v, double em, double ec, double h, double d) {
               return span_parameters{p, v, em, ec, h, d};
           }),
           py::arg("price_scan_range") = spd.price_scan_range,
           py::arg("vol_scan_range") = spd.vol_scan_range,
           py::arg("extreme_multiple") = spd.extreme_multiple,
           py::arg("extreme_cover") = spd.extreme_cover, py::arg("horizon_days") = spd.horizon_days,
           py::arg("days_per_year") = spd.days_per_year)
        .def_readwrite("price_scan_range", &span_parameters::price_scan_range)
        .def_readwrite("vol_scan_range", &span_parameters::vol_scan_range)
        .def_readwrite("extreme_multiple", &span_parameters::extreme_multiple)
        .def_readwrite("extreme_cover", &span_parameters::extreme_cover)
        .def_readwrite("horizon_days", &span_parameters::horizon_days)
        .def_readwrite("days_per_year", &span_parameters::days_per_year)
        .def("validate", &span_parameters::validate)
        .def(
            "grid",
            [](const span_parameters& p) {
                p.validate();
                return grid_of(p.grid());
            },
            "The 16 SPAN scenarios (validates first).");
    dataclass_like(sp, {"price_scan_range", "vol_scan_range", "extreme_multiple", "extreme_cover",
                        "horizon_days", "days_per_year"});

    py::class_<crypto_pm_parameters> cpm(m, "crypto_pm_parameters", R"doc(
Crypto portfolio-margin parameters (Deribit's published model): price_range, vol_range_up,
vol_range_down, short_term_vega_power, long_term_vega_power, extended_moves and
extended_weights (8 each), horizon_days, days_per_year. grid() gives the 35 scenarios.)doc");
    const crypto_pm_parameters cd{};
    cpm.def(py::init([](double pr, double up, double down, double sp_, double lp,
                        std::array<double, 8> moves, std::array<double, 8> weights, double h,
                        double d) {
                return crypto_pm_parameters{pr, up, down, sp_, lp, moves, weights, h, d};
            }),
            py::arg("price_range") = cd.price_range, py::arg("vol_range_up") = cd.vol_range_up,
            py::arg("vol_range_down") = cd.vol_range_down,
            py::arg("short_term_vega_power") = cd.short_term_vega_power,
            py::arg("long_term_vega_power") = cd.long_term_vega_power,
            py::arg("extended_moves") = cd.extended_moves,
            py::arg("extended_weights") = cd.extended_weights,
            py::arg("horizon_days") = cd.horizon_days, py::arg("days_per_year") = cd.days_per_year)
        .def_readwrite("price_range", &crypto_pm_parameters::price_range)
        .def_readwrite("vol_range_up", &crypto_pm_parameters::vol_range_up)
        .def_readwrite("vol_range_down", &crypto_pm_parameters::vol_range_down)
        .def_readwrite("short_term_vega_power", &crypto_pm_parameters::short_term_vega_power)
        .def_readwrite("long_term_vega_power", &crypto_pm_parameters::long_term_vega_power)
        .def_readwrite("extended_moves", &crypto_pm_parameters::extended_moves)
        .def_readwrite("extended_weights", &crypto_pm_parameters::extended_weights)
        .def_readwrite("horizon_days", &crypto_pm_parameters::horizon_days)
        .def_readwrite("days_per_year", &crypto_pm_parameters::days_per_year)
        .def("validate", &crypto_pm_parameters::validate)
        .def(
            "grid",
            [](const crypto_pm_parameters& p) {
                p.validate();
                return grid_of(p.grid());
            },
            "The 35 crypto portfolio-margin scenarios (validates first).");
    dataclass_like(cpm, {"price_range", "vol_range_up", "vol_range_down", "short_term_vega_power",
                         "long_term_vega_power", "extended_moves", "extended_weights",
                         "horizon_days", "days_per_year"});

    py::class_<grid_result> gres(m, "grid_result", "The worst scenario of a grid.");
    gres.def_readonly("margin", &grid_result::margin, "max(0, largest weighted loss), quote")
        .def_readonly("worst", &grid_result::worst, "index of the worst scenario (first if tied)");
    dataclass_like(gres, {"margin", "worst"});

    py::class_<grid_outcome> gout(m, "grid_margin_result",
                                  "grid_margin's answer: margin, worst, and every scenario's "
                                  "unweighted P&L (quote currency).");
    gout.def_property_readonly("margin", [](const grid_outcome& o) { return o.result.margin; })
        .def_property_readonly("worst", [](const grid_outcome& o) { return o.result.worst; })
        .def_readonly("scenario_pnl", &grid_outcome::scenario_pnl);
    dataclass_like(gout, {"margin", "worst", "scenario_pnl"});

    m.def("grid_margin", &grid_margin, py::arg("grid"), py::arg("type"), py::arg("spot"),
          py::arg("strike"), py::arg("time"), py::arg("rate"), py::arg("dividend"), py::arg("vol"),
          py::arg("quantity"), py::kw_only(), py::arg("linear_quantity") = py::none(),
          py::arg("linear_price") = py::none(), R"doc(
Scenario-grid margin of a portfolio by full Black–Scholes revaluation (the bulk
margin::grid_margin over columns): options as columns (type, spot, strike, time, rate,
dividend, vol as in spiral.black_scholes; quantity: contracts, < 0 short) and optionally
linear positions (linear_quantity, linear_price: spot or futures on the underlying). Returns a
grid_margin_result: margin (quote currency), the worst scenario's index and each scenario's
unweighted P&L. Raises spiral.invalid_argument naming the column and row
("margin::grid_margin: options.vol[3] = -1 ...").)doc");
    m.def("risk_array_margin", &risk_array_margin, py::arg("arrays"), py::arg("quantities"),
          "SPAN combination of published 16-scenario risk arrays (contracts x 16, P&L of one long "
          "contract per scenario, weights applied) with quantities (< 0 short): a grid_result.");

    // ---- delta-gamma-vega
    py::class_<delta_gamma_vega> dgv(m, "delta_gamma_vega", R"doc(
Margin of one option position as the worst loss over {-price_move, 0, +price_move} (relative) x
{-vol_move, 0, +vol_move} (vol points), by the Greeks' Taylor expansion and by full
revaluation. Call it with (type, spot, strike, time, rate, dividend, vol, quantity): returns
(taylor, full), losses >= 0 in the quote currency.)doc");
    const delta_gamma_vega dd{};
    dgv.def(py::init([](double p, double v) {
                return delta_gamma_vega{p, v};
            }),
            py::arg("price_move") = dd.price_move, py::arg("vol_move") = dd.vol_move)
        .def_readwrite("price_move", &delta_gamma_vega::price_move)
        .def_readwrite("vol_move", &delta_gamma_vega::vol_move)
        .def("validate", &delta_gamma_vega::validate)
        .def(
            "__call__",
            [](const delta_gamma_vega& d, py::handle type, double spot, double strike, double time,
               double rate, double dividend, double vol, double quantity) {
                const auto t = option_types(raw(type, "margin::delta_gamma_vega", "type"),
                                            "margin::delta_gamma_vega", 1)
                                   .at(0);
                if (t != 0 && t != 1)
                    return py::make_tuple(nan, nan);
                const auto r =
                    d(t == 0 ? option_type::call : option_type::put,
                      bs_input<double>{spot, strike, time, rate, dividend, vol}, quantity);
                return py::make_tuple(r.taylor, r.full);
            },
            py::arg("type"), py::arg("spot"), py::arg("strike"), py::arg("time"), py::arg("rate"),
            py::arg("dividend"), py::arg("vol"), py::arg("quantity"));
    dataclass_like(dgv, {"price_move", "vol_move"});

    // ---- accounts
    const auto account = [](py::handle q, py::handle p, py::handle t, py::handle l,
                            std::vector<double> store[4]) {
        constexpr std::string_view what = "margin::account";
        store[0] = doubles(q, what, "quantity");
        store[1] = doubles(p, what, "price");
        store[2] = doubles(t, what, "liquidation_threshold");
        if (!l.is_none())
            store[3] = doubles(l, what, "loan_to_value");
        return account_columns{store[0], store[1], store[2], store[3]};
    };
    m.def(
        "health_factor",
        [account](py::handle q, py::handle p, py::handle t, double debt, py::handle l) {
            std::vector<double> store[4];
            return health_factor(account(q, p, t, l, store), debt);
        },
        py::arg("quantity"), py::arg("price"), py::arg("liquidation_threshold"), py::arg("debt"),
        py::arg("loan_to_value") = py::none(),
        "sum(quantity price threshold) / debt of a multi-asset account (+inf without debt).");
    m.def(
        "borrowing_power",
        [account](py::handle q, py::handle p, py::handle t, py::handle l, double debt) {
            std::vector<double> store[4];
            return borrowing_power(account(q, p, t, l, store), debt);
        },
        py::arg("quantity"), py::arg("price"), py::arg("liquidation_threshold"),
        py::arg("loan_to_value"), py::arg("debt"),
        "sum(quantity price loan_to_value) - debt: how much more may be borrowed (quote).");
    m.def(
        "liquidation_price",
        [account](py::handle q, py::handle p, py::handle t, double debt, std::size_t asset,
                  py::handle l) {
            std::vector<double> store[4];
            return liquidation_price(account(q, p, t, l, store), debt, asset);
        },
        py::arg("quantity"), py::arg("price"), py::arg("liquidation_threshold"), py::arg("debt"),
        py::arg("asset"), py::arg("loan_to_value") = py::none(),
        "Price of asset `asset` at which the account's health factor is 1, the others held.");

    // ---- size-dependent
    py::class_<sqrt_size> sqs(m, "sqrt_size",
                              "rate(size) = max(base, factor sqrt(|size|)); requirement "
                              "|size| price rate(size).");
    const sqrt_size sqd{};
    sqs.def(py::init([](double b, double f) {
                return sqrt_size{b, f};
            }),
            py::arg("base") = sqd.base, py::arg("factor") = sqd.factor)
        .def_readwrite("base", &sqrt_size::base)
        .def_readwrite("factor", &sqrt_size::factor)
        .def("rate", py::vectorize([](const sqrt_size* s, double size) { return s->rate(size); }),
             py::arg("size"))
        .def("__call__", py::vectorize([](const sqrt_size* s, double size, double price) {
                 return (*s)(size, price);
             }),
             py::arg("size"), py::arg("price"))
        .def("validate", &sqrt_size::validate);
    dataclass_like(sqs, {"base", "factor"});

    py::class_<open_interest_scaled> ois(m, "open_interest_scaled",
                                         "Initial-margin rate linear from base at low_cap to 1 "
                                         "at high_cap of the position's share of open interest.");
    const open_interest_scaled oid{};
    ois.def(py::init([](double b, double lo, double hi) {
                return open_interest_scaled{b, lo, hi};
            }),
            py::arg("base") = oid.base, py::arg("low_cap") = oid.low_cap,
            py::arg("high_cap") = oid.high_cap)
        .def_readwrite("base", &open_interest_scaled::base)
        .def_readwrite("low_cap", &open_interest_scaled::low_cap)
        .def_readwrite("high_cap", &open_interest_scaled::high_cap)
        .def("rate", py::vectorize([](const open_interest_scaled* s, double size, double oi) {
                 return s->rate(size, oi);
             }),
             py::arg("size"), py::arg("open_interest"))
        .def("validate", &open_interest_scaled::validate);
    dataclass_like(ois, {"base", "low_cap", "high_cap"});

    py::class_<bracket> br(m, "bracket", "One tier of a leverage-bracket table.");
    br.def(py::init([](double f, double r, double l) {
               return bracket{f, r, l};
           }),
           py::arg("notional_floor"), py::arg("maintenance_rate"), py::arg("max_leverage"))
        .def_readwrite("notional_floor", &bracket::notional_floor)
        .def_readwrite("maintenance_rate", &bracket::maintenance_rate)
        .def_readwrite("max_leverage", &bracket::max_leverage);
    dataclass_like(br, {"notional_floor", "maintenance_rate", "max_leverage"});

    py::class_<brackets> lb(m, "leverage_brackets", R"doc(
Tiered maintenance rates by notional (Binance / Bybit risk limits): MM(N) = N r_k - A_k in tier
k, continuous at every tier edge. tiers: brackets by ascending notional_floor, the first at 0.)doc");
    lb.def(py::init([](std::vector<bracket> tiers) { return brackets{std::move(tiers)}; }),
           py::arg("tiers"))
        .def_readwrite("tiers", &brackets::tiers)
        .def("validate", [](const brackets& b) { b.view().validate(); })
        .def(
            "tier",
            [](const brackets& b, double n) {
                b.view().validate();
                return b.view().tier(n);
            },
            py::arg("notional"))
        .def(
            "maintenance_amount",
            [](const brackets& b, std::size_t k) {
                b.view().validate();
                return b.view().maintenance_amount(k);
            },
            py::arg("k"))
        .def(
            "maintenance_margin",
            [](const brackets& b, py::handle notional) {
                const auto table = b.view();
                table.validate();
                return elementwise(notional, "margin::leverage_brackets", "notional",
                                   [&](double n) { return table.maintenance_margin(n); });
            },
            py::arg("notional"), "N r_k - A_k (quote); validates the table first.")
        .def(
            "initial_margin",
            [](const brackets& b, py::handle notional) {
                const auto table = b.view();
                table.validate();
                return elementwise(notional, "margin::leverage_brackets", "notional",
                                   [&](double n) { return table.initial_margin(n); });
            },
            py::arg("notional"), "N / max_leverage of the tier (quote); validates first.");
    dataclass_like(lb, {"tiers"});

    // ---- dynamic margin
    py::class_<var_margin> vm(m, "var_margin", R"doc(
VaR margin m = z sigma sqrt(horizon_days), z = Phi^-1(confidence), sigma a daily volatility (a
fraction of the price): the margin as a fraction of the price.)doc");
    const var_margin vmd{};
    vm.def(py::init([](double c, double h) {
               return var_margin{c, h};
           }),
           py::arg("confidence") = vmd.confidence, py::arg("horizon_days") = vmd.horizon_days)
        .def_readwrite("confidence", &var_margin::confidence)
        .def_readwrite("horizon_days", &var_margin::horizon_days, "margin period of risk, days")
        .def("multiplier", &var_margin::multiplier)
        .def("__call__",
             py::vectorize([](const var_margin* v, double sigma) { return (*v)(sigma); }),
             py::arg("sigma"), "The margin for a daily volatility sigma.")
        .def(
            "apply",
            [](const var_margin& v, py::handle variance) {
                const auto x = series(variance, "margin::var_margin::apply", "variance");
                auto out = series_out(x.size());
                v.apply(x, mutable_span_of(out));
                return out;
            },
            py::arg("variance"), "margin[t] = multiplier sqrt(variance[t]) (daily variances).")
        .def("validate", &var_margin::validate);
    dataclass_like(vm, {"confidence", "horizon_days"});

    const auto series_tool = [](auto& cls) {
        using Tool = typename std::decay_t<decltype(cls)>::type;
        cls.def(
            "apply",
            [](const Tool& tool, py::handle base) {
                const auto x = series(base, "margin::apply", "margin");
                auto out = series_out(x.size());
                tool.apply(x, mutable_span_of(out));
                return out;
            },
            py::arg("margin"), "The tool applied to a margin series (one value per day, > 0).");
        cls.def("validate", &Tool::validate);
    };
    py::class_<apc_buffer> apc(m, "apc_buffer", R"doc(
EMIR RTS 153/2013 art. 28(1)(a): a buffer of `buffer` (>= 0) over the margin, released when
margins rise: m_t = clamp(m_{t-1}, base_t, (1 + buffer) base_t).)doc");
    apc.def(py::init([](double b) { return apc_buffer{b}; }),
            py::arg("buffer") = apc_buffer{}.buffer)
        .def_readwrite("buffer", &apc_buffer::buffer);
    series_tool(apc);
    dataclass_like(apc, {"buffer"});

    py::class_<stress_weight> sw(m, "stress_weight", R"doc(
Art. 28(1)(b): m_t = (1 - weight) base_t + weight stressed_t, stressed_t the largest base margin of
the look-back window (the whole history when lookback_days is 0).)doc");
    sw.def(py::init([](double w, std::size_t l) {
               return stress_weight{w, l};
           }),
           py::arg("weight") = stress_weight{}.weight,
           py::arg("lookback_days") = stress_weight{}.lookback_days)
        .def_readwrite("weight", &stress_weight::weight)
        .def_readwrite("lookback_days", &stress_weight::lookback_days);
    series_tool(sw);
    dataclass_like(sw, {"weight", "lookback_days"});

    py::class_<speed_limit> sl(m, "speed_limit",
                               "m_t = min(target_t, (1 + max_daily_increase) m_{t-1}): increases "
                               "spread over several days.");
    sl.def(py::init([](double x) { return speed_limit{x}; }),
           py::arg("max_daily_increase") = speed_limit{}.max_daily_increase)
        .def_readwrite("max_daily_increase", &speed_limit::max_daily_increase);
    series_tool(sl);
    dataclass_like(sl, {"max_daily_increase"});

    py::class_<lookback_floor> lf(m, "lookback_floor", R"doc(
Art. 28(1)(c): m_t = max(base_t, var(sigma_L,t)), sigma_L the equally weighted volatility of the
last min(t, lookback_days) returns. apply(returns, margin): one return fewer than margins.)doc");
    lf.def(py::init([](std::size_t l, var_margin v) {
               return lookback_floor{l, v};
           }),
           py::arg("lookback_days") = lookback_floor{}.lookback_days, py::arg("var") = var_margin{})
        .def_readwrite("lookback_days", &lookback_floor::lookback_days)
        .def_readwrite("var", &lookback_floor::var)
        .def(
            "apply",
            [](const lookback_floor& f, py::handle returns, py::handle base) {
                const auto r = series(returns, "margin::lookback_floor::apply", "returns");
                const auto b = series(base, "margin::lookback_floor::apply", "margin");
                auto out = series_out(b.size());
                f.apply(r, b, mutable_span_of(out));
                return out;
            },
            py::arg("returns"), py::arg("margin"))
        .def("validate", &lookback_floor::validate);
    dataclass_like(lf, {"lookback_days", "var"});

    py::class_<procyclicality> pc(m, "procyclicality", "Procyclicality of a margin series.");
    pc.def_readonly("peak_to_trough", &procyclicality::peak_to_trough, "max m / min m")
        .def_readonly("max_n_day_increase", &procyclicality::max_n_day_increase,
                      "max over t of m_t / m_{t-n} - 1")
        .def_readonly("n_days", &procyclicality::n_days);
    dataclass_like(pc, {"peak_to_trough", "max_n_day_increase", "n_days"});
    m.def(
        "procyclicality_metrics",
        [](py::handle margin, std::size_t n_days) {
            return procyclicality_metrics(
                series(margin, "margin::procyclicality_metrics", "margin"), n_days);
        },
        py::arg("margin"), py::arg("n_days"));

    // ---- volatility estimators
    m.def(
        "log_returns",
        [](py::handle prices) {
            const auto p = series(prices, "margin::log_returns", "prices");
            auto out = series_out(p.empty() ? 0 : p.size() - 1);
            log_returns(p, mutable_span_of(out));
            return out;
        },
        py::arg("prices"), "r_i = ln(prices[i + 1] / prices[i]): one fewer than prices.");

    py::class_<ewma> ew(m, "ewma", R"doc(
EWMA variance (RiskMetrics): v_{t+1} = lambda v_t + (1 - lambda) r_t^2, lambda_ (C++ `lambda`)
in (0, 1), 0.94 for daily data.)doc");
    ew.def(py::init([](double l) { return ewma{l}; }), py::arg("lambda_") = ewma{}.lambda)
        .def_readwrite("lambda_", &ewma::lambda)
        .def("next", &ewma::next, py::arg("variance"), py::arg("r"))
        .def(
            "variance",
            [](const ewma& e, py::handle returns, double initial) {
                const auto r = series(returns, "margin::ewma::variance", "returns");
                auto out = series_out(r.size() + 1);
                e.variance(r, mutable_span_of(out), initial);
                return out;
            },
            py::arg("returns"), py::arg("initial_variance") = nan, R"doc(
Variance forecasts v_0..v_n for n returns (daily variances): v_t forecasts r_t from r_0..r_{t-1}.
initial_variance: v_0 (NaN: the mean of r^2 over the first min(n, 30) returns).)doc")
        .def("validate", &ewma::validate);
    dataclass_like(ew, {"lambda_"});

    py::class_<garch11> ga(m, "garch11", R"doc(
GARCH(1,1): v_{t+1} = omega + alpha r_t^2 + beta v_t (per observation), omega > 0, alpha, beta
>= 0, alpha + beta < 1.)doc");
    ga.def(py::init([](double o, double a, double b) {
               return garch11{o, a, b};
           }),
           py::arg("omega"), py::arg("alpha"), py::arg("beta"))
        .def_readwrite("omega", &garch11::omega)
        .def_readwrite("alpha", &garch11::alpha)
        .def_readwrite("beta", &garch11::beta)
        .def("long_run_variance", &garch11::long_run_variance)
        .def("next", &garch11::next, py::arg("variance"), py::arg("r"))
        .def(
            "variance",
            [](const garch11& g, py::handle returns, double initial) {
                const auto r = series(returns, "margin::garch11::variance", "returns");
                auto out = series_out(r.size() + 1);
                g.variance(r, mutable_span_of(out), initial);
                return out;
            },
            py::arg("returns"), py::arg("initial_variance") = nan,
            "Variance forecasts v_0..v_n (initial_variance NaN: the long-run variance).")
        .def("validate", &garch11::validate);
    dataclass_like(ga, {"omega", "alpha", "beta"});

    m.def(
        "garch_log_likelihood",
        [](const garch11& g, py::handle returns, double initial) {
            return garch_log_likelihood(
                g, series(returns, "margin::garch_log_likelihood", "returns"), initial);
        },
        py::arg("params"), py::arg("returns"), py::arg("initial_variance") = nan,
        "Gaussian log-likelihood -1/2 sum(ln 2 pi + ln v_t + r_t^2 / v_t).");

    py::class_<garch_fit_options> gfo(m, "garch_fit_options", "Settings of fit_garch11.");
    const garch_fit_options gfd{};
    gfo.def(py::init([](double a, double b, std::size_t e, double t) {
                return garch_fit_options{a, b, e, t};
            }),
            py::arg("start_alpha") = gfd.start_alpha, py::arg("start_beta") = gfd.start_beta,
            py::arg("max_evaluations") = gfd.max_evaluations, py::arg("tolerance") = gfd.tolerance)
        .def_readwrite("start_alpha", &garch_fit_options::start_alpha)
        .def_readwrite("start_beta", &garch_fit_options::start_beta)
        .def_readwrite("max_evaluations", &garch_fit_options::max_evaluations)
        .def_readwrite("tolerance", &garch_fit_options::tolerance);
    dataclass_like(gfo, {"start_alpha", "start_beta", "max_evaluations", "tolerance"});

    py::class_<garch_fit_result> gfr(m, "garch_fit_result", "What fit_garch11 found.");
    gfr.def_readonly("params", &garch_fit_result::params)
        .def_readonly("log_likelihood", &garch_fit_result::log_likelihood)
        .def_readonly("target_variance", &garch_fit_result::target_variance,
                      "V = mean of r^2 (also v_0)")
        .def_readonly("evaluations", &garch_fit_result::evaluations)
        .def_readonly("converged", &garch_fit_result::converged);
    dataclass_like(gfr,
                   {"params", "log_likelihood", "target_variance", "evaluations", "converged"});
    m.def(
        "fit_garch11",
        [](py::handle returns, const garch_fit_options& options) {
            const auto r = series(returns, "margin::fit_garch11", "returns");
            py::gil_scoped_release release;
            return fit_garch11(r, options);
        },
        py::arg("returns"), py::arg("options") = garch_fit_options{},
        "Maximum-likelihood GARCH(1,1) with variance targeting (Nelder–Mead); the GIL is "
        "released.");
}

} // namespace spiral::python
