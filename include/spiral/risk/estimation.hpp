// Covariance and correlation estimators over a history of returns: EWMA (RiskMetrics), sample,
// and Ledoit–Wolf shrinkage toward constant correlation or a multiple of the identity.
//
// Returns are given row-major: `returns[t * assets + i]` is asset i's return in period t
// (oldest first). Needs Eigen 3.4.
/// \file
/// \ingroup risk
/// \brief Covariance and correlation estimators: EWMA, sample and Ledoit–Wolf shrinkage.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>
#include <spiral/risk/matrix_check.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <sstream>
#include <string>

namespace spiral::risk {

namespace detail {

/// Checks the shape of a row-major return history and its values (spiral::detail::
/// return_domain: finite, at most 1e100 in size) and maps it as T x n.
inline Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
return_history(std::string_view what, std::span<const double> returns, std::size_t assets,
               std::size_t min_periods) {
    if (assets == 0)
        spiral::detail::throw_invalid(what, "assets", spiral::detail::no_row, assets,
                                      "must be > 0");
    if (returns.size() % assets != 0)
        spiral::detail::throw_invalid(what, "returns.size()", spiral::detail::no_row,
                                      returns.size(),
                                      "must be a multiple of assets = " + std::to_string(assets));
    const std::size_t periods = returns.size() / assets;
    if (periods < min_periods)
        spiral::detail::throw_invalid(what, "periods", spiral::detail::no_row, periods,
                                      "need at least " + std::to_string(min_periods));
    for (std::size_t t = 0; t < periods; ++t)
        for (std::size_t i = 0; i < assets; ++i)
            if (!spiral::detail::return_domain.contains(returns[t * assets + i])) [[unlikely]]
                spiral::detail::throw_outside(spiral::detail::return_domain, what,
                                              entry_name("returns", static_cast<Eigen::Index>(t),
                                                         static_cast<Eigen::Index>(i)),
                                              returns[t * assets + i], spiral::detail::no_row);
    return {returns.data(), static_cast<Eigen::Index>(periods), static_cast<Eigen::Index>(assets)};
}

/// 2^k with 2^k <= max |x| < 2^(k+1) (1 when every x is 0): dividing by it is exact, and
/// brings the largest magnitude into [1, 2), so squares and fourth powers of the scaled
/// values neither overflow nor underflow where the estimators form them.
template <class Derived>
double power_of_two_scale(const Eigen::MatrixBase<Derived>& x) {
    const double largest = x.size() > 0 ? x.cwiseAbs().maxCoeff() : 0.0;
    if (!(largest > 0))
        return 1.0;
    int exponent = 0;
    (void)std::frexp(largest, &exponent); // largest = m 2^exponent, m in [1/2, 1)
    return std::ldexp(1.0, exponent - 1);
}

/// The correlation of a covariance whose variances the caller did not pass: a variance that
/// is not > 0 is named as the returns column it comes from.
inline Eigen::MatrixXd correlation_of_returns(std::string_view what,
                                              const Eigen::Ref<const Eigen::MatrixXd>& cov,
                                              std::string_view why) {
    Eigen::VectorXd scale(cov.rows());
    for (Eigen::Index i = 0; i < cov.rows(); ++i) {
        if (!(cov(i, i) > 0))
            spiral::detail::throw_invalid(what, "variance of returns column",
                                          static_cast<std::size_t>(i), cov(i, i), why);
        scale(i) = 1 / std::sqrt(cov(i, i));
    }
    Eigen::MatrixXd rho = scale.asDiagonal() * cov * scale.asDiagonal();
    rho = 0.5 * (rho + rho.transpose()).eval();
    rho.diagonal().setOnes();
    return rho;
}

/// The returns with each column divided by its power_of_two_scale: the correlation is the
/// same, and a column of returns near 1e-200 keeps a variance that does not underflow.
inline Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> columns_scaled(
    const Eigen::Ref<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>&
        r) {
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> out = r;
    for (Eigen::Index i = 0; i < out.cols(); ++i)
        out.col(i) /= power_of_two_scale(out.col(i));
    return out;
}

} // namespace detail

/// Exponentially weighted moving average of the zero-mean second moments (RiskMetrics):
///   Sigma_t = lambda Sigma_{t-1} + (1 - lambda) r_t r_t^T.
/// One lambda for every entry keeps Sigma positive semidefinite (a positive combination of
/// outer products). RiskMetrics uses 0.94 for daily and 0.97 for monthly data.
struct ewma {
    double lambda = 0.94; ///< Decay per observation, in (0, 1).

