// Checks of the matrices the risk family takes: square, finite, symmetric, correlation.
//
// Every check throws spiral::invalid_argument naming the entry (row, column) or the eigenvalue
// that fails, e.g. "spiral: nearest_correlation: matrix(2, 0) = 0.3 (not symmetric: (0, 2) =
// 0.5)". Needs Eigen 3.4.
/// \file
/// \ingroup risk
/// \brief Checks of the matrices the risk family takes: square, finite, symmetric, correlation.
#pragma once

#include <spiral/core/checks.hpp>
#include <spiral/core/error.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <sstream>
#include <string>
#include <string_view>

namespace spiral::risk {

/// Entry name "name(i, j)" for error messages.
inline std::string entry_name(std::string_view name, Eigen::Index i, Eigen::Index j) {
    std::ostringstream out;
    out << name << '(' << i << ", " << j << ')';
    return out.str();
}

/// The matrix is square, non-empty and every entry finite.
inline void check_square_finite(std::string_view what, std::string_view name,
                                const Eigen::Ref<const Eigen::MatrixXd>& m) {
    if (m.rows() != m.cols() || m.rows() == 0) {
        std::ostringstream shape;
        shape << m.rows() << 'x' << m.cols();
        spiral::detail::throw_invalid(what, std::string(name) + " shape", spiral::detail::no_row,
                                      shape.str(), "must be square and non-empty");
    }
    for (Eigen::Index j = 0; j < m.cols(); ++j)
        for (Eigen::Index i = 0; i < m.rows(); ++i)
            if (!std::isfinite(m(i, j)))
                spiral::detail::throw_invalid(what, entry_name(name, i, j), spiral::detail::no_row,
                                              m(i, j), "not finite");
}

/// Square, finite and symmetric: |m(i, j) - m(j, i)| <= tolerance * max(1, |m(i, j)|).
inline void check_symmetric(std::string_view what, std::string_view name,
                            const Eigen::Ref<const Eigen::MatrixXd>& m, double tolerance = 1e-12) {
    check_square_finite(what, name, m);
    for (Eigen::Index j = 0; j < m.cols(); ++j)
        for (Eigen::Index i = j + 1; i < m.rows(); ++i) {
            const double a = m(i, j), b = m(j, i);
            if (std::abs(a - b) > tolerance * std::max(1.0, std::abs(a))) {
                std::ostringstream why;
                why.precision(17);
                why << "not symmetric: " << entry_name(name, j, i) << " = " << b;
                spiral::detail::throw_invalid(what, entry_name(name, i, j), spiral::detail::no_row,
                                              a, why.str());
            }
        }
}

/// Weights of a weighted norm: one per row, finite and > 0.
inline void check_weights(std::string_view what, std::span<const double> weights, Eigen::Index n) {
    if (weights.size() != static_cast<std::size_t>(n))
        spiral::detail::throw_invalid(what, "weights.size()", spiral::detail::no_row,
                                      weights.size(),
                                      "must equal the matrix order " + std::to_string(n));
    // Up to 1e100, like the entries: the weighted distance multiplies the two (a weight of
    // DBL_MAX made it inf).
    for (std::size_t i = 0; i < weights.size(); ++i)
        spiral::detail::require(spiral::detail::in_left_open(0, 1e100), what, "weights", weights[i],
                                i);
}

/// The matrix is a correlation matrix: square, finite, symmetric, unit diagonal, entries in
/// [-1, 1] and no eigenvalue below -tolerance (all within `tolerance`). Throws naming the entry,
/// or the smallest eigenvalue and its index (ascending order) when the matrix is not positive
/// semidefinite.
inline void check_correlation(const Eigen::Ref<const Eigen::MatrixXd>& rho,
                              double tolerance = 1e-10, std::string_view what = "correlation",
                              std::string_view name = "rho") {
    check_symmetric(what, name, rho, tolerance);
    for (Eigen::Index i = 0; i < rho.rows(); ++i)
        if (std::abs(rho(i, i) - 1.0) > tolerance)
            spiral::detail::throw_invalid(what, entry_name(name, i, i), spiral::detail::no_row,
                                          rho(i, i), "diagonal must be 1");
    for (Eigen::Index j = 0; j < rho.cols(); ++j)
        for (Eigen::Index i = 0; i < rho.rows(); ++i)
            if (std::abs(rho(i, j)) > 1.0 + tolerance)
                spiral::detail::throw_invalid(what, entry_name(name, i, j), spiral::detail::no_row,
                                              rho(i, j), "outside [-1, 1]");
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(rho, Eigen::EigenvaluesOnly);
    if (eigen.info() != Eigen::Success)
        spiral::detail::throw_invalid(what, std::string(name), spiral::detail::no_row, "?",
                                      "eigenvalue decomposition failed");
    const double smallest = eigen.eigenvalues()(0);
    if (smallest < -tolerance)
        spiral::detail::throw_invalid(what, std::string(name) + " eigenvalue", 0, smallest,
                                      "not positive semidefinite: the smallest, eigenvalues "
                                      "indexed in ascending order");
}

/// Smallest eigenvalue of a symmetric matrix (lower triangle read).
inline double min_eigenvalue(const Eigen::Ref<const Eigen::MatrixXd>& m) {
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(m, Eigen::EigenvaluesOnly);
    return eigen.eigenvalues()(0);
}

} // namespace spiral::risk
