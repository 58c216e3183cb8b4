// Fuzz target for risk/: nearest correlation (weights, floor, fixed entries), the estimators
// on return histories, aggregation, factors, pool haircuts and scenario generation. First byte:
// the entry point. Contract: spiral::invalid_argument, or finite results: valid correlation
// matrices (symmetric, unit diagonal, eigenvalues >= the floor up to rounding), symmetric
// covariances with a non-negative diagonal, intensities in [0, 1], K >= 0 with Euler shares
// adding up to it, haircuts in [0, 1].
#include <spiral/risk/risk.hpp>

#include "fuzz_input.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace risk = spiral::risk;

namespace {

constexpr const char* target = "risk";

Eigen::MatrixXd symmetric(fuzz::input& in, Eigen::Index n, double lo, double hi, bool unit) {
    Eigen::MatrixXd m(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j <= i; ++j)
            m(i, j) = m(j, i) = i == j && unit ? 1.0 : in.mostly(lo, hi);
    if (in.byte() == 255 && n > 1) // an asymmetric entry now and then
        m(0, 1) += 0.5;
    return m;
}

void require_correlation(const Eigen::MatrixXd& x, double floor, const std::string& what) {
    const Eigen::Index n = x.rows();
    for (Eigen::Index i = 0; i < n; ++i) {
        fuzz::require(x(i, i) == 1.0, target, what + ": diagonal not 1");
        for (Eigen::Index j = 0; j < i; ++j)
            fuzz::require(x(i, j) == x(j, i) && std::abs(x(i, j)) <= 1 + 1e-12, target,
                          what + ": entry (" + std::to_string(i) + ", " + std::to_string(j) +
                              ") = " + fuzz::text(x(i, j)) + " / " + fuzz::text(x(j, i)) +
                              " not symmetric or outside [-1, 1]");
    }
    const double smallest = risk::min_eigenvalue(x);
    fuzz::require(smallest >= floor - 1e-12, target,
                  what + ": smallest eigenvalue " + fuzz::text(smallest) + " below " +
                      fuzz::text(floor));
}

void nearest(fuzz::input& in) {
    const Eigen::Index n = static_cast<Eigen::Index>(in.count(1, 6));
    const Eigen::MatrixXd a = symmetric(in, n, -2, 2, in.flag());
    risk::nearest_correlation_options o;
    o.min_eigenvalue = in.flag() ? in.mostly(0, 0.5) : 0.0;
    o.max_iterations = in.count(1, 2000);
    o.tolerance = in.mostly(1e-14, 1e-4);
    o.anderson_depth = in.count(0, 5);
    std::vector<risk::matrix_entry> fixed;
    if (in.flag() && n > 2)
        fixed.push_back({in.count(0, static_cast<std::size_t>(n)),
                         in.count(0, static_cast<std::size_t>(n - 1))});
    o.fixed = fixed;
    std::vector<double> w;
    if (in.flag())
        w = in.values(static_cast<std::size_t>(n), 1e-3, 1e3);
    risk::nearest_correlation_result r;
    if (!fuzz::accepted(target, [&] { r = risk::nearest_correlation(a, o, w); }))
        return;
    require_correlation(r.matrix, o.min_eigenvalue, "nearest_correlation");
    fuzz::require(std::isfinite(r.distance) && r.distance >= 0, target, "distance not finite");
}

void estimators(fuzz::input& in) {
    const std::size_t assets = in.count(1, 4);
    const std::size_t periods = in.count(0, 24);
    const double scale = in.flag() ? 1.0 : in.in(1e-200, 1e90);
    std::vector<double> r = in.values(assets * periods, -0.2, 0.2);
    for (double& x : r)
        x *= scale;
    if (in.byte() == 255)
        r.push_back(0.1); // not a multiple of the assets now and then
    const auto check_covariance = [&](const Eigen::MatrixXd& c, const std::string& what) {
        fuzz::require(c.allFinite(), target, what + ": not finite");
        for (Eigen::Index i = 0; i < c.rows(); ++i) {
            fuzz::require(c(i, i) >= 0, target, what + ": negative variance");
            for (Eigen::Index j = 0; j < i; ++j)
                fuzz::require(fuzz::close(c(i, j), c(j, i), 1e-12, 1e-300), target,
                              what + ": not symmetric");
        }
    };
    const double lambda = in.mostly(1e-3, 0.999);
    Eigen::MatrixXd m;
    if (fuzz::accepted(target, [&] { m = risk::ewma_covariance(r, assets, {lambda}); }))
        check_covariance(m, "ewma_covariance");
    if (fuzz::accepted(target, [&] { m = risk::sample_covariance(r, assets); }))
        check_covariance(m, "sample_covariance");
    if (fuzz::accepted(target, [&] { m = risk::sample_correlation(r, assets); }))
        for (Eigen::Index i = 0; i < m.rows(); ++i) {
            fuzz::require(m(i, i) == 1, target, "sample_correlation diagonal");
            for (Eigen::Index j = 0; j < i; ++j)
                fuzz::require(std::abs(m(i, j)) <= 1 + 1e-12 && m(i, j) == m(j, i), target,
                              "sample_correlation entry " + fuzz::text(m(i, j)));
        }
    if (fuzz::accepted(target, [&] { m = risk::ewma_correlation(r, assets, {lambda}); }))
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            for (Eigen::Index j = 0; j < i; ++j)
                fuzz::require(std::abs(m(i, j)) <= 1 + 1e-12, target,
                              "ewma_correlation entry " + fuzz::text(m(i, j)));
    for (const bool identity : {false, true}) {
        risk::shrinkage_estimate e;
        if (fuzz::accepted(target, [&] {
                e = identity ? risk::shrink_to_identity(r, assets)
                             : risk::shrink_to_constant_correlation(r, assets);
            })) {
            check_covariance(e.covariance, identity ? "shrink_to_identity" : "shrink_to_cc");
            fuzz::require(e.intensity >= 0 && e.intensity <= 1, target,
                          "shrinkage intensity " + fuzz::text(e.intensity));
        }
    }
}

void aggregation(fuzz::input& in) {
    const Eigen::Index n = static_cast<Eigen::Index>(in.count(1, 6));
    const Eigen::MatrixXd rho = symmetric(in, n, -1, 1, true);
    const double scale = in.flag() ? 1.0 : in.in(1e-200, 1e200);
    std::vector<double> ws = in.values(static_cast<std::size_t>(n), -1e3, 1e3);
    for (double& x : ws)
        x *= scale;
    double k = 0;
    if (fuzz::accepted(target, [&] { k = risk::aggregate(ws, rho); }))
        fuzz::require(k >= 0 && !std::isnan(k), target, "aggregate " + fuzz::text(k));
    std::vector<double> share(ws.size());
    if (fuzz::accepted(target, [&] { k = risk::euler_contributions(ws, rho, share); }) &&
        std::isfinite(k)) {
        double sum = 0, gross = 0;
        for (const double c : share) {
            sum += c;
            gross += std::abs(c);
        }
        fuzz::require(std::abs(sum - k) <= 1e-9 * (gross + k) + 1e-300, target,
                      "Euler shares add up to " + fuzz::text(sum) + ", not K = " + fuzz::text(k));
    }
}

void bucketed(fuzz::input& in) {
    risk::bucketed_model m;
    const std::size_t buckets = in.count(1, 3), factors = in.count(1, 6);
    for (std::size_t k = 0; k < factors; ++k) {
        m.bucket.push_back(in.count(0, buckets - 1));
        m.risk_weight.push_back(in.mostly(0, 100));
    }
    for (std::size_t b = 0; b < buckets; ++b)
        m.within.push_back(Eigen::MatrixXd::Constant(1, 1, in.mostly(-1, 1)));
    m.across = symmetric(in, static_cast<Eigen::Index>(buckets), -1, 1, true);
    m.concentration = static_cast<risk::concentration_scope>(in.byte() % 3);
    if (m.concentration == risk::concentration_scope::per_factor)
        m.threshold = in.values(factors, 1e-3, 1e9);
    else if (m.concentration == risk::concentration_scope::per_bucket)
        m.threshold = in.values(buckets, 1e-3, 1e9);
    if (in.flag())
        m.residual_bucket = in.count(0, buckets - 1);
    const double scale = in.flag() ? 1.0 : in.in(1e-100, 1e100);
    std::vector<double> net = in.values(factors, -1e6, 1e6);
    for (double& x : net)
        x *= scale;
    risk::bucketed_result r;
    if (!fuzz::accepted(target, [&] { r = risk::aggregate_bucketed(net, m); }))
        return;
    fuzz::require(r.total >= 0 && !std::isnan(r.total), target,
                  "bucketed total " + fuzz::text(r.total));
    for (const double k : r.margin)
        fuzz::require(k >= 0 && !std::isnan(k), target, "bucket margin " + fuzz::text(k));
}

void pool_and_scenarios(fuzz::input& in) {
    const Eigen::Index n = static_cast<Eigen::Index>(in.count(1, 5));
    Eigen::MatrixXd rho = symmetric(in, n, -1, 1, true);
    if (in.flag()) { // a valid one most of the time
        const Eigen::MatrixXd sym = 0.5 * (rho + rho.transpose());
        if (!fuzz::accepted(target, [&] { rho = risk::nearest_correlation(sym).matrix; }))
            return;
    }
    const std::vector<double> values = in.values(static_cast<std::size_t>(n), 0, 1e9);
    const std::vector<double> vols = in.values(static_cast<std::size_t>(n), 0, 5);
    const risk::stress_horizon s{in.mostly(0.5, 0.9999), in.mostly(0.5, 0.99), in.mostly(0, 30),
                                 in.mostly(1, 366)};
    risk::pool_requirement p;
    if (fuzz::accepted(target, [&] { p = risk::pool_haircut(values, vols, rho, s); })) {
        fuzz::require(p.requirement >= 0 && p.requirement <= p.value * (1 + 1e-12) &&
                          std::isfinite(p.requirement),
                      target, "pool requirement outside [0, value]");
        fuzz::require(p.haircut() >= 0 && p.haircut() <= 1 + 1e-12, target, "pool haircut");
    }
    Eigen::MatrixXd factor;
    if (!fuzz::accepted(target, [&] {
            factor = in.flag() ? risk::cholesky_factor(rho) : risk::eigen_factor(rho);
        }))
        return;
    fuzz::require(factor.allFinite(), target, "factor not finite");
    std::vector<double> out(static_cast<std::size_t>(n) * in.count(0, 16));
    risk::scenario_spec spec;
    spec.kind = static_cast<risk::copula>(in.byte() % 3);
    spec.degrees_of_freedom = static_cast<unsigned>(in.bits());
    spec.seed = in.bits();
    const std::vector<double> scale = in.values(static_cast<std::size_t>(n), 0, 1);
    if (fuzz::accepted(target, [&] { risk::correlated_scenarios(factor, scale, spec, out); }))
        for (const double x : out)
            fuzz::require(std::isfinite(x), target, "scenario not finite");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(data, size);
    switch (in.byte() % 5) {
    case 0:
        nearest(in);
        break;
    case 1:
        estimators(in);
        break;
    case 2:
        aggregation(in);
        break;
    case 3:
        bucketed(in);
        break;
    default:
        pool_and_scenarios(in);
        break;
    }
    return 0;
}