    /// Throws spiral::invalid_argument naming the first parameter out of its domain.
    void validate() const {
        if (!(lambda > 0 && lambda < 1))
            spiral::detail::throw_invalid("ewma", "lambda", spiral::detail::no_row, lambda,
                                          "must be in (0, 1)");
    }
};

/// EWMA covariance after the recursion over every period, starting from `initial` (the
/// covariance before the first period; must be symmetric and finite, n x n).
inline Eigen::MatrixXd ewma_covariance(std::span<const double> returns, std::size_t assets,
                                       const ewma& params,
                                       const Eigen::Ref<const Eigen::MatrixXd>& initial) {
    constexpr const char* what = "ewma_covariance";
    params.validate();
    const auto r = detail::return_history(what, returns, assets, 0);
    check_symmetric(what, "initial", initial);
    if (initial.rows() != r.cols())
        spiral::detail::throw_invalid(what, "initial.rows()", spiral::detail::no_row,
                                      initial.rows(),
                                      "must equal assets = " + std::to_string(assets));
    Eigen::MatrixXd sigma = initial;
    for (Eigen::Index t = 0; t < r.rows(); ++t) {
        const Eigen::VectorXd x = r.row(t).transpose();
        sigma = params.lambda * sigma + (1 - params.lambda) * (x * x.transpose());
    }
    return sigma;
}

/// EWMA covariance of a finite window with normalised weights:
///   Sigma = sum_t lambda^(T-1-t) r_t r_t^T * (1 - lambda) / (1 - lambda^T),
/// i.e. the recursion started from zero and divided by the weight it has accumulated (no
/// look-ahead, no seed). Needs at least one period.
inline Eigen::MatrixXd ewma_covariance(std::span<const double> returns, std::size_t assets,
                                       const ewma& params = {}) {
    constexpr const char* what = "ewma_covariance";
    params.validate();
    const auto r = detail::return_history(what, returns, assets, 1);
    const auto n = static_cast<Eigen::Index>(assets);
    Eigen::MatrixXd sigma = Eigen::MatrixXd::Zero(n, n);
    double total = 0;
    for (Eigen::Index t = 0; t < r.rows(); ++t) {
        const Eigen::VectorXd x = r.row(t).transpose();
        sigma = params.lambda * sigma + (1 - params.lambda) * (x * x.transpose());
        total = params.lambda * total + (1 - params.lambda);
    }
    return sigma / total;
}

/// Correlation of a covariance matrix: D^-1/2 Sigma D^-1/2. Throws naming the diagonal entry
/// when a variance is not > 0 (the correlation is undefined there).
inline Eigen::MatrixXd correlation_from_covariance(const Eigen::Ref<const Eigen::MatrixXd>& cov) {
    constexpr const char* what = "correlation_from_covariance";
    check_symmetric(what, "covariance", cov);
    Eigen::VectorXd scale(cov.rows());
    for (Eigen::Index i = 0; i < cov.rows(); ++i) {
        if (!(cov(i, i) > 0))
            spiral::detail::throw_invalid(what, entry_name("covariance", i, i),
                                          spiral::detail::no_row, cov(i, i),
                                          "variance must be > 0");
        scale(i) = 1 / std::sqrt(cov(i, i));
    }
    Eigen::MatrixXd rho = scale.asDiagonal() * cov * scale.asDiagonal();
    rho.diagonal().setOnes();
    return rho;
}

/// EWMA correlation (normalised-weight window form). Each column is scaled by a power of two
/// first (the correlation does not change), so tiny returns keep a variance that does not
/// underflow. Throws naming the column whose returns are all 0.
inline Eigen::MatrixXd ewma_correlation(std::span<const double> returns, std::size_t assets,
                                        const ewma& params = {}) {
    constexpr const char* what = "ewma_correlation";
    params.validate();
    const auto r = detail::columns_scaled(detail::return_history(what, returns, assets, 1));
    const Eigen::MatrixXd sigma = ewma_covariance(
        std::span<const double>(r.data(), static_cast<std::size_t>(r.size())), assets, params);
    return detail::correlation_of_returns(what, sigma, "must be > 0: the returns are all 0");
}

/// Unbiased sample covariance (means removed, divided by T - 1). Needs T >= 2.
inline Eigen::MatrixXd sample_covariance(std::span<const double> returns, std::size_t assets) {
    const auto r = detail::return_history("sample_covariance", returns, assets, 2);
    const Eigen::MatrixXd centred = r.rowwise() - r.colwise().mean();
    Eigen::MatrixXd cov = centred.transpose() * centred / static_cast<double>(r.rows() - 1);
    return 0.5 * (cov + cov.transpose());
}

/// Pearson sample correlation. Each column is scaled by a power of two first (the
/// correlation does not change), so tiny returns keep a variance that does not underflow.
/// Throws naming the column when a series is constant (zero variance).
inline Eigen::MatrixXd sample_correlation(std::span<const double> returns, std::size_t assets) {
    constexpr const char* what = "sample_correlation";
    const auto r = detail::columns_scaled(detail::return_history(what, returns, assets, 2));
    const Eigen::MatrixXd centred = r.rowwise() - r.colwise().mean();
    const Eigen::MatrixXd cov = centred.transpose() * centred;
    return detail::correlation_of_returns(what, cov, "must be > 0: the series is constant");
}

/// A shrunk covariance estimate delta * target + (1 - delta) * sample and the intensity delta.
struct shrinkage_estimate {
    Eigen::MatrixXd covariance; ///< The shrunk covariance matrix.
    double intensity = 0;       ///< The shrinkage intensity delta, in [0, 1].
};

/// Ledoit & Wolf (2004, "Honey, I shrunk the sample covariance matrix") shrinkage toward the
/// constant-correlation target F (f_ii = s_ii, f_ij = rbar sqrt(s_ii s_jj), rbar the average
/// sample correlation), with their estimated optimal intensity
///   delta = max(0, min(1, (pi - rho) / (gamma T))).
/// S is the maximum-likelihood sample covariance (divided by T). Needs T >= 2, n >= 2 and no
/// constant series.
inline shrinkage_estimate shrink_to_constant_correlation(std::span<const double> returns,
                                                         std::size_t assets) {
    constexpr const char* what = "shrink_to_constant_correlation";
    const auto r = detail::return_history(what, returns, assets, 2);
    if (assets < 2)
        spiral::detail::throw_invalid(what, "assets", spiral::detail::no_row, assets,
                                      "need at least 2");
    const Eigen::Index n = r.cols();
    const auto periods = static_cast<double>(r.rows());
    // On returns scaled by a power of two (exact), so the fourth moments below cannot
    // overflow or underflow; the intensity does not depend on the scale.
    const double unit = detail::power_of_two_scale(r);
    const Eigen::MatrixXd y = (r / unit).rowwise() - (r / unit).colwise().mean();
    const Eigen::MatrixXd s = y.transpose() * y / periods;
    const Eigen::VectorXd sd = s.diagonal().cwiseSqrt();
    for (Eigen::Index i = 0; i < n; ++i)
        if (!(sd(i) > 0))
            spiral::detail::throw_invalid(what, "variance of returns column",
                                          static_cast<std::size_t>(i), s(i, i),
                                          "must be > 0: the series is constant");
    double rbar = 0;
    for (Eigen::Index j = 0; j < n; ++j)
        for (Eigen::Index i = j + 1; i < n; ++i)
            rbar += s(i, j) / (sd(i) * sd(j));
    rbar *= 2.0 / static_cast<double>(n * (n - 1));
    Eigen::MatrixXd f = rbar * (sd * sd.transpose());
    f.diagonal() = s.diagonal();

    // pi: sum of the asymptotic variances of sqrt(T) s_ij; rho: their covariances with the
    // target's entries; gamma: squared distance of target and sample.
    const Eigen::MatrixXd y2 = y.cwiseProduct(y);
    double pi = 0, rho = 0;
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) {
            const Eigen::ArrayXd prod = (y.col(i).array() * y.col(j).array()) - s(i, j);
            const double pi_ij = prod.square().sum() / periods;
            pi += pi_ij;
            if (i == j) {
                rho += pi_ij;
            } else {
                const double theta_ii = ((y2.col(i).array() - s(i, i)) * prod).sum() / periods;
                const double theta_jj = ((y2.col(j).array() - s(j, j)) * prod).sum() / periods;
                rho += 0.5 * rbar * (sd(j) / sd(i) * theta_ii + sd(i) / sd(j) * theta_jj);
            }
        }
    const double gamma = (f - s).squaredNorm();
    double delta = gamma > 0 ? (pi - rho) / (gamma * periods) : 1.0;
    delta = std::max(0.0, std::min(1.0, delta));
    return {(delta * f + (1 - delta) * s) * (unit * unit), delta};
}

