// Square-root factors L with L L^T = rho, for turning independent shocks into correlated ones.
//
// Needs Eigen 3.4.
/// \file
/// \ingroup risk
/// \brief Square-root factors L with L L^T = rho, to correlate shocks (needs Eigen).
#pragma once

#include <spiral/core/error.hpp>
#include <spiral/risk/matrix_check.hpp>

#include <Eigen/Dense>

namespace spiral::risk {

/// Lower-triangular Cholesky factor L of a positive definite correlation matrix (L L^T = rho).
/// Throws spiral::invalid_argument when `rho` is not a correlation matrix (see
/// check_correlation) or is singular to working precision (use eigen_factor, or repair with a
/// positive min_eigenvalue, then).
inline Eigen::MatrixXd cholesky_factor(const Eigen::Ref<const Eigen::MatrixXd>& rho,
                                       double tolerance = 1e-10) {
    check_correlation(rho, tolerance, "cholesky_factor");
    const Eigen::LLT<Eigen::MatrixXd> llt(rho);
    if (llt.info() != Eigen::Success)
        spiral::detail::throw_invalid("cholesky_factor", "rho", spiral::detail::no_row,
                                      min_eigenvalue(rho),
                                      "not positive definite (smallest eigenvalue shown); use "
                                      "eigen_factor or a repair with min_eigenvalue > 0");
    Eigen::MatrixXd l = llt.matrixL();
    return l;
}

/// Symmetric factor L = V sqrt(max(Lambda, 0)) of a positive semidefinite correlation matrix
/// (L L^T = rho up to the clipped rounding-level negative eigenvalues); works for singular
/// matrices, where a Cholesky factor does not exist. Throws as check_correlation does.
inline Eigen::MatrixXd eigen_factor(const Eigen::Ref<const Eigen::MatrixXd>& rho,
                                    double tolerance = 1e-10) {
    check_correlation(rho, tolerance, "eigen_factor");
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(rho);
    const Eigen::VectorXd roots = eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    Eigen::MatrixXd l = eigen.eigenvectors() * roots.asDiagonal();
    return l;
}

} // namespace spiral::risk
