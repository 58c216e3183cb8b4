// spiral.risk: covariance and correlation estimators over a return history (a periods x assets
// NumPy array, oldest first), nearest correlation with its convergence report, correlation
// checks and factors, bucketed (SIMM-style) aggregation, collateral pools, risk weights and
// seeded correlated scenarios. Matrices in and out are 2-D NumPy arrays (Eigen underneath);
// long computations release the GIL.
#include "common.hpp"

#include <spiral/risk/aggregation.hpp>
#include <spiral/risk/estimation.hpp>
#include <spiral/risk/factor.hpp>
#include <spiral/risk/matrix_check.hpp>
#include <spiral/risk/nearest_correlation.hpp>
#include <spiral/risk/pool.hpp>
#include <spiral/risk/random.hpp>
#include <spiral/risk/risk_weight.hpp>
#include <spiral/risk/scenarios.hpp>

#include <pybind11/eigen.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace spiral::python {
namespace risk_part {

namespace rk = spiral::risk;

/// A 2-D numeric array as an Eigen matrix (a copy: Eigen is column-major).
Eigen::MatrixXd matrix_of(py::handle value, std::string_view what, std::string_view field) {
    const py::array a = as_array(value, what, field);
    if (a.ndim() != 2)
        fail(what, std::string(field) + ".ndim", a.ndim(), "must be 2 (a matrix)");
    const char kind = a.dtype().kind();
    if (kind != 'f' && kind != 'i' && kind != 'u')
        fail(what, std::string(field) + ".dtype", dtype_name(a), "must be a real number type");
    const auto d = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(a);
    const auto rows = d.shape(0), cols = d.shape(1);
    Eigen::MatrixXd m(rows, cols);
    for (py::ssize_t i = 0; i < rows; ++i)
        for (py::ssize_t j = 0; j < cols; ++j)
            m(i, j) = d.at(i, j);
    return m;
}

/// A return history (periods x assets) as the row-major span the estimators take, read in
/// place when it is a C-contiguous float64 array.
struct history {
    py::array_t<double> data;
    std::size_t assets;
    std::span<const double> span() const { return span_of(data); }
};

history history_of(py::handle value, std::string_view what) {
    const py::array a = as_array(value, what, "returns");
    if (a.ndim() != 2)
        fail(what, "returns.ndim", a.ndim(), "must be 2 (periods x assets)");
    const char kind = a.dtype().kind();
    if (kind != 'f' && kind != 'i' && kind != 'u')
        fail(what, "returns.dtype", dtype_name(a), "must be a real number type");
    auto d = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(a);
    return {d, static_cast<std::size_t>(d.shape(1))};
}

std::optional<std::vector<double>> optional_doubles(py::handle v, std::string_view what,
                                                    std::string_view field) {
    if (v.is_none())
        return std::nullopt;
    return doubles(v, what, field);
}

/// nearest_correlation_options owning its fixed entries (the library's holds a span).
struct nc_options {
    rk::nearest_correlation_options options{};
    std::vector<rk::matrix_entry> fixed;
    rk::nearest_correlation_options view() const {
        rk::nearest_correlation_options o = options;
        o.fixed = fixed;
        return o;
    }
};

/// Factor indices (non-negative, below 2^32) from a Python sequence or array.
std::vector<std::uint32_t> factor_indices(py::handle value, std::string_view what) {
    const raw_column c = raw(value, what, "factor");
    const char kind = c.array.dtype().kind();
    if (c.scalar() || (kind != 'i' && kind != 'u'))
        fail(what, "factor", dtype_name(c.array), "must be a 1-D array of integers");
    const auto a = py::array_t<std::int64_t, py::array::forcecast>::ensure(c.array);
    std::vector<std::uint32_t> out(static_cast<std::size_t>(a.size()));
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::int64_t k = a.at(static_cast<py::ssize_t>(i));
        if (k < 0 || k > 0xffffffffLL)
            spiral::detail::throw_invalid(what, "factor", i, k, "must be in [0, 2^32)");
        out[i] = static_cast<std::uint32_t>(k);
    }
    return out;
}

py::object scenarios(py::handle factor, std::size_t count, py::handle scale,
                     const rk::scenario_spec& spec) {
    constexpr std::string_view what = "correlated_scenarios";
    const Eigen::MatrixXd l = matrix_of(factor, what, "factor");
    const auto s = optional_doubles(scale, what, "scale");
    const auto n = static_cast<std::size_t>(l.rows());
    py::array_t<double> out({static_cast<py::ssize_t>(count), static_cast<py::ssize_t>(n)});
    const std::span<double> o{out.mutable_data(), count * n};
    {
        py::gil_scoped_release release;
        rk::correlated_scenarios(l, s ? std::span<const double>(*s) : std::span<const double>{},
                                 spec, o);
    }
    return out;
}

} // namespace risk_part

