// Aggregation of weighted sensitivities: the plain quadratic form sqrt(ws^T rho ws) with its
// Euler allocation, and the bucketed form of the industry's standard initial-margin model
// (ISDA SIMM's delta margin: within-bucket correlation and concentration, across-bucket
// correlation of clamped bucket sums, a residual bucket added linearly).
//
// No parameter tables are shipped: risk weights, correlations and thresholds come from the
// caller (SIMM's are licensed). Needs Eigen 3.4.
/// \file
/// \ingroup risk
/// \brief Aggregation of weighted sensitivities: quadratic form and SIMM-style buckets.
#pragma once

#include <spiral/core/error.hpp>
#include <spiral/risk/matrix_check.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spiral::risk {

namespace detail {

inline void check_vector(std::string_view what, std::string_view field, std::span<const double> v) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (!std::isfinite(v[i]))
            spiral::detail::throw_invalid(what, field, i, v[i], "not finite");
}

inline void check_correlation_entries(std::string_view what, std::string_view name,
                                      const Eigen::Ref<const Eigen::MatrixXd>& m) {
    check_symmetric(what, name, m);
    for (Eigen::Index j = 0; j < m.cols(); ++j)
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            if (std::abs(m(i, j)) > 1.0)
                spiral::detail::throw_invalid(what, entry_name(name, i, j), spiral::detail::no_row,
                                              m(i, j), "outside [-1, 1]");
}

/// ws^T rho ws, no checks.
inline double quadratic_form(std::span<const double> ws,
                             const Eigen::Ref<const Eigen::MatrixXd>& rho) noexcept {
    const Eigen::Map<const Eigen::VectorXd> x(ws.data(), static_cast<Eigen::Index>(ws.size()));
    return x.dot(rho.selfadjointView<Eigen::Lower>() * x);
}

/// The largest |v_i| (0 for an empty or all-zero v): the scale the quadratic forms divide by,
/// so that their squares neither overflow (1e155^2) nor underflow (1e-170^2).
inline double largest_magnitude(std::span<const double> v) noexcept {
    double m = 0;
    for (const double x : v)
        m = std::max(m, std::abs(x));
    return m;
}

inline void check_aggregation_input(std::string_view what, std::span<const double> ws,
                                    const Eigen::Ref<const Eigen::MatrixXd>& rho) {
    check_correlation_entries(what, "rho", rho);
    if (ws.size() != static_cast<std::size_t>(rho.rows()))
        spiral::detail::throw_invalid(what, "ws.size()", spiral::detail::no_row, ws.size(),
                                      "must equal rho's order " + std::to_string(rho.rows()));
    check_vector(what, "ws", ws);
}

} // namespace detail

/// K = sqrt(ws^T rho ws) (0 where rounding or an indefinite rho makes the form negative).
/// A norm of ws when rho is positive semidefinite: homogeneous and subadditive across
/// portfolios. Evaluated as m sqrt(u^T rho u), u = ws / m, m = max |ws_i|, so it is finite
/// (or +inf only when K itself exceeds the largest double) for every finite ws. Throws for
/// size mismatch, non-finite ws, or rho not symmetric with entries in [-1, 1] (positive
/// semidefiniteness is not checked: see check_correlation).
inline double aggregate(std::span<const double> ws, const Eigen::Ref<const Eigen::MatrixXd>& rho) {
    detail::check_aggregation_input("aggregate", ws, rho);
    const double m = detail::largest_magnitude(ws);
    if (!(m > 0))
        return 0.0;
    std::vector<double> u(ws.begin(), ws.end());
    for (double& x : u)
        x /= m;
    return m * std::sqrt(std::max(0.0, detail::quadratic_form(u, rho)));
}

