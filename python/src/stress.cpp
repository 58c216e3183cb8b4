// spiral.stress: Monte Carlo stress runs of a book along price paths (stress::run, or
// stress::run_parallel when the module is built with oneTBB). The six single-asset scenario
// generators are held in one variant (any_model), so the engine is instantiated once, for
// any_model and curve_ref. bootstrap and replay view their data through spans in C++: their
// Python objects own a copy (a shared std::vector) that the span points into.
#include "curves.hpp"
#include "path_rules.hpp"

#include <spiral/cascade/path_rules.hpp>
#include <spiral/cascade/prepared_book.hpp>
#include <spiral/cascade/rules.hpp>
#include <spiral/margin/volatility_estimators.hpp>
#include <spiral/stress/bootstrap.hpp>
#include <spiral/stress/engine.hpp>
#include <spiral/stress/garch_paths.hpp>
#include <spiral/stress/gbm.hpp>
#include <spiral/stress/history.hpp>
#include <spiral/stress/liquidity_response.hpp>
#include <spiral/stress/merton.hpp>
#include <spiral/stress/metrics.hpp>
#include <spiral/stress/replay.hpp>
#include <spiral/stress/run_spec.hpp>
#include <spiral/stress/scenario_results.hpp>
#include <spiral/stress/student_t.hpp>
#include <spiral/stress/summary.hpp>
#include <spiral/stress/validate_model.hpp>
#ifndef SPIRAL_PYTHON_PARALLEL // 1 when built with oneTBB (python/CMakeLists.txt)
#define SPIRAL_PYTHON_PARALLEL 0
#endif
#if SPIRAL_PYTHON_PARALLEL
#include <spiral/stress/parallel.hpp>
#endif

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace spiral::python {
namespace stress_part {

namespace st = spiral::stress;
namespace cs = spiral::cascade;

/// stress::bootstrap over returns it owns (shared: copies of the model share the data).
struct owned_bootstrap {
    std::shared_ptr<const std::vector<double>> data;
    st::bootstrap model;

    void generate(splitmix64& g, const st::path_spec& s, double* prices) const noexcept {
        model.generate(g, s, prices);
    }
    void validate() const { model.validate(); }
};

/// stress::replay over prices it owns.
struct owned_replay {
    std::shared_ptr<const std::vector<double>> data;
    st::replay model;

    void generate(splitmix64& g, const st::path_spec& s, double* prices) const noexcept {
        model.generate(g, s, prices);
    }
    void validate() const { model.validate(); }
    void validate(const st::path_spec& s) const { model.validate(s); }
};

/// Every single-asset model a Python value can hold, itself a stress::path_model.
struct any_model {
    std::variant<st::gbm, st::merton, st::student_t, st::garch_paths, owned_bootstrap, owned_replay>
        model;

    void generate(splitmix64& g, const st::path_spec& s, double* prices) const noexcept {
        std::visit([&](const auto& m) { m.generate(g, s, prices); }, model);
    }
    void validate() const {
        std::visit([](const auto& m) { m.validate(); }, model);
    }
    /// The model's checks against the grid, where it has them (replay's window).
    void validate(const st::path_spec& s) const {
        std::visit(
            [&](const auto& m) {
                if constexpr (requires { m.validate(s); })
                    m.validate(s);
            },
            model);
    }
};
static_assert(st::path_model<any_model>);

std::shared_ptr<const std::vector<double>> owned_doubles(py::handle values, std::string_view what,
                                                         std::string_view field) {
    return std::make_shared<const std::vector<double>>(doubles(values, what, field));
}

any_model model_of(py::handle m) {
    if (py::isinstance<st::gbm>(m))
        return {m.cast<st::gbm>()};
    if (py::isinstance<st::merton>(m))
        return {m.cast<st::merton>()};
    if (py::isinstance<st::student_t>(m))
        return {m.cast<st::student_t>()};
    if (py::isinstance<st::garch_paths>(m))
        return {m.cast<st::garch_paths>()};
    if (py::isinstance<owned_bootstrap>(m))
        return {m.cast<owned_bootstrap>()};
    if (py::isinstance<owned_replay>(m))
        return {m.cast<owned_replay>()};
    fail("stress::run", "model", std::string(py::str(py::type::of(m).attr("__name__"))),
         "must be a spiral.stress model (gbm, merton, student_t, garch_paths, bootstrap, "
         "replay)");
}

/// What a run returns: the columns, the scenarios completed, and what summary() needs.
struct run_result {
    st::scenario_results results;
    std::size_t completed = 0;
    std::shared_ptr<const cs::prepared_book> book;
    double spot = 1;
};

/// The oracle sources' prices are one per point of every scenario's path: checked here, naming
/// the argument and the grid (the engine's own check names the cascade's `prices`, which a
/// stress run's caller never passes).
void check_sources(std::string_view what, std::string_view name, const owned_oracle& oracle,
                   const st::path_spec& path) {
    const std::size_t points = path.steps + 1;
    for (std::size_t s = 0; s < oracle.sources.size(); ++s) {
        const auto size = static_cast<std::size_t>(oracle.sources[s].prices.size());
        if (size != 0 && size != points)
            fail(what,
                 "rules." + std::string(name) + ".sources[" + std::to_string(s) + "].prices.size()",
                 size,
                 "must equal spec.path.steps + 1 = " + std::to_string(points) +
                     ": one price per point of every scenario's path");
    }
}

std::shared_ptr<run_result> run(const std::shared_ptr<cs::prepared_book>& book, py::handle model,
                                py::handle curve, py::handle rules, const st::run_spec& spec,
                                unsigned threads) {
    constexpr std::string_view what = "stress::run";
    if (!book)
        fail(what, "book", "None", "must be a spiral.cascade.prepared_book");
    const any_model m = model_of(model);
    const curve_ref c = ref_of(curve, what, "curve");
    const owned_path_rules owned = rules_of(rules, what);
    spec.validate(what); // a valid grid before the sources are checked against it
    check_sources(what, "oracle", owned.oracle, spec.path);
    check_sources(what, "debt_oracle", owned.debt_oracle, spec.path);
    std::vector<cs::oracle_source> oracle_storage, debt_storage; // what r's sources view
    const cs::path_rules r = owned.view(oracle_storage, debt_storage);
    auto out = std::make_shared<run_result>();
    out->book = book;
    out->spot = spec.path.spot;
    {
        py::gil_scoped_release release;
        st::validate_model(m, spec.path);
        out->results = st::scenario_results(spec.scenarios);
        st::run_control control;
        control.threads = threads;
#if SPIRAL_PYTHON_PARALLEL
        out->completed = st::run_parallel(*book, m, c, r, spec, out->results.columns(), control);
#else
        out->completed = st::run(*book, m, c, r, spec, out->results.columns(), control);
#endif
    }
    return out;
}

/// A read-only column of a run_result, kept alive by the result object.
template <std::vector<double> st::scenario_results::*Column>
py::array_t<double> column(py::object self) {
    const auto& r = self.cast<const run_result&>();
    return view_of((r.results.*Column), self);
}

} // namespace stress_part

void bind_stress(py::module_& m) {
    using namespace stress_part;

    // ---- the grid and the run
    py::class_<st::path_spec> ps(m, "path_spec", R"doc(
The grid of every price path, and the stress applied to every model. A path has steps + 1
points: prices[0] = spot, then one price per step of step_days. spot (quote per unit, > 0),
steps (>= 1), step_days (days, > 0), days_per_year (> 0; converts annualised parameters to a
step), vol_multiplier (every model's volatility times this, > 0), jump_multiplier (every jump
intensity times this, >= 0).)doc");
    const st::path_spec psd{};
    ps.def(py::init([](double spot, std::size_t steps, double step_days, double days_per_year,
                       double vol_multiplier, double jump_multiplier) {
               return st::path_spec{spot,          steps,          step_days,
                                    days_per_year, vol_multiplier, jump_multiplier};
           }),
           py::arg("spot") = psd.spot, py::arg("steps") = psd.steps,
           py::arg("step_days") = psd.step_days, py::arg("days_per_year") = psd.days_per_year,
           py::arg("vol_multiplier") = psd.vol_multiplier,
           py::arg("jump_multiplier") = psd.jump_multiplier)
        .def_readwrite("spot", &st::path_spec::spot)
        .def_readwrite("steps", &st::path_spec::steps)
        .def_readwrite("step_days", &st::path_spec::step_days)
        .def_readwrite("days_per_year", &st::path_spec::days_per_year)
        .def_readwrite("vol_multiplier", &st::path_spec::vol_multiplier)
        .def_readwrite("jump_multiplier", &st::path_spec::jump_multiplier)
        .def("step_years", &st::path_spec::step_years, "Length of a step in years.")
        .def(
            "validate", [](const st::path_spec& s) { s.validate(); },
            "Raises spiral.invalid_argument naming the field.");
    dataclass_like(
        ps, {"spot", "steps", "step_days", "days_per_year", "vol_multiplier", "jump_multiplier"});

    py::class_<st::liquidity_response> lr(m, "liquidity_response", R"doc(
Depth that thins as a scenario's realised volatility rises: the curve a scenario sells into has
its depth times clamp((reference_vol / realised_vol)^elasticity, floor, 1), realised_vol
annualised from the path's log-returns. reference_vol (annualised, >= 0; 0 turns it off),
elasticity (>= 0), floor (the least depth multiplier, in (0, 1]).)doc");
    const st::liquidity_response lrd{};
    lr.def(py::init([](double reference_vol, double elasticity, double floor) {
               return st::liquidity_response{reference_vol, elasticity, floor};
           }),
           py::arg("reference_vol") = lrd.reference_vol, py::arg("elasticity") = lrd.elasticity,
           py::arg("floor") = lrd.floor)
        .def_readwrite("reference_vol", &st::liquidity_response::reference_vol)
        .def_readwrite("elasticity", &st::liquidity_response::elasticity)
        .def_readwrite("floor", &st::liquidity_response::floor)
        .def("enabled", &st::liquidity_response::enabled)
        .def(
            "validate", [](const st::liquidity_response& l) { l.validate(); },
            "Raises spiral.invalid_argument naming the field.");
    dataclass_like(lr, {"reference_vol", "elasticity", "floor"});

    py::class_<st::run_spec> rs(m, "run_spec", R"doc(
What a stress run computes: scenarios (N, in [1, 2^31 - 1]) first_scenario, ...,
first_scenario + N - 1 of the stream `seed` (scenario s draws only from its own stream, so a
run split into ranges gives the same numbers), each a path on the grid `path` (path_spec) and a
curve thinned by `liquidity` (liquidity_response).)doc");
    const st::run_spec rsd{};
    rs.def(py::init([](std::size_t scenarios, std::uint64_t seed, std::uint64_t first,
                       const st::path_spec& path, const st::liquidity_response& liquidity) {
               return st::run_spec{scenarios, seed, first, path, liquidity};
           }),
           py::arg("scenarios") = rsd.scenarios, py::arg("seed") = rsd.seed,
           py::arg("first_scenario") = rsd.first_scenario, py::arg("path") = rsd.path,
           py::arg("liquidity") = rsd.liquidity)
        .def_readwrite("scenarios", &st::run_spec::scenarios)
        .def_readwrite("seed", &st::run_spec::seed)
        .def_readwrite("first_scenario", &st::run_spec::first_scenario)
        .def_readwrite("path", &st::run_spec::path)
        .def_readwrite("liquidity", &st::run_spec::liquidity)
        .def(
            "validate", [](const st::run_spec& s) { s.validate(); },
            "Raises spiral.invalid_argument naming the field.");
    dataclass_like(rs, {"scenarios", "seed", "first_scenario", "path", "liquidity"});

    // ---- models
    py::class_<st::gbm> gb(m, "gbm", R"doc(
Geometric Brownian motion, exact log-normal steps: r = (drift - sigma^2 / 2) dt + sigma sqrt(dt)
Z with sigma = vol * path.vol_multiplier, dt = path.step_years(). drift (annualised, continuously
compounded), vol (annualised, >= 0).)doc");
    gb.def(py::init([](double drift, double vol) {
               return st::gbm{drift, vol};
           }),
           py::arg("drift") = 0.0, py::arg("vol") = 0.0)
        .def_readwrite("drift", &st::gbm::drift)
        .def_readwrite("vol", &st::gbm::vol)
        .def("validate", &st::gbm::validate);
    dataclass_like(gb, {"drift", "vol"});

    py::class_<st::merton> me(m, "merton", R"doc(
Merton jump diffusion: GBM (drift, vol annualised) plus Poisson jumps, jump_intensity (expected
jumps per year, >= 0, times path.jump_multiplier) of log size N(jump_mean, jump_vol^2); the drift
is compensated so that E[S_T] = S_0 e^{drift T}.)doc");
    me.def(py::init(
               [](double drift, double vol, double intensity, double jump_mean, double jump_vol) {
                   return st::merton{drift, vol, intensity, jump_mean, jump_vol};
               }),
           py::arg("drift") = 0.0, py::arg("vol") = 0.0, py::arg("jump_intensity") = 0.0,
           py::arg("jump_mean") = 0.0, py::arg("jump_vol") = 0.0)
        .def_readwrite("drift", &st::merton::drift)
        .def_readwrite("vol", &st::merton::vol)
        .def_readwrite("jump_intensity", &st::merton::jump_intensity)
        .def_readwrite("jump_mean", &st::merton::jump_mean)
        .def_readwrite("jump_vol", &st::merton::jump_vol)
        .def(
            "validate", [](const st::merton& model) { model.validate(); },
            "Raises spiral.invalid_argument naming the first bad field.");
    dataclass_like(me, {"drift", "vol", "jump_intensity", "jump_mean", "jump_vol"});

    py::class_<st::student_t> stt(m, "student_t", R"doc(
Log-returns with Student-t innovations scaled to unit variance: drift and vol annualised (vol
>= 0), degrees_of_freedom > 2.)doc");
    stt.def(py::init([](double drift, double vol, double nu) {
                return st::student_t{drift, vol, nu};
            }),
            py::arg("drift") = 0.0, py::arg("vol") = 0.0,
            py::arg("degrees_of_freedom") = st::student_t{}.degrees_of_freedom)
        .def_readwrite("drift", &st::student_t::drift)
        .def_readwrite("vol", &st::student_t::vol)
        .def_readwrite("degrees_of_freedom", &st::student_t::degrees_of_freedom)
        .def("validate", &st::student_t::validate);
    dataclass_like(stt, {"drift", "vol", "degrees_of_freedom"});

    py::enum_<st::innovation>(m, "innovation", "The distribution of garch_paths' innovations.")
        .value("normal", st::innovation::normal)
        .value("student_t", st::innovation::student_t);
    py::enum_<st::garch_start>(m, "garch_start", "Where a fitted garch_paths model starts.")
        .value("long_run", st::garch_start::long_run)
        .value("last_filtered", st::garch_start::last_filtered);
    py::enum_<st::history_kind>(m, "history_kind", "What a history holds.")
        .value("prices", st::history_kind::prices)
        .value("log_returns", st::history_kind::log_returns);

    const double nan = std::numeric_limits<double>::quiet_NaN();
    py::class_<st::garch_paths> gp(m, "garch_paths", R"doc(
GARCH(1,1) return paths with the parameters of spiral.margin.garch11 (omega, alpha, beta **per
observation**: one step is one interval of the history they were fitted on, so path.step_days
and days_per_year are not used): r_t = mean + m sqrt(v_t) z_t, m = path.vol_multiplier.
initial_variance: v_1 (per observation, > 0; NaN: the long-run variance); mean: log-return per
step; innovations (innovation.normal or .student_t with degrees_of_freedom > 2).)doc");
    gp.def(py::init([](const margin::garch11& params, double v1, double mean, st::innovation inn,
                       double nu) {
               return st::garch_paths{params, v1, mean, inn, nu};
           }),
           py::arg("params"), py::arg("initial_variance") = nan, py::arg("mean") = 0.0,
           py::arg("innovations") = st::innovation::normal,
           py::arg("degrees_of_freedom") = st::garch_paths{}.degrees_of_freedom)
        .def_readwrite("params", &st::garch_paths::params)
        .def_readwrite("initial_variance", &st::garch_paths::initial_variance)
        .def_readwrite("mean", &st::garch_paths::mean)
        .def_readwrite("innovations", &st::garch_paths::innovations)
        .def_readwrite("degrees_of_freedom", &st::garch_paths::degrees_of_freedom)
        .def("first_variance", &st::garch_paths::first_variance)
        .def("validate", &st::garch_paths::validate);
    dataclass_like(gp, {"params", "initial_variance", "mean", "innovations", "degrees_of_freedom"});

    py::class_<owned_bootstrap> bs(m, "bootstrap", R"doc(
Block bootstrap of a history's log-returns (one step = one interval of the history): blocks of
block_length returns drawn uniformly; a vol multiplier m replaces each return r by c + m (r - c),
c = mean (NaN: the mean of the returns). The returns are copied in (the object owns them);
`returns` is a read-only view.)doc");
    bs.def(py::init([](py::handle returns, std::size_t block_length, double mean) {
               owned_bootstrap b{owned_doubles(returns, "stress::bootstrap", "returns"), {}};
               b.model =
                   st::bootstrap{.returns = *b.data, .block_length = block_length, .mean = mean};
               return b;
           }),
           py::arg("returns"), py::arg("block_length") = 1, py::arg("mean") = nan)
        .def_property_readonly("returns",
                               [](py::object self) {
                                   return view_of(self.cast<const owned_bootstrap&>().model.returns,
                                                  self);
                               })
        .def_property(
            "block_length", [](const owned_bootstrap& b) { return b.model.block_length; },
            [](owned_bootstrap& b, std::size_t v) { b.model.block_length = v; })
        .def_property(
            "mean", [](const owned_bootstrap& b) { return b.model.mean; },
            [](owned_bootstrap& b, double v) { b.model.mean = v; })
        .def("history_mean", [](const owned_bootstrap& b) { return b.model.history_mean(); })
        .def("validate", [](const owned_bootstrap& b) { b.validate(); });
    dataclass_like(bs, {"block_length", "mean"}); // the data: .returns

    py::class_<owned_replay> rp(m, "replay", R"doc(
A window of a price history replayed from spot: path[k] = spot (prices[s + k] / prices[s])^m,
m = path.vol_multiplier (one step = one interval of the history). s = start, or drawn per
scenario with random_start. The prices are copied in (the object owns them); `prices` is a
read-only view. stress.run checks that path.steps + 1 prices fit in the history.)doc");
    rp.def(py::init([](py::handle prices, std::size_t start, bool random_start) {
               owned_replay r{owned_doubles(prices, "stress::replay", "prices"), {}};
               r.model =
                   st::replay{.prices = *r.data, .start = start, .random_start = random_start};
               return r;
           }),
           py::arg("prices"), py::arg("start") = 0, py::arg("random_start") = false)
        .def_property_readonly("prices",
                               [](py::object self) {
                                   return view_of(self.cast<const owned_replay&>().model.prices,
                                                  self);
                               })
        .def_property(
            "start", [](const owned_replay& r) { return r.model.start; },
            [](owned_replay& r, std::size_t v) { r.model.start = v; })
        .def_property(
            "random_start", [](const owned_replay& r) { return r.model.random_start; },
            [](owned_replay& r, bool v) { r.model.random_start = v; })
        .def("validate", [](const owned_replay& r) { r.validate(); })
        .def(
            "validate_for", [](const owned_replay& r, const st::path_spec& s) { r.validate(s); },
            py::arg("path"), "validate(), and the window of path.steps + 1 prices fits.");
    dataclass_like(rp, {"start", "random_start"}); // the data: .prices

    m.def(
        "history_log_returns",
        [](py::handle prices) {
            return to_array(
                st::history_log_returns(doubles(prices, "stress::history_log_returns", "prices")));
        },
        py::arg("prices"),
        "The log-returns ln(prices[i + 1] / prices[i]) of a price history (a float64 array of "
        "len(prices) - 1). Raises spiral.invalid_argument for fewer than 2 prices or a price "
        "that is not finite and > 0, naming its row.");
    m.def(
        "fit_garch_paths",
        [](py::handle history, st::history_kind kind, st::garch_start start,
           st::innovation innovations, double nu) {
            const std::vector<double> h = doubles(history, "stress::fit_garch_paths", "history");
            st::garch_paths_fit_options o;
            o.kind = kind;
            o.start = start;
            o.innovations = innovations;
            o.degrees_of_freedom = nu;
            py::gil_scoped_release release;
            return st::fit_garch_paths(h, o);
        },
        py::arg("prices"), py::kw_only(), py::arg("kind") = st::history_kind::prices,
        py::arg("start") = st::garch_start::last_filtered,
        py::arg("innovations") = st::innovation::normal,
        py::arg("degrees_of_freedom") = st::garch_paths_fit_options{}.degrees_of_freedom, R"doc(
A garch_paths model fitted to a history (prices, or log-returns with kind=history_kind.log_returns)
by Gaussian quasi-maximum likelihood (margin.fit_garch11); one step of the model is one interval
of the history; mean = 0. start: long_run or last_filtered (the variance forecast after the
history). Raises spiral.invalid_argument (fewer than 10 returns, bad prices, ...).)doc");

    // ---- results
    py::class_<st::estimate> es(m, "estimate", "A Monte Carlo estimate and its standard error.");
    es.def_readonly("value", &st::estimate::value)
        .def_readonly("standard_error", &st::estimate::standard_error);
    dataclass_like(es, {"value", "standard_error"});

    py::class_<st::quantile_estimate> qe(m, "quantile_estimate", R"doc(
An empirical quantile: value = the ceil(level N)-th smallest of N values, with a
distribution-free 95% confidence interval [lower, upper] and standard_error = (upper - lower) /
(2 x 1.959964).)doc");
    qe.def_readonly("level", &st::quantile_estimate::level)
        .def_readonly("value", &st::quantile_estimate::value)
        .def_readonly("lower", &st::quantile_estimate::lower)
        .def_readonly("upper", &st::quantile_estimate::upper)
        .def_readonly("standard_error", &st::quantile_estimate::standard_error);
    dataclass_like(qe, {"level", "value", "lower", "upper", "standard_error"});

    py::class_<st::summary> su(m, "summary", R"doc(
What a stress run found (money in the quote currency): var95/var99 (quantile_estimate of
insolvent_value), es95/es99 (expected shortfall, estimate), lar95/lar99 (of liquidation_volume),
probability_of_bad_debt (share with insolvent_value > 0), means of bad_debt, insolvent_value,
liquidation_volume, liquidations, quantiles of final_price (p01, p05, p50) and of liquidations
(p50, p95, p99), mean borrowing power (total and available) and collateral locked at the end,
and the book before the run: initial_debt, initial_collateral_value, initial_borrowing_power.)doc");
    std::vector<std::string> fields;
#define SPIRAL_SUMMARY_FIELD(name)                                                                 \
    su.def_readonly(#name, &st::summary::name);                                                    \
    fields.emplace_back(#name)
    SPIRAL_SUMMARY_FIELD(scenarios);
    SPIRAL_SUMMARY_FIELD(var95);
    SPIRAL_SUMMARY_FIELD(var99);
    SPIRAL_SUMMARY_FIELD(es95);
    SPIRAL_SUMMARY_FIELD(es99);
    SPIRAL_SUMMARY_FIELD(lar95);
    SPIRAL_SUMMARY_FIELD(lar99);
    SPIRAL_SUMMARY_FIELD(probability_of_bad_debt);
    SPIRAL_SUMMARY_FIELD(mean_bad_debt);
    SPIRAL_SUMMARY_FIELD(mean_insolvent_value);
    SPIRAL_SUMMARY_FIELD(mean_liquidation_volume);
    SPIRAL_SUMMARY_FIELD(mean_liquidations);
    SPIRAL_SUMMARY_FIELD(final_price_p01);
    SPIRAL_SUMMARY_FIELD(final_price_p05);
    SPIRAL_SUMMARY_FIELD(final_price_p50);
    SPIRAL_SUMMARY_FIELD(liquidations_p50);
    SPIRAL_SUMMARY_FIELD(liquidations_p95);
    SPIRAL_SUMMARY_FIELD(liquidations_p99);
    SPIRAL_SUMMARY_FIELD(mean_borrowing_power);
    SPIRAL_SUMMARY_FIELD(mean_borrowing_power_available);
    SPIRAL_SUMMARY_FIELD(mean_collateral_locked);
    SPIRAL_SUMMARY_FIELD(initial_debt);
    SPIRAL_SUMMARY_FIELD(initial_collateral_value);
    SPIRAL_SUMMARY_FIELD(initial_borrowing_power);
#undef SPIRAL_SUMMARY_FIELD
    dataclass_like(su, fields);

    py::class_<run_result, std::shared_ptr<run_result>> rr(m, "run_result", R"doc(
The per-scenario results of a stress run, one entry per scenario in scenario order, as read-only
float64 NumPy arrays (money in the quote currency, prices quote per unit): bad_debt,
insolvent_value (Gauntlet's net insolvent value at the end), liquidation_volume (quote value at
the oracle price of the collateral seized), liquidations (events), final_exogenous_price (model
price at the end), final_price (market price after impact), min_price, borrowing_power,
debt_outstanding, borrowing_power_available, collateral_locked, depth (the scenario's depth
multiplier). completed: the scenarios run; summary(): their stress.summary.)doc");
    rr.def_readonly("completed", &run_result::completed)
        .def("__len__", [](const run_result& r) { return r.results.size(); })
        .def_property_readonly("bad_debt", &column<&st::scenario_results::bad_debt>)
        .def_property_readonly("insolvent_value", &column<&st::scenario_results::insolvent_value>)
        .def_property_readonly("liquidation_volume",
                               &column<&st::scenario_results::liquidation_volume>)
        .def_property_readonly("liquidations", &column<&st::scenario_results::liquidations>)
        .def_property_readonly("final_exogenous_price",
                               &column<&st::scenario_results::final_exogenous_price>)
        .def_property_readonly("final_price", &column<&st::scenario_results::final_price>)
        .def_property_readonly("min_price", &column<&st::scenario_results::min_price>)
        .def_property_readonly("borrowing_power", &column<&st::scenario_results::borrowing_power>)
        .def_property_readonly("debt_outstanding", &column<&st::scenario_results::debt_outstanding>)
        .def_property_readonly("borrowing_power_available",
                               &column<&st::scenario_results::borrowing_power_available>)
        .def_property_readonly("collateral_locked",
                               &column<&st::scenario_results::collateral_locked>)
        .def_property_readonly("depth", &column<&st::scenario_results::depth>)
        .def(
            "summary",
            [](const run_result& r) {
                return st::summarise(r.results, r.completed, *r.book, r.spot);
            },
            "The stress.summary of the completed scenarios (VaR, ES, LaR, ...).")
        .def(
            "columns",
            [](py::object self) {
                py::dict d;
                for (const char* name : {"bad_debt", "insolvent_value", "liquidation_volume",
                                         "liquidations", "final_exogenous_price", "final_price",
                                         "min_price", "borrowing_power", "debt_outstanding",
                                         "borrowing_power_available", "collateral_locked", "depth"})
                    d[name] = self.attr(name);
                return d;
            },
            "Every column as a dict of NumPy arrays (pandas.DataFrame(result.columns())).");

    m.attr("parallel") = py::bool_(SPIRAL_PYTHON_PARALLEL != 0);
    m.def("run", &run, py::arg("book"), py::arg("model"), py::arg("curve"),
          py::arg("rules") = cs::rules{}, py::kw_only(), py::arg("spec") = st::run_spec{},
          py::arg("threads") = 0u, R"doc(
A stress run: for each of spec.scenarios scenarios, `model` (gbm, merton, student_t,
garch_paths, bootstrap or replay) draws a price path on the grid spec.path from the scenario's
own stream, and the book (a spiral.cascade.prepared_book) is run along it by the cascade path
engine, exactly as spiral.cascade.run would run it along that path (steps of
spec.path.step_days, debt price 1), selling seized collateral into `curve` (any spiral.impact
curve, its depth times the scenario's liquidity response) under `rules`: a
spiral.cascade.path_rules (oracle and debt_oracle feeds, terms, keepers, design with its absorb,
clipper or flipper parameters: all four designs are allowed), or a spiral.cascade.rules that
becomes its liquidation (the rest at their defaults). The same rules hold in every scenario:
an oracle source's prices, when given, must have spec.path.steps + 1 entries (one per point of
every scenario's path; None: the market, the scenario's price for oracle, 1 for debt_oracle),
and liquidation.oracle_delay must be 0 (use oracle.delay_steps). threads: threads of the run
(0: all; oneTBB builds, see stress.parallel, else serial); the results are identical for any
thread count. Returns a run_result. Raises spiral.invalid_argument (a ValueError) naming the field for bad input
(rules of another type, a bad rule, a source of the wrong length). The GIL is released.)doc");
}

} // namespace spiral::python