void bind_risk(py::module_& m) {
    using namespace risk_part;
    using namespace spiral::risk;

    // ---- estimators
    py::class_<rk::ewma> ew(m, "ewma",
                            "EWMA weights: lambda_ (C++ `lambda`) in (0, 1); "
                            "RiskMetrics 0.94 daily, 0.97 monthly.");
    ew.def(py::init([](double l) { return rk::ewma{l}; }), py::arg("lambda_") = rk::ewma{}.lambda)
        .def_readwrite("lambda_", &rk::ewma::lambda)
        .def("validate", &rk::ewma::validate);
    dataclass_like(ew, {"lambda_"});

    m.def(
        "ewma_covariance",
        [](py::handle returns, const rk::ewma& params, py::handle initial) {
            const history h = history_of(returns, "ewma_covariance");
            if (initial.is_none())
                return ewma_covariance(h.span(), h.assets, params);
            const Eigen::MatrixXd start = matrix_of(initial, "ewma_covariance", "initial");
            return ewma_covariance(h.span(), h.assets, params, start);
        },
        py::arg("returns"), py::arg("params") = rk::ewma{}, py::arg("initial") = py::none(),
        R"doc(
EWMA covariance of a return history (periods x assets, oldest first): with `initial` (the
covariance before the first period) the recursion from it; without, the normalised-weight window
sum_t lambda^(T-1-t) r_t r_t^T (1 - lambda) / (1 - lambda^T). Zero-mean second moments.)doc");
    m.def(
        "ewma_correlation",
        [](py::handle returns, const rk::ewma& params) {
            const history h = history_of(returns, "ewma_covariance");
            return ewma_correlation(h.span(), h.assets, params);
        },
        py::arg("returns"), py::arg("params") = rk::ewma{},
        "EWMA correlation (normalised-weight window).");
    m.def(
        "sample_covariance",
        [](py::handle returns) {
            const history h = history_of(returns, "sample_covariance");
            return sample_covariance(h.span(), h.assets);
        },
        py::arg("returns"), "Unbiased sample covariance (means removed, / (T - 1)); T >= 2.");
    m.def(
        "sample_correlation",
        [](py::handle returns) {
            const history h = history_of(returns, "sample_covariance");
            return sample_correlation(h.span(), h.assets);
        },
        py::arg("returns"), "Pearson sample correlation.");
    m.def(
        "correlation_from_covariance",
        [](py::handle cov) {
            return correlation_from_covariance(
                matrix_of(cov, "correlation_from_covariance", "covariance"));
        },
        py::arg("covariance"), "D^-1/2 Sigma D^-1/2.");

    py::class_<shrinkage_estimate> se(m, "shrinkage_estimate",
                                      "delta target + (1 - delta) sample, and delta.");
    se.def_readonly("covariance", &shrinkage_estimate::covariance)
        .def_readonly("intensity", &shrinkage_estimate::intensity);
    dataclass_like(se, {"covariance", "intensity"});
    m.def(
        "shrink_to_constant_correlation",
        [](py::handle returns) {
            const history h = history_of(returns, "shrink_to_constant_correlation");
            return shrink_to_constant_correlation(h.span(), h.assets);
        },
        py::arg("returns"), "Ledoit–Wolf (2004) shrinkage toward constant correlation.");
    m.def(
        "shrink_to_identity",
        [](py::handle returns) {
            const history h = history_of(returns, "shrink_to_identity");
            return shrink_to_identity(h.span(), h.assets);
        },
        py::arg("returns"), "Ledoit–Wolf (2004) shrinkage toward a multiple of the identity.");
    m.def(
        "shrink",
        [](py::handle sample, py::handle target, double intensity) {
            return shrink(matrix_of(sample, "shrink", "sample"),
                          matrix_of(target, "shrink", "target"), intensity);
        },
        py::arg("sample"), py::arg("target"), py::arg("intensity"),
        "intensity target + (1 - intensity) sample, intensity in [0, 1].");

    // ---- checks, nearest correlation, factors
    m.def(
        "check_correlation",
        [](py::handle rho, double tolerance) {
            check_correlation(matrix_of(rho, "correlation", "rho"), tolerance);
        },
        py::arg("rho"), py::arg("tolerance") = 1e-10,
        "Raises spiral.invalid_argument unless rho is a correlation matrix (naming the entry or "
        "the smallest eigenvalue).");
    m.def(
        "min_eigenvalue",
        [](py::handle a) { return min_eigenvalue(matrix_of(a, "min_eigenvalue", "matrix")); },
        py::arg("matrix"), "Smallest eigenvalue of a symmetric matrix.");
    m.def(
        "weighted_frobenius_distance",
        [](py::handle a, py::handle b, py::handle weights) {
            const auto w = optional_doubles(weights, "weighted_frobenius_distance", "weights");
            return weighted_frobenius_distance(matrix_of(a, "weighted_frobenius_distance", "a"),
                                               matrix_of(b, "weighted_frobenius_distance", "b"),
                                               w ? std::span<const double>(*w)
                                                 : std::span<const double>{});
        },
        py::arg("a"), py::arg("b"), py::arg("weights") = py::none(),
        "||W^1/2 (a - b) W^1/2||_F, W = diag(weights) (None: the identity).");

    py::class_<nc_options> nco(m, "nearest_correlation_options", R"doc(
Stopping rule and constraints of nearest_correlation: tolerance (> 0; Higham's criterion),
max_iterations, min_eigenvalue (in [0, 1): a floor on the result's eigenvalues),
symmetry_tolerance, anderson_depth (0: plain alternating projections; 2-5 accelerate), fixed:
off-diagonal (row, column) entries kept at the input's values.)doc");
    const rk::nearest_correlation_options ncd{};
    nco.def(py::init([](double tol, std::size_t it, double floor, double sym, std::size_t depth,
                        std::vector<std::pair<std::size_t, std::size_t>> fixed) {
                nc_options o;
                o.options.tolerance = tol;
                o.options.max_iterations = it;
                o.options.min_eigenvalue = floor;
                o.options.symmetry_tolerance = sym;
                o.options.anderson_depth = depth;
                for (const auto& [i, j] : fixed)
                    o.fixed.push_back({i, j});
                return o;
            }),
            py::arg("tolerance") = ncd.tolerance, py::arg("max_iterations") = ncd.max_iterations,
            py::arg("min_eigenvalue") = ncd.min_eigenvalue,
            py::arg("symmetry_tolerance") = ncd.symmetry_tolerance,
            py::arg("anderson_depth") = ncd.anderson_depth,
            py::arg("fixed") = std::vector<std::pair<std::size_t, std::size_t>>{})
        .def_property(
            "tolerance", [](const nc_options& o) { return o.options.tolerance; },
            [](nc_options& o, double v) { o.options.tolerance = v; })
        .def_property(
            "max_iterations", [](const nc_options& o) { return o.options.max_iterations; },
            [](nc_options& o, std::size_t v) { o.options.max_iterations = v; })
        .def_property(
            "min_eigenvalue", [](const nc_options& o) { return o.options.min_eigenvalue; },
            [](nc_options& o, double v) { o.options.min_eigenvalue = v; })
        .def_property(
            "symmetry_tolerance", [](const nc_options& o) { return o.options.symmetry_tolerance; },
            [](nc_options& o, double v) { o.options.symmetry_tolerance = v; })
        .def_property(
            "anderson_depth", [](const nc_options& o) { return o.options.anderson_depth; },
            [](nc_options& o, std::size_t v) { o.options.anderson_depth = v; })
        .def_property(
            "fixed",
            [](const nc_options& o) {
                std::vector<std::pair<std::size_t, std::size_t>> out;
                for (const auto& e : o.fixed)
                    out.emplace_back(e.row, e.column);
                return out;
            },
            [](nc_options& o, const std::vector<std::pair<std::size_t, std::size_t>>& v) {
                o.fixed.clear();
                for (const auto& [i, j] : v)
                    o.fixed.push_back({i, j});
            })
        .def("validate", [](const nc_options& o) { o.view().validate(); });
    dataclass_like(nco, {"tolerance", "max_iterations", "min_eigenvalue", "symmetry_tolerance",
                         "anderson_depth", "fixed"});

    py::class_<nearest_correlation_result> ncr(m, "nearest_correlation_result", R"doc(
What nearest_correlation found: matrix (always a valid correlation matrix; when converged is
False the last iterate made valid, not the nearest one), iterations (projection pairs), converged
(the stopping rule was met within max_iterations), step (the last value of the criterion),
distance (weighted Frobenius distance from the symmetrised input).)doc");
    ncr.def_readonly("matrix", &nearest_correlation_result::matrix)
        .def_readonly("iterations", &nearest_correlation_result::iterations)
        .def_readonly("converged", &nearest_correlation_result::converged)
        .def_readonly("step", &nearest_correlation_result::step)
        .def_readonly("distance", &nearest_correlation_result::distance);
    dataclass_like(ncr, {"matrix", "iterations", "converged", "step", "distance"});

    m.def(
        "nearest_correlation",
        [](py::handle a, const nc_options& options, py::handle weights) {
            const Eigen::MatrixXd input = matrix_of(a, "nearest_correlation", "matrix");
            const auto w = optional_doubles(weights, "nearest_correlation", "weights");
            const rk::nearest_correlation_options o = options.view();
            py::gil_scoped_release release;
            return nearest_correlation(input, o,
                                       w ? std::span<const double>(*w) : std::span<const double>{});
        },
        py::arg("matrix"), py::arg("options") = nc_options{}, py::arg("weights") = py::none(),
        R"doc(
The correlation matrix nearest to the symmetric `matrix` in the weighted Frobenius norm
(Higham 2002: alternating projections with Dykstra's correction; options as
nearest_correlation_options; weights: one per row, > 0, None for the plain norm). Returns a
nearest_correlation_result. The GIL is released while it iterates.)doc");
    m.def(
        "cholesky_factor",
        [](py::handle rho, double tolerance) {
            return cholesky_factor(matrix_of(rho, "cholesky_factor", "rho"), tolerance);
        },
        py::arg("rho"), py::arg("tolerance") = 1e-10,
        "Lower-triangular L with L L^T = rho (positive definite correlation matrices).");
    m.def(
        "eigen_factor",
        [](py::handle rho, double tolerance) {
            return eigen_factor(matrix_of(rho, "eigen_factor", "rho"), tolerance);
        },
        py::arg("rho"), py::arg("tolerance") = 1e-10,
        "L = V sqrt(max(Lambda, 0)) with L L^T = rho (also for singular correlation matrices).");

    // ---- aggregation
    m.def(
        "aggregate",
        [](py::handle ws, py::handle rho) {
            return aggregate(doubles(ws, "aggregate", "ws"), matrix_of(rho, "aggregate", "rho"));
        },
        py::arg("ws"), py::arg("rho"), "K = sqrt(ws^T rho ws) of weighted sensitivities.");
    m.def(
        "euler_contributions",
        [](py::handle ws, py::handle rho) {
            const auto x = doubles(ws, "euler_contributions", "ws");
            std::vector<double> c(x.size());
            const double k =
                euler_contributions(x, matrix_of(rho, "euler_contributions", "rho"), c);
            return py::make_tuple(k, to_array(c));
        },
        py::arg("ws"), py::arg("rho"),
        "(K, c): the Euler allocation c_i = ws_i (rho ws)_i / K, summing to K.");

    py::enum_<concentration_scope>(m, "concentration_scope")
        .value("none", concentration_scope::none)
        .value("per_factor", concentration_scope::per_factor)
        .value("per_bucket", concentration_scope::per_bucket);
    py::class_<bucketed_model> bm(m, "bucketed_model", R"doc(
The bucketed (ISDA SIMM delta style) model, per risk factor k and bucket b: bucket (of each
factor), risk_weight (RW_k), within (per bucket: a 1x1 matrix with one correlation for every pair,
or m_b x m_b), across (gamma, B x B), concentration (concentration_scope), threshold (per factor
or per bucket, > 0, inf allowed), residual_bucket (None or a bucket added linearly).)doc");
    bm.def(py::init([](std::vector<std::size_t> bucket, std::vector<double> rw,
                       std::vector<Eigen::MatrixXd> within, Eigen::MatrixXd across,
                       concentration_scope scope, std::vector<double> threshold,
                       std::optional<std::size_t> residual) {
               bucketed_model b;
               b.bucket = std::move(bucket);
               b.risk_weight = std::move(rw);
               b.within = std::move(within);
               b.across = std::move(across);
               b.concentration = scope;
               b.threshold = std::move(threshold);
               b.residual_bucket = residual.value_or(bucketed_model::no_residual);
               return b;
           }),
           py::arg("bucket"), py::arg("risk_weight"), py::arg("within"), py::arg("across"),
           py::arg("concentration") = concentration_scope::none,
           py::arg("threshold") = std::vector<double>{}, py::arg("residual_bucket") = py::none())
        .def_readwrite("bucket", &bucketed_model::bucket)
        .def_readwrite("risk_weight", &bucketed_model::risk_weight)
        .def_readwrite("within", &bucketed_model::within)
        .def_readwrite("across", &bucketed_model::across)
        .def_readwrite("concentration", &bucketed_model::concentration)
        .def_readwrite("threshold", &bucketed_model::threshold)
        .def_property(
            "residual_bucket",
            [](const bucketed_model& b) -> std::optional<std::size_t> {
                if (b.residual_bucket == bucketed_model::no_residual)
                    return std::nullopt;
                return b.residual_bucket;
            },
            [](bucketed_model& b, std::optional<std::size_t> r) {
                b.residual_bucket = r.value_or(bucketed_model::no_residual);
            })
        .def("validate", &bucketed_model::validate);
    dataclass_like(bm, {"bucket", "risk_weight", "within", "across", "concentration", "threshold",
                        "residual_bucket"});

    py::class_<bucketed_result> br(m, "bucketed_result", R"doc(
total (sqrt of the across-bucket sum + residual), residual, and per bucket margin (K_b) and
weighted_sum (sum of WS_k, not clamped); concentration: CR per factor.)doc");
    br.def_readonly("total", &bucketed_result::total)
        .def_readonly("residual", &bucketed_result::residual)
        .def_property_readonly("margin",
                               [](const bucketed_result& r) { return to_array(r.margin); })
        .def_property_readonly("weighted_sum",
                               [](const bucketed_result& r) { return to_array(r.weighted_sum); })
        .def_property_readonly("concentration",
                               [](const bucketed_result& r) { return to_array(r.concentration); });
    dataclass_like(br, {"total", "residual", "margin", "weighted_sum", "concentration"});

    m.def(
        "aggregate_bucketed",
        [](py::handle net, const bucketed_model& model) {
            return aggregate_bucketed(doubles(net, "aggregate_bucketed", "net"), model);
        },
        py::arg("net"), py::arg("model"),
        "The bucketed margin of net sensitivities (one per risk factor).");
    m.def(
        "aggregate_bucketed",
        [](py::handle factor, py::handle sensitivity, const bucketed_model& model) {
            const auto f = factor_indices(factor, "net_sensitivities");
            const auto s = doubles(sensitivity, "net_sensitivities", "sensitivity");
            py::gil_scoped_release release;
            return aggregate_bucketed(f, s, model);
        },
        py::arg("factor"), py::arg("sensitivity"), py::arg("model"),
        "The bucketed margin of individual sensitivities (factor index and amount per row), "
        "netted by factor first.");
    m.def(
        "net_sensitivities",
        [](py::handle factor, py::handle sensitivity, std::size_t factors) {
            const auto f = factor_indices(factor, "net_sensitivities");
            const auto s = doubles(sensitivity, "net_sensitivities", "sensitivity");
            std::vector<double> net(factors, 0.0);
            net_sensitivities(f, s, net);
            return to_array(net);
        },
        py::arg("factor"), py::arg("sensitivity"), py::arg("factor_count"),
        "net[factor[i]] += sensitivity[i] over factor_count factors.");

    // ---- pools and risk weights
    py::class_<stress_horizon> sh(m, "stress_horizon", R"doc(
The stress of a risk weight or pool: the market factor at its `confidence` quantile over
horizon_days (of days_per_year), the asset's own part at idiosyncratic_confidence (1/2: none).)doc");
    const stress_horizon shd{};
    sh.def(py::init([](double c, double ic, double h, double d) {
               return stress_horizon{c, ic, h, d};
           }),
           py::arg("confidence") = shd.confidence,
           py::arg("idiosyncratic_confidence") = shd.idiosyncratic_confidence,
           py::arg("horizon_days") = shd.horizon_days, py::arg("days_per_year") = shd.days_per_year)
        .def_readwrite("confidence", &stress_horizon::confidence)
        .def_readwrite("idiosyncratic_confidence", &stress_horizon::idiosyncratic_confidence)
        .def_readwrite("horizon_days", &stress_horizon::horizon_days)
        .def_readwrite("days_per_year", &stress_horizon::days_per_year)
        .def("time_scale", &stress_horizon::time_scale)
        .def("validate", &stress_horizon::validate);
    dataclass_like(sh, {"confidence", "idiosyncratic_confidence", "horizon_days", "days_per_year"});

    m.def("beta_risk_weight", py::vectorize([](double vol, double rho, const stress_horizon* s) {
              return beta_risk_weight(vol, rho, *s);
          }),
          py::arg("vol"), py::arg("rho"), py::arg("stress"),
          "clamp(z rho vol sqrt(h), 0, 1): the expected fall when the market factor falls.");
    m.def("quantile_risk_weight",
          py::vectorize([](double vol, double rho, const stress_horizon* s) {
              return quantile_risk_weight(vol, rho, *s);
          }),
          py::arg("vol"), py::arg("rho"), py::arg("stress"),
          "The one-factor quantile weight (rho z + sqrt(1 - rho^2) z_idio) vol sqrt(h), clamped.");
    m.def("standalone_risk_weight", py::vectorize([](double vol, const stress_horizon* s) {
              return standalone_risk_weight(vol, *s);
          }),
          py::arg("vol"), py::arg("stress"), "z vol sqrt(h), clamped to [0, 1].");

    py::class_<pool_requirement> pr(m, "pool_requirement", R"doc(
What a pool of collateral must hold back (quote currency): value (sum of values), requirement
(diversified), standalone (sum of stand-alone haircuts), contribution (Euler, per asset).)doc");
    pr.def_readonly("value", &pool_requirement::value)
        .def_readonly("requirement", &pool_requirement::requirement)
        .def_readonly("standalone", &pool_requirement::standalone)
        .def_property_readonly("contribution",
                               [](const pool_requirement& p) { return to_array(p.contribution); })
        .def("haircut", &pool_requirement::haircut)
        .def("standalone_haircut", &pool_requirement::standalone_haircut)
        .def("diversification_benefit", &pool_requirement::diversification_benefit);
    dataclass_like(pr, {"value", "requirement", "standalone", "contribution"});
    m.def(
        "pool_haircut",
        [](py::handle values, py::handle vols, py::handle rho, const stress_horizon& s) {
            return pool_haircut(doubles(values, "pool_haircut", "values"),
                                doubles(vols, "pool_haircut", "vols"),
                                matrix_of(rho, "pool_haircut", "rho"), s);
        },
        py::arg("values"), py::arg("vols"), py::arg("rho"), py::arg("stress") = stress_horizon{},
        "The pool's requirement under a normal model (values in quote currency, vols "
        "annualised, rho their correlation matrix).");

    // ---- scenarios
    py::enum_<copula>(m, "copula")
        .value("gaussian", copula::gaussian)
        .value("student_t", copula::student_t);
    py::class_<scenario_spec> ss(m, "scenario_spec", R"doc(
How scenarios are drawn: kind (copula), degrees_of_freedom (Student-t, an integer >= 3), seed,
first_scenario. Scenario s uses its own generator (seed, first_scenario + s): any range of
scenarios is the same alone or in a larger run.)doc");
    const scenario_spec ssd{};
    ss.def(py::init([](copula k, unsigned nu, std::uint64_t seed, std::uint64_t first) {
               return scenario_spec{k, nu, seed, first};
           }),
           py::arg("kind") = ssd.kind, py::arg("degrees_of_freedom") = ssd.degrees_of_freedom,
           py::arg("seed") = ssd.seed, py::arg("first_scenario") = ssd.first_scenario)
        .def_readwrite("kind", &scenario_spec::kind)
        .def_readwrite("degrees_of_freedom", &scenario_spec::degrees_of_freedom)
        .def_readwrite("seed", &scenario_spec::seed)
        .def_readwrite("first_scenario", &scenario_spec::first_scenario)
        .def("validate", &scenario_spec::validate);
    dataclass_like(ss, {"kind", "degrees_of_freedom", "seed", "first_scenario"});
    m.def("correlated_scenarios", &scenarios, py::arg("factor"), py::arg("scenarios"),
          py::arg("scale") = py::none(), py::arg("spec") = scenario_spec{}, R"doc(
A (scenarios x n) array of correlated log-returns r_i = scale_i x_i, x = L eps (Gaussian) or
sqrt((nu - 2) / W) L eps (Student-t), L the factor (cholesky_factor or eigen_factor of the
correlation), scale: each asset's standard deviation over the horizon (None: 1). Seeded and
reproducible; the GIL is released.)doc");
    m.def("price_drop", py::vectorize([](double r) { return price_drop(r); }), py::arg("r"),
          "1 - e^r limited to [0, 1): the price fall of a log-return (the cascade's shock).");
}

} // namespace spiral::python