/// Euler allocation of K = sqrt(ws^T rho ws): c_i = ws_i (rho ws)_i / K = ws_i dK/dws_i, so
/// sum_i c_i = K. All zero when K = 0. `out` has ws.size() entries. Returns K.
inline double euler_contributions(std::span<const double> ws,
                                  const Eigen::Ref<const Eigen::MatrixXd>& rho,
                                  std::span<double> out) {
    constexpr const char* what = "euler_contributions";
    detail::check_aggregation_input(what, ws, rho);
    if (out.size() != ws.size())
        spiral::detail::throw_invalid(what, "out.size()", spiral::detail::no_row, out.size(),
                                      "must equal ws.size() = " + std::to_string(ws.size()));
    const auto n = static_cast<Eigen::Index>(ws.size());
    // On u = ws / m as in `aggregate`: c_i = m u_i (rho u)_i / sqrt(u^T rho u).
    const double m = detail::largest_magnitude(ws);
    const double unit = m > 0 ? m : 1.0;
    const Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(ws.data(), n) / unit;
    const Eigen::VectorXd gradient = rho.selfadjointView<Eigen::Lower>() * x;
    const double k = std::sqrt(std::max(0.0, x.dot(gradient)));
    for (Eigen::Index i = 0; i < n; ++i)
        out[static_cast<std::size_t>(i)] = k > 0 ? unit * (x(i) * gradient(i) / k) : 0.0;
    return unit * k;
}

/// Where concentration thresholds apply.
enum class concentration_scope {
    none,       ///< CR = 1 everywhere
    per_factor, ///< CR_k = max(1, sqrt(|s_k| / T_k)), one threshold per risk factor
    per_bucket, ///< CR_b = max(1, sqrt(|sum_{k in b} s_k| / T_b)) for every factor of b; the
                ///< across-bucket terms get g_bc = min(CR_b, CR_c) / max(CR_b, CR_c)
};

/// The bucketed model's parameters, per risk factor k and per bucket b (B = within.size()).
struct bucketed_model {
    /// Bucket of each risk factor (< B).
    std::vector<std::size_t> bucket;
    /// Risk weight RW_k of each risk factor: WS_k = RW_k s_k CR_k.
    std::vector<double> risk_weight;
    /// Correlation between the distinct factors of each bucket: a 1x1 matrix holds one
    /// correlation for every pair of the bucket; an m_b x m_b matrix is indexed by the
    /// factors of b in increasing factor order. Entries in [-1, 1], symmetric.
    std::vector<Eigen::MatrixXd> within;
    /// gamma_bc between buckets, B x B, symmetric, entries in [-1, 1]; its diagonal and the
    /// residual bucket's row and column are not used.
    Eigen::MatrixXd across;
    /// How concentration risk is charged: not at all, per risk factor or per bucket.
    concentration_scope concentration = concentration_scope::none;
    /// Concentration thresholds T (> 0, +inf allowed), one per factor or per bucket as
    /// `concentration` says; empty for concentration_scope::none.
    std::vector<double> threshold;
    /// The bucket whose K is added to the total instead of entering the across-bucket sum
    /// (SIMM's "residual" bucket); no_residual if none.
    std::size_t residual_bucket = no_residual;

    /// `residual_bucket` when there is no residual bucket.
    static constexpr std::size_t no_residual = std::numeric_limits<std::size_t>::max();

    /// The number of risk factors (bucket.size()).
    std::size_t factor_count() const noexcept { return bucket.size(); }
    /// The number of buckets B (within.size()).
    std::size_t bucket_count() const noexcept { return within.size(); }

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        constexpr const char* what = "bucketed_model";
        const std::size_t buckets = within.size();
        if (risk_weight.size() != bucket.size())
            spiral::detail::throw_invalid(
                what, "risk_weight.size()", spiral::detail::no_row, risk_weight.size(),
                "must equal bucket.size() = " + std::to_string(bucket.size()));
        std::vector<Eigen::Index> members(buckets, 0);
        for (std::size_t k = 0; k < bucket.size(); ++k) {
            if (bucket[k] >= buckets)
                spiral::detail::throw_invalid(what, "bucket", k, bucket[k],
                                              "must be < within.size() = " +
                                                  std::to_string(buckets));
            ++members[bucket[k]];
        }
        detail::check_vector(what, "risk_weight", risk_weight);
        for (std::size_t b = 0; b < buckets; ++b) {
            const Eigen::MatrixXd& m = within[b];
            const std::string name = "within[" + std::to_string(b) + "]";
            if (!(m.rows() == 1 && m.cols() == 1) &&
                !(m.rows() == members[b] && m.cols() == members[b]))
                spiral::detail::throw_invalid(
                    what, name + ".rows()", spiral::detail::no_row, m.rows(),
                    "must be 1 or the bucket's factor count " + std::to_string(members[b]));
            detail::check_correlation_entries(what, name, m);
        }
        if (across.rows() != static_cast<Eigen::Index>(buckets) ||
            across.cols() != static_cast<Eigen::Index>(buckets))
            spiral::detail::throw_invalid(
                what, "across.rows()", spiral::detail::no_row, across.rows(),
                "must be B x B, B = within.size() = " + std::to_string(buckets));
        if (buckets > 0)
            detail::check_correlation_entries(what, "across", across);
        if (residual_bucket != no_residual && residual_bucket >= buckets)
            spiral::detail::throw_invalid(what, "residual_bucket", spiral::detail::no_row,
                                          residual_bucket, "must be < within.size()");
        const std::size_t expected = concentration == concentration_scope::none ? 0
                                     : concentration == concentration_scope::per_factor
                                         ? bucket.size()
                                         : buckets;
        if (threshold.size() != expected)
            spiral::detail::throw_invalid(
                what, "threshold.size()", spiral::detail::no_row, threshold.size(),
                "must be " + std::to_string(expected) + " for this concentration scope");
        for (std::size_t i = 0; i < threshold.size(); ++i)
            if (!(threshold[i] > 0)) // +inf allowed: no concentration add-on
                spiral::detail::throw_invalid(what, "threshold", i, threshold[i], "must be > 0");
    }
};