/// Ledoit & Wolf (2004, "A well-conditioned estimator for large-dimensional covariance
/// matrices") shrinkage toward m I, m = tr(S)/n, with intensity b^2 / d^2 where, in the norm
/// ||A||^2 = tr(A A^T)/n: d^2 = ||S - m I||^2, b^2 = min(d^2, T^-2 sum_t ||y_t y_t^T - S||^2).
/// S divided by T. Positive definite whenever some variance is > 0, even for T < n. Apply it
/// to standardised returns to shrink a correlation matrix toward the identity.
inline shrinkage_estimate shrink_to_identity(std::span<const double> returns, std::size_t assets) {
    constexpr const char* what = "shrink_to_identity";
    const auto r = detail::return_history(what, returns, assets, 2);
    const Eigen::Index n = r.cols();
    const auto periods = static_cast<double>(r.rows());
    const auto dim = static_cast<double>(n);
    // Scaled by a power of two as above: ||x x^T - S||^2 is a fourth power of the returns.
    const double unit = detail::power_of_two_scale(r);
    const Eigen::MatrixXd y = (r / unit).rowwise() - (r / unit).colwise().mean();
    const Eigen::MatrixXd s = y.transpose() * y / periods;
    const double m = s.trace() / dim;
    const double d2 = (s - m * Eigen::MatrixXd::Identity(n, n)).squaredNorm() / dim;
    if (!(d2 > 0)) // already a multiple of the identity
        return {s * (unit * unit), 0.0};
    double b2 = 0;
    for (Eigen::Index t = 0; t < y.rows(); ++t) {
        const Eigen::VectorXd x = y.row(t).transpose();
        // ||x x^T - S||_F^2 as a sum of squares: never below 0 (the expanded form
        // |x|^4 - 2 x^T S x + ||S||^2 cancels to -1e-16 where the norm is 0)
        b2 += (x * x.transpose() - s).squaredNorm();
    }
    b2 = std::min(d2, b2 / dim / (periods * periods));
    const double delta = b2 / d2;
    Eigen::MatrixXd out = (1 - delta) * s;
    out.diagonal().array() += delta * m;
    return {out * (unit * unit), delta};
}

/// delta * target + (1 - delta) * sample for a chosen intensity delta in [0, 1].
inline Eigen::MatrixXd shrink(const Eigen::Ref<const Eigen::MatrixXd>& sample,
                              const Eigen::Ref<const Eigen::MatrixXd>& target, double intensity) {
    constexpr const char* what = "shrink";
    check_symmetric(what, "sample", sample);
    check_symmetric(what, "target", target);
    if (target.rows() != sample.rows())
        spiral::detail::throw_invalid(what, "target.rows()", spiral::detail::no_row, target.rows(),
                                      "must equal sample.rows() = " +
                                          std::to_string(sample.rows()));
    if (!(intensity >= 0 && intensity <= 1))
        spiral::detail::throw_invalid(what, "intensity", spiral::detail::no_row, intensity,
                                      "must be in [0, 1]");
    return intensity * target + (1 - intensity) * sample;
}

} // namespace spiral::risk