/// Per-bucket figures and the total of aggregate_bucketed.
struct bucketed_result {
    double total = 0;                  ///< sqrt(across-bucket sum) + residual
    double residual = 0;               ///< K of the residual bucket (0 if none)
    std::vector<double> margin;        ///< K_b per bucket
    std::vector<double> weighted_sum;  ///< sum_{k in b} WS_k per bucket (not clamped)
    std::vector<double> concentration; ///< CR per factor (per_bucket: the bucket's CR)
};

/// Nets sensitivities by risk factor: net[factor[i]] += sensitivity[i] (net is not cleared).
/// Throws naming the row for a factor index >= net.size() or a non-finite sensitivity.
inline void net_sensitivities(std::span<const std::uint32_t> factor,
                              std::span<const double> sensitivity, std::span<double> net) {
    constexpr const char* what = "net_sensitivities";
    if (factor.size() != sensitivity.size())
        spiral::detail::throw_invalid(
            what, "sensitivity.size()", spiral::detail::no_row, sensitivity.size(),
            "must equal factor.size() = " + std::to_string(factor.size()));
    const std::size_t factors = net.size();
    if (factors == 0 && !factor.empty())
        spiral::detail::throw_invalid(what, "factor", 0, factor[0], "must be < the factor count 0");
    // Validation flags are accumulated without branches so the pass stays a streaming one;
    // the offending row is searched for only when something failed.
    bool bad = false;
    for (std::size_t i = 0; i < factor.size(); ++i) {
        const std::uint32_t k = factor[i];
        const double s = sensitivity[i];
        const bool ok = k < factors && std::isfinite(s);
        bad |= !ok;
        net[ok ? k : 0] += ok ? s : 0.0;
    }
    if (bad)
        for (std::size_t i = 0; i < factor.size(); ++i) {
            if (factor[i] >= factors)
                spiral::detail::throw_invalid(what, "factor", i, factor[i],
                                              "must be < the factor count " +
                                                  std::to_string(factors));
            if (!std::isfinite(sensitivity[i]))
                spiral::detail::throw_invalid(what, "sensitivity", i, sensitivity[i], "not finite");
        }
}

/// The bucketed delta margin from net sensitivities s_k (one per risk factor):
///
///   WS_k = RW_k s_k CR_k,  CR = max(1, sqrt(|sum s| / T))   (see concentration_scope)
///   K_b  = sqrt(sum_k WS_k^2 + sum_{k != l} rho_kl f_kl WS_k WS_l),
///          f_kl = min(CR_k, CR_l) / max(CR_k, CR_l)
///   S_b  = max(min(sum_{k in b} WS_k, K_b), -K_b)
///   total = sqrt(sum_b K_b^2 + sum_{b != c} gamma_bc g_bc S_b S_c) + K_residual
///
/// with the residual bucket left out of the across-bucket sum, g_bc = 1 unless thresholds are
/// per bucket, and negative sums under a square root (indefinite parameter tables) taken as 0.
/// Validates the model and the net sensitivities (finite, one per factor).
inline bucketed_result aggregate_bucketed(std::span<const double> net,
                                          const bucketed_model& model) {
    constexpr const char* what = "aggregate_bucketed";
    model.validate();
    const std::size_t factors = model.factor_count(), buckets = model.bucket_count();
    if (net.size() != factors)
        spiral::detail::throw_invalid(what, "net.size()", spiral::detail::no_row, net.size(),
                                      "must equal the factor count " + std::to_string(factors));
    detail::check_vector(what, "net", net);

    std::vector<std::vector<std::size_t>> members(buckets);
    for (std::size_t k = 0; k < factors; ++k)
        members[model.bucket[k]].push_back(k);

    bucketed_result out;
    out.concentration.assign(factors, 1.0);
    std::vector<double> bucket_cr(buckets, 1.0);
    if (model.concentration == concentration_scope::per_factor) {
        for (std::size_t k = 0; k < factors; ++k)
            out.concentration[k] = std::max(1.0, std::sqrt(std::abs(net[k]) / model.threshold[k]));
    } else if (model.concentration == concentration_scope::per_bucket) {
        for (std::size_t b = 0; b < buckets; ++b) {
            double sum = 0;
            for (std::size_t k : members[b])
                sum += net[k];
            bucket_cr[b] = std::max(1.0, std::sqrt(std::abs(sum) / model.threshold[b]));
            for (std::size_t k : members[b])
                out.concentration[k] = bucket_cr[b];
        }
    }

    out.margin.assign(buckets, 0.0);
    out.weighted_sum.assign(buckets, 0.0);
    std::vector<double> ws;
    for (std::size_t b = 0; b < buckets; ++b) {
        const auto& idx = members[b];
        ws.resize(idx.size());
        double sum = 0, k2 = 0;
        for (std::size_t i = 0; i < idx.size(); ++i) {
            ws[i] = model.risk_weight[idx[i]] * net[idx[i]] * out.concentration[idx[i]];
            sum += ws[i];
        }
        const Eigen::MatrixXd& rho = model.within[b];
        const bool constant = rho.rows() == 1;
        for (std::size_t i = 0; i < idx.size(); ++i) {
            k2 += ws[i] * ws[i];
            const double cr_i = out.concentration[idx[i]];
            for (std::size_t j = 0; j < i; ++j) { // each unordered pair once, counted twice
                const double cr_j = out.concentration[idx[j]];
                const double r =
                    constant ? rho(0, 0)
                             : rho(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
                const double f = std::min(cr_i, cr_j) / std::max(cr_i, cr_j);
                k2 += 2 * r * f * ws[i] * ws[j];
            }
        }
        out.margin[b] = std::sqrt(std::max(0.0, k2));
        out.weighted_sum[b] = sum;
    }

    double across = 0;
    for (std::size_t b = 0; b < buckets; ++b) {
        if (b == model.residual_bucket)
            continue;
        across += out.margin[b] * out.margin[b];
        const double s_b = std::clamp(out.weighted_sum[b], -out.margin[b], out.margin[b]);
        for (std::size_t c = 0; c < b; ++c) {
            if (c == model.residual_bucket)
                continue;
            const double s_c = std::clamp(out.weighted_sum[c], -out.margin[c], out.margin[c]);
            const double g =
                std::min(bucket_cr[b], bucket_cr[c]) / std::max(bucket_cr[b], bucket_cr[c]);
            across += 2 * model.across(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(c)) *
                      g * s_b * s_c;
        }
    }
    out.residual = model.residual_bucket == bucketed_model::no_residual
                       ? 0.0
                       : out.margin[model.residual_bucket];
    out.total = std::sqrt(std::max(0.0, across)) + out.residual;
    return out;
}

/// The bucketed margin of individual sensitivities (factor index and amount per row): nets
/// them by factor (one streaming pass), then aggregates as above.
inline bucketed_result aggregate_bucketed(std::span<const std::uint32_t> factor,
                                          std::span<const double> sensitivity,
                                          const bucketed_model& model) {
    std::vector<double> net(model.factor_count(), 0.0);
    net_sensitivities(factor, sensitivity, net);
    return aggregate_bucketed(net, model);
}

} // namespace spiral::risk
